"""Demo data of the reports app: the two outlines of seeds 000 and 002, and
the 2020 round of seed 000 (request 3899/SYT-KHTC) for the 12 districts of
Đồng Tháp, with Châu Thành's report filled in and submitted exactly as seed
000 reads, three districts in draft, one returned with comments, one
accepted, two not started and the others submitted."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.numbers import parse_decimal
from portal.demo import read_fixture
from portal.models import Directive, ReportingUnit, UnitKind
from reports.models import (
    DisseminationRow,
    Report,
    ReportFigure,
    ReportingRound,
    ReportStatus,
    ReviewComment,
    SectionText,
    StatusChange,
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
    return report


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


@transaction.atomic
def load():
    template = load_template(read_fixture("reports/template_seed000.json"))
    load_template(read_fixture("reports/template_seed002.json"))
    round_, created = load_round(template)
    if created:
        set_states(round_)
