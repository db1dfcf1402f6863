"""Builders for the roll-up tests: indicators, unit trees, figures and targets,
all entered the way the portal enters them (treebeard's manager for units,
`reports.figures.record` for figures — on an accepted report of the unit in
a test round of the year, so that the official series counts them —,
`target_fields` for targets)."""

import datetime as dt
import itertools
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction

from indicators.models import Direction, Indicator, PeriodKind, Target
from indicators.numbers import format_number, parse
from indicators.rollup import POPULATION_CODE
from indicators.values import target_fields
from portal.models import ReportingUnit, UnitKind
from reports import figures
from reports.models import (
    PeriodType,
    ReportingRound,
    ReportStatus,
    ReportTemplate,
    ValueColumn,
)

YEAR = 2020

_serial = itertools.count(1)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the block in a savepoint and undo everything it wrote, so that each
    Hypothesis example starts from the demo data alone."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def make_indicator(kind, *, factor=None, decimals=2, direction=Direction.HIGHER):
    n = next(_serial)
    return Indicator.objects.create(
        code=f"test-{kind}-{n}",
        name=f"Test {kind} {n}",
        kind=kind,
        factor=Decimal(factor) if factor is not None else None,
        decimals=decimals,
        direction=direction,
    )


def population_indicator():
    return Indicator.objects.get(code=POPULATION_CODE)


def add_root(code, name=None, kind=UnitKind.PROVINCE):
    # Test codes start with a letter, so they sort after the demo's provinces
    # ("08", "87") and adding them never moves the demo's paths.
    return ReportingUnit.objects.add_root({"code": code, "name": name or code, "kind": kind})


def add_child(parent, code, name=None, kind=UnitKind.COMMUNE):
    return ReportingUnit.objects.add_child(
        parent, {"code": code, "name": name or code, "kind": kind}
    )


def fresh(unit):
    """The unit as stored: sorted insertion of a sibling may have moved its path."""
    return ReportingUnit.objects.get(pk=unit.pk)


def accepted_report(unit, year=YEAR, status=ReportStatus.ACCEPTED, period=PeriodKind.YEAR):
    """The unit's report in the test round of `year` (a year's, or the first
    6 months'), in `status`."""
    template, _created = ReportTemplate.objects.get_or_create(
        code="test-figures", version=1, defaults={"name": "Test figures"}
    )
    root = ReportingUnit.objects.get(path=unit.path[: unit.steplen])
    half = period == PeriodKind.H1
    round_, _created = ReportingRound.objects.get_or_create(
        title=f"Test round {year} {period}",
        issuing_unit=root,
        year=year,
        defaults={
            "template": template,
            "period_type": PeriodType.HALF if half else PeriodType.YEAR,
            "data_from": dt.date(year - 1, 12, 15),
            "data_to": dt.date(year, 6, 14) if half else dt.date(year, 12, 14),
        },
    )
    report, _created = round_.reports.get_or_create(
        unit=unit, defaults={"due_on": dt.date(year, 12, 20), "status": status}
    )
    return report


def put(indicator, unit, typed="", *, numerator=None, denominator=None, year=YEAR, period="Y"):
    """Record a figure as the report editor does, in the unit's accepted report."""
    return figures.record(
        accepted_report(unit, year, period=period),
        indicator,
        ValueColumn.ACTUAL,
        typed,
        numerator=numerator,
        denominator=denominator,
    )


def official(indicators, unit, year=YEAR, **kwargs):
    """The roll-up of the official series (accepted reports' actuals)."""
    return figures.official_rollup(indicators, unit, year, PeriodKind.YEAR, **kwargs)


def put_number(indicator, unit, number, **kwargs):
    return put(indicator, unit, format_number(Decimal(number)), **kwargs)


def put_rate(indicator, unit, numerator, denominator):
    """A rate given with what it is made of: typed as the rate, plus numerator and denominator."""
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    typed = (
        format_number(numerator / denominator * indicator.factor, indicator.decimals)
        if denominator
        else "0"
    )
    return put(indicator, unit, typed, numerator=numerator, denominator=denominator)


def put_target(indicator, scope, typed, year=YEAR):
    return Target.objects.create(
        indicator=indicator, scope=scope, year=year, **target_fields(parse(typed))
    )


def build_tree(root_code, shape, root_name=None):
    """A province → districts → communes tree; `shape` is the number of communes
    of each district. Returns (province, [(district, [communes])]), all fresh."""
    province = add_root(root_code, root_name or f"Tỉnh {root_code}")
    branches = []
    for d, size in enumerate(shape, start=1):
        district = add_child(province, f"{root_code}-{d:02}", f"Huyện {d}", kind=UnitKind.DISTRICT)
        communes = [
            add_child(district, f"{root_code}-{d:02}-{c:02}", f"Xã {d}.{c}")
            for c in range(1, size + 1)
        ]
        branches.append((district, communes))
    return refresh_tree(province, branches)


def refresh_tree(province, branches):
    return fresh(province), [(fresh(d), [fresh(c) for c in cs]) for d, cs in branches]
