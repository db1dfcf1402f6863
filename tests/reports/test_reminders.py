"""The daily reminder command: who is reminded on which day, and the e-mail."""

import pytest
from django.core import mail
from django.core.management import call_command

from reports.models import Report, ReportStatus
from reports.notifications import reminder_due
from tests.reports.conftest import after_commit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "days_left, reminded",
    [(8, False), (7, True), (5, False), (3, True), (1, True), (0, True), (-1, True)]
    + [(-2, False), (-3, True), (-5, False), (-7, True), (-14, True), (-15, False)],
)
def test_the_reminder_calendar(days_left, reminded):
    assert reminder_due(days_left) is reminded


def run(day, *args):
    with after_commit():
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


# ---------------------------------------------------------------- a returned report's own deadline


def returned(round_2021, code, resubmit_by=None):
    """The unit's report submitted on time, then returned on 12/01/2022."""
    import datetime as dt

    from reports.workflow import return_for_revision
    from tests.reports.conftest import on, user

    report = Report.objects.get(round=round_2021, unit__code=code)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    with on(dt.date(2022, 1, 12)):
        return return_for_revision(report, user("syt"), "Bổ sung số liệu", resubmit_by)


def reminded(round_, day):
    """{unit code: days left} of the round's reports to be reminded on `day`."""
    import datetime as dt

    from reports.notifications import due_reminders

    d, m, y = (int(x) for x in day.split("/"))
    return {
        r.unit.code: days for r, days in due_reminders(dt.date(y, m, d)) if r.round_id == round_.pk
    }


def test_a_returned_report_is_reminded_against_its_resubmission_deadline(round_2021):
    import datetime as dt

    returned(round_2021, "870", resubmit_by=dt.date(2022, 1, 25))
    # 16/01: the round's first day late, but nine days before the resubmission deadline.
    on_16 = reminded(round_2021, "16/01/2022")
    assert "870" not in on_16 and "869" in on_16
    # 24/01: nine days late for the round (no reminder), one day before 25/01.
    assert reminded(round_2021, "24/01/2022") == {"870": 1}
    run("24/01/2022")
    to_hong_ngu = [
        m for m in mail.outbox if "hongngu@example.vn" in m.to and round_2021.title in m.body
    ]
    assert len(to_hong_ngu) == 1
    body = to_hong_ngu[0].body
    assert "25/01/2022" in body and "nộp lại" in body and "trễ" not in body


def test_a_returned_report_without_a_resubmission_deadline_keeps_the_rounds(round_2021):
    returned(round_2021, "870")
    assert reminded(round_2021, "16/01/2022").get("870") == -1
    assert "870" not in reminded(round_2021, "24/01/2022")


def test_the_remind_button_reminds_a_returned_report_against_its_resubmission_deadline(
    as_user, round_2021
):
    import datetime as dt

    from tests.reports.conftest import on

    Report.objects.filter(round=round_2021).exclude(unit__code="870").update(
        status=ReportStatus.ACCEPTED
    )
    returned(round_2021, "870", resubmit_by=dt.date(2022, 1, 25))
    client = as_user("syt")
    with on(dt.date(2022, 1, 20)), after_commit():
        client.post(f"/reports/rounds/{round_2021.pk}/remind/")
    assert [m.to for m in mail.outbox] == [["hongngu@example.vn"]]
    body = mail.outbox[0].body
    assert "25/01/2022" in body and "5 ngày" in body and "trễ" not in body


# ---------------------------------------------------------------- the provincial draft


def draft_provincial_report(as_user, round_):
    response = as_user("syt").post(f"/reports/rounds/{round_.pk}/draft-report/")
    assert response.status_code == 302
    return Report.objects.get(round=round_, unit=round_.issuing_unit)


def test_the_provincial_draft_is_not_reminded_by_the_daily_command(as_user, round_2021):
    draft_provincial_report(as_user, round_2021)
    assert Report.objects.filter(round=round_2021).count() == 13
    late = reminded(round_2021, "16/01/2022")
    assert len(late) == 12 and "87" not in late
    assert "87" not in reminded(round_2021, "14/01/2022")


def test_the_remind_button_does_not_count_the_provincial_draft(as_user, round_2021):
    draft_provincial_report(as_user, round_2021)
    page = as_user("syt").post(f"/reports/rounds/{round_2021.pk}/remind/", follow=True)
    assert "Đã gửi nhắc nhở tới 12 đơn vị." in page.content.decode()


def test_the_return_e_mail_gives_the_resubmission_deadline(
    round_2021, django_capture_on_commit_callbacks
):
    import datetime as dt

    with django_capture_on_commit_callbacks(execute=True):
        returned(round_2021, "870", resubmit_by=dt.date(2022, 1, 25))
    (message,) = mail.outbox
    assert message.to == ["hongngu@example.vn"]
    assert "Lý do: Bổ sung số liệu" in message.body
    assert "Hạn nộp lại: 25/01/2022" in message.body
