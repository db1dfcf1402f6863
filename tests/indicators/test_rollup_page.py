import datetime as dt
import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator
from portal.models import ReportingUnit, UnitKind
from portal.units import current_division_records, upsert_units
from reports.models import Report, ReportStatus, ReportValue
from tests.indicators.factories import accepted_report

pytestmark = pytest.mark.django_db

SEED_000_ACTUALS = ["13,04", "< 17", "0,90", "84", "12/12", "95", "9,8", "3,67", "90,08"]


def unit(code):
    return ReportingUnit.objects.get(code=code, valid_from=None)


def row_of(page, code):
    match = re.search(rf'<tr[^>]*data-unit="{code}">(.*?)</tr>', page, re.S)
    assert match, f"no row for unit {code}"
    return match.group(1)


def cells_of(row_html):
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
    return [htmllib.unescape(re.sub(r"<[^>]+>|[≈⚠]", "", c)).strip() for c in cells]


def test_the_reviewer_sees_the_twelve_districts_and_the_province_total(as_user):
    page = as_user("syt").get("/indicators/rollup/?group=dan-so-khhgd&year=2020&figure=actual")
    assert page.status_code == 200
    html = page.content.decode()
    for district in unit("87").children().filter(kind=UnitKind.DISTRICT):
        assert f'data-unit="{district.code}"' in html
    total = cells_of(row_of(html, "87"))
    assert len(total) == 9 and all(total), total


def test_chau_thanhs_row_matches_seed_000_exactly_and_is_coloured_achieved(as_user):
    # Châu Thành's report is submitted, not yet accepted: asked for explicitly.
    url = "/indicators/rollup/?group=dan-so-khhgd&year=2020&counted=submitted"
    html = as_user("syt").get(url).content.decode()
    assert "Đã gửi" in row_of(html, "877")
    row = row_of(html, "877")
    assert cells_of(row) == SEED_000_ACTUALS
    assert row.count('data-status="achieved"') == 9
    assert "table-success" in row


def test_the_province_total_is_rolled_up_from_numerators_not_averaged(as_user):
    html = as_user("syt").get("/indicators/rollup/?group=dan-so-khhgd&year=2019").content.decode()
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    values = ReportValue.objects.filter(
        indicator=insurance, year=2019, column="actual", report__status=ReportStatus.ACCEPTED
    )
    values = values.filter(unit__path__startswith=unit("87").path)
    assert values.count() == 141
    num = sum(v.numerator for v in values)
    den = sum(v.denominator for v in values)
    expected = f"{num / den * 100:.2f}".replace(".", ",")
    assert cells_of(row_of(html, "87"))[8] == expected


def test_a_reviewer_drills_down_into_a_district(as_user):
    client = as_user("syt")
    html = client.get(f"/indicators/rollup/?unit={unit('87').pk}&group=dan-so-khhgd&year=2020")
    assert f"?unit={unit('870').pk}&amp;" in html.content.decode()
    drilled = client.get(f"/indicators/rollup/?unit={unit('870').pk}&group=dan-so-khhgd&year=2020")
    page = drilled.content.decode()
    communes = unit("870").children()
    assert communes.count() == 10
    for commune in communes:
        assert f'data-unit="{commune.code}"' in page


def test_a_reporter_sees_their_own_district_only(as_user):
    client = as_user("chauthanh")
    own = client.get("/indicators/rollup/?group=dan-so-khhgd&year=2020&counted=submitted")
    assert own.status_code == 200
    assert cells_of(row_of(own.content.decode(), "877")) == SEED_000_ACTUALS
    assert client.get(f"/indicators/rollup/?unit={unit('87').pk}").status_code == 404
    assert client.get(f"/indicators/rollup/?unit={unit('870').pk}").status_code == 404


def test_bad_parameters_get_a_message_not_an_error(as_user):
    response = as_user("syt").get("/indicators/rollup/?group=nope&year=1900&figure=x")
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert as_user("syt").get("/indicators/rollup/?unit=abc").status_code == 404


def test_each_indicator_has_a_chart_with_a_bar_per_district_and_the_target_line(as_user):
    html = as_user("syt").get("/indicators/rollup/?group=dan-so-khhgd&year=2020").content.decode()
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 9
    assert all(chart.count("<rect") == 12 for chart in charts)
    assert all('class="target-line"' in chart for chart in charts)


def national_tree():
    """34 provinces and 3,321 communes (vietnam-provinces) under one root."""
    country = ReportingUnit.objects.add_root(
        {"code": "VN", "name": "Việt Nam", "kind": UnitKind.PROVINCE}
    )
    records = current_division_records()
    upsert_units(records)
    reform = dt.date(2025, 7, 1)
    for province in ReportingUnit.objects.filter(valid_from=reform, depth=1).order_by("code"):
        ReportingUnit.objects.move(province, country, "sorted-child")
    return ReportingUnit.objects.get(pk=country.pk)


def page_queries(client, root):
    url = f"/indicators/rollup/?unit={root.pk}&group=dan-so-khhgd&year=2020"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_issues_as_many_queries_for_3321_communes_as_for_ten(as_user):
    client = as_user("admin")
    small = ReportingUnit.objects.add_root({"code": "T", "name": "Tỉnh thử", "kind": "province"})
    district = ReportingUnit.objects.add_child(
        small, {"code": "T1", "name": "Huyện", "kind": "district"}
    )
    for i in range(8):
        ReportingUnit.objects.add_child(
            district, {"code": f"T1{i}", "name": f"Xã {i}", "kind": "commune"}
        )
    country = national_tree()
    assert country.subtree().filter(kind=UnitKind.COMMUNE).count() == 3321
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    communes = list(country.subtree().filter(kind=UnitKind.COMMUNE))
    round_ = accepted_report(communes[0], 2020).round
    Report.objects.bulk_create(
        Report(round=round_, unit=u, due_on=dt.date(2020, 12, 20), status=ReportStatus.ACCEPTED)
        for u in communes[1:]
    )
    reports = dict(Report.objects.filter(round=round_).values_list("unit_id", "pk"))
    ReportValue.objects.bulk_create(
        ReportValue(
            report_id=reports[u.pk],
            indicator=insurance,
            column="actual",
            unit=u,
            year=2020,
            period="Y",
            numeric=90,
            numerator=9,
            denominator=10,
        )
        for u in communes
    )
    assert page_queries(client, small) == page_queries(client, country)


def test_by_default_only_accepted_reports_count_and_the_page_says_so(as_user):
    client = as_user("syt")
    html = client.get("/indicators/rollup/?group=dan-so-khhgd&year=2020").content.decode()
    assert "Số liệu được tính: chỉ báo cáo đã tiếp nhận" in html
    # Châu Thành's own figures are in a submitted report: its row is what its
    # communes' accepted reports add up to, not seed 000's "13,04".
    row = row_of(html, "877")
    assert "Đã gửi" in row
    assert cells_of(row) != SEED_000_ACTUALS
    assert "13,04" not in row


def test_a_drafts_figures_reach_the_total_only_when_drafts_are_asked_for(as_user):
    """Case 4 of the issue: Hồng Ngự's draft typed 1.234,5 beds per 10,000."""
    from reports.editing import save_cell
    from reports.models import Report as R

    draft = R.objects.get(round__year=2020, unit=unit("870"), round__title__startswith="Báo cáo")
    assert draft.status == ReportStatus.DRAFT
    beds = Indicator.objects.get(code="giuong-benh")
    save_cell(draft, beds, "actual", "1.234,5", user_named("hongngu"))
    client = as_user("syt")
    base = "/indicators/rollup/?group=dan-so-khhgd&year=2020"
    column = [i.code for i in Indicator.objects.filter(group__code="dan-so-khhgd")].index(
        "giuong-benh"
    )
    official = cells_of(row_of(client.get(base).content.decode(), "87"))[column]
    with_drafts = cells_of(row_of(client.get(base + "&counted=all").content.decode(), "87"))
    assert "1.234,5" not in official and float(official.replace(",", ".")) < 20
    assert float(with_drafts[column].replace(".", "").replace(",", ".")) > 50
    assert (
        "Số liệu được tính: tất cả báo cáo, kể cả bản nháp"
        in client.get(base + "&counted=all").content.decode()
    )


def user_named(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
