"""The award list of an emulation movement as an official document (Decree
30/2020/NĐ-CP, Appendix I): one documents.model.Document, built here by
`award_list_document`, rendered as PDF by the reports' layout
(templates/documents/report.html through documents/pdf.py) and as Excel by
`award_list_workbook`. Neither renderer words anything: the header, the number
and date lines, the tables, the total and the signature are the model's.

Every name and reason a reviewer typed is written in the workbook as text,
never as a formula.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.template.loader import render_to_string

from documents.build import ordinal_cell, text_cell
from documents.excel import (
    CENTRE,
    HEADER,
    PLAIN,
    TEXT,
    TITLE,
    Book,
    Look,
    column_widths,
    page_setup,
)
from documents.model import (
    Document,
    Form,
    Header,
    HeaderCell,
    Section,
    Signature,
    Table,
)
from documents.names import committee_body, issuer_lines, place_name, superior_committee, upper
from documents.pdf import html_to_pdf
from documents.wording import date_line, number_line, paragraph
from movements.models import Movement
from movements.standing import award_list
from portal.downloads import slug
from portal.models import UnitKind

TEMPLATE = "documents/report.html"
KIND = "DANH SÁCH"
SYMBOL = "DS"  # the type's abbreviation in the number: "15/DS-UBND"
# The People's Committee issues the list; its chair or a vice-chair signs it
# on the committee's behalf (Decree 30, Appendix I: "TM. ỦY BAN NHÂN DÂN").
AUTHORITY = ("TM. ỦY BAN NHÂN DÂN",)
NONE = "(Không có)"

# Territories whose People's Committee launches a movement, and the ones whose
# committee stands above another's in a header.
COMMITTEES = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE)


def summary_line(movement: Movement) -> str:
    """Seed 003, section IV: the collectives and individuals "hoàn thành mục
    tiêu, chỉ tiêu trong phong trào thi đua…", the movement's title in the
    running text."""
    title = movement.title
    running = title[:1].lower() + title[1:] if title[:1] != title[:1].lower() else title
    return f"Đề nghị khen thưởng tập thể, cá nhân hoàn thành mục tiêu, chỉ tiêu trong {running}"


def _issuing_body(unit: Any) -> str:
    return committee_body(unit.name) if unit.kind in COMMITTEES else upper(unit.name)


def _superior_body(unit: Any) -> str:
    """The committee above the launching one, as a district's report heads it
    ("UBND TỈNH ĐỒNG THÁP"); none above a province."""
    if unit.kind not in (UnitKind.DISTRICT, UnitKind.COMMUNE):
        return ""
    parent = unit.parent_unit()
    if parent is None or parent.kind not in COMMITTEES:
        return ""
    return superior_committee(parent.name)


def collectives_table(proposals: list[Any]) -> Table:
    header = ((HeaderCell("STT"), HeaderCell("Tên tập thể"), HeaderCell("Thành tích")),)
    rows = tuple(
        (ordinal_cell(number), text_cell(p.unit.name), text_cell(p.reason))
        for number, p in enumerate(proposals, start=1)
    )
    return Table("collectives", paragraph(""), header, rows, (7, 40, 55), "collectives")


def individuals_table(proposals: list[Any]) -> Table:
    labels = ("STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích")
    header = (tuple(HeaderCell(label) for label in labels),)
    rows = tuple(
        (
            ordinal_cell(number),
            text_cell(p.person_name),
            text_cell(", ".join(part for part in (p.person_title, p.unit.name) if part)),
            text_cell(p.reason),
        )
        for number, p in enumerate(proposals, start=1)
    )
    return Table("individuals", paragraph(""), header, rows, (7, 32, 34, 55), "individuals")


def _section(number: str, heading: str, table: Table) -> Section:
    # An empty list says so rather than printing a header over no row.
    return Section(
        number=number,
        heading=paragraph(f"{number}. {heading}"),
        depth=1,
        paragraphs=() if table.rows else (paragraph(NONE),),
        tables=(table,) if table.rows else (),
    )


def award_list_document(movement: Movement) -> Document:
    """The award list as its PDF and its workbook print it.

    Its number is given when it is signed: until then the number line leaves
    the blank for it ("Số:      /DS-UBND") and the date line the day and month
    ("ngày      tháng      năm 2021"), as a Decree 30 copy for signature does.
    It is a draft ("DỰ THẢO") while nobody is named to sign it: the copy a
    reviewer takes to the chair names the signer and must not carry the mark.
    """
    unit = movement.unit
    collectives, individuals = award_list(movement)
    total = f"Tổng cộng: {len(collectives):02d} tập thể, {len(individuals):02d} cá nhân."
    authority = tuple(upper(line) for line in movement.authority.splitlines() if line.strip())
    return Document(
        kind=KIND,
        header=Header(
            superior_body=_superior_body(unit),
            issuer_lines=issuer_lines(_issuing_body(unit)),
            form=Form.STATE,
            number_line=number_line(movement.number_symbol, party=False, kind=SYMBOL),
            date_line=date_line(place_name(unit.name), movement.signed_on, movement.year),
        ),
        summary=(paragraph(summary_line(movement), keep_last_words=True),),
        introduction=(),
        sections=(
            _section("I", "TẬP THỂ", collectives_table(collectives)),
            _section("II", "CÁ NHÂN", individuals_table(individuals)),
        ),
        closing=(paragraph(total),),
        signature=Signature(
            authority=authority or AUTHORITY,
            title=upper(movement.position),
            signer=movement.signer.strip(),
        ),
        recipients=tuple(line.strip() for line in movement.recipients.splitlines() if line.strip()),
        draft=not movement.signer.strip(),
        title=f"{KIND} · {movement.title}",
    )


# ------------------------------------------------------------------------------- PDF


def award_list_html(movement: Movement) -> str:
    html = render_to_string(TEMPLATE, {"doc": award_list_document(movement)})
    return unicodedata.normalize("NFC", html)


def award_list_pdf(movement: Movement) -> bytes:
    return html_to_pdf(award_list_html(movement))


def filename(movement: Movement, extension: str) -> str:
    """ "khen-thuong-huyen-hong-ngu-2021-7.pdf": ASCII, and the movement's id keeps
    two movements of a unit and year apart."""
    return f"khen-thuong-{slug(movement.unit.name)}-{movement.year}-{movement.pk}.{extension}"


# ------------------------------------------------------------------------------ Excel

BOLD = Look(bold=True, grid=False)
BOLD_CENTRE = Look(bold=True, align="center", grid=False)
CENTRED = Look(align="center", grid=False)
ITALIC_CENTRE = Look(italic=True, align="center", grid=False)
SUMMARY = Look(bold=True, align="center", wrap=True, grid=False)


class Sheet:
    """A document laid out down one sheet, `width` columns wide."""

    def __init__(self, book: Book, ws: Any, width: int) -> None:
        self.book, self.ws, self.width, self.row = book, ws, width, 1

    def put(self, first: int, last: int, value: Any, look: Look, row: int | None = None) -> Any:
        # openpyxl draws the top-left cell's borders round the whole merged range.
        row = self.row if row is None else row
        cell = self.book.put(self.ws, row, first, value, look)
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        return cell

    def line(self, value: str, look: Look) -> None:
        self.put(1, self.width, value or None, look)
        self.row += 1

    def header(self, header: Header) -> None:
        """Left half: superior body, issuer, number; right half: nation, motto, date."""
        half = self.width // 2
        left = [(header.superior_body, CENTRED)] if header.superior_body else []
        left += [(line, BOLD_CENTRE) for line in header.issuer_lines]
        right = [(line, BOLD_CENTRE) for line in header.nation_lines]
        rows = max(len(left), len(right))
        for offset in range(rows):
            if offset < len(left):
                self.put(1, half, left[offset][0], left[offset][1], self.row + offset)
            if offset < len(right):
                text, look = right[offset]
                self.put(half + 1, self.width, text, look, self.row + offset)
        self.row += rows
        self.put(1, half, header.number_line, CENTRED)
        self.put(half + 1, self.width, header.date_line, ITALIC_CENTRE)
        self.row += 2

    def table(self, table: Table) -> None:
        """The header and the rows; a table narrower than the sheet widens its
        second column (the name) over the spare columns."""
        spare = self.width - table.columns
        for header_row in table.header:
            self._cells(tuple(h.text for h in header_row), spare, HEADER)
        for row in table.rows:
            self._cells(row, spare, None)

    def _cells(self, cells: tuple[Any, ...], spare: int, look: Look | None) -> None:
        column = 1
        for index, cell in enumerate(cells):
            last = column + (spare if index == 1 else 0)
            if look is not None:
                self.put(column, last, cell, look)
            elif cell.is_number and cell.number is not None:
                self.put(column, last, int(cell.number), CENTRE)
            else:
                self.put(column, last, cell.text or None, CENTRE if cell.centred else TEXT)
            column = last + 1
        self.row += 1


def document_sheet(book: Book, ws: Any, document: Document) -> None:
    """A one-sheet document: its header, type and summary, its sections with
    their tables, its closing lines, then the recipients beside the signature."""
    widths = max((t.widths for t in document.tables), key=len, default=(40, 40))
    sheet = Sheet(book, ws, len(widths))
    sheet.header(document.header)
    if document.draft:
        sheet.line(document.draft_mark, BOLD_CENTRE)
    sheet.line(document.kind, TITLE)
    for line in document.summary:
        sheet.line(line.text, SUMMARY)
        ws.row_dimensions[sheet.row - 1].height = 34
    sheet.row += 1
    for section in document.sections:
        sheet.line(section.heading.text, BOLD)
        for p in section.paragraphs:
            sheet.line(p.text, PLAIN)
        for table in section.tables:
            sheet.table(table)
        sheet.row += 1
    for p in document.closing:
        sheet.line(p.text, PLAIN)
    sheet.row += 1
    _signature(sheet, document)
    column_widths(ws, list(widths))
    page_setup(ws, sheet.width)


def _signature(sheet: Sheet, document: Document) -> None:
    half = sheet.width // 2
    left: list[tuple[str, Look]] = [(document.recipients_label, BOLD)]
    left += [(line, PLAIN) for line in document.recipients]
    right = [(line, BOLD_CENTRE) for line in document.signature.lines]
    right += [("", CENTRED)] * 3 + [(document.signature.signer, BOLD_CENTRE)]
    for offset in range(max(len(left), len(right))):
        if offset < len(left):
            sheet.put(1, half, left[offset][0], left[offset][1], sheet.row + offset)
        if offset < len(right) and right[offset][0]:
            sheet.put(half + 1, sheet.width, right[offset][0], right[offset][1], sheet.row + offset)


def award_list_workbook(movement: Movement) -> bytes:
    """The award list as an .xlsx file (bytes), one sheet as the PDF prints it."""
    book = Book()
    ws = book.wb.create_sheet("Danh sách khen thưởng")
    document_sheet(book, ws, award_list_document(movement))
    return book.save()
