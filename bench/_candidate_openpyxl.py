"""TEMPORARY: candidate A, today's openpyxl write-only roll-up writer, for the measurement."""

from django.utils.translation import gettext as _
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from documents.excel import (
    CENTRE,
    FILLS,
    HEADER,
    Book,
    Look,
    column_widths,
    number_format,
    page_setup,
    set_text,
)
from indicators.achievement import Status

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
    book = Book(write_only=True)
    ws = book.wb.create_sheet(_("Roll-up"))
    _stream(ws)
    columns = (*units, table.total)
    width = 3 + len(columns) + 1
    column_widths(ws, [6, 44, 8])
    data = ws.column_dimensions[get_column_letter(4)]
    data.min, data.max, data.width = 4, width, 14
    header_end = 6 if statuses is not None else 5
    ws.freeze_panes = f"D{header_end + 1}"
    page_setup(ws, width, landscape=True, title_rows=f"4:{header_end}", title_columns="A:C")
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
