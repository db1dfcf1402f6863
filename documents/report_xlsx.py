"""A report's Excel appendix: a sheet per table the report's document prints,
then its text with the signer and the recipients.

It renders the document of documents/build.py and words nothing itself: the
heading ("PHỤ LỤC", its title, "(Kèm theo Báo cáo số … ngày … của …)"), the
tables' titles, merged headers and cells are the ones the PDF prints. Numbers
are numbers with the places the unit typed; a ratio is a formula whenever its
plan and actual are both numbers, and otherwise the ratio as the PDF prints
it, as text: the column never mixes formulas with numbers typed in, which a
reader could not tell apart. What a user typed is always text (set_text).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from documents.build import report_document
from documents.excel import (
    CENTRE,
    DATE,
    HEADER,
    TEXT,
    TITLE,
    Book,
    Look,
    column_widths,
    number_format,
    page_setup,
    set_text,
)
from documents.model import Appendix, Cell, CellKind, Document, Table
from reports.models import Report

# Beyond this many columns a table's sheet is printed in landscape.
PORTRAIT_COLUMNS = 7
RATIO = Look(fmt=number_format(1), align="right")


def _heading(book: Book, ws: Any, appendix: Appendix, width: int) -> int:
    lines = [
        (appendix.label, TITLE),
        (appendix.title.text, Look(bold=True, align="center", grid=False, wrap=True)),
        (appendix.reference.text, Look(italic=True, align="center", grid=False, wrap=True)),
    ]
    for row, (text, look) in enumerate(lines, start=1):
        book.put(ws, row, 1, text or None, look)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return len(lines) + 2


def _table_title(book: Book, ws: Any, row: int, title: str, width: int) -> int:
    book.put(ws, row, 1, title, Look(bold=True, grid=False, wrap=True))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 32
    return row + 1


def _header(book: Book, ws: Any, first: int, table: Table) -> int:
    """The header rows with their merges, laid out as HTML lays out rowspans
    and colspans. Covered cells keep the header's borders: Excel draws a merged
    range's border from its cells."""
    taken: set[tuple[int, int]] = set()
    for offset, cells in enumerate(table.header):
        row, column = first + offset, 1
        for h in cells:
            while (row, column) in taken:
                column += 1
            for r in range(row, row + h.rowspan):
                for c in range(column, column + h.colspan):
                    book.put(ws, r, c, h.text if (r, c) == (row, column) else None, HEADER)
                    taken.add((r, c))
            if h.rowspan > 1 or h.colspan > 1:
                ws.merge_cells(
                    start_row=row,
                    start_column=column,
                    end_row=row + h.rowspan - 1,
                    end_column=column + h.colspan - 1,
                )
            column += h.colspan
    return first + len(table.header)


def _ratio(book: Book, ws: Any, row: int, column: int, cell: Cell, cells: tuple[Cell, ...]) -> None:
    operands = cell.ratio
    out = book.put(ws, row, column, None, RATIO)
    if operands and cells[operands.numerator].is_number and cells[operands.denominator].is_number:
        # The only formula of the workbook: built here, never from what a user typed.
        a = f"{get_column_letter(operands.numerator + 1)}{row}"
        b = f"{get_column_letter(operands.denominator + 1)}{row}"
        out.value = f"=ROUND({a}/{b}*100,1)"
    elif cell.text:
        set_text(out, cell.text)


def _put_cell(
    book: Book, ws: Any, row: int, column: int, cell: Cell, cells: tuple[Cell, ...]
) -> None:
    if cell.kind is CellKind.RATIO:
        _ratio(book, ws, row, column, cell, cells)
        return
    if cell.is_number and cell.number is not None:
        value: float | int = (
            int(cell.number) if cell.decimals == 0 and not cell.unit else float(cell.number)
        )
        fmt = number_format(cell.decimals, cell.unit)
        look = CENTRE if column == 1 else Look(fmt=fmt, align="right")
        book.put(ws, row, column, value, look)
    elif cell.kind is CellKind.DATE:
        book.put(ws, row, column, cell.day, DATE)
    else:
        book.put(ws, row, column, cell.text or None, CENTRE if cell.centred else TEXT)


def _table_sheet(book: Book, ws: Any, document: Document, table: Table) -> None:
    width = table.columns
    assert document.appendix is not None
    row = _heading(book, ws, document.appendix, width)
    row = _table_title(book, ws, row, table.title.text, width)
    header_first = row
    row = _header(book, ws, row, table)
    for cells in table.rows:
        for column, cell in enumerate(cells, start=1):
            _put_cell(book, ws, row, column, cell, cells)
        row += 1
    column_widths(ws, list(table.widths))
    page_setup(
        ws,
        width,
        landscape=width > PORTRAIT_COLUMNS,
        title_rows=f"{header_first}:{header_first + len(table.header) - 1}",
    )


def _text_sheet(book: Book, ws: Any, document: Document) -> None:
    """The narrative beside the tables, one section a row, for reviewers who
    compile; then who signs and who receives it."""
    book.put(ws, 1, 1, _("Section"), HEADER)
    book.put(ws, 1, 2, _("Content"), HEADER)
    lines = [(_("Summary"), "\n".join(p.text for p in document.summary))]
    lines.append((_("Introduction"), "\n".join(p.text for p in document.introduction)))
    lines += [(s.heading.text, "\n".join(p.text for p in s.paragraphs)) for s in document.sections]
    lines.append((_("Closing"), "\n".join(p.text for p in document.closing)))
    signature = document.signature
    lines.append((_("Signed by"), "\n".join([*signature.lines, signature.signer]).strip()))
    lines.append((document.recipients_label, "\n".join(document.recipients)))
    for row, (heading, text) in enumerate(lines, start=2):
        book.put(ws, row, 1, heading, Look(bold=True, wrap=True))
        book.put(ws, row, 2, text or None, TEXT)
    column_widths(ws, [36, 100])
    page_setup(ws, 2, landscape=True, title_rows="1:1")


def document_workbook(document: Document) -> bytes:
    book = Book()
    for number, table in enumerate(document.tables, start=1):
        ws = book.wb.create_sheet(_("Table %(number)s") % {"number": number})
        _table_sheet(book, ws, document, table)
    _text_sheet(book, book.wb.create_sheet(_("Report text")), document)
    return book.save()


def report_workbook(report: Report) -> bytes:
    """A report's appendix: the tables its document prints, then its text."""
    return document_workbook(report_document(report))
