"""The synthesis of a round, the draft report of the level above, and the
child round a district opens for its communes."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Indicator
from portal.models import Membership, Role
from reports import figures
from reports.editing import save_cell
from reports.figures import official_rollup
from reports.models import Report, ReportingRound, ReportStatus, ReportValue, SectionText
from reports.synthesis import compile_round, draft_provincial_report
from tests.reports.conftest import sections, unit, user

pytestmark = pytest.mark.django_db


def demo_round():
    return ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60")


def test_the_synthesis_lists_submitted_and_accepted_units_only(demo):
    compiled = {c.section.key: c for c in compile_round(demo_round())}
    names = [name for name, _text in compiled["I.1"].entries]
    assert "Huyện Châu Thành" in names and "Thành phố Sa Đéc" in names  # submitted, accepted
    assert "Huyện Hồng Ngự" not in names  # draft
    assert "Huyện Tam Nông" not in names  # returned
    chau_thanh = dict(compiled["I.1"].entries)["Huyện Châu Thành"]
    assert chau_thanh.startswith("Thực hiện Kế hoạch số 158/KH-UBND")
    assert compiled["I"].entries == []  # a heading without text of its own


def test_the_synthesis_page_is_the_reviewers(as_user, demo):
    round_ = demo_round()
    page = as_user("syt").get(f"/reports/rounds/{round_.pk}/synthesis/")
    assert page.status_code == 200
    assert "Thực hiện Kế hoạch số 158/KH-UBND" in page.content.decode()
    assert as_user("chauthanh").get(f"/reports/rounds/{round_.pk}/synthesis/").status_code == 404


def test_the_provincial_draft_is_prefilled_and_keeps_what_the_province_wrote(as_user, demo):
    round_ = demo_round()
    client = as_user("syt")
    response = client.post(f"/reports/rounds/{round_.pk}/draft-report/")
    province_report = Report.objects.get(round=round_, unit=unit("87"))
    assert response.url == f"/reports/{province_report.pk}/"
    by_key = sections(province_report)
    text = SectionText.objects.get(report=province_report, section=by_key["I.1"])
    lines = text.text.split("\n")
    assert lines[0] == "Thành phố Cao Lãnh:"  # unit 866: the order of the unit tree
    assert "Huyện Châu Thành:" in lines

    SectionText.objects.filter(pk=text.pk).update(text="Tỉnh đã quán triệt.")
    client.post(f"/reports/rounds/{round_.pk}/draft-report/")
    assert SectionText.objects.get(pk=text.pk).text == "Tỉnh đã quán triệt."


def test_the_draft_takes_the_rolled_up_indicators_but_not_over_typed_ones(round_2021):
    stations = Indicator.objects.get(code="tram-y-te-chuan")
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    province = unit("87")
    expected = official_rollup([stations], province, 2021).total.cells[stations.pk]
    assert expected.source == "below"  # the demo's communes have accepted 2021 figures
    report = Report.objects.create(
        round=round_2021, unit=province, due_on=dt.date(2022, 1, 20), status=ReportStatus.DRAFT
    )
    figures.record(report, insurance, "actual", "91,2", user=user("syt"))

    draft_provincial_report(round_2021, user("syt"))
    actual = ReportValue.objects.get(report=report, indicator=stations, column="actual")
    assert actual.text == expected.display and "/" in actual.text
    kept = ReportValue.objects.get(report=report, indicator=insurance, column="actual")
    assert kept.text == "91,2"


def test_a_districts_draft_figures_never_reach_the_provincial_draft(round_2021):
    """Issue, case 4: what a district is still drafting is not an official total."""
    stations = Indicator.objects.get(code="tram-y-te-chuan")
    hong_ngu = Report.objects.get(round=round_2021, unit=unit("870"))
    official = official_rollup([stations], unit("87"), 2021).total.cells[stations.pk].display
    save_cell(hong_ngu, stations, "actual", "1.234/1.234", user("hongngu"))
    assert Report.objects.get(pk=hong_ngu.pk).status == ReportStatus.DRAFT

    with_drafts = official_rollup([stations], unit("87"), 2021, counted="all")
    assert with_drafts.total.cells[stations.pk].display != official

    report = draft_provincial_report(round_2021, user("syt"))
    prefilled = ReportValue.objects.get(report=report, indicator=stations, column="actual")
    assert prefilled.text == official and "1.234" not in prefilled.text


@pytest.fixture
def district_reviewer(demo):
    """A reviewer of Phòng Y tế Châu Thành: Châu Thành and its communes in scope."""
    reviewer = get_user_model().objects.create_user("ytct", email="ytct@example.vn")
    Membership.objects.create(user=reviewer, unit=unit("877"), role=Role.REVIEWER)
    return reviewer


def test_a_district_opens_a_round_for_its_communes_before_its_own_deadline(
    client, district_reviewer, chau_thanh_report, as_user
):
    url = f"/reports/{chau_thanh_report.pk}/child-round/"
    client.force_login(district_reviewer)
    page = client.get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    assert 'id="child-round-form"' in page

    late = client.post(url, {"due_on": "16/01/2022"})
    assert late.status_code == 422
    assert "15/01/2022" in late.content.decode()
    assert 'value="16/01/2022"' in late.content.decode()
    garbled = client.post(url, {"due_on": "mùng 5 tết"})
    assert garbled.status_code == 422 and "dd/mm/yyyy" in garbled.content.decode()
    assert not ReportingRound.objects.filter(parent=chau_thanh_report.round).exists()

    opened = client.post(url, {"due_on": "05/01/2022"})
    child = ReportingRound.objects.get(parent=chau_thanh_report.round)
    assert opened.url == f"/reports/rounds/{child.pk}/"
    reports = Report.objects.filter(round=child)
    assert reports.count() == 12
    assert {r.due_on for r in reports} == {dt.date(2022, 1, 5)}
    assert all(r.unit.parent_unit() == unit("877") for r in reports)
    assert client.post(url, {"due_on": "04/01/2022"}).status_code == 422  # only one

    # The province sees the communes' round with its own completeness figures.
    parent_page = as_user("syt").get(f"/reports/rounds/{chau_thanh_report.round.pk}/")
    assert child.title in parent_page.content.decode()


def test_a_reporter_cannot_open_the_communes_round(as_user, chau_thanh_report):
    client = as_user("chauthanh")
    assert (
        'id="child-round-form"'
        not in client.get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    )
    client.post(f"/reports/{chau_thanh_report.pk}/child-round/", {"due_on": "05/01/2022"})
    assert not ReportingRound.objects.filter(parent=chau_thanh_report.round).exists()


def test_the_communes_texts_go_into_the_districts_own_report(
    client, district_reviewer, chau_thanh_report
):
    client.force_login(district_reviewer)
    client.post(f"/reports/{chau_thanh_report.pk}/child-round/", {"due_on": "05/01/2022"})
    child = ReportingRound.objects.get(parent=chau_thanh_report.round)
    commune_report = Report.objects.filter(round=child).order_by("unit__path").first()
    SectionText.objects.create(
        report=commune_report,
        section=sections(commune_report)["I.1"],
        text="Xã đã quán triệt đến 45 đảng viên.",
    )
    Report.objects.filter(pk=commune_report.pk).update(status=ReportStatus.SUBMITTED)

    response = client.post(f"/reports/rounds/{child.pk}/draft-report/")
    assert response.url == f"/reports/{chau_thanh_report.pk}/"
    text = SectionText.objects.get(
        report=chau_thanh_report, section=sections(chau_thanh_report)["I.1"]
    ).text
    assert text == f"{commune_report.unit.name}:\nXã đã quán triệt đến 45 đảng viên."
    assert not Report.objects.filter(round=child, unit=unit("877")).exists()
