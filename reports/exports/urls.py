"""URLs of reports/exports, included under /reports/ by reports/urls.py."""

from django.urls import path

from reports.exports.views import report_pdf_download
from reports.exports.xlsx_views import report_xlsx, round_completeness_xlsx, round_rollup_xlsx

urlpatterns = [
    path("<int:pk>/pdf/", report_pdf_download, name="report-pdf"),
    path("<int:pk>/xlsx/", report_xlsx, name="report-xlsx"),
    path("rounds/<int:pk>/rollup.xlsx", round_rollup_xlsx, name="round-rollup-xlsx"),
    path(
        "rounds/<int:pk>/completeness.xlsx",
        round_completeness_xlsx,
        name="round-completeness-xlsx",
    ),
]
