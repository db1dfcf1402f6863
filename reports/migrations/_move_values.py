"""Migration 0004's data step: figures move from the unit's shared values onto
the reports that state them (issue "Figures belong to the report…").

Before, a figure was stored per (indicator, unit, year, period, figure kind)
and every report of the unit showed it: actuals from `indicators.Value`
(always read with period "Y"), plans from the unit's `Target`s of the
round's year and the next. Each report now gets its own copy of what it
showed, so nothing it printed changes. Values no report showed (figures
loaded before reports held them, 6-month figures, plans typed as values)
are filed in one closed round per province, year, period and kind, with
accepted reports, so that every official total stays what it was. History
rows of each value are copied to each of its new rows. Nothing is deleted
here: `Target`s stay as they are, and `indicators.Value` is dropped by
indicators 0003 once this has run.

Self-contained: a migration must not import the app's code, which moves on.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

BATCH = 2000
STEPLEN = 4  # treebeard's default, the unit tree's
ARCHIVE_TEMPLATE = "so-lieu-chuyen-doi"
PERIOD_TYPES = {"Y": "year", "H1": "half", "H2": "half", "R": "five_year"}
PERIOD_LABELS = {"Y": "năm", "H1": "6 tháng đầu năm", "H2": "6 tháng cuối năm", "R": "giai đoạn"}
FIGURE_COLUMNS = {"actual": "actual", "plan": "plan", "estimate": "actual"}
FIGURE_LABELS = {"actual": "", "plan": " (kế hoạch)", "estimate": " (ước tính)"}
VALUE_FIELDS = ["comparator", "numeric", "numerator", "denominator", "text"]


def _period_of(round_):
    """reports.rounds.period_of, as it stood when this migration was written."""
    if round_.period_type == "half":
        return "H1" if round_.data_to.month <= 6 else "H2"
    if round_.period_type == "quarter":
        return f"Q{(round_.data_to.month - 1) // 3 + 1}"
    if round_.period_type == "five_year":
        return "R"
    return "Y"


def _window(period, year):
    if period.startswith("Q"):
        quarter = int(period[1])
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
        return start, end
    if period == "H1":
        return dt.date(year - 1, 12, 15), dt.date(year, 6, 14)
    if period == "H2":
        return dt.date(year, 6, 15), dt.date(year, 12, 14)
    if period == "R":
        return dt.date(year - 5, 12, 15), dt.date(year, 12, 14)
    return dt.date(year - 1, 12, 15), dt.date(year, 12, 14)


class _Archive:
    """The closed rounds holding the values no report showed: one per
    province (root unit), year, period and figure kind, made when needed."""

    def __init__(self, apps):
        self.apps = apps
        self.rounds = {}
        self.reports = {}
        self.template = None
        self.roots = {}

    def _root(self, unit):
        Unit = self.apps.get_model("portal", "ReportingUnit")
        prefix = unit.path[:STEPLEN]
        if prefix not in self.roots:
            self.roots[prefix] = Unit.objects.filter(depth=1, path=prefix).first() or unit
        return self.roots[prefix]

    def report(self, unit, year, period, figure):
        key = (unit.pk, year, period, figure)
        if key in self.reports:
            return self.reports[key]
        root = self._root(unit)
        round_ = self._round(root, year, period, figure)
        Report = self.apps.get_model("reports", "Report")
        now = timezone.now()
        report, _created = Report.objects.get_or_create(
            round=round_,
            unit=unit,
            defaults={
                "status": "accepted",
                "due_on": round_.data_to,
                "submitted_at": now,
                "accepted_at": now,
                "issuing_body": f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
                "place": unit.name.split(" ", 1)[-1],
            },
        )
        self.reports[key] = report
        return report

    def _round(self, root, year, period, figure):
        key = (root.pk, year, period, figure)
        if key in self.rounds:
            return self.rounds[key]
        Round = self.apps.get_model("reports", "ReportingRound")
        Template = self.apps.get_model("reports", "ReportTemplate")
        if self.template is None:
            self.template, _created = Template.objects.get_or_create(
                code=ARCHIVE_TEMPLATE,
                version=1,
                defaults={"name": "Số liệu chuyển từ phiên bản trước của cổng"},
            )
        data_from, data_to = _window(period, year)
        label = PERIOD_LABELS.get(period, period)
        round_ = Round.objects.create(
            title=f"Số liệu {label} {year} chuyển từ phiên bản trước{FIGURE_LABELS[figure]}",
            period_type=PERIOD_TYPES.get(period, "quarter"),
            year=year,
            data_from=data_from,
            data_to=data_to,
            template=self.template,
            issuing_unit=root,
            is_open=False,
        )
        self.rounds[key] = round_
        return round_


def _plan_fields(target, indicator):
    """A target's columns as a figure's (indicators.values.value_fields with
    plan=True, as it stood): a range keeps its upper end, "12/12" its parts."""
    fields = {"comparator": target.comparator, "text": target.text}
    if target.comparator == "range":
        return {**fields, "numeric": target.value, "upper": target.value2}
    if target.comparator or target.value2 is None:
        return {**fields, "numeric": target.value}
    numeric = None
    if indicator.kind == "rate" and target.value2:
        numeric = target.value / target.value2 * indicator.factor
    return {**fields, "numeric": numeric, "numerator": target.value, "denominator": target.value2}


def move_values_to_reports(apps, schema_editor):
    Value = apps.get_model("indicators", "Value")
    HistoricalValue = apps.get_model("indicators", "HistoricalValue")
    Target = apps.get_model("indicators", "Target")
    Report = apps.get_model("reports", "Report")
    ReportValue = apps.get_model("reports", "ReportValue")
    HistoricalReportValue = apps.get_model("reports", "HistoricalReportValue")

    reports = list(Report.objects.select_related("round"))
    # What each report showed: actuals of its unit and year read with period "Y".
    shown_by = defaultdict(list)  # (unit id, year) → reports
    for report in reports:
        shown_by[(report.unit_id, report.round.year)].append(report)

    archive = _Archive(apps)
    new_rows = []
    sources = []  # the Value id each new row came from, for the history
    for value in Value.objects.select_related("unit").order_by("pk").iterator(chunk_size=BATCH):
        column = FIGURE_COLUMNS.get(value.figure, "actual")
        targets = []
        if value.figure == "actual" and value.period == "Y":
            targets = shown_by.get((value.unit_id, value.year), [])
        elif value.figure == "actual":
            targets = [
                r
                for r in shown_by.get((value.unit_id, value.year), [])
                if _period_of(r.round) == value.period
            ]
        if not targets:
            targets = [archive.report(value.unit, value.year, value.period, value.figure)]
        for report in targets:
            new_rows.append(
                ReportValue(
                    report_id=report.pk,
                    indicator_id=value.indicator_id,
                    column=column,
                    unit_id=value.unit_id,
                    year=value.year,
                    period=_period_of(report.round),
                    version=1,
                    entered_by_id=value.entered_by_id,
                    **{name: getattr(value, name) for name in VALUE_FIELDS},
                )
            )
            sources.append(value.pk)

    # Plans: each report showed its unit's targets of its year and the next.
    plans = defaultdict(dict)  # (unit id, year) → indicator id → target (the first)
    units_years = {(r.unit_id, y) for r in reports for y in (r.round.year, r.round.year + 1)}
    unit_ids = {u for u, _y in units_years}
    for target in Target.objects.filter(scope_id__in=unit_ids).order_by("pk"):
        plans[(target.scope_id, target.year)].setdefault(target.indicator_id, target)
    indicators = {
        i.pk: i for i in apps.get_model("indicators", "Indicator").objects.only("kind", "factor")
    }
    for report in reports:
        for year, column in ((report.round.year, "plan"), (report.round.year + 1, "plan_next")):
            for indicator_id, target in plans.get((report.unit_id, year), {}).items():
                new_rows.append(
                    ReportValue(
                        report_id=report.pk,
                        indicator_id=indicator_id,
                        column=column,
                        unit_id=report.unit_id,
                        year=report.round.year,
                        period=_period_of(report.round),
                        version=1,
                        **_plan_fields(target, indicators[indicator_id]),
                    )
                )
                sources.append(None)

    # A value read into a plan column of the same report by both ways (a
    # "plan" Value and a Target) keeps the first: one row per report cell.
    seen = set()
    rows, row_sources = [], []
    for row, source in zip(new_rows, sources, strict=True):
        key = (row.report_id, row.indicator_id, row.column)
        if key in seen:
            continue
        seen.add(key)
        rows.append(row)
        row_sources.append(source)
    # PostgreSQL and SQLite ≥ 3.35 give the new rows their ids.
    created = ReportValue.objects.bulk_create(rows, batch_size=BATCH)

    new_ids = defaultdict(list)  # Value id → new row ids
    for row, source in zip(created, row_sources, strict=True):
        if source is not None:
            new_ids[source].append(row)
    history = []
    for old in HistoricalValue.objects.order_by("history_id").iterator(chunk_size=BATCH):
        for row in new_ids.get(old.id, []):
            history.append(
                HistoricalReportValue(
                    id=row.pk,
                    report_id=row.report_id,
                    indicator_id=row.indicator_id,
                    column=row.column,
                    unit_id=row.unit_id,
                    year=row.year,
                    period=row.period,
                    version=1,
                    entered_by_id=old.entered_by_id,
                    entered_at=old.entered_at,
                    history_date=old.history_date,
                    history_change_reason=old.history_change_reason,
                    history_type=old.history_type,
                    history_user_id=old.history_user_id,
                    **{name: getattr(old, name) for name in VALUE_FIELDS},
                )
            )
        if len(history) >= BATCH:
            HistoricalReportValue.objects.bulk_create(history, batch_size=BATCH)
            history = []
    HistoricalReportValue.objects.bulk_create(history, batch_size=BATCH)
    # Planner statistics for the moved rows: the official series' anti-join
    # is planned as a nested loop over all pairs without them.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE")
