"""One document, three renderers (issue 11): every wording rule of Decree 30
read back from the demo's PDFs (pdftotext), previews and Excel appendices
(openpyxl), line by line as printed."""

import datetime as dt
import difflib
import re
import time
import unicodedata
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from documents.build import report_document
from documents.names import issuer_in_text
from documents.pdf import report_pdf
from documents.report_xlsx import report_workbook
from documents.wording import runs
from portal.names import name_in_text, place_name
from reports import workflow
from reports.models import (
    IssuedDocument,
    Report,
    ReportStatus,
    TableKind,
    TablePlacement,
    TemplateTable,
)
from reports.synthesis import draft_provincial_report
from reports.templates_io import load_template
from reports.workflow import WorkflowError
from tests.exports.test_pdf import pdf_text
from tests.reports.test_demo_round import SEED_000, demo_round, page_text

pytestmark = pytest.mark.django_db

# The twelve districts of Đồng Tháp in 2020 and the place their documents are dated at.
PLACES = {
    "866": "Cao Lãnh",  # Thành phố Cao Lãnh
    "867": "Sa Đéc",  # Thành phố Sa Đéc
    "868": "Hồng Ngự",  # Thành phố Hồng Ngự
    "869": "Tân Hồng",
    "870": "Hồng Ngự",  # Huyện Hồng Ngự
    "871": "Tam Nông",
    "872": "Tháp Mười",
    "873": "Cao Lãnh",  # Huyện Cao Lãnh
    "874": "Thanh Bình",
    "875": "Lấp Vò",
    "876": "Lai Vung",
    "877": "Châu Thành",
}
UNSIGNED = "ngày tháng năm 2020"  # the day and month left blank until signed


def report_of(code):
    return Report.objects.get(round=demo_round(), unit__code=code)


def lines(text):
    """Printed lines, runs of white space (the blanks of an unsigned date) as one space."""
    return [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]


def pdf_lines(report, tmp_path):
    path = tmp_path / f"{report.pk}.pdf"
    path.write_bytes(report_pdf(report))
    return lines(pdf_text(path))


def workbook(report):
    return load_workbook(BytesIO(report_workbook(report)))


def cells(wb):
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def caption(wb):
    """The "(Kèm theo …)" line heading the appendix's sheets (all the same)."""
    found = {" ".join(str(ws["A3"].value).split()) for ws in wb if str(ws["A1"].value) == "PHỤ LỤC"}
    assert len(found) == 1, found
    return found.pop()


# ----------------------------------------------------------------------- place names


@pytest.mark.parametrize(
    "name, place, in_text",
    [
        ("Thành phố Sa Đéc", "Sa Đéc", "thành phố Sa Đéc"),
        ("Huyện Châu Thành", "Châu Thành", "huyện Châu Thành"),
        ("Thị xã Hồng Ngự", "Hồng Ngự", "thị xã Hồng Ngự"),
        ("Quận Ninh Kiều", "Ninh Kiều", "quận Ninh Kiều"),
        ("Tỉnh Đồng Tháp", "Đồng Tháp", "tỉnh Đồng Tháp"),
        # Communes and wards, the only units below the province after 1 July 2025.
        ("Xã Tân Hộ Cơ", "Tân Hộ Cơ", "xã Tân Hộ Cơ"),
        ("Phường Mỹ Phú", "Mỹ Phú", "phường Mỹ Phú"),
        ("Thị trấn Sa Rài", "Sa Rài", "thị trấn Sa Rài"),
        # Named by a number or after a person: the whole name (Decree 30).
        ("Phường 1", "Phường 1", "Phường 1"),
        ("Quận 3", "Quận 3", "Quận 3"),
        ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Sở Y tế tỉnh Đồng Tháp", "Sở Y tế tỉnh Đồng Tháp", "Sở Y tế tỉnh Đồng Tháp"),
    ],
)
def test_a_units_name_as_a_place_and_inside_a_sentence(name, place, in_text):
    assert place_name(name) == place
    assert name_in_text(name) == in_text


def test_the_round_stores_each_districts_place_and_the_pdf_dates_it_there(demo, tmp_path):
    reports = {r.unit.code: r for r in Report.objects.filter(round=demo_round())}
    assert {code: r.place for code, r in reports.items()} == PLACES
    for code, place in PLACES.items():
        report = reports[code]
        expected = f"Số: /BC-UBND {place}, " + (
            "ngày 20 tháng 11 năm 2020" if code == "877" else UNSIGNED
        )
        assert expected in pdf_lines(report, tmp_path), (code, expected)


# ----------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "day, written",
    [
        (dt.date(2021, 2, 5), "ngày 05 tháng 02 năm 2021"),  # 1-digit day, month 2
        (dt.date(2020, 1, 31), "ngày 31 tháng 01 năm 2020"),  # 2-digit day, month 1
        (dt.date(2021, 3, 3), "ngày 03 tháng 3 năm 2021"),  # months from 3 not padded
        (dt.date(2020, 12, 9), "ngày 09 tháng 12 năm 2020"),  # 2-digit month
    ],
)
def test_the_pdf_and_the_excel_write_the_date_as_decree_30(demo, tmp_path, day, written):
    report = report_of("877")
    report.signed_on = day
    report.number_symbol = "125/BC-UBND"
    report.save()
    assert f"Số: 125/BC-UBND Châu Thành, {written}" in pdf_lines(report, tmp_path)
    assert caption(workbook(report)) == (
        f"(Kèm theo Báo cáo số 125/BC-UBND {written} của Ủy ban nhân dân huyện Châu Thành)"
    )


# ----------------------------------------------------------------------- number lines


def test_a_state_report_has_the_state_number_line(demo, tmp_path):
    report = report_of("877")
    report.number_symbol = "125/BC-UBND"
    report.save()
    printed = pdf_lines(report, tmp_path)
    assert "Số: 125/BC-UBND Châu Thành, ngày 20 tháng 11 năm 2020" in printed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in printed


def test_a_party_report_has_the_party_number_line_in_the_pdf_and_the_excel(demo, tmp_path):
    report = report_of("877")
    report.number_symbol = "12-BC/HU"
    report.superior_body = "ĐẢNG BỘ TỈNH ĐỒNG THÁP"
    report.issuing_body = "HUYỆN ỦY CHÂU THÀNH"
    report.save()
    printed = pdf_lines(report, tmp_path)
    assert "Số 12-BC/HU Châu Thành, ngày 20 tháng 11 năm 2020" in printed
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in printed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in printed
    assert caption(workbook(report)) == (
        "(Kèm theo Báo cáo số 12-BC/HU ngày 20 tháng 11 năm 2020 của Huyện ủy Châu Thành)"
    )


# ----------------------------------------------------------------------- captions


def test_excel_captions_keep_the_places_capitals(demo):
    assert caption(workbook(report_of("877"))) == (
        "(Kèm theo Báo cáo số /BC-UBND ngày 20 tháng 11 năm 2020 "
        "của Ủy ban nhân dân huyện Châu Thành)"
    )
    sa_dec = report_of("867")
    assert caption(workbook(sa_dec)) == (
        f"(Kèm theo Báo cáo số /BC-UBND {UNSIGNED} của Ủy ban nhân dân thành phố Sa Đéc)"
    )


def test_the_provincial_synthesis_is_dated_at_the_province_and_named_with_capitals(demo):
    province = draft_provincial_report(demo_round(), get_user_model().objects.get(username="syt"))
    document = report_document(province)
    assert " ".join(document.header.date_line.split()) == f"Đồng Tháp, {UNSIGNED}"
    assert document.header.issuer_lines == ("TỈNH ĐỒNG THÁP",)
    assert caption(workbook(province)) == (
        f"(Kèm theo Báo cáo số /BC-UBND {UNSIGNED} của tỉnh Đồng Tháp)"
    )


def test_bodies_in_a_running_text():
    assert issuer_in_text("ỦY BAN NHÂN DÂN THÀNH PHỐ SA ĐÉC") == "Ủy ban nhân dân thành phố Sa Đéc"
    assert issuer_in_text("ỦY BAN NHÂN DÂN PHƯỜNG 1") == "Ủy ban nhân dân Phường 1"
    assert issuer_in_text("UỶ BAN NHÂN DÂN XÃ TÂN HỘ CƠ") == "Ủy ban nhân dân xã Tân Hộ Cơ"
    assert issuer_in_text("TỈNH ĐỒNG THÁP") == "tỉnh Đồng Tháp"
    assert issuer_in_text("", "Huyện Châu Thành") == "huyện Châu Thành"


def test_the_excel_text_sheet_has_the_signer_and_the_recipients(demo):
    wb = workbook(report_of("877"))
    ws = wb.worksheets[-1]
    rows = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2)}
    assert rows["Nơi nhận:"].splitlines() == [
        "- Sở YT tỉnh ĐT;",
        "- TT.HU, TT.HĐND Huyện;",
        "- CT, các PCT.UBND Huyện;",
        "- BCĐ Huyện;",
        "- LĐVP, các CVNC;",
        "- Lưu VT.",
    ]
    signed = next(v for v in rows.values() if v and v.endswith("Đỗ Nhật Định"))
    assert signed.splitlines() == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Đỗ Nhật Định",
    ]
    written = [ws.cell(row=r, column=2) for r in range(2, ws.max_row + 1)]
    assert all(c.data_type == "s" for c in written if c.value is not None)


# ------------------------------------------------- documents issued and named figures

# In the order they were issued, as the table lists them.
ISSUED = [
    ("225-CTr/HU", dt.date(2018, 8, 2), "Ban Thường vụ Huyện ủy"),
    ("537/QĐ-UBND", dt.date(2020, 6, 26), "Ủy ban nhân dân huyện Châu Thành"),
]
SUMMARIES = [
    "Chương trình hành động thực hiện Nghị quyết số 20-NQ/TW",
    "Kiện toàn Ban Chỉ đạo bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân",
]


@pytest.fixture
def seed_000_report(demo):
    """Châu Thành's report (seed 000) with the documents it names as issued."""
    report = report_of("877")
    for (number, day, issuer), summary in zip(ISSUED, SUMMARIES, strict=True):
        IssuedDocument.objects.create(
            report=report, number_symbol=number, issued_on=day, issuer=issuer, summary=summary
        )
    return report


def test_documents_issued_and_named_figures_are_in_the_preview(seed_000_report, as_user):
    page = page_text(as_user("syt").get(reverse("report-preview", args=[seed_000_report.pk])))
    text = " ".join(page.split())
    assert "Văn bản đã ban hành" in text
    assert "1 225-CTr/HU 02/08/2018 Ban Thường vụ Huyện ủy " + SUMMARIES[0] in text
    assert "2 537/QĐ-UBND 26/06/2020 Ủy ban nhân dân huyện Châu Thành " + SUMMARIES[1] in text
    assert "1 Kinh phí hoạt động do ngân sách nhà nước cấp trong năm đồng 10.775.000.000" in text
    assert "2 Thu dịch vụ y tế đồng 31.024.000.000" in text


def test_documents_issued_and_named_figures_are_in_the_pdf(seed_000_report, tmp_path):
    printed = pdf_lines(seed_000_report, tmp_path)
    appendix = printed[printed.index("PHỤ LỤC") :]
    assert "Văn bản đã ban hành" in appendix
    assert "1 225-CTr/HU 02/08/2018 Ban Thường vụ Huyện ủy" in " ".join(appendix)
    assert "2 537/QĐ-UBND 26/06/2020 Ủy ban nhân dân huyện Châu Thành Kiện toàn Ban Chỉ" in (
        " ".join(appendix)
    )
    figures = " ".join(appendix)
    assert "1 Kinh phí hoạt động do ngân sách nhà nước cấp trong năm đồng 10.775.000.000" in figures
    assert "2 Thu dịch vụ y tế đồng 31.024.000.000" in figures


def test_documents_issued_and_named_figures_are_in_the_excel(seed_000_report):
    wb = workbook(seed_000_report)
    documents = next(ws for ws in wb if ws["A5"].value == "Văn bản đã ban hành")
    assert [[c.value for c in row] for row in documents.iter_rows(min_row=7, max_row=8)] == [
        [1, "225-CTr/HU", dt.datetime(2018, 8, 2), ISSUED[0][2], SUMMARIES[0]],
        [2, "537/QĐ-UBND", dt.datetime(2020, 6, 26), ISSUED[1][2], SUMMARIES[1]],
    ]
    label = "Kinh phí hoạt động do ngân sách nhà nước cấp trong năm"
    figures = next(ws for ws in wb if ws["B7"].value == label)
    assert [[c.value for c in row] for row in figures.iter_rows(min_row=7, max_row=8)] == [
        [1, label, "đồng", 10_775_000_000],
        [2, "Thu dịch vụ y tế", "đồng", 31_024_000_000],
    ]
    assert figures["D7"].number_format == "#,##0"


def test_a_table_the_outline_puts_in_the_body_is_printed_after_its_section(
    seed_000_report, tmp_path
):
    TemplateTable.objects.filter(
        template=seed_000_report.round.template, kind=TableKind.FIGURES
    ).update(placement=TablePlacement.BODY, section_key="II.6")
    printed = pdf_lines(seed_000_report, tmp_path)
    start = next(i for i, line in enumerate(printed) if line.startswith("6. Đổi mới hệ thống"))
    end = next(i for i, line in enumerate(printed) if line.startswith("III. KẾT QUẢ"))
    section = " ".join(printed[start:end])
    assert "1 Kinh phí hoạt động do ngân sách nhà nước cấp trong năm đồng 10.775.000.000" in section
    assert "10.775.000.000" not in " ".join(printed[printed.index("PHỤ LỤC") :])
    # The Excel still has every table, the body's among them.
    assert 10_775_000_000 in cells(workbook(seed_000_report))


# ----------------------------------------------------------------------- the draft mark


def test_a_draft_says_so_and_leaves_out_its_empty_headings(demo, tmp_path):
    draft = report_of("870")  # Hồng Ngự: three sections written
    assert draft.status == ReportStatus.DRAFT
    printed = pdf_lines(draft, tmp_path)
    assert printed[0] == "DỰ THẢO"
    assert any(line.startswith("I. TÌNH HÌNH TRIỂN KHAI") for line in printed)
    assert any(line.startswith("3. Hoạt động kiểm tra, giám sát") for line in printed)
    assert not any(
        line.startswith(("II. KẾT QUẢ", "IV. ĐÁNH GIÁ", "V. NHIỆM VỤ")) for line in printed
    )
    assert not any(line.startswith("1. Sự lãnh đạo, chỉ đạo") for line in printed)


def test_a_submitted_report_is_still_a_draft(demo, tmp_path):
    assert pdf_lines(report_of("877"), tmp_path)[0] == "DỰ THẢO"


def test_an_accepted_report_has_no_draft_mark_and_its_headings(demo, tmp_path):
    accepted = report_of("867")  # Sa Đéc: accepted, three sections written
    assert accepted.status == ReportStatus.ACCEPTED
    printed = pdf_lines(accepted, tmp_path)
    assert "DỰ THẢO" not in " ".join(printed)
    assert printed[0] == "UBND TỈNH ĐỒNG THÁP" or printed[0].startswith("ỦY BAN")
    assert any(line.startswith("II. KẾT QUẢ THỰC HIỆN") for line in printed)


def test_the_file_frozen_at_acceptance_has_no_draft_mark(demo, tmp_path):
    report = workflow.accept(report_of("877"), get_user_model().objects.get(username="syt"))
    path = tmp_path / "accepted.pdf"
    path.write_bytes(bytes(report.revisions.get().pdf))
    assert "DỰ THẢO" not in pdf_text(path)


# ----------------------------------------------------------------------- the appendix


def test_the_appendix_has_a_rule_under_its_title_and_pages_of_its_own(demo, as_user, tmp_path):
    report = report_of("877")
    html = as_user("syt").get(reverse("report-preview", args=[report.pk])).content.decode()
    appendix = html[html.index('class="appendix-title"') :]
    assert appendix.index('class="appendix-ref"') < appendix.index("appendix-rule")
    assert appendix.index("appendix-rule") < appendix.index('class="table-title"')
    printed = pdf_lines(report, tmp_path)
    start = printed.index("PHỤ LỤC")
    # Its second page says it is the appendix's; its first is not numbered.
    assert "Phụ lục – trang 2" in printed[start:]
    assert "Phụ lục – trang 1" not in printed


# ----------------------------------------------------------------------- lines that hold


def test_no_document_symbol_breaks_across_a_line_and_no_word_stands_alone(demo, tmp_path):
    printed = pdf_lines(report_of("877"), tmp_path)
    broken = [
        (a, b) for a, b in zip(printed, printed[1:], strict=False) if re.search(r"\w[-/]$", a)
    ]
    assert broken == [], broken
    start = printed.index("BÁO CÁO") + 1
    end = next(i for i, line in enumerate(printed) if line.startswith("Tiếp nhận Công văn"))
    summary = printed[start:end]
    assert summary[-1].endswith("khóa XII") and len(summary[-1].split()) >= 2, summary


def test_symbols_and_the_last_two_words_are_runs_that_do_not_break():
    pieces = runs("Thực hiện Nghị quyết số 20,21-NQ/TW Hội nghị Trung ương 6 khóa XII", True)
    assert [p.text for p in pieces if p.keep] == ["20,21-NQ/TW", "khóa XII"]
    assert "".join(p.text for p in pieces) == (
        "Thực hiện Nghị quyết số 20,21-NQ/TW Hội nghị Trung ương 6 khóa XII"
    )


def test_the_pdf_still_holds_seed_000s_words(demo, tmp_path):
    """The seed's words, in order, found in the PDF text (difflib over words:
    99,5 % on 2 December 2026; the table's ">100" ratios the seed prints by
    hand are the portal's computed ratios)."""
    printed = " ".join(pdf_lines(report_of("877"), tmp_path)).split()
    seed = unicodedata.normalize("NFC", SEED_000.read_text(encoding="utf-8")).split()
    matcher = difflib.SequenceMatcher(None, seed, printed, autojunk=False)
    held = sum(block.size for block in matcher.get_matching_blocks()) / len(seed)
    assert held >= 0.98, held


# ----------------------------------------------------------------------- the outline


OUTLINE = {
    "code": "placement-test",
    "name": "Outline with tables in the body",
    "sections": [{"number": "I", "title": "Kết quả", "children": [{"number": "1", "title": "A"}]}],
    "tables": [
        {"kind": "documents", "title": "Văn bản", "placement": "body", "after": "I.1"},
        {"kind": "figures", "figures": []},
    ],
}


def test_the_outline_json_sets_where_each_table_is_printed(db):
    template = load_template(OUTLINE)
    tables = list(template.tables.values_list("kind", "placement", "section_key", "config"))
    assert tables == [
        ("documents", "body", "I.1", {}),
        ("figures", "appendix", "", {"figures": []}),
    ]
    assert load_template(OUTLINE).tables.count() == 2  # loading twice changes nothing
    with pytest.raises(WorkflowError):
        load_template(
            {**OUTLINE, "code": "x", "tables": [{"kind": "documents", "placement": "body"}]}
        )
    with pytest.raises(WorkflowError):
        load_template(
            {**OUTLINE, "code": "y", "tables": [{"kind": "documents", "placement": "top"}]}
        )


def test_the_admin_sets_where_a_table_is_printed(as_user):
    template = load_template({**OUTLINE, "code": "placement-admin"})
    html = (
        as_user("admin")
        .get(reverse("admin:reports_reporttemplate_change", args=[template.pk]))
        .content.decode()
    )
    assert 'name="tables-0-placement"' in html and 'name="tables-0-section_key"' in html


def test_cutting_a_megabyte_of_pasted_text_into_runs_takes_one_reading():
    # Searched backwards or from every digit, a long word took minutes (quadratic).
    for pasted in ["1" * 1_000_000, "a-B" * 300_000, "ab " * 300_000]:
        started = time.perf_counter()
        assert "".join(p.text for p in runs(pasted, keep_last_words=True)) == pasted
        assert time.perf_counter() - started < 5
