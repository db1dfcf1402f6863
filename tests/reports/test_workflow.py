import re

import pytest
from django.core import mail

from reports.models import Report, ReportStatus, ReviewComment, SectionText, StatusChange
from tests.reports.conftest import sections, unit

pytestmark = pytest.mark.django_db


def fill_everything(client, report):
    for key in ("I.1", "I.2"):
        section = sections(report)[key]
        response = client.post(
            f"/reports/{report.pk}/sections/{section.pk}/",
            {"text": f"Nội dung {key}", "version": 0},
        )
        assert response.status_code == 200
    for code, typed in (("bao-hiem-y-te", "91,5"), ("tram-y-te-chuan", "12/12")):
        from indicators.models import Indicator

        ind = Indicator.objects.get(code=code)
        response = client.post(
            f"/reports/{report.pk}/cells/",
            {"indicator": ind.pk, "column": "actual", "value": typed},
        )
        assert response.status_code == 200, response.content


def status(report):
    report.refresh_from_db()
    return report.status


def test_a_reporter_fills_but_cannot_submit(as_user, chau_thanh_report):
    client = as_user("chauthanh")
    fill_everything(client, chau_thanh_report)
    assert status(chau_thanh_report) == ReportStatus.DRAFT
    client.post(f"/reports/{chau_thanh_report.pk}/submit/")
    assert status(chau_thanh_report) == ReportStatus.DRAFT


def test_submission_lists_what_is_missing(as_user, chau_thanh_report):
    client = as_user("chauthanh.lead")
    page = client.post(f"/reports/{chau_thanh_report.pk}/submit/", follow=True).content.decode()
    assert status(chau_thanh_report) == ReportStatus.NOT_STARTED
    alerts = " ".join(re.findall(r'role="alert">(.*?)</div>', page, re.S))
    assert "Quán triệt" in alerts and "Kiểm tra, giám sát" in alerts
    assert "Tỷ lệ tham gia bảo hiểm y tế" in alerts
    assert "KIẾN NGHỊ" not in alerts  # an optional section is not asked for


def test_the_approver_submits_then_the_report_is_read_only(as_user, chau_thanh_report, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reporter = as_user("chauthanh")
    fill_everything(reporter, chau_thanh_report)
    lead = as_user("chauthanh.lead")
    lead.post(f"/reports/{chau_thanh_report.pk}/submit/")
    assert status(chau_thanh_report) == ReportStatus.SUBMITTED
    assert chau_thanh_report.submitted_at is not None
    change = StatusChange.objects.get(report=chau_thanh_report)
    assert change.by.username == "chauthanh.lead" and change.to_status == ReportStatus.SUBMITTED
    section = sections(chau_thanh_report)["I.1"]
    response = as_user("chauthanh").post(
        f"/reports/{chau_thanh_report.pk}/sections/{section.pk}/", {"text": "Sửa", "version": 1}
    )
    assert response.status_code == 422
    assert SectionText.objects.get(report=chau_thanh_report, section=section).text == "Nội dung I.1"


def test_another_district_cannot_touch_the_report(as_user, chau_thanh_report):
    client = as_user("hongngu")
    section = sections(chau_thanh_report)["I.1"]
    assert client.get(f"/reports/{chau_thanh_report.pk}/").status_code == 404
    response = client.post(
        f"/reports/{chau_thanh_report.pk}/sections/{section.pk}/", {"text": "x", "version": 0}
    )
    assert response.status_code == 404
    assert client.post(f"/reports/{chau_thanh_report.pk}/submit/").status_code == 404
    assert not SectionText.objects.filter(report=chau_thanh_report).exists()


def submitted(as_user, report):
    fill_everything(as_user("chauthanh"), report)
    as_user("chauthanh.lead").post(f"/reports/{report.pk}/submit/")
    assert status(report) == ReportStatus.SUBMITTED


def test_only_a_reviewer_returns_and_only_with_a_reason(as_user, chau_thanh_report):
    submitted(as_user, chau_thanh_report)
    as_user("chauthanh.lead").post(f"/reports/{chau_thanh_report.pk}/return/", {"reason": "x"})
    assert status(chau_thanh_report) == ReportStatus.SUBMITTED
    syt = as_user("syt")
    page = syt.post(f"/reports/{chau_thanh_report.pk}/return/", {"reason": " "}, follow=True)
    assert status(chau_thanh_report) == ReportStatus.SUBMITTED
    assert "lý do" in page.content.decode()
    syt.post(f"/reports/{chau_thanh_report.pk}/return/", {"reason": "Bổ sung số liệu"})
    assert status(chau_thanh_report) == ReportStatus.RETURNED
    last = StatusChange.objects.filter(report=chau_thanh_report).last()
    assert last.reason == "Bổ sung số liệu" and last.by.username == "syt"


def test_returned_report_is_editable_again_and_resubmitted_then_accepted(
    as_user, chau_thanh_report, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        walk_through_review(as_user, chau_thanh_report)
    subjects = [m.subject for m in mail.outbox]
    assert any("đã gửi báo cáo" in s for s in subjects)
    assert any("trả lại" in s for s in subjects) and any("tiếp nhận" in s for s in subjects)
    returned = next(m for m in mail.outbox if "trả lại" in m.subject)
    assert sorted(returned.to) == ["chauthanh.lead@example.vn", "chauthanh@example.vn"]
    assert "Lý do: Xem góp ý" in returned.body


def walk_through_review(as_user, chau_thanh_report):
    submitted(as_user, chau_thanh_report)
    section = sections(chau_thanh_report)["I.2"]
    syt = as_user("syt")
    syt.post(
        f"/reports/{chau_thanh_report.pk}/comments/",
        {"section": section.pk, "text": "Nêu số cuộc kiểm tra"},
    )
    syt.post(f"/reports/{chau_thanh_report.pk}/return/", {"reason": "Xem góp ý"})
    comment = ReviewComment.objects.get(report=chau_thanh_report)
    reporter = as_user("chauthanh")
    page = reporter.get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    assert "Nêu số cuộc kiểm tra" in page
    text = SectionText.objects.get(report=chau_thanh_report, section=section)
    response = reporter.post(
        f"/reports/{chau_thanh_report.pk}/sections/{section.pk}/",
        {"text": "Đã kiểm tra 12 xã", "version": text.version},
    )
    assert response.status_code == 200
    reporter.post(f"/reports/{chau_thanh_report.pk}/comments/{comment.pk}/resolve/")
    comment.refresh_from_db()
    assert comment.resolved_at is not None
    as_user("chauthanh.lead").post(f"/reports/{chau_thanh_report.pk}/submit/")
    assert status(chau_thanh_report) == ReportStatus.SUBMITTED
    as_user("chauthanh").post(f"/reports/{chau_thanh_report.pk}/accept/")
    assert status(chau_thanh_report) == ReportStatus.SUBMITTED
    as_user("syt").post(f"/reports/{chau_thanh_report.pk}/accept/")
    assert status(chau_thanh_report) == ReportStatus.ACCEPTED
    history = as_user("chauthanh").get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    assert history.count("<li>") >= 4 and "Xem góp ý" in history


def test_a_reviewer_cannot_accept_a_draft_and_a_reporter_cannot_comment(as_user, chau_thanh_report):
    as_user("syt").post(f"/reports/{chau_thanh_report.pk}/accept/")
    assert status(chau_thanh_report) == ReportStatus.NOT_STARTED
    as_user("chauthanh").post(f"/reports/{chau_thanh_report.pk}/comments/", {"text": "tự góp ý"})
    assert not ReviewComment.objects.filter(report=chau_thanh_report).exists()


def test_reporters_may_submit_where_the_round_allows(as_user, chau_thanh_report):
    chau_thanh_report.round.reporters_may_submit = True
    chau_thanh_report.round.save()
    client = as_user("chauthanh")
    fill_everything(client, chau_thanh_report)
    client.post(f"/reports/{chau_thanh_report.pk}/submit/")
    assert status(chau_thanh_report) == ReportStatus.SUBMITTED


def test_a_district_reviewer_cannot_review_a_province_round(as_user, chau_thanh_report):
    from portal.models import Membership, Role
    from tests.reports.conftest import user

    Membership.objects.create(user=user("hongngu"), unit=unit("870"), role=Role.REVIEWER)
    submitted(as_user, chau_thanh_report)
    as_user("hongngu").post(f"/reports/{chau_thanh_report.pk}/accept/")
    assert Report.objects.get(pk=chau_thanh_report.pk).status == ReportStatus.SUBMITTED
