"""Background exports of a round: start one, follow its progress, download its file.

Whoever may run the exporter (documents/registry.py: a round's reviewers)
starts it; the job's page and file are for whoever started it and the
round's reviewers (404 to anyone else, as for missing ids). A file past its
expiry answers 410 with a page that says so and how to make it again.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from documents import jobs, registry
from portal import permissions
from portal.downloads import attachment
from reports.models import ExportJob, ExportStatus


def _job(request, job_pk):
    """The job if the user started it or reviews its round; 404 otherwise."""
    jobs = ExportJob.objects.select_related("round__issuing_unit", "round__template")
    job = jobs.filter(pk=job_pk).first()
    if job is None or not (
        job.requested_by_id == request.user.pk or permissions.can(request.user, "review", job.round)
    ):
        raise Http404("No such export in your scope.")
    return job


def _context(job):
    exporter = registry.get(job.kind)
    return {
        "job": job,
        "verbose_name": exporter.verbose_name if exporter else job.kind,
        "keep_days": settings.EXPORT_FILES_KEEP_DAYS,
    }


@login_required
@require_POST
def export_job_start(request, pk, kind):
    """Start a background export of the round (whoever may run it), then show its page."""
    exporter = registry.get(kind, background=True)
    if exporter is None or exporter.subject is not registry.ROUND:
        raise Http404("No such export.")
    round_ = exporter.subject.get_for_user(request.user, pk)
    job = jobs.start_export(round_, exporter, request.user)
    return redirect("export-job", job.pk)


@login_required
@require_GET
def export_job(request, job_pk):
    return render(request, "reports/export_job.html", _context(_job(request, job_pk)))


@login_required
@require_GET
def export_job_state(request, job_pk):
    """The job's state alone: what the job's page polls while the job runs."""
    response = render(request, "reports/_export_job_state.html", _context(_job(request, job_pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_job_file(request, job_pk):
    job = _job(request, job_pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404("This export has no file (yet).")
    try:
        if job.expired:
            raise FileNotFoundError(job.file.name)
        content = job.file.open("rb")
    except FileNotFoundError:
        # Past its expiry (deleted or about to be by prune_exports), or lost
        # from the storage: gone, not an error of ours nor a missing page.
        return render(request, "reports/export_expired.html", _context(job), status=410)
    return attachment(content, job.filename)
