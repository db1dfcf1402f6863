"""Opening reporting rounds, their data windows and deadlines by level."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import UnitKind
from portal.names import committee_body, place_name
from portal.permissions import can
from reports.figures import carry_plans_forward
from reports.models import PeriodType, Report, ReportingRound, RoundDeadline
from reports.workflow import WorkflowError


def default_data_window(period_type, year):
    """Decree 09/2019/NĐ-CP: a year's data run from 15/12 of the year before to
    14/12; six months to 14/6. Quarters and 5-year reviews have no rule there:
    calendar quarter 1 and the five years ending 14/12 are proposed, editable."""
    start = dt.date(year - 1, 12, 15)
    if period_type == PeriodType.HALF:
        return start, dt.date(year, 6, 14)
    if period_type == PeriodType.QUARTER:
        return dt.date(year, 1, 1), dt.date(year, 3, 31)
    if period_type == PeriodType.FIVE_YEAR:
        return dt.date(year - 5, 12, 15), dt.date(year, 12, 14)
    return start, dt.date(year, 12, 14)


@dataclass
class RoundSpec:
    title: str
    template: object
    issuing_unit: object
    year: int
    units: list
    deadlines: dict  # unit kind → date
    period_type: str = PeriodType.YEAR
    request: object = None
    directives: tuple = ()
    parent: object = None
    data_from: dt.date | None = None
    data_to: dt.date | None = None
    reporters_may_submit: bool = False


@transaction.atomic
def open_round(spec, user=None):
    """Create the round, its deadlines and one report per participating unit."""
    if user is not None and not can(user, "review", spec.issuing_unit):
        raise WorkflowError(_("Only a reviewer of the issuing unit can open a round."))
    outside = [u.name for u in spec.units if not u.path.startswith(spec.issuing_unit.path)]
    if outside:
        raise WorkflowError(
            _("These units are not under %(unit)s: %(names)s")
            % {"unit": spec.issuing_unit.name, "names": ", ".join(outside)}
        )
    missing_levels = {u.kind for u in spec.units} - set(spec.deadlines)
    if missing_levels:
        raise WorkflowError(_("Give a deadline for every level of the participating units."))
    if spec.parent is not None:
        parent_due = {d.level: d.due_on for d in spec.parent.deadlines.all()}
        own_level_due = parent_due.get(spec.issuing_unit.kind)
        if own_level_due and any(d >= own_level_due for d in spec.deadlines.values()):
            raise WorkflowError(
                _("A child round's deadlines must come before the parent round's (%(due)s).")
                % {"due": own_level_due.strftime("%d/%m/%Y")}
            )
    data_from, data_to = default_data_window(spec.period_type, spec.year)
    round_ = ReportingRound.objects.create(
        title=spec.title,
        request=spec.request,
        period_type=spec.period_type,
        year=spec.year,
        data_from=spec.data_from or data_from,
        data_to=spec.data_to or data_to,
        template=spec.template,
        issuing_unit=spec.issuing_unit,
        parent=spec.parent,
        reporters_may_submit=spec.reporters_may_submit,
    )
    round_.directives.set(spec.directives)
    RoundDeadline.objects.bulk_create(
        RoundDeadline(round=round_, level=level, due_on=due)
        for level, due in spec.deadlines.items()
    )
    Report.objects.bulk_create(
        Report(
            round=round_,
            unit=unit,
            due_on=spec.deadlines[unit.kind],
            place=place_name(unit.name),
            issuing_body=committee_body(unit.name),
        )
        for unit in spec.units
    )
    carry_plans_forward(round_)
    return round_


def child_units(unit):
    """The units under `unit` that report to it in a child round: its communes."""
    return list(unit.children().filter(kind=UnitKind.COMMUNE))


def open_child_round(report, due_on, user):
    """The round a district opens for its communes, under the round it reports
    in (seed 002: communes 01/10, districts 15/10). Its deadline must come
    before the district's own."""
    parent = report.round
    if parent.child_rounds.filter(issuing_unit=report.unit).exists():
        raise WorkflowError(_("A round for the communes of this unit is already open."))
    communes = child_units(report.unit)
    if not communes:
        raise WorkflowError(_("This unit has no communes to report to it."))
    return open_round(
        RoundSpec(
            title=f"{parent.title} — {report.unit.name}",
            template=parent.template,
            issuing_unit=report.unit,
            year=parent.year,
            period_type=parent.period_type,
            units=communes,
            deadlines={UnitKind.COMMUNE: due_on},
            request=parent.request,
            directives=tuple(parent.directives.all()),
            parent=parent,
            data_from=parent.data_from,
            data_to=parent.data_to,
            reporters_may_submit=parent.reporters_may_submit,
        ),
        user,
    )
