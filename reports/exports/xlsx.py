"""Excel workbooks (openpyxl): a report's appendix, a round's roll-up and its completeness.

Numbers are written as numbers with a display format ("#,##0.00"): Excel and
LibreOffice show the decimal comma of the reader's locale, and the figures can
be added and sorted. Bounds ("< 17"), pairs of counts ("12/12") and text stay
text, as written. Every string that comes from a user or the catalogue goes
through `set_text`, so that nothing a user typed ever becomes a formula; the
only formulas are the ratios this module builds itself.

Each distinct look of a cell is one named style, made once per workbook
(`_Book`). The roll-up of a national round is 3,321 units × 100 indicators:
it is written in openpyxl's write-only mode, row by row as it is produced,
with one reused cell per style (`_stream`, `_ReusedCell`; bench/README.md,
"exports: Excel roll-up"). The report's appendix is small and needs merged
two-row headers: it uses the normal mode.
"""

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from indicators.achievement import Status
from indicators.models import Indicator
from indicators.numbers import ParseError, parse
from reports import completeness, selectors
from reports.figures import Counted, official_rollup
from reports.models import Report, ReportStatus, TableKind
from reports.workflow import indicator_codes

MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


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


class _Book:
    """A workbook whose every cell, written or blank, is in Times New Roman."""

    def __init__(self, write_only=False):
        self.wb = Workbook(write_only=write_only)
        if not write_only:
            self.wb.remove(self.wb.active)
        # Blank cells take the workbook's first font: make it the document's, so
        # that what a reader types later into an empty cell matches the rest.
        base = Font(name=FONT_NAME, size=12)
        self.wb._fonts = IndexedList([base])
        self.wb._named_styles["Normal"].font = base
        self._names = {}
        self._arrays = {}

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
            self._arrays[look] = style.as_tuple()
        return self._names[look]

    def array(self, look):
        if look not in self._arrays:
            self.name(look)
        return self._arrays[look]

    # Write-only cells: placed at A1 as WriteOnlyCell places them, the sheet moves
    # them where they are appended.
    def cell(self, ws, value, look):
        return Cell(ws, 1, 1, value, self.array(look))

    def text(self, ws, value, look=TEXT):
        return set_text(Cell(ws, 1, 1, None, self.array(look)), value)

    # Cells of a normal worksheet.
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


def _page_setup(ws, columns, landscape=False, title_rows=None, title_columns=None):
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


def _widths(ws, widths):
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


# --------------------------------------------------------------------------- the appendix


def _typed(shown):
    """A figure as the report shows it: (number, its display format) or (text, None)."""
    if not shown:
        return None, None
    try:
        reading = parse(shown)
    except ParseError:
        return shown, None
    if reading.kind != "number":
        return shown, None
    exponent = reading.value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return float(reading.value), number_format(decimals, reading.unit)


def _ratio_formula(row, plan_ref, actual_ref):
    """The ratio as a formula when plan and actual are plain numbers: actual ÷ plan × 100
    when higher is better, plan ÷ actual × 100 when lower is better (a smaller actual is
    the better result), rounded half up to one decimal as the portal does."""
    a, b = (actual_ref, plan_ref) if row.indicator.higher_is_better else (plan_ref, actual_ref)
    return f"=ROUND({a}/{b}*100,1)"


def _appendix_heading(book, ws, report, width):
    year = report.round.year
    if report.signed_on:
        d = report.signed_on
        date = f"ngày {d:%d} tháng {d:%m} năm {d:%Y}"
    else:
        date = f"ngày      tháng      năm {year}"
    number = report.number_symbol or "      /BC-UBND"
    issuer = report.issuing_body.lower().capitalize() if report.issuing_body else ""
    lines = [
        ("PHỤ LỤC", TITLE),
        (report.round.template.appendix_title, Look(bold=True, align="center", grid=False)),
        (
            f"(Kèm theo Báo cáo số {number} {date} của {issuer})",
            Look(italic=True, align="center", grid=False),
        ),
    ]
    for row, (text, look) in enumerate(lines, start=1):
        book.put(ws, row, 1, text, look)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return len(lines) + 2


def _two_row_header(book, ws, row, spans):
    """`spans`: (label, column span, sub-labels or None). A label without sub-labels
    spans both rows; one with them spans its sub-labels' columns."""
    column = 1
    for label, width, subs in spans:
        book.put(ws, row, column, label, HEADER)
        if subs is None:
            # The covered cell keeps the header's borders: Excel draws a merged range's
            # border from its cells.
            book.put(ws, row + 1, column, None, HEADER)
            ws.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column)
        else:
            for offset, sub in enumerate(subs):
                if offset:
                    book.put(ws, row, column + offset, None, HEADER)
                book.put(ws, row + 1, column + offset, sub, HEADER)
            if width > 1:
                ws.merge_cells(
                    start_row=row, start_column=column, end_row=row, end_column=column + width - 1
                )
        column += width
    return row + 2


def _table_title(book, ws, row, title, width):
    book.put(ws, row, 1, title, Look(bold=True, grid=False, wrap=True))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 32
    return row + 1


def _indicator_sheet(book, ws, report, title, rows):
    year = report.round.year
    row = _appendix_heading(book, ws, report, 7)
    row = _table_title(book, ws, row, title, 7)
    row = _two_row_header(
        book,
        ws,
        row,
        [
            ("STT", 1, None),
            ("Tên chỉ tiêu", 1, None),
            ("Đvt", 1, None),
            (f"Kế hoạch năm {year}", 1, None),
            (f"Kết quả thực hiện năm {year}", 2, ["Thực hiện", "Tỷ lệ"]),
            (f"Kế hoạch năm {year + 1}", 1, None),
        ],
    )
    header_end = row - 1
    for number, item in enumerate(rows, start=1):
        book.put(ws, row, 1, number, CENTRE)
        book.put(ws, row, 2, item.indicator.name, TEXT)
        book.put(ws, row, 3, item.indicator.unit_of_measure, CENTRE)
        figures = {}
        for column, shown in ((4, item.plan), (5, item.actual), (7, item.plan_next)):
            value, fmt = _typed(shown)
            figures[column] = fmt
            book.put(ws, row, column, value, Look(fmt=fmt, align="right") if fmt else CENTRE)
        ratio = item.achievement.ratio if item.achievement else None
        cell = book.put(ws, row, 6, None, Look(fmt=number_format(1), align="right"))
        if ratio is not None and figures[4] and figures[5]:
            # The only formula of the workbook: built here, never from what a user typed.
            cell.value = _ratio_formula(item, f"D{row}", f"E{row}")
        elif ratio is not None:
            cell.value = float(ratio)
        row += 1
    _widths(ws, [6, 44, 8, 13, 13, 10, 13])
    _page_setup(ws, 7, title_rows=f"{header_end - 1}:{header_end}")


def _dissemination_sheet(book, ws, report, table, title, rows):
    audiences = list(table.config.get("audiences", []))
    methods = list(table.config.get("methods", []))
    width = 3 + len(audiences) + len(methods)
    row = _appendix_heading(book, ws, report, width)
    row = _table_title(book, ws, row, title, width)
    spans = [
        ("Sở, ngành các tổ chức chính trị - xã hội và địa phương", 1, None),
        ("Chưa quán triệt", 1, None),
        ("Đã quán triệt", 1, None),
    ]
    if audiences:
        spans.append(("Đối tượng", len(audiences), audiences))
    if methods:
        spans.append(("Phương thức quán triệt", len(methods), methods))
    row = _two_row_header(book, ws, row, spans)
    header_end = row - 1
    for item in rows:
        marks = [not item.done, item.done]
        marks += [a in item.audiences for a in audiences] + [m in item.methods for m in methods]
        book.put(ws, row, 1, item.unit_label, TEXT)
        for column, mark in enumerate(marks, start=2):
            book.put(ws, row, column, "X" if mark else None, CENTRE)
        row += 1
    _widths(ws, [34] + [11] * (width - 1))
    _page_setup(ws, width, landscape=width > 7, title_rows=f"{header_end - 1}:{header_end}")


def _list_sheet(book, ws, report, title, headers, widths, lines):
    """A plain table under the appendix heading: documents issued, named figures."""
    width = len(headers)
    row = _appendix_heading(book, ws, report, width)
    row = _table_title(book, ws, row, title, width)
    for column, label in enumerate(headers, start=1):
        book.put(ws, row, column, label, HEADER)
    row += 1
    for number, cells in enumerate(lines, start=1):
        book.put(ws, row, 1, number, CENTRE)
        for column, (value, look) in enumerate(cells, start=2):
            book.put(ws, row, column, value, look)
        row += 1
    _widths(ws, widths)
    _page_setup(ws, width)


def _documents_lines(report):
    for doc in report.documents.all():
        yield [
            (doc.number_symbol, TEXT),
            (doc.issued_on, DATE),
            (doc.issuer, TEXT),
            (doc.summary, TEXT),
        ]


def _figures_lines(report):
    for fig, stored in selectors.figures_of(report):
        if stored is not None and stored.value is not None:
            value = (float(stored.value), Look(fmt=number_format(0), align="right"))
        else:
            value = (stored.text if stored is not None else None, TEXT)
        yield [(fig.get("label", fig["code"]), TEXT), (fig.get("unit", ""), CENTRE), value]


def _text_sheet(book, ws, report, sections):
    """The narrative beside the tables, one section a row, for reviewers who compile."""
    book.put(ws, 1, 1, _("Section"), HEADER)
    book.put(ws, 1, 2, _("Content"), HEADER)
    lines = [(_("Introduction"), report.introduction)]
    lines += [(s.section.heading, s.text) for s in sections]
    lines.append((_("Closing"), report.closing))
    for row, (heading, text) in enumerate(lines, start=2):
        book.put(ws, row, 1, heading, Look(bold=True, wrap=True))
        book.put(ws, row, 2, text or None, TEXT)
    _widths(ws, [36, 100])
    _page_setup(ws, 2, landscape=True, title_rows="1:1")


def report_workbook(report):
    """A report's appendix, one sheet per table of its template, then its narrative."""
    book = _Book()
    sections, _comments = selectors.sections_of(report)
    by_code = {}
    for item in selectors.indicator_rows(report):
        by_code.setdefault(item.indicator.code, item)
    dissemination = list(report.dissemination.all())
    for number, table in enumerate(report.round.template.tables.all(), start=1):
        ws = book.wb.create_sheet(_("Table %(number)s") % {"number": number})
        title = table.title or table.get_kind_display()
        if table.kind == TableKind.INDICATORS:
            codes = table.config.get("indicators", [])
            rows = [by_code[c] for c in codes if c in by_code]
            _indicator_sheet(book, ws, report, title, rows)
        elif table.kind == TableKind.DISSEMINATION:
            _dissemination_sheet(book, ws, report, table, title, dissemination)
        elif table.kind == TableKind.DOCUMENTS:
            headers = ["STT", _("Number and symbol"), _("Date issued"), _("Issued by")]
            headers.append(_("Summary"))
            lines = _documents_lines(report)
            _list_sheet(book, ws, report, title, headers, [6, 18, 13, 28, 60], lines)
        else:
            headers = ["STT", _("Figure"), "Đvt", _("Value")]
            lines = _figures_lines(report)
            _list_sheet(book, ws, report, title, headers, [6, 50, 10, 22], lines)
    _text_sheet(book, book.wb.create_sheet(_("Report text")), report, sections)
    return book.save()


# --------------------------------------------------------------------------- the roll-up


def _number_looks(decimals):
    """Looks of a roll-up's figures, by estimate then by achievement status, for one indicator."""
    fmt = number_format(decimals)
    # An estimate keeps its "≈" in Excel as on the page, as a prefix of the
    # number format: the cell stays a number that sums and sorts.
    formats = {False: fmt, True: f'"≈ "{fmt}'}
    return {
        estimate: {
            status: Look(
                fmt=formats[estimate], align="right", fill=FILLS.get(status, ""), italic=estimate
            )
            for status in (None, *FILLS)
        }
        for estimate in (False, True)
    }


class _ReusedCell(Cell):
    """A cell refilled with one figure after another, always in the same style.

    openpyxl finds a written cell's style number by hashing its style twice;
    over a national roll-up that is a tenth of the writing time. A cell whose
    style never changes looks it up once."""

    __slots__ = ("_style_number",)

    def __init__(self, ws, style_array):
        super().__init__(ws, 1, 1, None, style_array)
        self._style_number = None

    @property
    def style_id(self):
        if self._style_number is None:
            self._style_number = Cell.style_id.fget(self)
        return self._style_number

    @property
    def has_style(self):
        return True


def _stream(ws):
    """Let `ws.append` write the cells it is given as they are.

    A write-only sheet turns what is appended into cells in `_values_to_row`,
    which handles a styled cell as an error to recover from (a ValueError whose
    message formats the cell) and then makes a fresh cell for the next value.
    Every cell of a roll-up is styled (font, format, fill): that path made a
    3,321 × 100 roll-up 2.4 times as slow as the same values written bare
    (bench/README.md, "exports: Excel roll-up"). This sheet's `_values_to_row`
    is replaced by one that only places the cells, so everything appended to
    it must be a cell or None. A row is written as soon as it is appended, so
    a row may reuse one cell per style. openpyxl is pinned (3.1.5); the tests
    and the bench read every cell back.
    """

    def place(cells, row_idx):
        for column, cell in enumerate(cells, start=1):
            if cell is not None:
                cell.row = row_idx
                cell.column = column
                yield cell

    ws._values_to_row = place


def write_rollup(table, units, title, subtitle, statuses=None):
    """The roll-up sheet: one row per indicator of `table` (an `indicators.rollup.Rollup`),
    one column per row of `units` (some of the table's children), then the table's
    total and the target. A figure is green when it meets its target, red when it does
    not, grey when it cannot be compared; italics mark an estimate."""
    book = _Book(write_only=True)
    ws = book.wb.create_sheet(_("Roll-up"))
    _stream(ws)
    columns = (*units, table.total)
    width = 3 + len(columns) + 1
    _widths(ws, [6, 44, 8])
    data = ws.column_dimensions[get_column_letter(4)]
    data.min, data.max, data.width = 4, width, 14
    header_end = 6 if statuses is not None else 5
    ws.freeze_panes = f"D{header_end + 1}"
    _page_setup(ws, width, landscape=True, title_rows=f"4:{header_end}", title_columns="A:C")
    ws.append([book.text(ws, title, Look(bold=True, size=13, grid=False))])
    legend = [book.text(ws, subtitle, Look(italic=True, grid=False)), None, None]
    legend += [book.text(ws, Status(s).label, Look(fill=c)) for s, c in FILLS.items()]
    ws.append(legend)
    ws.append([])
    names = [book.text(ws, label, HEADER) for label in ("STT", "Tên chỉ tiêu", "Đvt")]
    names += [book.text(ws, row.name, HEADER) for row in units]
    names.append(book.text(ws, _("%(unit)s (total)") % {"unit": table.total.name}, HEADER))
    names.append(book.text(ws, _("Target"), HEADER))
    ws.append(names)
    codes = [book.cell(ws, None, HEADER) for _column in range(3)]
    codes += [book.text(ws, row.code, HEADER) for row in columns]
    codes.append(book.cell(ws, None, HEADER))
    ws.append(codes)
    if statuses is not None:
        # Which report each column's figures come from, and in what state.
        line = [book.cell(ws, None, CENTRE), book.text(ws, _("Report status")), None]
        line += [book.text(ws, statuses.get(row.unit_id, ""), CENTRE) for row in units]
        ws.append(line)
    for column in (1, 2, 3, width):
        letter = get_column_letter(column)
        ws.merged_cells.add(f"{letter}4:{letter}5")
    # (the status line, when there is one, is row 6; merged cells are
    # declared before rows are streamed, so the ranges above stay rows 4-5)
    plain_text = book.array(Look(align="right"))
    column_cells = [row.cells for row in columns]

    def line(number, indicator):
        yield book.cell(ws, number, CENTRE)
        yield book.text(ws, indicator.name)
        yield book.text(ws, indicator.unit_of_measure, CENTRE)
        looks = _number_looks(indicator.decimals)
        styles = {e: {s: book.array(x) for s, x in by.items()} for e, by in looks.items()}
        # One cell per style, refilled for each figure: a row is written as it is appended.
        reused = {e: {s: _ReusedCell(ws, x) for s, x in by.items()} for e, by in styles.items()}
        key = indicator.pk
        for cells in column_cells:
            cell = cells[key]
            reading = cell.reading
            achievement = cell.achievement
            status = None if achievement is None else achievement.status
            kind = reading.kind
            if kind == "number":
                out = reused[cell.estimate][status]
                out.value = float(reading.value)
                yield out
            elif kind == "empty":
                out = reused[cell.estimate][status]
                out.value = None
                yield out
            else:
                style = plain_text if status is None else styles[cell.estimate][status]
                yield set_text(Cell(ws, 1, 1, None, style), cell.display)
        yield _target_cell(book, ws, table.targets.get(key), indicator.decimals)

    for number, indicator in enumerate(table.indicators, start=1):
        ws.append(line(number, indicator))
    return book.save()


def _target_cell(book, ws, target, decimals):
    if target is None:
        return book.cell(ws, None, CENTRE)
    reading = target.reading()
    if reading.kind == "number":
        return book.cell(ws, float(reading.value), Look(fmt=number_format(decimals), align="right"))
    return book.text(ws, reading.text or target.text, Look(align="right"))


def rollup_workbook(round_, counted=None):
    """The round's indicators × its participating units, with the issuing unit's total
    (the roll-up engine's) and target, for the round's year, actual figures."""
    codes = indicator_codes(round_.template)
    order = {code: i for i, code in enumerate(codes)}
    indicators = sorted(Indicator.objects.filter(code__in=codes), key=lambda i: order[i.code])
    table = official_rollup(
        indicators, round_.issuing_unit, round_.year, round_.period, counted=counted
    )
    statuses = {
        unit_id: ReportStatus(status).label
        for unit_id, status in Report.objects.filter(round=round_)
        .exclude(unit=round_.issuing_unit)
        .values_list("unit_id", "status")
    }
    units = [row for row in table.children if row.unit_id in statuses]
    subtitle = _("%(unit)s, year %(year)s, actual figures of %(counted)s") % {
        "unit": round_.issuing_unit.name,
        "year": round_.year,
        "counted": Counted(counted or Counted.ACCEPTED).label,
    }
    return write_rollup(table, units, round_.title, subtitle, statuses)


# --------------------------------------------------------------------------- completeness


def completeness_workbook(round_, today=None):
    """Every participating unit with its status, deadline, date submitted and days late,
    under the round's completeness and timeliness."""
    today = today or timezone.localdate()
    figures = completeness.round_completeness(round_, today)
    book = _Book(write_only=True)
    ws = book.wb.create_sheet(_("Submissions"))
    headers = ["STT", _("Code"), _("Unit"), _("Status"), _("Deadline"), _("Submitted on")]
    headers.append(_("Days late"))
    _widths(ws, [6, 9, 36, 18, 13, 13, 11])
    _page_setup(ws, len(headers), title_rows="8:8")
    ws.append([book.text(ws, round_.title, Look(bold=True, size=13, grid=False))])
    ws.append([book.text(ws, _("As of %(date)s") % {"date": f"{today:%d/%m/%Y}"}, PLAIN)])
    percent = Look(fmt="0.0%", align="right")
    summary = [
        (_("Expected"), figures.expected, None),
        (_("Submitted"), figures.submitted, figures.completeness),
        (_("On time"), figures.on_time, figures.timeliness),
        (_("Late, not submitted"), figures.late_units, None),
    ]
    for label, count, share in summary:
        line = [book.text(ws, label, Look(bold=True)), book.cell(ws, count, CENTRE)]
        if share is not None:
            line.append(book.cell(ws, float(share / Decimal(100)), percent))
        ws.append(line)
    ws.append([])
    ws.append([book.text(ws, label, HEADER) for label in headers])
    late = Look(fill=FILLS[Status.NOT_ACHIEVED])
    for number, line in enumerate(figures.lines, start=1):
        flag = late if line.late and not line.submitted_on else None
        ws.append(
            [
                book.cell(ws, number, CENTRE),
                book.text(ws, line.unit_code, CENTRE),
                book.text(ws, line.unit_name, flag or TEXT),
                book.text(ws, line.status_label, flag or TEXT),
                book.cell(ws, line.due_on, DATE),
                book.cell(ws, line.submitted_on, DATE),
                book.cell(ws, line.days if line.late else 0, CENTRE),
            ]
        )
    return book.save()


def filename_part(text):
    """ASCII for a file name: "Đồng Tháp" → "dong-thap" (đ has no decomposition)."""
    return slugify(str(text).replace("đ", "d").replace("Đ", "D")) or "x"
