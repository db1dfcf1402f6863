"""Background exports of a round: start one, follow its progress, download its file.

A round's reviewers start them; the job's page and file are for whoever
started it and the round's reviewers (404 to anyone else, as for missing ids).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from documents import jobs
from portal import permissions
from reports.models import ExportJob, ExportKind, ExportStatus
from reports.views import reviewed_round


def _job(request, job_pk, with_content=False):
    """The job if the user started it or reviews its round; 404 otherwise."""
    queryset = ExportJob.objects.select_related("round__issuing_unit", "round__template")
    if not with_content:
        queryset = queryset.defer("content")
    job = queryset.filter(pk=job_pk).first()
    if job is None or not (
        job.requested_by_id == request.user.pk or permissions.can(request.user, "review", job.round)
    ):
        raise Http404("No such export in your scope.")
    return job


@login_required
@require_POST
def export_job_start(request, pk, kind):
    """Start a background export of the round (its reviewers only), then show its page."""
    round_ = reviewed_round(request, pk)
    if kind not in ExportKind.values:
        raise Http404("No such export.")
    job = jobs.start_export(round_, kind, request.user)
    return redirect("export-job", job.pk)


@login_required
@require_GET
def export_job(request, job_pk):
    return render(request, "reports/export_job.html", {"job": _job(request, job_pk)})


@login_required
@require_GET
def export_job_state(request, job_pk):
    """The job's state alone: what the job's page polls while the job runs."""
    response = render(request, "reports/_export_job_state.html", {"job": _job(request, job_pk)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_job_file(request, job_pk):
    job = _job(request, job_pk, with_content=True)
    if job.status != ExportStatus.DONE:
        raise Http404("This export has no file (yet).")
    response = HttpResponse(bytes(job.content), content_type=jobs.mime_type(job))
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
