"""Who has submitted, who is late: a round's completeness and timeliness.

completeness = submitted ÷ expected; timeliness = submitted on time ÷ expected
(DOMAIN.md). A report counts as submitted once it has been submitted, even if
it was returned afterwards: the unit did report.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reports.models import Report, ReportStatus


@dataclass(frozen=True)
class UnitLine:
    report_id: int
    unit_name: str
    unit_code: str
    status: str
    status_label: str
    submitted_on: dt.date | None
    due_on: dt.date
    days: int  # days late (> 0), or days left (<= 0) when not submitted
    late: bool
    on_time: bool

    @property
    def day_count(self):
        return abs(self.days)


@dataclass(frozen=True)
class Completeness:
    lines: list
    expected: int
    submitted: int
    on_time: int
    late_units: int

    @property
    def completeness(self):
        return _percent(self.submitted, self.expected)

    @property
    def timeliness(self):
        return _percent(self.on_time, self.expected)


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def round_completeness(round_, today, status=None):
    """One query, whatever the number of units."""
    reports = Report.objects.filter(round=round_).select_related("unit").order_by("unit__path")
    lines = []
    for r in reports.only(
        "id", "status", "submitted_at", "due_on", "unit__name", "unit__code", "unit__path"
    ):
        submitted_on = r.submitted_at.date() if r.submitted_at else None
        if submitted_on:
            days = (submitted_on - r.due_on).days
            late = days > 0
        else:
            days = (today - r.due_on).days
            late = days > 0
        lines.append(
            UnitLine(
                r.pk,
                r.unit.name,
                r.unit.code,
                r.status,
                ReportStatus(r.status).label,
                submitted_on,
                r.due_on,
                days,
                late,
                submitted_on is not None and not late,
            )
        )
    expected = len(lines)
    submitted = sum(1 for line in lines if line.submitted_on)
    on_time = sum(1 for line in lines if line.on_time)
    late_units = sum(1 for line in lines if line.late and not line.submitted_on)
    shown = [line for line in lines if status is None or line.status == status]
    return Completeness(shown, expected, submitted, on_time, late_units)
