"""Exports too long for a request, run as background tasks (django-tasks).

start_export() records an ExportJob and enqueues run_export() on the TASKS
backend: the immediate one (tests, the demo) runs it before returning; the
database one (django-tasks-db, production) leaves it to `manage.py db_worker`.
The one task runs every background exporter of documents/registry.py: it
counts its progress in job.done / job.total, stores the file through Django's
storage, and ends the job "done" or "failed" with a message: a failure is
shown on the job's page, never as a server error. A job and its file are
kept until job.expires_at (EXPORT_FILES_KEEP_DAYS), then prune() deletes them.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from documents import registry
from reports.models import ExportJob, ExportStatus, export_expiry

logger = logging.getLogger(__name__)


def _progress(job_pk):
    def progress(done, total):
        ExportJob.objects.filter(pk=job_pk).update(done=done, total=total)

    return progress


@task()
def run_export(job_pk: int) -> int:
    """Make the job's file; returns its size in bytes. A failure marks the job
    failed with the error's message, then is raised again for the task's result."""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_pk)
    ExportJob.objects.filter(pk=job_pk).update(status=ExportStatus.RUNNING)
    try:
        exporter = registry.get(job.kind, background=True)
        if exporter is None:
            raise LookupError(f"No background export {job.kind!r} is registered.")
        # Checked again here, as the worker runs it: the requester may have
        # lost the right since they pressed the button.
        obj = exporter.subject.get_for_user(job.requested_by, job.round_id)
        filename, content = exporter.export(
            obj, exporter.formats[0], exporter.options({}), _progress(job_pk)
        )
        job.file.save(filename, ContentFile(content), save=False)
    except Exception as e:
        logger.exception("export job %s (%s) failed", job_pk, job.kind)
        ExportJob.objects.filter(pk=job_pk).update(
            status=ExportStatus.FAILED,
            error=f"{type(e).__name__}: {e}"[:2000],
            finished_at=timezone.now(),
            expires_at=export_expiry(),
        )
        raise
    ExportJob.objects.filter(pk=job_pk).update(
        status=ExportStatus.DONE,
        file=job.file.name,
        filename=filename,
        finished_at=timezone.now(),
        expires_at=export_expiry(),
    )
    return len(content)


def start_export(round_, exporter, user):
    """Record a job for the background `exporter` of the round and enqueue its
    task; the job, as it stands once enqueued (already finished with the
    immediate backend)."""
    job = ExportJob.objects.create(round=round_, kind=exporter.identifier, requested_by=user)

    def enqueue():
        result = run_export.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    # After the commit: a worker must find the job's row when it takes the task.
    transaction.on_commit(enqueue, robust=False)
    return job


def prune(now=None):
    """Delete the jobs past their expiry and their files; the number of jobs deleted.

    The file first, then the row: should the storage fail, the row stays and
    the next run tries again, so no file is left behind without its row."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).only("pk", "file"):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
