"""The offline template's download, and its upload: a dry run first, then the
confirmation. Between the two the parsed plan (never the file) waits in the
server-side session, tied to the report and to a fingerprint of its state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.numbers import ParseError
from portal import permissions
from portal.downloads import attachment
from reports.imports import offline, upload
from reports.models import Report
from reports.workflow import WorkflowError, may_edit

REPORTS = Report.objects.select_related("round__template", "unit", "round__issuing_unit")


def _report(request, pk):
    """The report if the user may fill it; 404 alike for missing and not yours."""
    return permissions.get_for_user(request.user, REPORTS, pk, "fill")


def _session_key(report):
    return f"offline-import-{report.pk}"


@login_required
def offline_download(request, pk):
    report = _report(request, pk)
    return attachment(offline.offline_template(report), offline.offline_filename(report))


def _upload_page(request, report, status=200):
    context = {
        "report": report,
        "can_edit": may_edit(request.user, report),
        "limit_mb": upload.MAX_UPLOAD_BYTES // upload.MB,
    }
    return render(request, "reports/import_upload.html", context, status=status)


@login_required
def import_upload(request, pk):
    """GET: the upload form. POST: the dry run of the uploaded workbook."""
    report = _report(request, pk)
    if request.method != "POST":
        return _upload_page(request, report)
    workbook = request.FILES.get("workbook")
    if workbook is None:
        messages.error(request, _("Choose the workbook to upload."))
        return _upload_page(request, report, status=422)
    plan = upload.read_upload(report, workbook, request.user)
    if plan.ok:
        request.session[_session_key(report)] = plan.to_dict()
    else:
        request.session.pop(_session_key(report), None)
    return render(
        request,
        "reports/import_preview.html",
        {"report": report, "plan": plan, "filename": workbook.name},
        status=200 if plan.ok or not plan.errors else 422,
    )


@login_required
@require_POST
def import_confirm(request, pk):
    report = _report(request, pk)
    stored = request.session.pop(_session_key(report), None)
    if stored is None:
        messages.error(
            request,
            _("There is nothing to import: the upload was already imported or has expired."),
        )
        return redirect("report-import", pk=report.pk)
    try:
        count = upload.apply_plan(report, upload.UploadPlan.from_dict(stored), request.user)
    except (WorkflowError, ParseError) as error:
        messages.error(request, error.message)
        return redirect("report-import", pk=report.pk)
    messages.success(request, _("%(count)s values imported from the workbook.") % {"count": count})
    return redirect("report-detail", pk=report.pk)
