"""Background exports' files move from the database (ExportJob.content) to
Django's storage (ExportJob.file), and every job gets an expiry; the kinds
become the identifiers of documents/registry.py. The old column is dropped
by 0007, once every file is written."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import migrations, models

import reports.models

# The old kinds (ExportKind) → their exporters' identifiers.
KINDS = {"round-pdfs-zip": "round-pdfs", "round-rollup-xlsx": "round-rollup-background"}


def bytes_to_files(apps, schema_editor):
    ExportJob = apps.get_model("reports", "ExportJob")
    jobs = ExportJob.objects.using(schema_editor.connection.alias)
    keep = timedelta(days=settings.EXPORT_FILES_KEEP_DAYS)
    # One job's bytes in memory at a time: a round's zip may be large.
    for pk in jobs.values_list("pk", flat=True):
        job = jobs.get(pk=pk)
        job.kind = KINDS.get(job.kind, job.kind)
        job.expires_at = (job.finished_at or job.created_at) + keep
        if job.status == "done" and job.content:
            name = job.filename or f"export-{job.pk}"
            job.file.save(name, ContentFile(bytes(job.content)), save=False)
        job.save(update_fields=["kind", "expires_at", "file"])


def files_to_bytes(apps, schema_editor):
    ExportJob = apps.get_model("reports", "ExportJob")
    jobs = ExportJob.objects.using(schema_editor.connection.alias)
    old_kinds = {new: old for old, new in KINDS.items()}
    for pk in jobs.values_list("pk", flat=True):
        job = jobs.get(pk=pk)
        job.kind = old_kinds.get(job.kind, job.kind)
        if job.file:
            try:
                with job.file.open("rb") as f:
                    job.content = f.read()
            except FileNotFoundError:
                job.content = b""
        job.save(update_fields=["kind", "content"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_report_revisions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="expires_at",
            field=models.DateTimeField(default=reports.models.export_expiry),
        ),
        migrations.AddField(
            model_name="exportjob",
            name="file",
            field=models.FileField(
                blank=True, max_length=300, upload_to=reports.models.export_upload_to
            ),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="kind",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="exportjob",
            index=models.Index(fields=["expires_at"], name="exportjob_expires_at"),
        ),
        migrations.RunPython(bytes_to_files, files_to_bytes),
    ]
