"""`manage.py backup` and `manage.py restore` (`make backup`, `make restore FILE=…`)
on the test database of the current vendor: a restore brings back the
reports, values and history exactly as they were at the backup.

pg_dump and pg_restore see only committed rows: this test commits, so it runs
with the transactional database, and loads the demo again once the database
has been emptied after it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from portal.management.commands.load_demo import load_demo_data
from reports.models import Report, ReportStatus, ReportValue, SectionText, StatusChange


def chau_thanh():
    return Report.objects.get(
        unit__code="877",
        unit__valid_from=None,
        round__year=2020,
        round__template__code="bc-ctr-59-60",
        round__parent=None,
    )


def state():
    """Châu Thành's report, its texts and values and all their history rows."""
    report = chau_thanh()

    def rows(queryset):
        return list(queryset.order_by("pk").values())

    return {
        "reports": rows(Report.objects.all()),
        "texts": rows(SectionText.objects.filter(report=report)),
        "text history": rows(SectionText.history.filter(report_id=report.pk)),
        "values": rows(ReportValue.objects.filter(report=report)),
        "value history": rows(ReportValue.history.filter(report_id=report.pk)),
        "status changes": rows(StatusChange.objects.filter(report=report)),
    }


def test_restore_brings_back_reports_values_and_history(
    demo_again_afterwards, transactional_db, tmp_path
):
    if not get_user_model().objects.filter(username="syt").exists():
        load_demo_data()
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    backup_file = tmp_path / f"portal{suffix}"
    original = state()
    assert original["texts"] and original["values"]

    call_command("backup", "--output", str(backup_file))
    assert backup_file.stat().st_size > 0

    # After the backup: a text and a value change (with history), the report moves on.
    report = chau_thanh()
    text = SectionText.objects.filter(report=report).exclude(text="").order_by("pk").first()
    text.text = "Văn bản đã bị sửa sau khi sao lưu."
    text.save()
    value = ReportValue.objects.filter(report=report).order_by("pk").first()
    value.text = "999"
    value.numeric = 999
    value.save()
    StatusChange.objects.create(
        report=report,
        from_status=report.status,
        to_status=ReportStatus.ACCEPTED,
        by=get_user_model().objects.get(username="syt"),
    )
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.ACCEPTED)
    changed = state()
    for key in ("texts", "text history", "values", "value history", "status changes", "reports"):
        assert changed[key] != original[key], key

    call_command("restore", str(backup_file), "--no-input")
    assert state() == original
    assert SectionText.objects.get(pk=text.pk).text != "Văn bản đã bị sửa sau khi sao lưu."


def test_backup_refuses_to_overwrite_and_restore_needs_a_file(db, tmp_path):
    existing = tmp_path / "da-co.dump"
    existing.write_bytes(b"x")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(existing))
    assert existing.read_bytes() == b"x"
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "khong-co.dump"), "--no-input")


def test_a_damaged_backup_is_refused_before_anything_changes(db, tmp_path):
    damaged = tmp_path / ("hong.dump" if connection.vendor == "postgresql" else "hong.sqlite3")
    damaged.write_bytes(b"PGDMP not really a backup" * 100)
    reports = Report.objects.count()
    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(damaged), "--no-input")
    assert Report.objects.count() == reports > 0
