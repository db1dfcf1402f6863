import datetime as dt

import pytest
from django.utils import timezone

from reports.completeness import round_completeness
from reports.models import Report, ReportStatus
from tests.reports.conftest import unit

pytestmark = pytest.mark.django_db


def submit_on(report, day):
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
    )


def test_completeness_and_timeliness_with_on_time_late_and_missing_units(round_2021):
    reports = {
        r.unit.code: r for r in Report.objects.filter(round=round_2021).select_related("unit")
    }
    submit_on(reports["877"], dt.date(2022, 1, 10))  # on time
    submit_on(reports["870"], dt.date(2022, 1, 15))  # on the day: on time
    submit_on(reports["866"], dt.date(2022, 1, 20))  # 5 days late
    figures = round_completeness(round_2021, today=dt.date(2022, 1, 25))
    assert figures.expected == 12
    assert figures.submitted == 3
    assert figures.on_time == 2
    assert str(figures.completeness) == "25.0"
    assert str(figures.timeliness) == "16.7"
    assert figures.late_units == 9
    lines = {line.unit_code: line for line in figures.lines}
    assert lines["866"].late and lines["866"].days == 5
    assert lines["877"].on_time
    assert lines["869"].late and lines["869"].days == 10 and lines["869"].submitted_on is None


def test_the_round_page_shows_the_figures_and_flags_late_units(as_user, round_2021):
    report = Report.objects.get(round=round_2021, unit=unit("877"))
    submit_on(report, dt.date(2022, 1, 10))
    page = as_user("syt").get(f"/reports/rounds/{round_2021.pk}/").content.decode()
    assert "1/12 · 8,3%" in page
    assert page.count("table-danger") == 11  # today is long after 15/01/2022
    filtered = as_user("syt").get(f"/reports/rounds/{round_2021.pk}/?status=submitted")
    assert filtered.content.decode().count('data-unit="') == 1


def test_districts_cannot_open_the_round_page(as_user, round_2021):
    assert as_user("chauthanh").get(f"/reports/rounds/{round_2021.pk}/").status_code == 404
    assert as_user("chauthanh.lead").get(f"/reports/rounds/{round_2021.pk}/").status_code == 404


def test_a_reminder_goes_to_units_that_have_not_submitted(as_user, round_2021, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    as_user("syt").post(f"/reports/rounds/{round_2021.pk}/remind/")
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert recipients == ["chauthanh.lead@example.vn", "chauthanh@example.vn", "hongngu@example.vn"]
    assert all("trễ" in m.body or "hạn" in m.body for m in mail.outbox)


def test_a_returned_report_is_reminded_too(as_user, round_2021):
    """Returned for revision means owed again, though it was submitted once."""
    from django.core import mail
    from django.utils import timezone

    from reports.models import Report, ReportStatus

    Report.objects.filter(round=round_2021).exclude(unit__code="870").update(
        status=ReportStatus.ACCEPTED, submitted_at=timezone.now()
    )
    Report.objects.filter(round=round_2021, unit__code="870").update(
        status=ReportStatus.RETURNED, submitted_at=timezone.now()
    )
    as_user("syt").post(f"/reports/rounds/{round_2021.pk}/remind/")
    assert sorted(r for m in mail.outbox for r in m.to) == ["hongngu@example.vn"]
