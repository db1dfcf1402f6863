"""The upgrade that moves background exports' files out of the database
(reports 0006, 0007), from a database in the old shape: every finished job's
bytes arrive in a file of the storage, every job keeps its id (a queued task
still finds it), its kind becomes its exporter's identifier, and each gets an
expiry counted from when it finished."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.models import ExportJob
from tests.conftest import demo_in_old_shape

pytestmark = pytest.mark.django_db(transaction=True)

OLD = [("reports", "0005_report_revisions")]
ZIP = b"PK\x03\x04 a round's PDFs" * 1000


@pytest.fixture
def old_database(demo_again_afterwards, transactional_db):
    with demo_in_old_shape(OLD) as old:
        yield old


def test_finished_jobs_bytes_arrive_as_files_of_the_storage(old_database):
    apps, latest = old_database
    Job = apps.get_model("reports", "ExportJob")
    Round = apps.get_model("reports", "ReportingRound")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    round_ = Round.objects.filter(parent=None).order_by("pk").first()
    syt = User.objects.get(username="syt")
    finished = timezone.now() - dt.timedelta(days=2)
    done = Job.objects.create(
        round=round_,
        kind="round-pdfs-zip",
        requested_by=syt,
        status="done",
        done=10,
        total=10,
        filename="bao-cao-tinh-dong-thap-2020-1.zip",
        content=ZIP,
        finished_at=finished,
    )
    failed = Job.objects.create(
        round=round_,
        kind="round-rollup-xlsx",
        requested_by=syt,
        status="failed",
        error="MissingStaticFile: fonts",
        finished_at=finished,
    )
    queued = Job.objects.create(round=round_, kind="round-rollup-xlsx", requested_by=syt)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    moved = ExportJob.objects.get(pk=done.pk)
    assert moved.kind == "round-pdfs"
    assert moved.file.name.startswith("exports/")
    assert moved.file.name.endswith("/bao-cao-tinh-dong-thap-2020-1.zip")
    assert Path(settings.MEDIA_ROOT, moved.file.name).read_bytes() == ZIP
    assert moved.expires_at == finished + dt.timedelta(days=settings.EXPORT_FILES_KEEP_DAYS)
    assert (moved.status, moved.done, moved.total, moved.filename) == (
        "done",
        10,
        10,
        "bao-cao-tinh-dong-thap-2020-1.zip",
    )
    failed_now = ExportJob.objects.get(pk=failed.pk)
    assert (failed_now.kind, failed_now.error, failed_now.file.name) == (
        "round-rollup-background",
        "MissingStaticFile: fonts",
        "",
    )
    waiting = ExportJob.objects.get(pk=queued.pk)
    assert (waiting.kind, waiting.status) == ("round-rollup-background", "queued")
    assert waiting.expires_at > timezone.now()
    # A new job after the upgrade takes a fresh id (PostgreSQL's sequence is intact).
    new = ExportJob.objects.create(round_id=round_.pk, kind="round-pdfs", requested_by_id=syt.pk)
    assert new.pk > queued.pk
