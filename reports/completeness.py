"""Who has submitted, who is late: a round's completeness and timeliness.

completeness = submitted ÷ expected; timeliness = submitted on time ÷ expected
(DOMAIN.md). A report counts as submitted once it has been submitted, even if
it was returned afterwards: the unit did report. It is on time when its
*first* submission came by its deadline: a return for revision does not make a
unit late. A resubmission after the deadline the reviewer gave on returning
(`resubmit_by`) is shown as a late resubmission, and changes neither figure.

The expected units are the round's participants: not the round's own issuing
unit, whose report in the round is the synthesis it drafts of the others
(reports/synthesis.py `draft_provincial_report`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q
from django.utils import timezone

from reports.models import Report, ReportStatus


def issuers_own(report_path="", round_path=None):
    """Q of the report that the round's issuing unit makes in its own round.

    The one rule of who is not a participant, for querysets of reports
    (`issuers_own()`) and for aggregates over a round's reports
    (`issuers_own("reports__", round_path="")` on ReportingRound)."""
    if round_path is None:
        round_path = f"{report_path}round__"
    return Q(**{f"{report_path}unit": F(f"{round_path}issuing_unit")})


def participants(reports):
    """The reports that count in a round's completeness, lists and reminders."""
    return reports.exclude(issuers_own())


@dataclass(frozen=True)
class UnitLine:
    report_id: int
    unit_name: str
    unit_code: str
    status: str
    status_label: str
    submitted_on: dt.date | None  # the first submission
    due_on: dt.date
    days: int  # days late (> 0), or days left (<= 0) when not submitted
    late: bool
    on_time: bool
    resubmit_by: dt.date | None = None
    late_resubmission: bool = False

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


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def first_submitted_on(report):
    """The day of the report's first submission. A report given a submission
    date by hand (the demo, an old import) has no first one recorded: its
    submission date is then the first."""
    return _local_date(report.first_submitted_at or report.submitted_at)


def late_resubmission(report, today):
    """Returned with a resubmission deadline, and resubmitted after it, or
    still not resubmitted when it has passed."""
    if not report.resubmit_by:
        return False
    if report.status == ReportStatus.RETURNED:
        return today > report.resubmit_by
    resubmitted_on = _local_date(report.submitted_at)
    return resubmitted_on is not None and resubmitted_on > report.resubmit_by


def round_completeness(round_, today, status=None):
    """One query, whatever the number of units."""
    reports = (
        participants(Report.objects.filter(round=round_))
        .select_related("unit")
        .order_by("unit__path")
        .only(
            "id",
            "status",
            "submitted_at",
            "first_submitted_at",
            "resubmit_by",
            "due_on",
            "unit__name",
            "unit__code",
            "unit__path",
        )
    )
    lines = []
    for r in reports:
        submitted_on = first_submitted_on(r)
        days = ((submitted_on or today) - r.due_on).days
        late = days > 0
        lines.append(
            UnitLine(
                report_id=r.pk,
                unit_name=r.unit.name,
                unit_code=r.unit.code,
                status=r.status,
                status_label=ReportStatus(r.status).label,
                submitted_on=submitted_on,
                due_on=r.due_on,
                days=days,
                late=late,
                on_time=submitted_on is not None and not late,
                resubmit_by=r.resubmit_by,
                late_resubmission=late_resubmission(r, today),
            )
        )
    expected = len(lines)
    submitted = sum(1 for line in lines if line.submitted_on)
    on_time = sum(1 for line in lines if line.on_time)
    late_units = sum(1 for line in lines if line.late and not line.submitted_on)
    shown = [line for line in lines if status is None or line.status == status]
    return Completeness(shown, expected, submitted, on_time, late_units)
