"""The whole upgrade from the last release's schema (before issue 11: reports
0005, indicators 0003, portal 0002, no movements app) to today's: every row a
user or the Department entered — units, directives, targets, outlines, rounds,
reports, their figures, texts, appendix rows, comments, history of status,
accepted revisions, export jobs, movements and their declarations and award
proposals, their history — is found again with the same values, column by
column. The only column that goes is ExportJob.content, whose bytes become the
job's file."""

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import demo_in_old_shape

pytestmark = pytest.mark.django_db(transaction=True)

LAST_RELEASE = [
    ("portal", "0002_path_prefix_statistics"),
    ("indicators", "0003_values_moved_to_reports"),
    ("reports", "0005_report_revisions"),
    ("movements", None),
]
# Models as the last release named them, and where they live now.
MOVED = {
    ("indicators", name): ("movements", name)
    for name in (
        "Movement",
        "Participation",
        "KeyTarget",
        "Declaration",
        "AwardProposal",
        "HistoricalMovement",
        "HistoricalKeyTarget",
        "HistoricalDeclaration",
        "HistoricalAwardProposal",
        "HistoricalParticipation",
    )
}
GONE = {("reports", "ExportJob", "content")}
# Values the upgrade renames on purpose: an export's kind became its exporter's
# identifier (reports 0006).
RENAMED = {
    ("reports", "ExportJob", "kind"): {
        "round-pdfs-zip": "round-pdfs",
        "round-rollup-xlsx": "round-rollup-background",
    }
}
OWN_APPS = ("portal", "indicators", "reports")


def comparable(value):
    return bytes(value) if isinstance(value, memoryview | bytearray) else value


def table(model, columns):
    return [
        tuple(comparable(v) for v in row)
        for row in model._base_manager.order_by("pk").values_list(*columns)
    ]


def snapshot(apps):
    rows = {}
    for app in OWN_APPS:
        for model in apps.get_app_config(app).get_models():
            columns = [f.attname for f in model._meta.concrete_fields]
            rows[(app, model.__name__)] = (columns, table(model, columns))
    return rows


@pytest.fixture
def upgraded(demo_again_afterwards, transactional_db):
    with demo_in_old_shape(LAST_RELEASE) as (old_apps, latest):
        Job = old_apps.get_model("reports", "ExportJob")
        Round = old_apps.get_model("reports", "ReportingRound")
        User = old_apps.get_model("auth", "User")
        Job.objects.create(
            round=Round.objects.first(),
            requested_by=User.objects.get(username="syt"),
            kind="round-pdfs-zip",
            status="done",
            content=b"PK\x03\x04 the round's PDFs",
        )
        before = snapshot(old_apps)
        MigrationExecutor(connection).migrate(latest)
        yield before


def test_every_row_and_column_is_found_again_after_the_upgrade(upgraded):
    before = upgraded
    assert sum(len(rows) for _c, rows in before.values()) > 1000  # the demo, not an empty database
    for (app, name), (columns, rows) in before.items():
        app_now, name_now = MOVED.get((app, name), (app, name))
        model = current_apps.get_model(app_now, name_now)
        kept = [c for c in columns if (app, name, c) not in GONE]
        index = [columns.index(c) for c in kept]
        renames = [RENAMED.get((app, name, c), {}) for c in kept]
        expected = [
            tuple(
                renames[k].get(row[i], row[i]) if renames[k] else row[i]
                for k, i in enumerate(index)
            )
            for row in rows
        ]
        assert table(model, kept) == expected, f"{app}.{name} changed in the upgrade"


def test_an_export_jobs_bytes_are_its_file_after_the_upgrade(upgraded):
    job = current_apps.get_model("reports", "ExportJob").objects.get(kind="round-pdfs")
    with job.file.open("rb") as stored:
        assert stored.read() == b"PK\x03\x04 the round's PDFs"
