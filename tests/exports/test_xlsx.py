"""Excel workbooks (issue 5): a report's appendix, a round's roll-up and completeness,
downloaded through their views and read back with openpyxl."""

import datetime as dt
import re
import zipfile
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from documents.excel import FILLS
from indicators.models import Indicator
from portal.models import ReportingUnit
from reports import figures, selectors
from reports.completeness import round_completeness
from reports.figures import official_rollup
from reports.models import (
    DisseminationRow,
    IssuedDocument,
    Report,
    ReportFigure,
    ReportingRound,
    ReportValue,
    SectionText,
)
from reports.workflow import indicator_codes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEED_ACTUALS = [13.04, "< 17", 0.9, 84, "12/12", 95, 9.8, 3.67, 90.08]
FIRST = 8  # the first indicator row of the appendix: 3 heading lines, a blank, title, 2 headers


def demo_round():
    return ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60")


def chau_thanh():
    return Report.objects.get(round=demo_round(), unit__code="877")


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.isascii()
    return response.getvalue()


def workbook(content):
    return load_workbook(BytesIO(content))


def sheet_with(wb, text):
    """The sheet in which some cell reads `text`."""
    for ws in wb:
        if any(c.value == text for row in ws.iter_rows() for c in row):
            return ws
    raise AssertionError(f"no sheet holds {text!r}")


def evaluate(formula, ws):
    """=ROUND(X1/Y1*100,1) worked out from the sheet's cells."""
    m = re.fullmatch(r"=ROUND\(([A-Z]+\d+)/([A-Z]+\d+)\*100,1\)", formula)
    assert m, formula
    return round(ws[m[1]].value / ws[m[2]].value * 100 + 1e-9, 1)


# --------------------------------------------------------------------------- the appendix


def test_it_lays_out_the_indicator_table_as_the_seed_with_merged_two_row_headers(as_user):
    content = download(as_user("syt"), f"/reports/{chau_thanh().pk}/xlsx/")
    ws = sheet_with(workbook(content), "Tên chỉ tiêu")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:C7", "D6:D7", "E6:F6", "G6:G7"} <= merged
    assert [ws[c].value for c in ("A6", "B6", "C6", "D6", "E6", "G6", "E7", "F7")] == [
        "STT",
        "Tên chỉ tiêu",
        "Đvt",
        "Kế hoạch năm 2020",
        "Kết quả thực hiện năm 2020",
        "Kế hoạch năm 2021",
        "Thực hiện",
        "Tỷ lệ",
    ]
    assert ws["A1"].value == "PHỤ LỤC"
    actuals = [ws.cell(row=FIRST + i, column=5).value for i in range(9)]
    assert actuals == SEED_ACTUALS
    assert ws.cell(row=FIRST + 9, column=1).value is None
    # Numbers are numbers, shown with the places the unit typed; bounds and pairs are text.
    assert ws[f"E{FIRST}"].data_type == "n" and ws[f"E{FIRST}"].number_format == "#,##0.00"
    assert ws[f"E{FIRST + 3}"].number_format == "#,##0"  # 84
    assert ws[f"E{FIRST + 6}"].number_format == "#,##0.0"  # 9,8
    assert ws[f"D{FIRST}"].value == "< 14" and ws[f"D{FIRST}"].data_type == "s"
    assert ws[f"E{FIRST + 4}"].data_type == "s"  # 12/12


def test_the_ratio_is_a_formula_for_plain_numbers_and_the_portals_value_as_text_otherwise(
    as_user,
):
    report = chau_thanh()
    ws = sheet_with(workbook(download(as_user("syt"), f"/reports/{report.pk}/xlsx/")), "Tỷ lệ")
    rows = selectors.indicator_rows(report)
    for i, row in enumerate(rows):
        cell = ws.cell(row=FIRST + i, column=6)
        plan, actual = ws.cell(row=FIRST + i, column=4), ws.cell(row=FIRST + i, column=5)
        if plan.data_type == actual.data_type == "n":
            assert cell.data_type == "f"
            assert evaluate(cell.value, ws) == float(row.achievement.ratio)
        else:
            # No number typed into the column of formulas: the ratio as the PDF prints it.
            assert cell.data_type == "s" and cell.value == row.achievement.ratio_display
        assert cell.number_format == "#,##0.0"
    # 9,8 / 3,67 / 90,08 against plain plans; "< 17" and "12/12" are given as text.
    assert [ws.cell(row=FIRST + i, column=6).data_type for i in (6, 7, 8, 1, 4)] == [
        "f",
        "f",
        "f",
        "s",
        "s",
    ]


def test_a_lower_is_better_ratio_divides_the_plan_by_the_actual(as_user):
    report = chau_thanh()
    plan = ReportValue.objects.get(report=report, indicator__code="suy-dinh-duong", column="plan")
    figures.record(report, plan.indicator, "plan", "14")
    ws = sheet_with(workbook(download(as_user("syt"), f"/reports/{report.pk}/xlsx/")), "Tỷ lệ")
    assert ws[f"F{FIRST}"].value == f"=ROUND(D{FIRST}/E{FIRST}*100,1)"
    assert evaluate(ws[f"F{FIRST}"].value, ws) == 107.4  # 14 ÷ 13,04, as the portal prints


def test_every_cell_is_times_new_roman_on_a4_fitted_to_the_width(as_user):
    content = download(as_user("syt"), f"/reports/{chau_thanh().pk}/xlsx/")
    wb = workbook(content)
    # The tables the document prints (dissemination, indicators, named figures:
    # no document issued yet) and the narrative.
    assert len(wb.sheetnames) == 4
    for ws in wb:
        fonts = {c.font.name for row in ws.iter_rows() for c in row}
        assert fonts == {"Times New Roman"}, ws.title
        # What a reader types later into an empty cell, beyond the written ones, too.
        assert ws["AZ500"].font.name == "Times New Roman" and ws["AZ500"].font.sz == 12
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert sheet_with(wb, "Đã quán triệt").page_setup.orientation == "landscape"  # 9 columns


def test_the_dissemination_matrix_keeps_its_grouped_headers_and_marks(as_user):
    ws = sheet_with(
        workbook(download(as_user("syt"), f"/reports/{chau_thanh().pk}/xlsx/")), "Đã quán triệt"
    )
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:C7", "D6:E6", "F6:I6"} <= merged
    assert ws["D6"].value == "Đối tượng" and ws["F6"].value == "Phương thức quán triệt"
    assert [ws.cell(row=8, column=c).value for c in range(1, 10)] == [
        "Cấp hyện, thị, xã thành phố",
        None,
        "X",
        "X",
        "X",
        None,
        "X",
        "X",
        None,
    ]


# --------------------------------------------------------------------------- injection

INJECTED = {
    "dissemination": '=HYPERLINK("http://x","y")',
    "section": "+cmd|' /C calc'!A0",
    "figure": "-2+3",
    "document": "@SUM(1+1)",
    "actual": "=1+1",
    "error": "#N/A",
}


def test_user_values_that_look_like_formulas_come_back_as_text(as_user):
    report = chau_thanh()
    row = DisseminationRow.objects.filter(report=report).first()
    row.unit_label = INJECTED["dissemination"]
    row.save()
    text = SectionText.objects.filter(report=report).exclude(text="").first()
    text.text = INJECTED["section"]
    text.save()
    ReportFigure.objects.filter(report=report, code="thu-dich-vu-y-te").update(
        value=None, text=INJECTED["figure"]
    )
    IssuedDocument.objects.create(
        report=report, number_symbol=INJECTED["error"], issuer=INJECTED["document"]
    )
    ReportValue.objects.filter(report=report, column="actual", indicator__code="tiem-chung").update(
        text=INJECTED["actual"], numeric=None
    )

    content = download(as_user("syt"), f"/reports/{report.pk}/xlsx/")
    found = {}
    for ws in workbook(content):
        for line in ws.iter_rows():
            for cell in line:
                if cell.value in INJECTED.values():
                    found[cell.value] = cell
    assert set(found) == set(INJECTED.values())
    for value, cell in found.items():
        assert cell.data_type == "s", value
        assert cell.quotePrefix == value.startswith(("=", "+", "-", "@")), value
    # In the file itself: the only formulas are the portal's ratios.
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if "worksheets/s" in n]
    formulas = [f for xml in sheets for f in re.findall(r"<f>(.*?)</f>", xml)]
    assert formulas and all(f.startswith("ROUND(") for f in formulas), formulas


# --------------------------------------------------------------------------- the roll-up

ROLLUP_FIRST = 7  # the first indicator's row: under the names, codes and report statuses


def test_the_rollup_has_an_indicator_a_row_and_a_unit_a_column_with_total_and_target(as_user):
    round_ = demo_round()
    ws = workbook(download(as_user("syt"), f"/reports/rounds/{round_.pk}/rollup.xlsx")).active
    codes = indicator_codes(round_.template)
    indicators = sorted(Indicator.objects.filter(code__in=codes), key=lambda i: codes.index(i.code))
    table = official_rollup(indicators, round_.issuing_unit, 2020)
    units = sorted(Report.objects.filter(round=round_).values_list("unit__code", flat=True))

    assert [
        ws.cell(row=r, column=2).value for r in range(ROLLUP_FIRST, ROLLUP_FIRST + len(indicators))
    ] == [i.name for i in indicators]
    assert ws.cell(row=ROLLUP_FIRST + len(indicators), column=2).value is None
    # Each unit's column says which report its figures come from, in what state,
    # and the sheet says which reports were counted.
    statuses = [ws.cell(row=6, column=c).value for c in range(4, 4 + len(units))]
    assert (
        statuses[units.index("877")] == "Đã gửi" and statuses[units.index("867")] == "Đã tiếp nhận"
    )
    assert "chỉ báo cáo đã tiếp nhận" in ws.cell(row=2, column=1).value
    header_codes = [ws.cell(row=5, column=c).value for c in range(4, 4 + len(units) + 1)]
    assert header_codes == [*units, round_.issuing_unit.code]
    total_column, target_column = 4 + len(units), 5 + len(units)
    assert ws.cell(row=4, column=total_column).value.startswith(round_.issuing_unit.name)
    assert ws.cell(row=4, column=4).value == table.children[0].name
    assert "A4:A5" in {str(r) for r in ws.merged_cells.ranges}

    for offset, indicator in enumerate(indicators):
        row = ROLLUP_FIRST + offset
        cell = table.total.cells[indicator.pk]
        written = ws.cell(row=row, column=total_column)
        if cell.reading.kind == "number":
            assert written.value == pytest.approx(float(cell.reading.value), rel=1e-12)
            plain = "#,##0.00" if indicator.decimals == 2 else "#,##0"
            # An estimate keeps its "≈" in Excel too, as the number's format.
            assert written.number_format == (f'"≈ "{plain}' if cell.estimate else plain)
        else:
            assert written.value == cell.display and written.data_type == "s"
        assert written.font.i == cell.estimate
        target = table.targets[indicator.pk]
        expected_target = target.reading() if target else None
        shown = ws.cell(row=row, column=target_column).value
        if expected_target is None:
            assert shown is None
        elif expected_target.kind == "number":
            assert shown == float(expected_target.value)
        else:
            assert shown == expected_target.text


def test_rollup_cells_are_coloured_by_achievement(as_user):
    round_ = demo_round()
    url = f"/reports/rounds/{round_.pk}/rollup.xlsx?counted=submitted"
    ws = workbook(download(as_user("syt"), url)).active
    codes = indicator_codes(round_.template)
    indicators = sorted(Indicator.objects.filter(code__in=codes), key=lambda i: codes.index(i.code))
    table = official_rollup(indicators, round_.issuing_unit, 2020, counted="submitted")
    colours = {}
    for column, row in enumerate([*table.children, table.total], start=4):
        for offset, indicator in enumerate(indicators):
            achievement = row.cells[indicator.pk].achievement
            fill = ws.cell(row=ROLLUP_FIRST + offset, column=column).fill
            written = fill.fgColor.rgb[-6:] if fill.fill_type else None
            expected = FILLS[achievement.status] if achievement else None
            assert written == expected, (row.code, indicator.code)
            colours[written] = colours.get(written, 0) + 1
    # The demo has figures that meet their target and some that do not.
    assert colours.get(FILLS["achieved"]) and colours.get(FILLS["not_achieved"])
    chau_thanh_column = 4 + [r.code for r in table.children].index("877")
    bound = ws.cell(row=ROLLUP_FIRST + 1, column=chau_thanh_column)
    assert bound.value == "< 17" and bound.data_type == "s"


def test_the_rollup_keeps_its_headers_on_screen_and_on_every_printed_page(as_user):
    round_ = demo_round()
    ws = workbook(download(as_user("syt"), f"/reports/rounds/{round_.pk}/rollup.xlsx")).active
    units = Report.objects.filter(round=round_).count()
    target = get_column_letter(5 + units)
    # STT, name, unit and target span the names' and codes' rows; the units'
    # names and codes (and the total's) are one row each.
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {"A4:A5", "B4:B5", "C4:C5", f"{target}4:{target}5"}
    assert ws[f"{target}4"].value == "Chỉ tiêu" and ws[f"{target}4"].font.b
    assert ws["A5"].border.bottom.style == "thin"  # a covered cell keeps the header's borders
    assert ws.freeze_panes == "D7"  # names, codes and statuses above; STT, name, unit left
    assert ws.print_title_rows == "$4:$6" and ws.print_title_cols == "$A:$C"
    margins = ws.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == pytest.approx(
        (30 / 25.4, 15 / 25.4, 20 / 25.4, 20 / 25.4)
    )
    assert ws.column_dimensions["B"].width == pytest.approx(44, abs=1)
    # The legend: each achievement colour with its name.
    assert [
        (ws.cell(row=2, column=c).value, ws.cell(row=2, column=c).fill.fgColor.rgb[-6:])
        for c in (4, 5, 6)
    ] == [
        ("Đạt", FILLS["achieved"]),
        ("Không đạt", FILLS["not_achieved"]),
        ("Không so sánh được", FILLS["not_comparable"]),
    ]
    assert ws["A1"].value == round_.title and ws["A1"].font.b and ws["A1"].font.sz == 13


def test_names_in_the_round_workbooks_that_look_like_formulas_stay_text(as_user):
    round_ = demo_round()
    round_.title = '=HYPERLINK("http://x","y")'
    round_.save()
    codes = indicator_codes(round_.template)
    Indicator.objects.filter(code=codes[0]).update(name="+cmd|' /C calc'!A0")
    ReportingUnit.objects.filter(code="877").update(name="-Huyện Châu Thành")
    shown = {
        "rollup": {round_.title, "+cmd|' /C calc'!A0", "-Huyện Châu Thành"},
        "completeness": {round_.title, "-Huyện Châu Thành"},  # no indicator there
    }
    for name, injected in shown.items():
        content = download(as_user("syt"), f"/reports/rounds/{round_.pk}/{name}.xlsx")
        cells = [c for row in workbook(content).active.iter_rows() for c in row]
        found = {c.value: c for c in cells if c.value in injected}
        assert set(found) == injected, name
        for value, cell in found.items():
            assert cell.data_type == "s" and cell.quotePrefix, (name, value)
        with zipfile.ZipFile(BytesIO(content)) as archive:
            sheets = [archive.read(n) for n in archive.namelist() if "worksheets/s" in n]
        assert sheets and not any(b"<f>" in xml for xml in sheets), name


@pytest.mark.parametrize("name", ["rollup", "completeness"])
def test_the_round_workbooks_are_times_new_roman_on_a4(as_user, name):
    url = f"/reports/rounds/{demo_round().pk}/{name}.xlsx"
    ws = workbook(download(as_user("syt"), url)).active
    assert {c.font.name for row in ws.iter_rows() for c in row} == {"Times New Roman"}
    # What a reader types later into an empty cell, beyond the written ones, too.
    assert ws["AZ500"].font.name == "Times New Roman" and ws["AZ500"].font.sz == 12
    assert ws.page_setup.paperSize == 9
    # One page wide, as many down as needed; XlsxWriter leaves out fitToWidth="1",
    # the schema's default (ECMA-376 §18.3.1.64), which openpyxl then reads as None.
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.page_setup.orientation == ("landscape" if name == "rollup" else "portrait")


# --------------------------------------------------------------------------- completeness


def test_the_completeness_list_has_every_unit_its_dates_days_late_and_the_percentages(as_user):
    round_ = demo_round()
    late = Report.objects.get(round=round_, unit__code="866")
    late.submitted_at = timezone.make_aware(dt.datetime(2020, 11, 30, 10))
    late.save()
    content = download(as_user("syt"), f"/reports/rounds/{round_.pk}/completeness.xlsx")
    ws = workbook(content).active
    today = timezone.localdate()
    figures = round_completeness(round_, today)
    assert ws["B3"].value == figures.expected == 12
    assert ws["B4"].value == figures.submitted and ws["B5"].value == figures.on_time
    assert ws["C4"].value == pytest.approx(float(figures.completeness) / 100)
    assert ws["C5"].value == pytest.approx(float(figures.timeliness) / 100)
    assert ws["C4"].number_format == "0.0%"
    rows = {ws.cell(row=r, column=2).value: r for r in range(9, 9 + 12)}
    assert sorted(rows) == [str(code) for code in range(866, 878)]

    def line(code):
        return [ws.cell(row=rows[code], column=c).value for c in range(3, 8)]

    due = dt.datetime(2020, 11, 25)
    assert line("877") == ["Huyện Châu Thành", "Đã gửi", due, dt.datetime(2020, 11, 20), 0]
    assert line("866")[3:] == [dt.datetime(2020, 11, 30), 5]
    not_started = line("869")
    assert not_started[2:4] == [due, None]
    assert not_started[4] == (today - due.date()).days
    assert ws.cell(row=rows["877"], column=6).number_format == "DD/MM/YYYY"


# --------------------------------------------------------------------------- permissions


def test_another_district_gets_404_for_the_report_workbook(as_user):
    assert as_user("hongngu").get(f"/reports/{chau_thanh().pk}/xlsx/").status_code == 404
    response = as_user("chauthanh").get(f"/reports/{chau_thanh().pk}/xlsx/")
    assert response.status_code == 200
    assert 'filename="phu-luc-huyen-chau-thanh-2020.xlsx"' in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["rollup", "completeness"])
def test_a_reporter_cannot_download_a_rounds_workbooks(as_user, client, name):
    url = f"/reports/rounds/{demo_round().pk}/{name}.xlsx"
    assert as_user("chauthanh").get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
