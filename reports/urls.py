from django.urls import include, path

from reports import views

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round-remind"),
    path("rounds/<int:pk>/synthesis/", views.round_synthesis, name="round-synthesis"),
    path("rounds/<int:pk>/draft-report/", views.round_draft_report, name="round-draft-report"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/sections/<int:section_pk>/", views.section_save, name="section-save"),
    path("<int:pk>/fields/", views.fields_save, name="fields-save"),
    path("<int:pk>/cells/", views.cell_save, name="cell-save"),
    path("<int:pk>/figures/", views.figure_save, name="figure-save"),
    path("<int:pk>/appendix/<str:table>/", views.appendix_add, name="appendix-add"),
    path(
        "<int:pk>/appendix/<str:table>/<int:row_pk>/delete/",
        views.appendix_delete,
        name="appendix-delete",
    ),
    path("<int:pk>/child-round/", views.child_round_open, name="child-round-open"),
    path("<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("<int:pk>/return/", views.report_return, name="report-return"),
    path("<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("<int:pk>/reopen/", views.report_reopen, name="report-reopen"),
    path("<int:pk>/edit-exception/", views.report_edit_exception, name="report-edit-exception"),
    path(
        "<int:pk>/revisions/<int:number>.<str:fmt>",
        views.revision_download,
        name="report-revision",
    ),
    path("<int:pk>/comments/", views.comment_add, name="comment-add"),
    path(
        "<int:pk>/comments/<int:comment_pk>/resolve/", views.comment_resolve, name="comment-resolve"
    ),
    path("", include("reports.imports.urls")),
]
