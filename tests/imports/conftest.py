import datetime as dt

import pytest

from portal.models import UnitKind
from reports.models import Report, ReportTemplate
from reports.rounds import RoundSpec, open_round
from tests.reports.conftest import chau_thanh_report, round_2021, unit  # noqa: F401


@pytest.fixture
def full_round(demo):
    """A 2021 round on seed 000's outline (indicator table, figures, dissemination
    matrix) for Châu Thành and Hồng Ngự."""
    province = unit("87")
    return open_round(
        RoundSpec(
            title="Báo cáo năm 2021 (Chương trình 59, 60)",
            template=ReportTemplate.objects.get(code="bc-ctr-59-60"),
            issuing_unit=province,
            year=2021,
            units=[unit("877"), unit("870")],
            deadlines={UnitKind.DISTRICT: dt.date(2022, 1, 15)},
        )
    )


@pytest.fixture
def full_report(full_round):
    return Report.objects.get(round=full_round, unit=unit("877"))


@pytest.fixture
def hong_ngu_report(full_round):
    return Report.objects.get(round=full_round, unit=unit("870"))
