"""The provincial synthesis: every section with the texts of all units, one
after the other, and a draft provincial report prefilled with them."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Indicator
from reports import figures
from reports.figures import official_rollup
from reports.models import Report, ReportStatus, ReportValue, SectionText, ValueColumn
from reports.workflow import WorkflowError, indicator_codes, locked_for_edit

COMPILED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class CompiledSection:
    section: object
    entries: list  # (unit name, text)


def compile_round(round_):
    """Sections in outline order, each with the submitted units' texts (two queries)."""
    texts = (
        SectionText.objects.filter(report__round=round_, report__status__in=COMPILED_STATUSES)
        .exclude(text="")
        .exclude(report__unit=round_.issuing_unit)
        .select_related("report__unit")
        .order_by("report__unit__path")
    )
    by_section = {}
    for t in texts:
        by_section.setdefault(t.section_id, []).append((t.report.unit.name, t.text))
    return [
        CompiledSection(section, by_section.get(section.pk, []))
        for section in round_.template.sections.all()
    ]


@transaction.atomic
def draft_provincial_report(round_, user):
    """The issuing unit's own report, its sections prefilled with the units'
    texts (a unit's name on its own line before its paragraphs): for a child
    round, the district's report in the round above; otherwise the province's
    report in the round itself. Sections already written are left alone."""
    own_round = round_.parent or round_
    report, _created = Report.objects.get_or_create(
        round=own_round,
        unit=round_.issuing_unit,
        defaults={
            "due_on": max(d.due_on for d in own_round.deadlines.all()),
            "status": ReportStatus.DRAFT,
            "issuing_body": round_.issuing_unit.name.upper(),
        },
    )
    if report.status not in (ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise WorkflowError(_("The provincial report is already submitted."))
    report = locked_for_edit(report, user, as_reviewer=True)
    existing = set(SectionText.objects.filter(report=report).values_list("section_id", flat=True))
    SectionText.objects.bulk_create(
        SectionText(
            report=report,
            section=compiled.section,
            text="\n".join(f"{name}:\n{text}" for name, text in compiled.entries),
            version=1,
            updated_by=user,
        )
        for compiled in compile_round(round_)
        if compiled.entries and compiled.section.pk not in existing
    )
    prefill_indicator_table(report, user)
    return report


def prefill_indicator_table(report, user, counted=None):
    """The report's actuals that the unit has not typed, taken from the roll-up
    of the units below it (as the roll-up page shows them: accepted reports'
    figures unless `counted` says otherwise). A snapshot: the unit edits them
    as its own figures from then on."""
    report = locked_for_edit(report, user, as_reviewer=True)
    codes = indicator_codes(report.round.template)
    typed = set(
        ReportValue.objects.filter(report=report, column=ValueColumn.ACTUAL).values_list(
            "indicator_id", flat=True
        )
    )
    indicators = [i for i in Indicator.objects.filter(code__in=codes) if i.pk not in typed]
    if not indicators:
        return
    table = official_rollup(
        indicators, report.unit, report.round.year, report.round.period, counted=counted
    )
    for indicator in indicators:
        cell = table.total.cells[indicator.pk]
        if cell.source == "below":
            figures.record(report, indicator, ValueColumn.ACTUAL, cell.display, user=user)
