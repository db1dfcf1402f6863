"""URLs of the documents layer, included under /reports/ by portal/urls.py."""

from django.urls import path

from documents import award_views
from documents.job_views import (
    export_job,
    export_job_file,
    export_job_start,
    export_job_state,
)
from documents.views import report_pdf_download, report_preview
from documents.xlsx_views import report_xlsx, round_completeness_xlsx, round_rollup_xlsx

urlpatterns = [
    path("<int:pk>/preview/", report_preview, name="report-preview"),
    path("<int:pk>/pdf/", report_pdf_download, name="report-pdf"),
    path("<int:pk>/xlsx/", report_xlsx, name="report-xlsx"),
    path("rounds/<int:pk>/rollup.xlsx", round_rollup_xlsx, name="round-rollup-xlsx"),
    path(
        "rounds/<int:pk>/completeness.xlsx",
        round_completeness_xlsx,
        name="round-completeness-xlsx",
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

# The award list of an emulation movement (documents/award_views.py), included by
# portal/urls.py under /indicators/movements/, beside the movement's pages.
award_list_urlpatterns = [
    path("<int:pk>/awards.pdf", award_views.movement_awards_pdf, name="movement-awards-pdf"),
    path("<int:pk>/awards.xlsx", award_views.movement_awards_xlsx, name="movement-awards-xlsx"),
]
