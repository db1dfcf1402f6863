"""Workbooks written as a stream, row after row: XlsxWriter's constant-memory mode.

A national round's roll-up is 3,321 units × 100 indicators. XlsxWriter writes
each row to a temporary file as soon as the next one starts, so memory stays
that of one row, and styling a cell costs a format object picked from a dict:
no private API of any library (bench/README.md, "exports: Excel roll-up").

What the mode asks in return: rows are written top to bottom, and a cell of a
row already left is silently dropped. Strings are written in the cells
(inline), not in a shared table; Excel, LibreOffice and openpyxl read both.

The cells look as `documents.excel.Book`'s do (same `Look`s, the same Times
New Roman default font for every blank cell, the same page set-up), so that a
round's workbooks and a report's appendix read alike.
"""

from io import BytesIO

import xlsxwriter

from documents.excel import (
    FIT_TO_WIDTH_MAX_COLUMNS,
    FONT_NAME,
    FORMULA_STARTS,
    MM,
    TEXT,
    clean_text,
)

A4 = 9  # XlsxWriter's paper number, as Excel's


class StreamBook:
    """One workbook, its sheets written row by row; every cell, blank or not, in Times New Roman."""

    def __init__(self):
        self._out = BytesIO()
        self.wb = xlsxwriter.Workbook(
            self._out,
            {
                "constant_memory": True,
                # The first format is every blank cell's: what a reader types
                # later into an empty cell matches the rest of the document.
                "default_format_properties": {"font_name": FONT_NAME, "font_size": 12},
                # Never guess: a string is written as text, whatever it looks like.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._formats = {}

    def format(self, look, quoted=False):
        """The XlsxWriter format of `look`, made once per workbook; `quoted` adds
        Excel's quote prefix (see `text`)."""
        key = (look, quoted)
        if key not in self._formats:
            properties = {
                "bold": look.bold,
                "italic": look.italic,
                "font_size": look.size,
                "align": look.align,
                "valign": "vcenter",
                "text_wrap": look.wrap,
                "quote_prefix": quoted,
            }
            if look.fmt != "General":
                properties["num_format"] = look.fmt
            if look.fill:
                properties.update(pattern=1, bg_color=f"#{look.fill}")
            if look.grid:
                properties["border"] = 1  # thin
            self._formats[key] = self.wb.add_format(properties)
        return self._formats[key]

    def text(self, ws, row, column, value, look=TEXT):
        """`value` as text, whatever it starts with: `write_string` never makes a
        formula, and text that Excel would read as the start of one when the cell
        is edited ("=", "+", "-", "@") carries the quote prefix, as
        `documents.excel.set_text` does. Rows and columns count from 0."""
        text = clean_text(value)
        if not text:  # as openpyxl writes "": a blank cell, in its style
            ws.write_blank(row, column, None, self.format(look))
        else:
            ws.write_string(row, column, text, self.format(look, text.startswith(FORMULA_STARTS)))

    def value(self, ws, row, column, value, look):
        """A number, a date or (None) a blank cell in `look`'s style."""
        if value is None:
            ws.write_blank(row, column, None, self.format(look))
        elif hasattr(value, "year"):
            ws.write_datetime(row, column, value, self.format(look))
        else:
            ws.write_number(row, column, value, self.format(look))

    def save(self):
        self.wb.close()
        return self._out.getvalue()


def page_setup(ws, columns, landscape=False, title_rows=None, title_columns=None):
    """`documents.excel.page_setup` for a streamed sheet: A4, Decree 30's margins,
    fitted to the page's width when that stays readable; `title_rows` and
    `title_columns` are (first, last) counted from 0."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM)
    if columns <= FIT_TO_WIDTH_MAX_COLUMNS:
        ws.fit_to_pages(1, 0)  # one page wide, as many down as the rows need
    if title_rows:
        ws.repeat_rows(*title_rows)
    if title_columns:
        ws.repeat_columns(*title_columns)


def column_widths(ws, widths):
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)
