"""The upgrade that moves figures onto their reports (reports 0004, indicators
0003), from a database in the old shape: every value arrives, with its
history, in the report that showed it or, where no report did, in an
accepted report of a closed round, so that no official total changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.figures import official_values
from reports.models import Report, ReportStatus, ReportValue
from tests.conftest import demo_in_old_shape

pytestmark = pytest.mark.django_db(transaction=True)

OLD = [("indicators", "0002_movements"), ("reports", "0003_report_first_submission")]


@pytest.fixture
def old_database(demo_again_afterwards, transactional_db):
    """The demo's units, rounds and reports, with figures stored the old way."""
    with demo_in_old_shape(OLD) as (apps, _latest):
        yield apps


def test_every_value_arrives_in_the_report_that_showed_it_or_an_accepted_archive(old_database):
    apps = old_database
    Value = apps.get_model("indicators", "Value")
    HistoricalValue = apps.get_model("indicators", "HistoricalValue")
    Indicator = apps.get_model("indicators", "Indicator")
    Unit = apps.get_model("portal", "ReportingUnit")
    Target = apps.get_model("indicators", "Target")
    indicators = {i.code: i for i in Indicator.objects.all()}
    chau_thanh = Unit.objects.get(code="877", valid_from=None)
    commune = (
        Unit.objects.filter(path__startswith=chau_thanh.path, depth=3).order_by("path").first()
    )
    insurance, stations = indicators["bao-hiem-y-te"], indicators["tram-y-te-chuan"]
    old = [
        # Châu Thành's own results, shown by its 2020 report (seed 000).
        Value(
            indicator=insurance,
            unit=chau_thanh,
            year=2020,
            figure="actual",
            text="90,08",
            numeric=Decimal("90.08"),
        ),
        Value(
            indicator=stations,
            unit=chau_thanh,
            year=2020,
            figure="actual",
            text="12/12",
            numerator=12,
            denominator=12,
        ),
        # A commune's figures: no report of the commune showed them.
        Value(
            indicator=insurance,
            unit=commune,
            year=2020,
            figure="actual",
            numeric=Decimal("91"),
            numerator=9100,
            denominator=10000,
        ),
        Value(
            indicator=insurance,
            unit=commune,
            year=2021,
            period="H1",
            figure="actual",
            text="88,5",
            numeric=Decimal("88.5"),
        ),
        Value(
            indicator=insurance,
            unit=commune,
            year=2021,
            figure="plan",
            text="≥ 92",
            comparator="ge",
            numeric=Decimal("92"),
        ),
    ]
    for value in old:
        value.save()
    now = timezone.now()
    for value in old[:1]:
        for n, text in enumerate(["89", "90,08"]):
            HistoricalValue.objects.create(
                id=value.pk,
                indicator=value.indicator,
                unit=value.unit,
                year=value.year,
                period=value.period,
                figure=value.figure,
                text=text,
                comparator="",
                numeric=Decimal(text.replace(",", ".")),
                entered_at=now,
                history_date=now - dt.timedelta(days=2 - n),
                history_type="+" if n == 0 else "~",
            )
    plans = {(t.indicator.code, t.year): t.text for t in Target.objects.filter(scope=chau_thanh)}
    assert plans[("bao-hiem-y-te", 2021)] == "91"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    report = Report.objects.get(
        unit__code="877", round__year=2020, round__title__startswith="Báo cáo kết quả"
    )
    stated = {(v.indicator.code, v.column): v for v in ReportValue.objects.filter(report=report)}
    assert stated[("bao-hiem-y-te", "actual")].text == "90,08"
    assert stated[("bao-hiem-y-te", "actual")].numeric == Decimal("90.08")
    ratio = stated[("tram-y-te-chuan", "actual")]
    assert (ratio.text, ratio.numerator, ratio.denominator) == ("12/12", 12, 12)
    # Its plans, read from the unit's targets as the report showed them.
    assert stated[("bao-hiem-y-te", "plan_next")].text == "91"
    assert {("bao-hiem-y-te", 2020), ("bao-hiem-y-te", 2021)} <= set(plans)
    assert len([k for k in stated if k[1] == "plan"]) == len([k for k in plans if k[1] == 2020])
    # The history came along, in order.
    history = ReportValue.history.filter(id=stated[("bao-hiem-y-te", "actual")].pk)
    assert [h.text for h in history.order_by("history_date")] == ["89", "90,08"]

    # The commune's figures: accepted reports of closed rounds, by period.
    archived = ReportValue.objects.filter(unit__code=commune.code).select_related("report__round")
    by_period = {(v.year, v.period, v.column): v for v in archived}
    year = by_period[(2020, "Y", "actual")]
    assert year.report.status == ReportStatus.ACCEPTED and not year.report.round.is_open
    assert (year.numerator, year.denominator) == (9100, 10000)
    assert by_period[(2021, "H1", "actual")].text == "88,5"
    assert by_period[(2021, "Y", "plan")].text == "≥ 92"
    # So the official series still counts it, as the roll-up did before.
    assert official_values(2020).filter(unit__code=commune.code).count() == 1
    assert official_values(2021, "H1").filter(unit__code=commune.code).count() == 1
    assert (
        ReportValue.objects.filter(unit__code__in=[commune.code, "877"], column="actual").count()
        == 4
    )
