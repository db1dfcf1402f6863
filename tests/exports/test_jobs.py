"""Background exports (issue 5, item 4): a round's PDFs in one zip and its roll-up,
made by a django-tasks task (the immediate backend here), followed on a page
that polls while the job runs, downloaded when done."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus

from documents import registry
from documents.jobs import run_export
from documents.registry import started_reports
from reports.models import ExportJob, ExportStatus, ReportingRound
from tests.exports.test_pdf import poppler


def demo_round():
    return ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60", parent=None)


def test_the_tasks_run_at_once_outside_production():
    assert settings.TASKS["default"]["BACKEND"] == (
        "django_tasks.backends.immediate.ImmediateBackend"
    )


def start(client, round_, kind, capture):
    """POST the start button; the task runs when the request's transaction commits."""
    with capture(execute=True):
        response = client.post(reverse("round-export-start", args=[round_.pk, kind]))
    return response


# The background exporters of documents/registry.py, all of them a round's.
KINDS = sorted(i for i, e in registry.EXPORTERS.items() if e.background)
PDFS_ZIP, ROLLUP = "round-pdfs", "round-rollup-background"


def test_the_round_page_has_a_button_for_every_background_export(as_user):
    assert KINDS == [PDFS_ZIP, ROLLUP]
    round_ = demo_round()
    page = as_user("syt").get(reverse("round-detail", args=[round_.pk])).content.decode()
    for kind in KINDS:
        assert f'action="{reverse("round-export-start", args=[round_.pk, kind])}"' in page


def test_the_zip_of_the_rounds_pdfs(as_user, django_capture_on_commit_callbacks, tmp_path):
    round_ = demo_round()
    client = as_user("syt")
    response = start(client, round_, PDFS_ZIP, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export-job", args=[job.pk])
    assert job.requested_by.username == "syt"
    assert job.status == ExportStatus.DONE, job.error
    assert job.task_id
    started = list(started_reports(round_))
    assert len(started) == 10
    assert job.done == job.total == 10  # the progress counted every report

    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert "every 2s" not in page  # finished: no more polling
    link = reverse("export-job-file", args=[job.pk])
    assert f'href="{link}"' in page

    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert download["Cache-Control"] == "private, no-store"
    assert job.filename.endswith(".zip")
    content = download.getvalue()
    # The file is in the storage (MEDIA_ROOT), not in the database.
    assert job.file.name.startswith("exports/") and job.file.name.endswith(job.filename)
    assert Path(settings.MEDIA_ROOT, job.file.name).read_bytes() == content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert len(names) == 10
        assert all(name.endswith(".pdf") for name in names)
        for name in names:
            (tmp_path / name).write_bytes(archive.read(name))
    for name in names:
        assert "Pages:" in poppler("pdfinfo", tmp_path / name)


def test_the_rollup_workbook(as_user, django_capture_on_commit_callbacks):
    round_ = demo_round()
    client = as_user("syt")
    response = start(client, round_, ROLLUP, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE, job.error
    assert job.done == job.total == 1
    assert job.filename.endswith(".xlsx")
    download = client.get(reverse("export-job-file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(download.getvalue()))
    assert book.worksheets
    assert response["Location"] == reverse("export-job", args=[job.pk])


def test_a_job_waiting_for_its_worker_polls_its_state(as_user):
    """Without a commit (the test's transaction) the task is not enqueued: the job
    stays queued, as it does until a worker takes it."""
    client = as_user("syt")
    response = client.post(reverse("round-export-start", args=[demo_round().pk, PDFS_ZIP]))
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    state_url = reverse("export-job-state", args=[job.pk])
    assert f'hx-get="{state_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "<script" not in page.split('id="export-job-state"')[1].split("</div>")[0]
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=3, total=10)
    fragment = client.get(state_url)
    assert fragment.status_code == 200
    assert fragment["Cache-Control"] == "no-store"
    text = fragment.content.decode()
    assert 'value="3" max="10"' in text
    assert 'hx-trigger="every 2s"' in text
    assert "<html" not in text  # the fragment alone
    # No file before it is done.
    assert client.get(reverse("export-job-file", args=[job.pk])).status_code == 404


def test_an_unknown_kind_is_404(as_user):
    response = as_user("syt").post(reverse("round-export-start", args=[demo_round().pk, "docx"]))
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_others_can_neither_start_nor_see_nor_download(
    client, demo, django_capture_on_commit_callbacks
):
    round_ = demo_round()
    users = get_user_model().objects
    client.force_login(users.get(username="syt"))
    start(client, round_, ROLLUP, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE

    client.force_login(users.get(username="chauthanh"))
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("round-export-start", args=[round_.pk, PDFS_ZIP]))
    assert refused.status_code == 404
    assert ExportJob.objects.count() == 1
    for name in ("export-job", "export-job-state", "export-job-file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name

    # The requester keeps their file even without the right to review the round.
    ExportJob.objects.filter(pk=job.pk).update(requested_by=users.get(username="chauthanh"))
    assert client.get(reverse("export-job-file", args=[job.pk])).status_code == 200


def test_a_failing_export_ends_failed_with_its_message(
    as_user, settings, django_capture_on_commit_callbacks
):
    """A real failure: the portal's static files (the document's stylesheet and
    fonts) missing on the worker's machine. No PDF is made, and the page says why."""
    settings.STATICFILES_DIRS = []
    client = as_user("syt")
    response = start(client, demo_round(), PDFS_ZIP, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED
    assert job.error.startswith("MissingStaticFile")
    assert job.finished_at is not None
    assert not job.file
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-status="failed"' in text
    assert "MissingStaticFile" in text
    assert "every 2s" not in text
    assert client.get(reverse("export-job-file", args=[job.pk])).status_code == 404

    # The task's own result says so too, and enqueue() raised nothing.
    result = run_export.enqueue(job.pk)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path.endswith("MissingStaticFile")


@pytest.mark.parametrize("kind", KINDS)
def test_the_job_page_names_the_export(as_user, kind):
    round_ = demo_round()
    job = ExportJob.objects.create(
        round=round_,
        kind=kind,
        requested_by=get_user_model().objects.get(username="syt"),
    )
    response = as_user("syt").get(reverse("export-job", args=[job.pk]))
    assert response.status_code == 200
    assert response.context["job"] == job
    page = response.content.decode()
    assert f'<h1 class="h4">{registry.EXPORTERS[kind].verbose_name}</h1>' in page
    assert round_.title in page
    assert 'data-status="queued"' in page


def test_with_the_database_backend_a_worker_runs_the_job(
    as_user, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """Production's setting: the request only queues the task; `db_worker` runs it."""
    # The worker closes stale connections between tasks: that would close the
    # test's own connection, inside the transaction every test runs in.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = as_user("syt")
    start(client, demo_round(), ROLLUP, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    assert job.task_id
    assert (
        'hx-trigger="every 2s"' in client.get(reverse("export-job", args=[job.pk])).content.decode()
    )

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    assert job.done == job.total == 1
    assert run_export.get_result(job.task_id).status == TaskResultStatus.SUCCESSFUL


# ------------------------------------------------------------------ kept, then pruned


def finished_job(as_user, capture, kind=ROLLUP):
    client = as_user("syt")
    start(client, demo_round(), kind, capture)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE, job.error
    return client, job


def test_a_finished_job_is_kept_for_the_days_the_setting_says(
    as_user, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_FILES_KEEP_DAYS = 3
    _, job = finished_job(as_user, django_capture_on_commit_callbacks)
    assert job.expires_at - job.finished_at == pytest.approx(
        dt.timedelta(days=3), abs=dt.timedelta(seconds=5)
    )


def test_an_expired_file_answers_gone_with_a_page_that_says_so(
    as_user, django_capture_on_commit_callbacks
):
    client, job = finished_job(as_user, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    response = client.get(reverse("export-job-file", args=[job.pk]))
    assert response.status_code == 410
    text = response.content.decode()
    assert "Tệp này đã được lưu 7 ngày và đã bị xóa." in text
    assert f'href="{reverse("round-detail", args=[job.round.pk])}"' in text
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert 'id="export-job-expired"' in page
    assert reverse("export-job-file", args=[job.pk]) not in page  # no link to a dead file


def test_a_file_lost_from_the_storage_answers_gone_too(as_user, django_capture_on_commit_callbacks):
    client, job = finished_job(as_user, django_capture_on_commit_callbacks)
    Path(settings.MEDIA_ROOT, job.file.name).unlink()
    assert client.get(reverse("export-job-file", args=[job.pk])).status_code == 410


def test_prune_exports_deletes_the_expired_files_and_keeps_the_others(
    as_user, django_capture_on_commit_callbacks
):
    client = as_user("syt")
    for _ in range(2):
        start(client, demo_round(), ROLLUP, django_capture_on_commit_callbacks)
    old, new = ExportJob.objects.order_by("pk")
    old_file, new_file = (Path(settings.MEDIA_ROOT, j.file.name) for j in (old, new))
    assert old_file.exists() and new_file.exists()
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))

    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert out.getvalue() == "1 expired export(s) deleted.\n"
    assert not old_file.exists()
    assert list(ExportJob.objects.all()) == [new]
    assert new_file.exists()
    assert client.get(reverse("export-job-file", args=[new.pk])).status_code == 200
    assert client.get(reverse("export-job-file", args=[old.pk])).status_code == 404

    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert out.getvalue() == "0 expired export(s) deleted.\n"


def test_the_task_checks_again_that_the_requester_may_run_the_export(as_user):
    """The right is the requester's when the worker runs the job, not only when
    they pressed the button."""
    job = ExportJob.objects.create(
        round=demo_round(),
        kind=ROLLUP,
        requested_by=get_user_model().objects.get(username="chauthanh"),
    )
    result = run_export.enqueue(job.pk)
    assert result.status == TaskResultStatus.FAILED
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error.startswith("Http404")
    assert not job.file
