"""URLs of reports/imports, included under /reports/ by reports/urls.py."""

from django.urls import path

from reports.imports import views

urlpatterns = [
    path("<int:pk>/offline.xlsx", views.offline_download, name="report-offline"),
    path("<int:pk>/import/", views.import_upload, name="report-import"),
    path("<int:pk>/import/confirm/", views.import_confirm, name="report-import-confirm"),
]
