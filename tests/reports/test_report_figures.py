"""Figures belong to the report that states them: accepted means frozen,
drafts never reach official totals, and one rule decides when a report may
be edited (the issue's cases 1, 2, 5, 6 and the reopening of an accepted
report; cases 3, 4 and 8 are in test_autosave, test_synthesis and
indicators/test_rollup_page, 7 in test_concurrency, 9 and 10 in
test_completeness)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.pdf import render_html, report_pdf
from indicators.models import Indicator, Target
from indicators.numbers import parse
from indicators.values import target_fields
from portal.models import UnitKind
from reports import editing, figures, outlines, workflow
from reports.figures import official_rollup
from reports.imports import offline, upload
from reports.models import (
    PeriodType,
    Report,
    ReportingRound,
    ReportStatus,
    ReportTemplate,
    ReportValue,
)
from reports.rounds import RoundSpec, open_round
from reports.selectors import indicator_rows
from tests.exports.test_pdf import pdf_text
from tests.imports.test_offline import ref, save, template_of
from tests.indicators.factories import rolled_back
from tests.reports.conftest import unit, user

pytestmark = pytest.mark.django_db

INSURANCE = "bao-hiem-y-te"  # indicator 9 of seed 000's appendix


def demo_report(code="877"):
    return Report.objects.get(
        round__title__startswith="Báo cáo kết quả thực hiện", round__year=2020, unit__code=code
    )


def row(report, code):
    return next(r for r in indicator_rows(report) if r.indicator.code == code)


def figures_of(report):
    return sorted(
        ReportValue.objects.filter(report=report).values_list(
            "indicator__code", "column", "text", "numeric", "numerator", "denominator"
        )
    )


def open_district_round(year, period_type=PeriodType.YEAR, template=None, units=("877",)):
    province = unit("87")
    return open_round(
        RoundSpec(
            title=f"Báo cáo {period_type} {year}",
            template=template or ReportTemplate.objects.get(code="bc-ctr-59-60", version=1),
            issuing_unit=province,
            year=year,
            period_type=period_type,
            units=[unit(code) for code in units],
            deadlines={UnitKind.DISTRICT: dt.date(year, 12, 20)},
        )
    )


@pytest.fixture
def accepted(demo):
    """Châu Thành's 2020 report (seed 000), accepted by the Department."""
    return workflow.accept(demo_report(), user("syt"))


def test_a_new_rounds_plan_is_its_own_and_the_accepted_plan_for_next_year_stays(accepted, tmp_path):
    """Case 1: typing 50 in the 2021 report's plan left the 2020 report's
    "Kế hoạch năm 2021" at 91."""
    assert row(accepted, INSURANCE).plan_next == "91"
    printed_before = live_pdf_text(accepted, tmp_path)
    round_2021 = open_district_round(2021)
    report_2021 = Report.objects.get(round=round_2021, unit=unit("877"))
    insurance = Indicator.objects.get(code=INSURANCE)
    # It starts with what the 2020 report stated for 2021: a copy of its own.
    assert row(report_2021, INSURANCE).plan == "91"
    editing.save_cell(report_2021, insurance, "plan", "50", user("chauthanh"))

    assert row(report_2021, INSURANCE).plan == "50"
    assert row(accepted, INSURANCE).plan_next == "91"
    # Printed afresh from the database (not the file kept at acceptance), the
    # accepted report reads as it did.
    assert live_pdf_text(accepted, tmp_path) == printed_before


def live_pdf_text(report, tmp_path):
    path = tmp_path / f"live-{report.pk}.pdf"
    path.write_bytes(report_pdf(report))
    return pdf_text(path)


def upload_free_download(report):
    from django.test import Client

    client = Client()
    client.force_login(user("syt"))
    response = client.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    return response.getvalue()


def test_a_six_month_report_states_its_own_figures_with_their_period(accepted):
    """Case 2: a 6-month round's actual and an offline import into it leave
    the accepted annual report's figures alone."""
    before = figures_of(accepted)
    half = open_district_round(2020, PeriodType.HALF)
    report = Report.objects.get(round=half, unit=unit("877"))
    malnutrition = Indicator.objects.get(code="suy-dinh-duong")
    editing.save_cell(report, malnutrition, "actual", "12,1", user("chauthanh"))
    stated = ReportValue.objects.get(report=report, indicator=malnutrition, column="actual")
    assert (stated.year, stated.period) == (2020, "H1")

    wb = template_of(report)
    ws = wb[offline.SHEET_INDICATORS]
    ws[ref(ws, INSURANCE, "actual")] = "70,5"
    plan = upload.read_upload(report, SimpleUploadedFile("6t.xlsx", save(wb)), user("chauthanh"))
    assert plan.ok, plan.errors
    upload.apply_plan(report, plan, user("chauthanh"))
    assert ReportValue.objects.get(report=report, indicator__code=INSURANCE).text == "70,5"

    assert figures_of(accepted) == before
    assert row(accepted, "suy-dinh-duong").actual == "13,04"
    assert row(accepted, INSURANCE).actual == "90,08"


def test_an_accepted_reports_outline_is_kept_when_a_new_version_is_edited(accepted):
    """Case 5: the outline an accepted report was written on is not edited in
    place; a new version is, and the accepted report keeps its headings."""
    template = accepted.round.template
    assert outlines.template_in_use(template)
    before = render_html(accepted)
    copy = outlines.new_version(template)
    section = copy.sections.order_by("position").first()
    section.title = "TIÊU ĐỀ MỚI"
    section.save()
    assert render_html(accepted) == before
    assert "TIÊU ĐỀ MỚI" not in before


# ---------------------------------------------------------------- one rule for editing


@pytest.fixture
def closed_report(demo):
    """A 2021 report whose round the Department has closed."""
    round_ = open_district_round(2021, template=ReportTemplate.objects.get(code="bc-ctr-59-60"))
    report = Report.objects.get(round=round_, unit=unit("877"))
    editing.save_cell(
        report, Indicator.objects.get(code=INSURANCE), "actual", "90", user("chauthanh")
    )
    ReportingRound.objects.filter(pk=round_.pk).update(is_open=False)
    return Report.objects.get(pk=report.pk)


def snapshot(report):
    report = Report.objects.get(pk=report.pk)
    return (
        figures_of(report),
        sorted(report.texts.values_list("section_id", "text")),
        sorted(report.figures.values_list("code", "text")),
        report.signer,
        report.dissemination.count(),
    )


def test_a_closed_round_saves_nothing_by_url(closed_report, client):
    """Case 6: cells, sections, fields, figures and the offline import all refuse."""
    before = snapshot(closed_report)
    client.force_login(user("chauthanh"))
    insurance = Indicator.objects.get(code=INSURANCE)
    section = closed_report.round.template.sections.filter(children=None).first()
    pk = closed_report.pk
    answers = [
        client.post(
            f"/reports/{pk}/cells/",
            {"indicator": insurance.pk, "column": "actual", "value": "12"},
        ),
        client.post(f"/reports/{pk}/sections/{section.pk}/", {"text": "Mới", "version": 0}),
        client.post(f"/reports/{pk}/fields/", {"signer": "Ai đó", "version": 99}),
        client.post(f"/reports/{pk}/figures/", {"code": "ngan-sach-nha-nuoc", "value": "5"}),
    ]
    for answer in answers:
        assert answer.status_code == 422
        assert "Đợt báo cáo đã đóng" in answer.content.decode()
    wb = template_of(closed_report)
    response = client.post(
        f"/reports/{pk}/import/", {"workbook": SimpleUploadedFile("x.xlsx", save(wb))}
    )
    assert "Đợt báo cáo đã đóng" in response.content.decode()
    assert snapshot(closed_report) == before
    page = client.get(f"/reports/{pk}/").content.decode()
    assert 'id="edit-refusal"' in page and "Đợt báo cáo đã đóng" in page


def test_a_round_locks_editing_days_after_the_deadline_and_a_reviewer_grants_an_exception(
    demo, client
):
    round_ = open_district_round(2021)
    report = Report.objects.get(round=round_, unit=unit("877"))
    ReportingRound.objects.filter(pk=round_.pk).update(lock_days=5)
    Report.objects.filter(pk=report.pk).update(due_on=dt.date.today() - dt.timedelta(days=6))
    report = Report.objects.get(pk=report.pk)
    insurance = Indicator.objects.get(code=INSURANCE)
    with pytest.raises(workflow.WorkflowError, match="khóa"):
        editing.save_cell(report, insurance, "actual", "90", user("chauthanh"))
    # On the fifth day past the deadline it was still open.
    assert (
        workflow.edit_refusal(user("chauthanh"), report, today=report.due_on + dt.timedelta(days=5))
        is None
    )

    client.force_login(user("syt"))
    until = (dt.date.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    refused = client.post(f"/reports/{report.pk}/edit-exception/", {"until": until})
    assert refused.status_code == 422 and "lý do" in refused.content.decode()
    client.post(
        f"/reports/{report.pk}/edit-exception/",
        {"until": until, "reason": "Đơn vị bị mất điện do bão"},
    )
    report = Report.objects.get(pk=report.pk)
    assert report.editable_until == dt.date.today() + dt.timedelta(days=2)
    assert report.history.first().history_change_reason == "Đơn vị bị mất điện do bão"
    editing.save_cell(report, insurance, "actual", "90", user("chauthanh"))
    assert ReportValue.objects.get(report=report, indicator=insurance, column="actual").text == "90"
    # A reporter cannot grant one.
    client.force_login(user("chauthanh"))
    client.post(
        f"/reports/{report.pk}/edit-exception/", {"until": "01/01/2099", "reason": "tự cho"}
    )
    assert Report.objects.get(pk=report.pk).editable_until == report.editable_until


def test_a_reviewer_reopens_an_accepted_report_and_the_accepted_revision_stays_printable(
    accepted, client
):
    client.force_login(user("syt"))
    kept_pdf = client.get(f"/reports/{accepted.pk}/pdf/").getvalue()
    assert client.post(f"/reports/{accepted.pk}/reopen/", {"reason": ""}).status_code in (
        302,
        422,
    )
    assert Report.objects.get(pk=accepted.pk).status == ReportStatus.ACCEPTED
    client.post(f"/reports/{accepted.pk}/reopen/", {"reason": "Sai số liệu tiêm chủng"})
    report = Report.objects.get(pk=accepted.pk)
    assert report.status == ReportStatus.RETURNED
    change = report.status_changes.last()
    assert (change.from_status, change.to_status, change.reason) == (
        ReportStatus.ACCEPTED,
        ReportStatus.RETURNED,
        "Sai số liệu tiêm chủng",
    )
    # Out of the official series until accepted again.
    insurance = Indicator.objects.get(code=INSURANCE)
    cell = official_rollup([insurance], unit("87"), 2020).children
    assert next(r for r in cell if r.code == "877").cells[insurance.pk].source != "own"
    # The unit revises; the accepted revision is still there, as it was.
    editing.save_cell(report, insurance, "actual", "91,5", user("chauthanh"))
    kept = client.get(f"/reports/{report.pk}/revisions/1.pdf")
    assert kept.getvalue() == kept_pdf
    assert kept["Cache-Control"] == "private, no-store"
    assert kept["Content-Disposition"] == 'attachment; filename="bao-cao-877-2020-lan-1.pdf"'
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="revisions"' in page and "Sai số liệu tiêm chủng" in page
    assert client.get(f"/reports/{report.pk}/revisions/1.doc").status_code == 404


# ------------------------------------------------------------------ the property


OTHER_EDITS = st.lists(
    st.sampled_from(
        [
            "cell-2021",
            "six-months",
            "new-round",
            "outline",
            "target",
            "rename",
            "import-2021",
        ]
    ),
    min_size=1,
    max_size=4,
)
TYPED = st.sampled_from(["50", "12,5", "< 3", "7/9", "khoảng 74", ""])


@pytest.fixture
def frozen(accepted, tmp_path):
    """The accepted report's figures, document and printed text, once."""
    downloaded = tmp_path / "accepted.pdf"
    downloaded.write_bytes(upload_free_download(accepted))
    assert pdf_text(downloaded) == live_pdf_text(accepted, tmp_path)
    return Frozen(
        {
            "report": accepted,
            "figures": figures_of(accepted),
            "html": render_html(accepted),
            "pdf": pdf_text(downloaded),
        }
    )


class Frozen(dict):
    def __repr__(self):  # Hypothesis prints the arguments of a failing example
        return "<the accepted report as printed>"


def apply(edit, typed, indicator):
    reporter = user("chauthanh")
    if edit == "cell-2021":
        report = Report.objects.get(round=open_district_round(2021), unit=unit("877"))
        for column in ("plan", "actual", "plan_next"):
            editing.save_cell(report, indicator, column, typed, reporter)
    elif edit == "six-months":
        report = Report.objects.get(
            round=open_district_round(2020, PeriodType.HALF), unit=unit("877")
        )
        editing.save_cell(report, indicator, "actual", typed, reporter)
    elif edit == "new-round":
        round_ = open_district_round(2020, units=("877", "870"))
        for report in round_.reports.all():
            editing.save_cell(
                report,
                indicator,
                "actual",
                typed,
                reporter if report.unit.code == "877" else user("hongngu"),
            )
    elif edit == "outline":
        template = ReportTemplate.objects.get(code="bc-ctr-59-60", version=1)
        copy = outlines.new_version(template)
        copy.sections.update(title="ĐÃ SỬA")
        copy.tables.update(title="Bảng đã sửa")
    elif edit == "target":
        for target in Target.objects.filter(scope=unit("877")):
            for field, value in target_fields(parse(typed or "1")).items():
                setattr(target, field, value)
            target.save()
    elif edit == "rename":
        district = unit("877")
        district.name = "Huyện Châu Thành Mới"
        district.save()
    elif edit == "import-2021":
        report = Report.objects.get(round=open_district_round(2021), unit=unit("877"))
        wb = template_of(report)
        ws = wb[offline.SHEET_INDICATORS]
        ws[ref(ws, indicator.code, "actual")] = typed or "1"
        plan = upload.read_upload(report, SimpleUploadedFile("x.xlsx", save(wb)), reporter)
        if plan.ok:
            upload.apply_plan(report, plan, reporter)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=OTHER_EDITS, typed=TYPED, which=st.integers(min_value=0, max_value=8))
def test_nothing_done_elsewhere_changes_an_accepted_report(frozen, edits, typed, which, tmp_path):
    report = frozen["report"]
    codes = [r.indicator.code for r in indicator_rows(report)]
    indicator = Indicator.objects.get(code=codes[which % len(codes)])
    with rolled_back():
        for edit in edits:
            try:
                apply(edit, typed, indicator)
            except (workflow.WorkflowError, ValueError):
                pass  # an edit refused elsewhere is fine: the property is about this report
        report = Report.objects.get(pk=report.pk)
        assert figures_of(report) == frozen["figures"]
        assert render_html(report) == frozen["html"]
        # Made afresh, and as downloaded (the file kept at acceptance).
        assert live_pdf_text(report, tmp_path) == frozen["pdf"]
        downloaded = tmp_path / "again.pdf"
        downloaded.write_bytes(upload_free_download(report))
        assert pdf_text(downloaded) == frozen["pdf"]


def test_the_demo_roll_up_counts_accepted_reports_only_and_says_so(as_user):
    """With the demo as loaded, Hồng Ngự's draft and Châu Thành's submitted
    figures are not in the province total."""
    html = as_user("syt").get("/indicators/rollup/?group=dan-so-khhgd&year=2020").content.decode()
    assert 'id="rollup-counted"' in html and "chỉ báo cáo đã tiếp nhận" in html
    insurance = Indicator.objects.get(code=INSURANCE)
    total = official_rollup([insurance], unit("87"), 2020)
    rows = {r.code: r.cells[insurance.pk] for r in total.children}
    assert rows["877"].source == "below" and rows["870"].source == "below"


def test_loading_a_changed_outline_over_a_used_version_is_refused(accepted):
    from portal.demo import read_fixture
    from reports.templates_io import load_template

    data = read_fixture("reports/template_seed000.json")
    assert load_template(data) == accepted.round.template  # the same outline: nothing to do
    data["sections"][0]["title"] = "ĐÃ ĐỔI"
    with pytest.raises(workflow.WorkflowError, match="phiên bản|version"):
        load_template(data)
    assert accepted.round.template.sections.get(key="I").title != "ĐÃ ĐỔI"


def test_where_two_accepted_reports_state_a_figure_the_later_one_counts_once(demo):
    from indicators.models import IndicatorKind
    from tests.indicators.factories import accepted_report, build_tree, make_indicator

    count = make_indicator(IndicatorKind.COUNT, decimals=0)
    province, [(district, [first, second])] = build_tree("DUP", [2])
    earlier = accepted_report(first, 2020)
    figures.record(earlier, count, "actual", "10")
    figures.record(accepted_report(second, 2020), count, "actual", "5")
    # A second round of the same year (another directive's), accepted later.
    later_round = ReportingRound.objects.create(
        title="Báo cáo chuyên đề 2020",
        template=earlier.round.template,
        issuing_unit=province,
        year=2020,
        data_from=earlier.round.data_from,
        data_to=earlier.round.data_to,
    )
    later = Report.objects.create(
        round=later_round, unit=first, due_on=dt.date(2020, 12, 20), status=ReportStatus.ACCEPTED
    )
    figures.record(later, count, "actual", "12")
    total = official_rollup([count], province, 2020).total.cells[count.pk]
    assert total.display == "17"  # 12 + 5: the earlier 10 neither added nor kept
