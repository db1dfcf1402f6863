"""A proposed `reports.figures.official_values`, for `bench.rollup --candidate`.

Not the project's code: reports/figures.py is unchanged. `bench.rollup
--candidate` swaps this in (in the bench's process only, around each call) to
time the engine with it beside the engine as it is, and checks that every cell
is the same. Delete this file once reports/figures.py has decided.

What it changes: the "later report wins" NOT EXISTS looks for the later
report's row only among the rows of *later reports*, the counted reports that
follow another counted report of their unit in a round of the same year and
kind of period. The result is the same, because a figure's `unit`, `year` and
`period` repeat its report's unit and its round's year and period
(ReportValue's docstring; `record` sets them so), and PERIOD_TYPE_OF maps a
period to its round's kind. Most units have one counted report a period, so
the anti-join's inner side is tiny and PostgreSQL hashes it (one pass over the
figures) instead of probing the (unit, indicator, year, period, column) index
once per figure: 332,100 probes for a national roll-up.

The kind of period matters: a unit's annual report follows its 6-month report
of the same year, and without `round__period_type` every annual report would
be a "later" report, which would prune nothing.
"""

from contextlib import contextmanager

from django.db.models import Exists, OuterRef

from indicators.models import PeriodKind
from reports.figures import COUNTED_STATUSES, PERIOD_TYPE_OF, Counted
from reports.models import Report, ReportValue, ValueColumn


def later_reports(year, period, statuses):
    """Counted reports that follow another counted report of their unit in a
    round of the same year and kind of period: the only ones whose figures
    can replace another report's."""
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
    report's figure stands."""
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
        report__in=later_reports(year, period, statuses),  # counted, by construction
        report_id__gt=OuterRef("report_id"),
    )
    return values.filter(~Exists(later))


@contextmanager
def swapped_in():
    """reports.figures.official_values is this one inside the block
    (official_rollup looks it up in its module at each call)."""
    from reports import figures

    current = figures.official_values
    figures.official_values = official_values
    try:
        yield
    finally:
        figures.official_values = current
