"""URLs of the documents layer, included under /reports/ by portal/urls.py.

Every immediate download goes to the one view, documents.views.download:
under its generic address, /reports/exports/<identifier>/<pk>.<fmt>, and
under the addresses the pages have always linked to (same view, the export
named in the route)."""

from django.urls import path

from documents.job_views import (
    export_job,
    export_job_file,
    export_job_start,
    export_job_state,
)
from documents.views import download, report_preview


def _download(route, identifier, fmt, name):
    return path(route, download, {"identifier": identifier, "fmt": fmt}, name=name)


urlpatterns = [
    path("<int:pk>/preview/", report_preview, name="report-preview"),
    path("exports/<slug:identifier>/<int:pk>.<slug:fmt>", download, name="export-download"),
    _download("<int:pk>/pdf/", "report", "pdf", "report-pdf"),
    _download("<int:pk>/xlsx/", "report", "xlsx", "report-xlsx"),
    _download("rounds/<int:pk>/rollup.xlsx", "round-rollup", "xlsx", "round-rollup-xlsx"),
    _download(
        "rounds/<int:pk>/completeness.xlsx",
        "round-completeness",
        "xlsx",
        "round-completeness-xlsx",
    ),
    # Background exports (documents/jobs.py)
    path(
        "rounds/<int:pk>/exports/<slug:kind>/",
        export_job_start,
        name="round-export-start",
    ),
    path("exports/<int:job_pk>/", export_job, name="export-job"),
    path("exports/<int:job_pk>/state/", export_job_state, name="export-job-state"),
    path("exports/<int:job_pk>/file", export_job_file, name="export-job-file"),
]

# The award list of an emulation movement (the "award-list" export), included by
# portal/urls.py under /indicators/movements/, beside the movement's pages.
award_list_urlpatterns = [
    _download("<int:pk>/awards.pdf", "award-list", "pdf", "movement-awards-pdf"),
    _download("<int:pk>/awards.xlsx", "award-list", "xlsx", "movement-awards-xlsx"),
]
