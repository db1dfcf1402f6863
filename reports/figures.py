"""The figures a report states, and the official series read from them.

A figure belongs to the report that states it (reports.models.ReportValue):
two reports never share one, so what the Department accepts stays as
accepted, and a draft never reaches a total. Official series — the roll-up,
the round's workbook, the synthesis prefill, emulation standings — read
figures of reports by status: accepted only by default, as DHIS2 and Akvo do;
a reviewer may ask for submitted ones too, or for every draft, and the page
then says so.

`record` stores what was typed; it is the one way figures are written (the
editor, the offline import, the synthesis, the demo), always inside the
caller's transaction with the report row locked (reports/editing.py).
"""

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from indicators.models import PeriodKind
from indicators.numbers import parse
from indicators.rollup import rollup
from indicators.values import value_fields
from reports.models import PeriodType, Report, ReportStatus, ReportValue, ValueColumn


class Counted(models.TextChoices):
    """Which reports' figures an official series counts."""

    ACCEPTED = "accepted", _("accepted reports only")
    SUBMITTED = "submitted", _("submitted and accepted reports")
    ALL = "all", _("all reports, drafts included")


PERIOD_TYPE_OF = {
    PeriodKind.YEAR: PeriodType.YEAR,
    PeriodKind.H1: PeriodType.HALF,
    PeriodKind.H2: PeriodType.HALF,
    PeriodKind.Q1: PeriodType.QUARTER,
    PeriodKind.Q2: PeriodType.QUARTER,
    PeriodKind.Q3: PeriodType.QUARTER,
    PeriodKind.Q4: PeriodType.QUARTER,
    PeriodKind.REVIEW: PeriodType.FIVE_YEAR,
}

COUNTED_STATUSES = {
    Counted.ACCEPTED: (ReportStatus.ACCEPTED,),
    Counted.SUBMITTED: (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
    Counted.ALL: tuple(ReportStatus.values),
}


def record(report, indicator, column, typed, *, user=None, numerator=None, denominator=None):
    """Parse what was typed into `column` of the report's row for `indicator`
    and store it; an empty entry deletes the figure (its history keeps it).
    Raises ParseError with a message for the user. Returns the stored figure
    or None."""
    reading = parse(typed)
    current = ReportValue.objects.filter(report=report, indicator=indicator, column=column).first()
    if reading.kind == "empty" and numerator is None and denominator is None:
        if current is not None:
            current._history_user = user
            current.delete()
        return None
    fields = value_fields(
        indicator, reading, numerator, denominator, plan=column != ValueColumn.ACTUAL
    )
    if current is None:
        current = ReportValue(
            report=report,
            indicator=indicator,
            column=column,
            unit_id=report.unit_id,
            year=report.round.year,
            period=report.round.period,
            version=0,
        )
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.entered_by = user
    current._history_user = user
    current.save()
    return current


def carry_plans_forward(round_):
    """Each new report of `round_` starts with the plan for its year that its
    unit's latest report of the year before stated as "plan for next year",
    once sent (submitted or accepted): a copy, which the unit edits as its own
    figure (the earlier report keeps its own). Two queries and one insert,
    whatever the number of units."""
    if round_.period_type != PeriodType.YEAR:
        return 0
    reports = dict(round_.reports.values_list("unit_id", "pk"))
    stated = (
        official_values(round_.year - 1, PeriodKind.YEAR, ValueColumn.PLAN_NEXT, Counted.SUBMITTED)
        .filter(unit_id__in=list(reports))
        .values("unit_id", "indicator_id", *PLAN_FIELDS)
    )
    carried = ReportValue.objects.bulk_create(
        ReportValue(
            report_id=reports[row["unit_id"]],
            column=ValueColumn.PLAN,
            year=round_.year,
            period=PeriodKind.YEAR,
            **row,
        )
        for row in stated
    )
    return len(carried)


PLAN_FIELDS = ("comparator", "numeric", "upper", "numerator", "denominator", "text")


def later_reports(year, period, statuses):
    """Counted reports that follow another counted report of their unit in a
    round of the same year and kind of period: the only ones whose figures
    can replace another report's. Most units have one counted report a
    period, so this is nearly empty and the anti-join below is one hashed
    pass instead of an index probe per figure (bench/README.md: 332,100
    probes, three times slower, for a national roll-up)."""
    counted = Report.objects.filter(
        round__year=year,
        round__period_type=PERIOD_TYPE_OF[PeriodKind(period)],
        status__in=statuses,
    )
    earlier = counted.filter(unit_id=OuterRef("unit_id"), pk__lt=OuterRef("pk"))
    return counted.filter(Exists(earlier))


def official_values(year, period=PeriodKind.YEAR, column=ValueColumn.ACTUAL, counted=None):
    """The figures of one period's series, one per unit and indicator: those of
    reports in the counted statuses. Where two counted reports of a unit state
    the same figure for the period (two rounds of one year), the later
    report's figure stands. (A figure's unit, year and period repeat its
    report's, so the later report is looked for among `later_reports`.)"""
    statuses = COUNTED_STATUSES[Counted(counted or Counted.ACCEPTED)]
    values = ReportValue.objects.filter(
        year=year, period=period, column=column, report__status__in=statuses
    )
    later = ReportValue.objects.filter(
        unit_id=OuterRef("unit_id"),
        indicator_id=OuterRef("indicator_id"),
        year=year,
        period=period,
        column=column,
        report__in=later_reports(year, period, statuses),
        report_id__gt=OuterRef("report_id"),
    )
    return values.filter(~Exists(later))


def official_rollup(indicators, unit, year, period=PeriodKind.YEAR, column=None, counted=None):
    """The roll-up of `unit` for a period, from the counted reports' figures."""
    values = official_values(year, period, column or ValueColumn.ACTUAL, counted)
    return rollup(indicators, unit, year, values)


def report_statuses(unit_ids, series):
    """Each unit's report status for a series' period (the latest report of
    the unit in a round of that year and kind of period): what the roll-up
    page shows beside each unit's figures. One query."""
    period_type = PERIOD_TYPE_OF[PeriodKind(series["period"])]
    reports = (
        Report.objects.filter(
            unit_id__in=unit_ids, round__year=series["year"], round__period_type=period_type
        )
        .order_by("unit_id", "id")
        .values_list("unit_id", "status")
    )
    statuses = {}
    for unit_id, status in reports:
        statuses[unit_id] = ReportStatus(status)  # the later report wins, as in the series
    return statuses
