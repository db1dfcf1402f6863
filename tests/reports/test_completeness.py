import datetime as dt

import pytest
from django.utils import timezone

from reports.completeness import round_completeness
from reports.models import Report, ReportStatus
from tests.reports.conftest import after_commit, on, unit, user
from tests.reports.test_workflow import fill_everything

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
    with after_commit():
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
    with after_commit():
        as_user("syt").post(f"/reports/rounds/{round_2021.pk}/remind/")
    assert sorted(r for m in mail.outbox for r in m.to) == ["hongngu@example.vn"]


# ---------------------------------------------------------------- case 9: a return for revision


def submit_as_lead(as_user, report, day):
    with on(day):
        response = as_user("chauthanh.lead").post(f"/reports/{report.pk}/submit/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def return_as_syt(as_user, report, day, resubmit_by=""):
    with on(day):
        response = as_user("syt").post(
            f"/reports/{report.pk}/return/",
            {"reason": "Bổ sung số liệu", "resubmit_by": resubmit_by},
        )
    assert response.status_code == 302, response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def returned_once(as_user, report, resubmit_by=""):
    """Submitted on time (10/01/2022, due 15/01/2022), returned on 12/01/2022."""
    fill_everything(as_user("chauthanh"), report)
    submit_as_lead(as_user, report, dt.date(2022, 1, 10))
    return_as_syt(as_user, report, dt.date(2022, 1, 12), resubmit_by)


def test_the_first_submission_is_kept_when_a_returned_report_is_resubmitted(
    as_user, chau_thanh_report
):
    returned_once(as_user, chau_thanh_report)
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 20))
    assert timezone.localdate(chau_thanh_report.first_submitted_at) == dt.date(2022, 1, 10)
    assert timezone.localdate(chau_thanh_report.submitted_at) == dt.date(2022, 1, 20)


def test_a_report_submitted_on_time_stays_on_time_after_a_late_resubmission(
    as_user, chau_thanh_report
):
    returned_once(as_user, chau_thanh_report)
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 20))  # due 15/01/2022
    figures = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 25))
    line = next(line for line in figures.lines if line.unit_code == "877")
    assert line.on_time and not line.late
    assert line.submitted_on == dt.date(2022, 1, 10)
    assert figures.on_time == 1 and figures.submitted == 1


def test_a_returned_report_not_yet_resubmitted_stays_on_time_and_submitted(
    as_user, chau_thanh_report
):
    returned_once(as_user, chau_thanh_report)
    figures = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 25))
    assert (figures.submitted, figures.on_time, figures.late_units) == (1, 1, 11)


def test_a_resubmission_after_the_resubmission_deadline_is_shown_late(as_user, chau_thanh_report):
    returned_once(as_user, chau_thanh_report, resubmit_by="18/01/2022")
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 20))
    figures = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 25))
    line = next(line for line in figures.lines if line.unit_code == "877")
    assert line.late_resubmission and line.on_time
    assert figures.on_time == 1
    page = as_user("syt").get(f"/reports/rounds/{chau_thanh_report.round.pk}/").content.decode()
    row = page[page.index('data-unit="877"') :]
    row = row[: row.index("</tr>")]
    assert "Nộp lại trễ hạn" in row and "18/01/2022" in row
    assert page.count("Nộp lại trễ hạn") == 1
    assert "1/12 · 8,3%" in page[page.index('id="timeliness"') :]


def test_a_resubmission_within_the_resubmission_deadline_is_not_flagged(as_user, chau_thanh_report):
    returned_once(as_user, chau_thanh_report, resubmit_by="18/01/2022")
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 17))
    figures = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 25))
    line = next(line for line in figures.lines if line.unit_code == "877")
    assert not line.late_resubmission and line.on_time


def test_a_returned_report_past_its_resubmission_deadline_is_flagged(as_user, chau_thanh_report):
    returned_once(as_user, chau_thanh_report, resubmit_by="18/01/2022")
    on_the_day = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 18))
    after = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 19))
    assert not next(x for x in on_the_day.lines if x.unit_code == "877").late_resubmission
    assert next(x for x in after.lines if x.unit_code == "877").late_resubmission


def test_the_resubmission_deadline_is_shown_to_the_unit_and_on_the_report_page(
    as_user, chau_thanh_report
):
    returned_once(as_user, chau_thanh_report, resubmit_by="18/01/2022")
    assert chau_thanh_report.resubmit_by == dt.date(2022, 1, 18)
    for username in ("chauthanh", "syt"):
        page = as_user(username).get(f"/reports/{chau_thanh_report.pk}/").content.decode()
        assert "Hạn nộp lại: 18/01/2022" in page
    home = as_user("chauthanh").get("/").content.decode()
    mine = home[home.index('id="my-reports"') :]
    row = mine[mine.index(f'data-report="{chau_thanh_report.pk}"') :]
    assert "Hạn nộp lại: 18/01/2022" in row[: row.index("</tr>")]


def test_without_a_resubmission_deadline_none_is_shown(as_user, chau_thanh_report):
    returned_once(as_user, chau_thanh_report)
    assert chau_thanh_report.resubmit_by is None
    page = as_user("chauthanh").get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    assert "Hạn nộp lại:" not in page


def test_a_resubmission_deadline_before_today_is_refused_next_to_the_field(
    as_user, chau_thanh_report
):
    fill_everything(as_user("chauthanh"), chau_thanh_report)
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 10))
    with on(dt.date(2022, 1, 12)):
        response = as_user("syt").post(
            f"/reports/{chau_thanh_report.pk}/return/",
            {"reason": "Bổ sung số liệu kiểm tra", "resubmit_by": "11/01/2022"},
        )
    assert response.status_code == 422
    page = response.content.decode()
    form = page[page.index('id="return-form"') :]
    form = form[: form.index("</form>")]
    assert "không được trước hôm nay" in form
    assert "Bổ sung số liệu kiểm tra" in form and "11/01/2022" in form  # nothing typed is lost
    chau_thanh_report.refresh_from_db()
    assert chau_thanh_report.status == ReportStatus.SUBMITTED
    assert chau_thanh_report.resubmit_by is None


@pytest.mark.parametrize("typed", ["2022-01-20", "31/02/2022", "mai"])
def test_a_resubmission_deadline_that_is_not_a_date_is_explained(as_user, chau_thanh_report, typed):
    fill_everything(as_user("chauthanh"), chau_thanh_report)
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 10))
    with on(dt.date(2022, 1, 12)):
        response = as_user("syt").post(
            f"/reports/{chau_thanh_report.pk}/return/",
            {"reason": "Bổ sung", "resubmit_by": typed},
        )
    assert response.status_code == 422
    assert "dd/mm/yyyy" in response.content.decode()
    chau_thanh_report.refresh_from_db()
    assert chau_thanh_report.status == ReportStatus.SUBMITTED


def test_the_service_refuses_a_resubmission_deadline_in_the_past(chau_thanh_report):
    from reports.workflow import WorkflowError, return_for_revision

    Report.objects.filter(pk=chau_thanh_report.pk).update(status=ReportStatus.SUBMITTED)
    with on(dt.date(2022, 1, 12)):
        with pytest.raises(WorkflowError):
            return_for_revision(chau_thanh_report, user("syt"), "Bổ sung", dt.date(2022, 1, 11))
        report = return_for_revision(
            chau_thanh_report, user("syt"), "Bổ sung", resubmit_by=dt.date(2022, 1, 12)
        )
    assert report.resubmit_by == dt.date(2022, 1, 12)


def test_a_second_return_without_a_deadline_clears_the_first(chau_thanh_report):
    from reports.workflow import return_for_revision

    Report.objects.filter(pk=chau_thanh_report.pk).update(status=ReportStatus.SUBMITTED)
    with on(dt.date(2022, 1, 12)):
        return_for_revision(chau_thanh_report, user("syt"), "Bổ sung", dt.date(2022, 1, 18))
    Report.objects.filter(pk=chau_thanh_report.pk).update(status=ReportStatus.SUBMITTED)
    with on(dt.date(2022, 1, 20)):
        report = return_for_revision(chau_thanh_report, user("syt"), "Còn thiếu")
    assert report.resubmit_by is None


def test_round_completeness_is_one_query(round_2021, django_assert_num_queries):
    with django_assert_num_queries(1):
        round_completeness(round_2021, today=dt.date(2022, 1, 25))


# ---------------------------------------------------------------- case 10: the provincial draft


def draft_provincial_report(as_user, round_):
    response = as_user("syt").post(f"/reports/rounds/{round_.pk}/draft-report/")
    assert response.status_code == 302
    return Report.objects.get(round=round_, unit=round_.issuing_unit)


def test_the_provincial_draft_is_not_counted_in_completeness(as_user, round_2021):
    submit_on(Report.objects.get(round=round_2021, unit=unit("877")), dt.date(2022, 1, 10))
    draft_provincial_report(as_user, round_2021)
    figures = round_completeness(round_2021, today=dt.date(2022, 1, 25))
    assert (figures.expected, figures.submitted, figures.on_time) == (12, 1, 1)
    assert figures.late_units == 11
    assert "87" not in {line.unit_code for line in figures.lines}


def test_a_submitted_provincial_report_is_not_counted_either(as_user, round_2021):
    province = draft_provincial_report(as_user, round_2021)
    submit_on(province, dt.date(2022, 1, 10))
    figures = round_completeness(round_2021, today=dt.date(2022, 1, 25))
    assert (figures.expected, figures.submitted, figures.on_time) == (12, 0, 0)


def test_the_round_page_shows_7_of_12_after_drafting_the_provincial_report(as_user, demo):
    round_ = demo_round()
    draft_provincial_report(as_user, round_)
    page = as_user("syt").get(f"/reports/rounds/{round_.pk}/").content.decode()
    assert "7/12" in page[page.index('id="completeness"') :]
    assert "/13" not in page
    assert 'data-unit="87"' not in page
    assert page.count('data-unit="') == 12
    drafts = as_user("syt").get(f"/reports/rounds/{round_.pk}/?status=draft").content.decode()
    assert 'data-unit="87"' not in drafts


def test_the_home_page_counts_7_of_12_after_drafting_the_provincial_report(as_user, demo):
    round_ = demo_round()
    province = draft_provincial_report(as_user, round_)
    Report.objects.filter(pk=province.pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
    )
    page = as_user("syt").get("/").content.decode()
    rounds = page[page.index('id="my-rounds"') :]
    row = rounds[rounds.index(round_.title) :]
    row = row[: row.index("</tr>")]
    assert "7/12" in row and ">5<" in row


def test_a_districts_own_report_in_its_communes_round_is_not_counted(chau_thanh_report):
    """The rule holds for any round: the issuing unit's own report is no participant."""
    from portal.models import UnitKind
    from reports.rounds import RoundSpec, child_units, open_round

    district = chau_thanh_report.unit
    child = open_round(
        RoundSpec(
            title="Báo cáo năm 2021 — Huyện Châu Thành",
            template=chau_thanh_report.round.template,
            issuing_unit=district,
            year=2021,
            units=child_units(district),
            deadlines={UnitKind.COMMUNE: dt.date(2022, 1, 10)},
            parent=chau_thanh_report.round,
        )
    )
    communes = Report.objects.filter(round=child).count()
    Report.objects.create(round=child, unit=district, due_on=dt.date(2022, 1, 10))
    assert round_completeness(child, today=dt.date(2022, 1, 25)).expected == communes


def demo_round():
    from reports.models import ReportingRound

    return ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60")


def test_the_migration_takes_the_first_submission_from_the_history(round_2021):
    import importlib

    from django.apps import apps

    from reports.models import StatusChange

    migration = importlib.import_module("reports.migrations.0003_report_first_submission")
    reports = {
        r.unit.code: r for r in Report.objects.filter(round=round_2021).select_related("unit")
    }

    def at(day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))

    for day, to_status in [
        (dt.date(2022, 1, 10), ReportStatus.SUBMITTED),
        (dt.date(2022, 1, 12), ReportStatus.RETURNED),
        (dt.date(2022, 1, 20), ReportStatus.SUBMITTED),
    ]:
        change = StatusChange.objects.create(
            report=reports["877"], from_status="", to_status=to_status, by=user("syt")
        )
        StatusChange.objects.filter(pk=change.pk).update(at=at(day))
    Report.objects.filter(pk=reports["877"].pk).update(submitted_at=at(dt.date(2022, 1, 20)))
    Report.objects.filter(pk=reports["870"].pk).update(submitted_at=at(dt.date(2022, 1, 14)))

    migration.fill_first_submission(apps, None)

    first = dict(
        Report.objects.filter(round=round_2021).values_list("unit__code", "first_submitted_at")
    )
    assert first["877"] == at(dt.date(2022, 1, 10))  # the earliest submission in the history
    assert first["870"] == at(dt.date(2022, 1, 14))  # no history: its submission date
    assert first["869"] is None  # never submitted


def test_a_report_submitted_by_hand_keeps_that_date_as_its_first_submission(
    as_user, chau_thanh_report
):
    """The demo and old imports set the submission date without the workflow."""
    fill_everything(as_user("chauthanh"), chau_thanh_report)
    submit_on(chau_thanh_report, dt.date(2022, 1, 10))
    Report.objects.filter(pk=chau_thanh_report.pk).update(status=ReportStatus.RETURNED)
    submit_as_lead(as_user, chau_thanh_report, dt.date(2022, 1, 20))
    assert timezone.localdate(chau_thanh_report.first_submitted_at) == dt.date(2022, 1, 10)
    figures = round_completeness(chau_thanh_report.round, today=dt.date(2022, 1, 25))
    assert figures.on_time == 1
