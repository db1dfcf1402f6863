"""Exports too long for a request, run as background tasks (django-tasks).

start_export() records an ExportJob and enqueues run_export() on the TASKS
backend: the immediate one (tests, the demo) runs it before returning; the
database one (django-tasks-db, production) leaves it to `manage.py db_worker`.
The task counts its progress in job.done / job.total, keeps the file in the
job, and ends it "done" or "failed" with a message: a failure is shown on the
job's page, never as a server error.
"""

import io
import logging
import zipfile

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from documents import excel, rollup_xlsx
from documents.pdf import pdf_filename
from documents.revisions import printed_pdf
from reports.models import ExportJob, ExportKind, ExportStatus, Report, ReportStatus

logger = logging.getLogger(__name__)

ZIP_MIME_TYPE = "application/zip"


def started_reports(round_):
    """The reports of a round that have been started, in the order of their units' codes."""
    return (
        Report.objects.filter(round=round_)
        .exclude(status=ReportStatus.NOT_STARTED)
        .select_related("round__template", "unit")
        .order_by("unit__code")
    )


def write_round_zip(round_, fileobj, progress=None):
    """Write into `fileobj` a zip with the official PDF of every started report
    of the round, one file per unit. progress(done, total) is called before the
    first report and after each one. Returns the reports written, in order."""
    from weasyprint.text.fonts import FontConfiguration

    reports = list(started_reports(round_))
    if progress:
        progress(0, len(reports))
    # One font configuration for the whole round: the fonts are registered once.
    fonts = FontConfiguration()
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, report in enumerate(reports, start=1):
            archive.writestr(pdf_filename(report), printed_pdf(report, fonts))
            if progress:
                progress(number, len(reports))
    return reports


def _progress(job_pk):
    def progress(done, total):
        ExportJob.objects.filter(pk=job_pk).update(done=done, total=total)

    return progress


def _round_pdfs_zip(job):
    buffer = io.BytesIO()
    write_round_zip(job.round, buffer, _progress(job.pk))
    name = f"bao-cao-{excel.filename_part(job.round.issuing_unit.name)}-{job.round.year}"
    return buffer.getvalue(), f"{name}-{job.round.pk}.zip"


def _round_rollup_xlsx(job):
    progress = _progress(job.pk)
    progress(0, 1)
    content = rollup_xlsx.rollup_workbook(job.round)
    progress(1, 1)
    name = f"tong-hop-{excel.filename_part(job.round.issuing_unit.name)}-{job.round.year}"
    return content, f"{name}-{job.round.pk}.xlsx"


BUILDERS = {
    ExportKind.ROUND_PDFS_ZIP: _round_pdfs_zip,
    ExportKind.ROUND_ROLLUP_XLSX: _round_rollup_xlsx,
}


def mime_type(job):
    return ZIP_MIME_TYPE if job.kind == ExportKind.ROUND_PDFS_ZIP else excel.MIME_TYPE


@task()
def run_export(job_pk: int) -> int:
    """Make the job's file; returns its size in bytes. A failure marks the job
    failed with the error's message, then is raised again for the task's result."""
    job = (
        ExportJob.objects.select_related("round__issuing_unit", "round__template")
        .defer("content")
        .get(pk=job_pk)
    )
    ExportJob.objects.filter(pk=job_pk).update(status=ExportStatus.RUNNING)
    try:
        content, filename = BUILDERS[job.kind](job)
    except Exception as e:
        logger.exception("export job %s (%s) failed", job_pk, job.kind)
        ExportJob.objects.filter(pk=job_pk).update(
            status=ExportStatus.FAILED,
            error=f"{type(e).__name__}: {e}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    ExportJob.objects.filter(pk=job_pk).update(
        status=ExportStatus.DONE,
        content=content,
        filename=filename,
        finished_at=timezone.now(),
    )
    return len(content)


def start_export(round_, kind, user):
    """Record a job for `kind` of the round and enqueue its task; the job, as it
    stands once enqueued (already finished with the immediate backend)."""
    job = ExportJob.objects.create(round=round_, kind=kind, requested_by=user)

    def enqueue():
        result = run_export.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    # After the commit: a worker must find the job's row when it takes the task.
    transaction.on_commit(enqueue, robust=False)
    return job
