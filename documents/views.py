"""A report's printed form: the on-screen preview and the PDF download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from documents.pdf import TEMPLATE, document_context, pdf_filename
from documents.revisions import printed_pdf
from reports.views import readable_report


@login_required
def report_preview(request, pk):
    # The PDF is laid out from the same template and context: the preview shows
    # what will be printed.
    report = readable_report(request, pk)
    return render(request, TEMPLATE, document_context(report, screen=True))


@login_required
def report_pdf_download(request, pk):
    """The official PDF, to whoever may read the preview (404 to anyone else)."""
    report = readable_report(request, pk)
    response = HttpResponse(printed_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(report)}"'
    # The document changes with every save: a cached copy would be out of date.
    response["Cache-Control"] = "private, no-store"
    return response
