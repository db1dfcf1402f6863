"""Home pages by role, and the pages a large province opens every day, in a
fixed number of queries."""

import datetime as dt

import pytest

from portal.models import ReportingUnit, UnitKind
from reports.models import Report, ReportingRound
from reports.rounds import RoundSpec, open_round

pytestmark = pytest.mark.django_db


def demo_round():
    return ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60")


def section(page, anchor):
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


def test_a_reporter_sees_the_open_round_with_its_deadline_and_state(as_user):
    page = as_user("hongngu").get("/").content.decode()
    mine = section(page, "my-reports")
    assert demo_round().title in mine
    assert "25/11/2020" in mine and "Đang soạn" in mine and "trễ hạn" in mine
    assert 'id="my-rounds"' not in page


def test_a_submitted_report_is_not_flagged_late(as_user):
    mine = section(as_user("chauthanh").get("/").content.decode(), "my-reports")
    assert "Đã gửi" in mine and "trễ hạn" not in mine


def test_a_reviewer_sees_completeness_and_what_awaits_review(as_user):
    page = as_user("syt").get("/").content.decode()
    rounds = section(page, "my-rounds")
    row = rounds[rounds.index(demo_round().title) :]
    row = row[: row.index("</tr>")]
    # Submitted at least once: 5 submitted + 1 accepted + 1 returned, of 12;
    # awaiting review: the 5 submitted.
    assert "7/12" in row and ">5<" in row


def test_the_reviewers_pages_take_a_fixed_number_of_queries(as_user, django_assert_max_num_queries):
    client = as_user("syt")
    round_ = demo_round()
    report = Report.objects.get(round=round_, unit__code="877")
    for url, most in [
        ("/", 13),  # 8, and 5 for the standing of the demo's emulation movement
        (f"/reports/rounds/{round_.pk}/", 12),
        (f"/reports/rounds/{round_.pk}/synthesis/", 10),
        (f"/reports/{report.pk}/", 22),
        (f"/reports/{report.pk}/preview/", 17),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_a_round_of_every_commune_costs_no_more_queries_than_one_of_districts(
    as_user, django_assert_max_num_queries
):
    province = ReportingUnit.objects.get(code="87", valid_from=None)
    communes = list(
        ReportingUnit.objects.filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
    )
    assert len(communes) == 141
    round_ = open_round(
        RoundSpec(
            title="Báo cáo 6 tháng 2021 cấp xã",
            template=demo_round().template,
            issuing_unit=province,
            year=2021,
            units=communes,
            deadlines={UnitKind.COMMUNE: dt.date(2021, 6, 20)},
        )
    )
    client = as_user("syt")
    with django_assert_max_num_queries(12):
        page = client.get(f"/reports/rounds/{round_.pk}/")
    assert page.content.decode().count("<tr") >= 141
    with django_assert_max_num_queries(13):
        client.get("/")
