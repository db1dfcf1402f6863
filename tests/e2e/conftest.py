"""The report the browser tests work on."""

import datetime as dt

import pytest

from portal.models import ReportingUnit, UnitKind
from reports.models import Report
from reports.rounds import RoundSpec, open_round
from reports.templates_io import load_template
from tests.reports.conftest import SMALL_TEMPLATE


@pytest.fixture
def report(demo):
    province = ReportingUnit.objects.get(code="87", valid_from=None)
    round_ = open_round(
        RoundSpec(
            title="Báo cáo năm 2021",
            template=load_template(SMALL_TEMPLATE),
            issuing_unit=province,
            year=2021,
            units=list(province.children().filter(kind=UnitKind.DISTRICT)),
            deadlines={UnitKind.DISTRICT: dt.date(2022, 1, 15)},
        )
    )
    return Report.objects.get(round=round_, unit__code="877")
