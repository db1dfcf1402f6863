"""Demo data of the reports app: the two outlines of seeds 000 and 002, and
the 2020 round of seed 000 (request 3899/SYT-KHTC) for the 12 districts of
Đồng Tháp, with Châu Thành's report filled in and submitted exactly as seed
000 reads (its figures as its appendix prints them), three districts in
draft, one returned with comments, one accepted, two not started and the
others submitted.

Figures belong to reports, so the communes' generated 2019-2021 statistics
are filed as accepted reports of one closed round a year, and seed 003's
6-month and year-end movement figures as the Hồng Ngự communes' reports."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators import demo as indicators_demo
from indicators.models import Indicator, PeriodKind, Target
from indicators.numbers import format_number, parse_decimal
from portal.demo import read_fixture
from portal.models import Directive, ReportingUnit, UnitKind
from reports import figures
from reports.models import (
    DisseminationRow,
    PeriodType,
    Report,
    ReportFigure,
    ReportingRound,
    ReportStatus,
    ReportTemplate,
    ReportValue,
    ReviewComment,
    SectionText,
    StatusChange,
    TableKind,
    TemplateTable,
    ValueColumn,
)
from reports.rounds import RoundSpec, open_round
from reports.templates_io import load_template

ROUND_TITLE = "Báo cáo kết quả thực hiện Chương trình hành động số 59, 60-CTr/TU năm 2020"
DISTRICT_DEADLINE = dt.date(2020, 11, 25)

# District code → the state its report is in, in the demo.
STATES = {
    "877": ReportStatus.SUBMITTED,  # Châu Thành: seed 000
    "867": ReportStatus.ACCEPTED,  # Thành phố Sa Đéc
    "871": ReportStatus.RETURNED,  # Huyện Tam Nông
    "870": ReportStatus.DRAFT,  # Huyện Hồng Ngự
    "873": ReportStatus.DRAFT,  # Huyện Cao Lãnh
    "874": ReportStatus.DRAFT,  # Huyện Thanh Bình
    "869": ReportStatus.NOT_STARTED,  # Huyện Tân Hồng
    "876": ReportStatus.NOT_STARTED,  # Huyện Lai Vung
}


def _aware(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_round(template):
    existing = ReportingRound.objects.filter(title=ROUND_TITLE, year=2020).first()
    if existing:
        return existing, False
    province = ReportingUnit.objects.get(code="87", valid_from=None)
    districts = list(province.children().filter(kind=UnitKind.DISTRICT))
    directives = Directive.objects.filter(number_symbol__in=["59-CTr/TU", "60-CTr/TU"])
    round_ = open_round(
        RoundSpec(
            title=ROUND_TITLE,
            template=template,
            issuing_unit=province,
            year=2020,
            units=districts,
            deadlines={UnitKind.DISTRICT: DISTRICT_DEADLINE},
            request=Directive.objects.get(number_symbol="3899/SYT-KHTC"),
            directives=list(directives),
        )
    )
    return round_, True


def fill_chau_thanh(round_, user):
    data = read_fixture("reports/chau_thanh_2020.json")
    report = Report.objects.get(round=round_, unit__code=data["unit"], unit__valid_from=None)
    for field in [
        "number_symbol",
        "place",
        "superior_body",
        "issuing_body",
        "summary",
        "introduction",
        "closing",
        "position",
        "signer",
    ]:
        setattr(report, field, data[field])
    report.signed_on = dt.date.fromisoformat(data["date"])
    report.authority = "\n".join(data["authority"])
    report.recipients = "\n".join(data["recipients"])
    report.save()
    sections = {s.key: s for s in round_.template.sections.all()}
    SectionText.objects.bulk_create(
        SectionText(report=report, section=sections[key], text=text, version=1, updated_by=user)
        for key, text in data["sections"].items()
        if text
    )
    ReportFigure.objects.bulk_create(
        ReportFigure(
            report=report,
            code=code,
            text=text,
            value=parse_decimal(text),
        )
        for code, text in data["figures"].items()
    )
    DisseminationRow.objects.bulk_create(
        DisseminationRow(
            report=report,
            position=i,
            unit_label=row["unit"],
            done=row["done"],
            audiences=row["audiences"],
            methods=row["methods"],
        )
        for i, row in enumerate(data["dissemination"])
    )
    fill_chau_thanh_figures(report, user)
    return report


def fill_chau_thanh_figures(report, user):
    """Seed 000's appendix II: the results as printed, and the district's own
    plans for 2020 and 2021 (those of its plans 155 and 156/KH-UBND)."""
    data = read_fixture("indicators/chau_thanh_2020.json")
    indicators = {i.code: i for i in Indicator.objects.all()}
    for row in data["values"]:
        indicator = indicators[row["indicator"]]
        figures.record(report, indicator, ValueColumn.ACTUAL, row["text"], user=user)
    year = report.round.year
    columns = {year: ValueColumn.PLAN, year + 1: ValueColumn.PLAN_NEXT}
    plans = Target.objects.filter(scope=report.unit, year__in=columns).select_related("indicator")
    for target in plans:
        figures.record(report, target.indicator, columns[target.year], target.text, user=user)


def _short_draft(report, user, sections):
    """A few districts' drafts: the first sections written, in their own words."""
    for section in sections[:3]:
        SectionText.objects.create(
            report=report,
            section=section,
            version=1,
            updated_by=user,
            text=f"{report.unit.name} đã tổ chức quán triệt Chương trình hành động số 59, "
            "60-CTr/TU đến cán bộ chủ chốt và đảng viên.",
        )


def set_states(round_):
    User = get_user_model()
    reviewer = User.objects.get(username="syt")
    lead = User.objects.get(username="chauthanh.lead")
    chau_thanh = fill_chau_thanh(round_, User.objects.get(username="chauthanh"))
    leaves = [s for s in round_.template.sections.all() if not s.children.exists()]
    for report in Report.objects.filter(round=round_).select_related("unit"):
        state = STATES.get(report.unit.code, ReportStatus.SUBMITTED)
        if state == ReportStatus.NOT_STARTED:
            continue
        if report != chau_thanh:
            _short_draft(report, reviewer, leaves)
        if state == ReportStatus.DRAFT:
            Report.objects.filter(pk=report.pk).update(status=state)
            continue
        submitted = _aware(dt.date(2020, 11, 20) if report == chau_thanh else dt.date(2020, 11, 24))
        by = lead if report == chau_thanh else reviewer
        StatusChange.objects.create(
            report=report, from_status=ReportStatus.DRAFT, to_status=ReportStatus.SUBMITTED, by=by
        )
        if state == ReportStatus.RETURNED:
            reason = "Bổ sung số liệu Phụ lục II và kết quả kiểm tra, giám sát."
            StatusChange.objects.create(
                report=report,
                from_status=ReportStatus.SUBMITTED,
                to_status=state,
                by=reviewer,
                reason=reason,
            )
            ReviewComment.objects.create(
                report=report,
                author=reviewer,
                section=leaves[2],
                text="Nêu rõ số cuộc kiểm tra, giám sát và kết quả.",
            )
        if state == ReportStatus.ACCEPTED:
            StatusChange.objects.create(
                report=report, from_status=ReportStatus.SUBMITTED, to_status=state, by=reviewer
            )
        Report.objects.filter(pk=report.pk).update(
            status=state,
            submitted_at=submitted,
            accepted_at=_aware(dt.date(2020, 11, 27)) if state == ReportStatus.ACCEPTED else None,
        )


STATISTICS_TEMPLATE = "thong-ke-xa"
STATISTICS_CODES = ["dan-so", *indicators_demo.RATE_SHAPES, "tram-y-te-chuan"]


def _statistics_template():
    template, created = ReportTemplate.objects.get_or_create(
        code=STATISTICS_TEMPLATE,
        version=1,
        defaults={"name": "Số liệu thống kê y tế, dân số cấp xã"},
    )
    if created:
        TemplateTable.objects.create(
            template=template,
            kind=TableKind.INDICATORS,
            title="Số liệu thống kê",
            config={"indicators": STATISTICS_CODES},
        )
    return template


def _accepted_round(title, issuing_unit, units, year, period_type, due, data_to=None):
    """A closed round whose reports are all accepted (the figures of earlier
    seasons, filed before the portal): created once."""
    existing = ReportingRound.objects.filter(title=title, year=year).first()
    if existing:
        return existing, False
    kinds = {u.kind for u in units}
    round_ = open_round(
        RoundSpec(
            title=title,
            template=_statistics_template(),
            issuing_unit=issuing_unit,
            year=year,
            units=units,
            deadlines={kind: due for kind in kinds},
            period_type=period_type,
            data_to=data_to,
        )
    )
    round_.is_open = False
    round_.save(update_fields=["is_open"])
    at = _aware(due)
    Report.objects.filter(round=round_).update(
        status=ReportStatus.ACCEPTED, submitted_at=at, accepted_at=at
    )
    return round_, True


def load_commune_statistics():
    province = ReportingUnit.objects.get(code="87", valid_from=None)
    communes = list(province.subtree().filter(kind=UnitKind.COMMUNE).order_by("code"))
    chau_thanh = ReportingUnit.objects.get(code="877", valid_from=None)
    stations_meeting = set(chau_thanh.children().values_list("code", flat=True))
    indicators = {i.code: i for i in Indicator.objects.all()}
    rng = random.Random(indicators_demo.SEED)
    rows = indicators_demo.generated_values(communes, indicators, rng, stations_meeting)
    rounds = {}
    for year in indicators_demo.GENERATED_YEARS:
        title = f"Số liệu thống kê y tế, dân số cấp xã năm {year}"
        rounds[year] = _accepted_round(
            title, province, communes, year, PeriodType.YEAR, dt.date(year, 12, 20)
        )
    if not any(created for _round, created in rounds.values()):
        return
    reports = {
        (r.round.year, r.unit_id): r
        for r in Report.objects.filter(
            round__in=[r for r, created in rounds.values() if created]
        ).select_related("round")
    }
    ReportValue.objects.bulk_create(
        [
            ReportValue(
                report=reports[(year, unit.pk)],
                indicator=indicator,
                column=ValueColumn.ACTUAL,
                unit=unit,
                year=year,
                period=PeriodKind.YEAR,
                numeric=numeric,
                numerator=numerator,
                denominator=denominator,
            )
            for indicator, unit, year, numeric, numerator, denominator in rows
            if (year, unit.pk) in reports
        ],
        batch_size=2000,
    )


def _typed(indicator, entry):
    """What a commune would type, and the numerator and denominator it would give."""
    if isinstance(entry, str):
        return entry, None, None
    numerator, denominator = (Decimal(n) for n in entry)
    rate = numerator / denominator * indicator.factor
    return format_number(rate, indicator.decimals), numerator, denominator


def load_movement_figures():
    """Seed 003's communes' figures: the 6-month ones as their accepted 6-month
    reports to Hồng Ngự, the year-end ones in their 2021 statistics reports."""
    data = read_fixture("indicators/movement_hong_ngu_2021.json")
    year = data["movement"]["year"]
    district = ReportingUnit.objects.get(code=data["movement"]["unit"], valid_from=None)
    communes = list(
        ReportingUnit.objects.filter(code__in=data["participants"], valid_from=None).order_by(
            "code"
        )
    )
    half, created = _accepted_round(
        f"Báo cáo 6 tháng đầu năm {year} phong trào thi đua",
        district,
        communes,
        year,
        PeriodType.HALF,
        dt.date(year, 6, 20),
    )
    reports = {
        PeriodKind.H1: {r.unit.code: r for r in half.reports.select_related("unit", "round")},
        PeriodKind.YEAR: {
            r.unit.code: r
            for r in Report.objects.filter(
                round__title=f"Số liệu thống kê y tế, dân số cấp xã năm {year}",
                unit__in=communes,
            ).select_related("unit", "round")
        },
    }
    indicators = {i.code: i for i in Indicator.objects.all()}
    for period, by_unit in data["values"].items():
        for code, entries in by_unit.items():
            report = reports[PeriodKind(period)][code]
            stated = {
                v.indicator_id: v
                for v in ReportValue.objects.filter(report=report, column=ValueColumn.ACTUAL)
            }
            for indicator_code, entry in entries.items():
                indicator = indicators[indicator_code]
                typed, numerator, denominator = _typed(indicator, entry)
                stored = stated.get(indicator.pk)
                if stored is not None and stored.text == typed:
                    continue
                figures.record(
                    report,
                    indicator,
                    ValueColumn.ACTUAL,
                    typed,
                    numerator=numerator,
                    denominator=denominator,
                )


def movement_value_rows_added():
    """How many figures the movement adds: the 6-month ones (the year-end ones
    replace generated figures of the same reports). tests/portal/test_demo.py
    counts them."""
    data = read_fixture("indicators/movement_hong_ngu_2021.json")
    return sum(len(entries) for entries in data["values"]["H1"].values())


@transaction.atomic
def load():
    template = load_template(read_fixture("reports/template_seed000.json"))
    load_template(read_fixture("reports/template_seed002.json"))
    load_commune_statistics()
    load_movement_figures()
    round_, created = load_round(template)
    if created:
        set_states(round_)
