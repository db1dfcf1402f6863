"""Excel workbooks: the looks, the text rule and the page set-up every workbook shares,
and `Book` (openpyxl), in which a report's appendix is written.

Numbers are written as numbers with a display format ("#,##0.00"): Excel and
LibreOffice show the decimal comma of the reader's locale, and the figures can
be added and sorted. Bounds ("< 17"), pairs of counts ("12/12") and text stay
text, as written. Every string that comes from a user or the catalogue goes
through `set_text`, so that nothing a user typed ever becomes a formula; the
only formulas are the ratios this module builds itself.

Each distinct look of a cell is one named style, made once per workbook
(`Book`). The report's appendix is small and needs merged two-row headers,
written in any order: openpyxl's normal mode. A round's roll-up (3,321 units ×
100 indicators for a national round) is written as a stream by XlsxWriter
(documents/xlsx_stream.py; bench/README.md, "exports: Excel roll-up") in the
same looks. Neither uses a private name of either library.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from io import BytesIO

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from indicators.achievement import Status

FONT_NAME = "Times New Roman"  # the seed's font; Liberation Serif stands in where it is absent
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILLS = {
    Status.ACHIEVED: "C6EFCE",
    Status.NOT_ACHIEVED: "FFC7CE",
    Status.NOT_COMPARABLE: "D9D9D9",
}
# Beyond this many columns a sheet fitted to one page's width is unreadable:
# it is printed over several pages, the indicator columns repeated on each.
FIT_TO_WIDTH_MAX_COLUMNS = 20
MM = 1 / 25.4


def set_text(cell, value):
    """Put `value` in `cell` as text, whatever it starts with.

    openpyxl stores a string that starts with "=" as a formula, and Excel and
    LibreOffice read "+", "-" and "@" as the start of one when the cell is
    edited: a user's "=HYPERLINK(…)" or "=cmd|…" would run. The cell is
    typed as a string and, for those first characters, carries Excel's quote
    prefix (an apostrophe that is not part of the value), so that it stays
    text after an edit. Control characters that XML cannot hold (pasted from
    Word) are dropped; openpyxl would refuse the whole workbook.
    """
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def clean_text(value):
    """`value` as a string without the control characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def number_format(decimals, unit=""):
    places = "." + "0" * decimals if decimals else ""
    suffix = f'"{unit}"' if unit else ""
    return f"#,##0{places}{suffix}"


@dataclass(frozen=True)
class Look:
    """How a cell looks; each distinct look becomes one named style of the workbook."""

    fmt: str = "General"
    bold: bool = False
    italic: bool = False
    size: int = 12
    fill: str = ""
    align: str = "left"
    wrap: bool = False
    grid: bool = True


TEXT = Look(wrap=True)
CENTRE = Look(align="center")
HEADER = Look(bold=True, align="center", wrap=True, fill="F2F2F2")
TITLE = Look(bold=True, size=13, align="center", grid=False)
PLAIN = Look(grid=False)
DATE = Look(fmt="DD/MM/YYYY", align="center")
_THIN = Side(style="thin")


@cache
def _blank_workbook():
    """An empty workbook whose default font is the document's, as a file.

    Blank cells, and what a reader types later into an empty cell, take a
    workbook's default font (its first font and its "Normal" style). openpyxl
    has no public way to change a new workbook's; a workbook it loads keeps
    the file's. XlsxWriter writes that file with its `default_format_properties`.
    """
    out = BytesIO()
    wb = xlsxwriter.Workbook(
        out, {"default_format_properties": {"font_name": FONT_NAME, "font_size": 12}}
    )
    wb.add_worksheet()
    wb.close()
    return out.getvalue()


class Book:
    """A workbook whose every cell, written or blank, is in Times New Roman."""

    def __init__(self):
        self.wb = load_workbook(BytesIO(_blank_workbook()))  # about 4 ms
        self.wb.remove(self.wb.active)
        self.wb.properties.created = datetime.now(UTC)  # not the blank file's
        self._names = {}

    def name(self, look):
        """The named style of `look`, added to the workbook the first time."""
        if look not in self._names:
            name = f"Portal {len(self._names) + 1}"
            side = _THIN if look.grid else Side()
            style = NamedStyle(
                name=name,
                font=Font(name=FONT_NAME, size=look.size, bold=look.bold, italic=look.italic),
                fill=PatternFill("solid", fgColor=look.fill) if look.fill else PatternFill(),
                border=Border(left=side, right=side, top=side, bottom=side),
                alignment=Alignment(horizontal=look.align, vertical="center", wrap_text=look.wrap),
                number_format=look.fmt,
            )
            self.wb.add_named_style(style)
            self._names[look] = name
        return self._names[look]

    def put(self, ws, row, column, value, look):
        cell = ws.cell(row=row, column=column)
        cell.style = self.name(look)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        return cell

    def save(self):
        out = BytesIO()
        self.wb.save(out)
        return out.getvalue()


def page_setup(ws, columns, landscape=False, title_rows=None, title_columns=None):
    """A4, the margins of Decree 30/2020, fitted to the page's width when that stays readable."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_margins = PageMargins(left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM)
    if columns <= FIT_TO_WIDTH_MAX_COLUMNS:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    if title_rows:
        ws.print_title_rows = title_rows
    if title_columns:
        ws.print_title_cols = title_columns


def column_widths(ws, widths):
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
