"""A report's printed form on screen, and the one view of every immediate download.

download() serves every exporter of documents/registry.py that runs inside
the request, in each of its formats: the object if the user may run the
export (404 to anyone else, as for missing ids), the file as an attachment
that no cache keeps (portal/downloads.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from documents import registry
from documents.pdf import TEMPLATE, document_context
from portal.downloads import attachment
from reports.views import readable_report


@login_required
def report_preview(request, pk):
    # The PDF is laid out from the same template and context: the preview shows
    # what will be printed.
    report = readable_report(request, pk)
    return render(request, TEMPLATE, document_context(report, screen=True))


@login_required
@require_GET
def download(request, identifier, pk, fmt):
    exporter = registry.get(identifier, fmt, background=False)
    if exporter is None:
        raise Http404("No such export.")
    obj = exporter.subject.get_for_user(request.user, pk)
    filename, content = exporter.export(obj, fmt, exporter.options(request.GET))
    return attachment(content, filename, exporter.mime_type(fmt))
