"""Downloads of a report's printed forms."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from reports.exports.pdf import pdf_filename
from reports.revisions import printed_pdf
from reports.views import _report


@login_required
def report_pdf_download(request, pk):
    """The official PDF, to whoever may read the preview (404 to anyone else)."""
    report = _report(request, pk)
    response = HttpResponse(printed_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(report)}"'
    # The document changes with every save: a cached copy would be out of date.
    response["Cache-Control"] = "private, no-store"
    return response
