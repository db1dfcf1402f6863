import datetime as dt
import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import FigureKind, Indicator, Value
from portal.models import ReportingUnit, UnitKind
from portal.units import current_division_records, upsert_units

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
    html = as_user("syt").get("/indicators/rollup/?group=dan-so-khhgd&year=2020").content.decode()
    row = row_of(html, "877")
    assert cells_of(row) == SEED_000_ACTUALS
    assert row.count('data-status="achieved"') == 9
    assert "table-success" in row


def test_the_province_total_is_rolled_up_from_numerators_not_averaged(as_user):
    html = as_user("syt").get("/indicators/rollup/?group=dan-so-khhgd&year=2019").content.decode()
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    values = Value.objects.filter(indicator=insurance, year=2019, figure=FigureKind.ACTUAL)
    values = values.filter(unit__path__startswith=unit("87").path)
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
    own = client.get("/indicators/rollup/?group=dan-so-khhgd&year=2020")
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
    Value.objects.bulk_create(
        Value(
            indicator=insurance,
            unit=u,
            year=2020,
            figure="actual",
            numeric=90,
            numerator=9,
            denominator=10,
        )
        for u in country.subtree().filter(kind=UnitKind.COMMUNE)
    )
    assert page_queries(client, small) == page_queries(client, country)
