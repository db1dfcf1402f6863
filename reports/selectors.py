"""What the report pages show, read in a fixed number of queries."""

from dataclasses import dataclass

from indicators.achievement import evaluate
from indicators.models import Indicator
from indicators.numbers import format_reading
from indicators.values import reading_of
from reports.models import ReportValue, ReviewComment, SectionText, TableKind, ValueColumn
from reports.workflow import indicator_codes


@dataclass
class SectionState:
    section: object
    text: str
    version: int
    comments: list
    is_leaf: bool = True  # a heading with sub-sections has no text of its own

    @property
    def filled(self):
        return bool(self.text)

    @property
    def paragraphs(self):
        return [p for p in self.text.split("\n") if p]


@dataclass
class IndicatorRow:
    number: int
    indicator: object
    plan: str
    actual: str
    plan_next: str
    achievement: object
    comments: list
    versions: dict  # column → version of the stored figure (0: none yet)


def sections_of(report):
    texts = {t.section_id: t for t in SectionText.objects.filter(report=report)}
    comments = {}
    for c in ReviewComment.objects.filter(report=report).select_related("author"):
        comments.setdefault(c.section_id or ("indicator", c.indicator_id), []).append(c)
    all_sections = list(report.round.template.sections.all())
    parents = {s.parent_id for s in all_sections}
    states = []
    for section in all_sections:
        t = texts.get(section.pk)
        states.append(
            SectionState(
                section,
                t.text if t else "",
                t.version if t else 0,
                comments.get(section.pk, []),
                section.pk not in parents,
            )
        )
    return states, comments


def _shown(reading):
    return reading.text or format_reading(reading)


def indicator_rows(report, comments=None):
    """The rows of the report's indicator tables, from the figures the report
    itself states (never another report's, never a directive's target)."""
    codes = indicator_codes(report.round.template)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    stated = {
        (v.indicator_id, v.column): v
        for v in ReportValue.objects.filter(report=report, indicator__code__in=codes)
    }
    rows = []
    for number, code in enumerate(codes, start=1):
        ind = indicators.get(code)
        if ind is None:
            continue
        readings = {}
        versions = {}
        for column in ValueColumn.values:
            value = stated.get((ind.pk, column))
            readings[column] = reading_of(value) if value else None
            versions[column] = value.version if value else 0
        actual, plan = readings[ValueColumn.ACTUAL], readings[ValueColumn.PLAN]
        achievement = evaluate(actual, plan, ind.higher_is_better) if actual and plan else None
        rows.append(
            IndicatorRow(
                number,
                ind,
                _shown(plan) if plan else "",
                _shown(actual) if actual else "",
                _shown(readings[ValueColumn.PLAN_NEXT]) if readings[ValueColumn.PLAN_NEXT] else "",
                achievement,
                (comments or {}).get(("indicator", ind.pk), []),
                versions,
            )
        )
    return rows


def table_configs(report, kind):
    return [t for t in report.round.template.tables.all() if t.kind == kind]


def figures_of(report):
    stored = {f.code: f for f in report.figures.all()}
    result = []
    for table in table_configs(report, TableKind.FIGURES):
        for fig in table.config.get("figures", []):
            result.append((fig, stored.get(fig["code"])))
    return result


def home_lists(user):
    """A reporter's open reports with deadlines; a reviewer's rounds with their
    completeness and what awaits review (participants only: not the issuing
    unit's own report, reports.completeness). Two queries."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from portal import permissions
    from reports.completeness import issuers_own
    from reports.models import Report, ReportingRound, ReportStatus

    reports = permissions.scope(
        user,
        Report.objects.filter(round__is_open=True).select_related("round", "unit"),
        "fill",
        "unit",
    )
    participant = ~issuers_own("reports__", round_path="")
    rounds = (
        permissions.scope(
            user, ReportingRound.objects.filter(is_open=True), "review", "issuing_unit"
        )
        .annotate(
            expected=Count("reports", filter=participant, distinct=True),
            submitted=Count(
                "reports",
                filter=participant & Q(reports__submitted_at__isnull=False),
                distinct=True,
            ),
            awaiting=Count(
                "reports",
                filter=participant & Q(reports__status=ReportStatus.SUBMITTED),
                distinct=True,
            ),
        )
        .select_related("issuing_unit")
    )
    return {"reports": list(reports), "rounds": list(rounds), "today": timezone.localdate()}
