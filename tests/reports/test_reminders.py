"""The daily reminder command: who is reminded on which day, and the e-mail."""

import pytest
from django.core import mail
from django.core.management import call_command

from reports.models import Report, ReportStatus
from reports.notifications import reminder_due

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "days_left, reminded",
    [(8, False), (7, True), (5, False), (3, True), (1, True), (0, True), (-1, True)]
    + [(-2, False), (-3, True), (-5, False), (-7, True), (-14, True), (-15, False)],
)
def test_the_reminder_calendar(days_left, reminded):
    assert reminder_due(days_left) is reminded


def run(day, *args):
    call_command("send_reminders", "--date", day, *args, stdout=open("/dev/null", "w"))


def test_on_the_day_before_the_deadline_only_unsubmitted_units_hear(round_2021):
    Report.objects.filter(round=round_2021, unit__code="877").update(status=ReportStatus.SUBMITTED)
    Report.objects.filter(round=round_2021, unit__code="870").update(status=ReportStatus.DRAFT)
    run("14/01/2022")  # the round is due on 15/01/2022
    recipients = {r for m in mail.outbox for r in m.to}
    assert "hongngu@example.vn" in recipients
    assert "chauthanh@example.vn" not in recipients
    assert all("01 ngày" in m.body or "1 ngày" in m.body for m in mail.outbox)
    assert all("15/01/2022" in m.body for m in mail.outbox)


def test_late_units_hear_on_the_first_day_late_but_not_the_second(round_2021):
    run("16/01/2022")
    first = len(mail.outbox)
    assert first and all("trễ" in m.body for m in mail.outbox)
    run("17/01/2022")
    assert len(mail.outbox) == first


def test_a_dry_run_sends_nothing_and_a_bad_date_is_explained(round_2021):
    run("14/01/2022", "--dry-run")
    assert mail.outbox == []
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        run("2022-01-14")
