"""A round's Excel roll-up (indicators × units, written as a stream) and its completeness list."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.excel import CENTRE, DATE, FILLS, HEADER, PLAIN, TEXT, Look, number_format
from documents.xlsx_stream import StreamBook, column_widths, page_setup
from indicators.achievement import Status
from indicators.models import Indicator
from reports import completeness
from reports.figures import Counted, official_rollup
from reports.models import Report, ReportStatus
from reports.workflow import indicator_codes

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
                fmt=formats[estimate],
                align="right",
                fill=FILLS[status] if status else "",
                italic=estimate,
            )
            for status in (None, *FILLS)
        }
        for estimate in (False, True)
    }


def write_rollup(table, units, title, subtitle, statuses=None):
    """The roll-up sheet: one row per indicator of `table` (an `indicators.rollup.Rollup`),
    one column per row of `units` (some of the table's children), then the table's
    total and the target. A figure is green when it meets its target, red when it does
    not, grey when it cannot be compared; italics mark an estimate."""
    book = StreamBook()
    ws = book.wb.add_worksheet(_("Roll-up"))
    columns = (*units, table.total)
    width = 3 + len(columns) + 1
    target = width - 1  # the last column, counted from 0
    column_widths(ws, [6, 44, 8])
    ws.set_column(3, target, 14)
    # Rows 1-6 (1-5 without the status line) are the header: the first
    # indicator's row, counted from 0 as XlsxWriter counts.
    header_end = 6 if statuses is not None else 5
    ws.freeze_panes(header_end, 3)
    page_setup(ws, width, landscape=True, title_rows=(3, header_end - 1), title_columns=(0, 2))
    book.text(ws, 0, 0, title, Look(bold=True, size=13, grid=False))
    book.text(ws, 1, 0, subtitle, Look(italic=True, grid=False))
    for column, (achieved, colour) in enumerate(FILLS.items(), start=3):
        book.text(ws, 1, column, Status(achieved).label, Look(fill=colour))
    # STT, name, unit and target span the names' and the codes' rows. In
    # constant-memory mode a row is written out as soon as a later one is
    # touched and a merge must start in a row not yet written out: the merges
    # are declared first, with no value and no format so that they write no
    # cell, and the cells are written after them, row by row.
    for column in (0, 1, 2, target):
        ws.merge_range(3, column, 4, column, None)
    names = ["STT", "Tên chỉ tiêu", "Đvt", *(row.name for row in units)]
    names.append(_("%(unit)s (total)") % {"unit": table.total.name})
    names.append(_("Target"))
    for column, name in enumerate(names):
        book.text(ws, 3, column, name, HEADER)
    for column in (0, 1, 2, target):
        # The covered cells keep the header's borders: Excel draws a merged
        # range's border from its cells.
        book.value(ws, 4, column, None, HEADER)
    for column, row in enumerate(columns, start=3):
        book.text(ws, 4, column, row.code, HEADER)
    if statuses is not None:
        # Which report each column's figures come from, and in what state.
        book.value(ws, 5, 0, None, CENTRE)
        book.text(ws, 5, 1, _("Report status"))
        for column, row in enumerate(units, start=3):
            book.text(ws, 5, column, statuses.get(row.unit_id, ""), CENTRE)

    plain_text = Look(align="right")
    column_cells = [row.cells for row in columns]
    write_number, write_blank = ws.write_number, ws.write_blank
    for row, indicator in enumerate(table.indicators, start=header_end):
        book.value(ws, row, 0, row - header_end + 1, CENTRE)
        book.text(ws, row, 1, indicator.name)
        book.text(ws, row, 2, indicator.unit_of_measure, CENTRE)
        looks = _number_looks(indicator.decimals)
        formats = {e: {s: book.format(x) for s, x in by.items()} for e, by in looks.items()}
        key = indicator.pk
        for column, cells in enumerate(column_cells, start=3):
            cell = cells[key]
            reading = cell.reading
            achievement = cell.achievement
            status = None if achievement is None else achievement.status
            kind = reading.kind
            if kind == "number":
                write_number(row, column, float(reading.value), formats[cell.estimate][status])
            elif kind == "empty":
                write_blank(row, column, None, formats[cell.estimate][status])
            else:
                look = plain_text if status is None else looks[cell.estimate][status]
                book.text(ws, row, column, cell.display, look)
        _target_cell(book, ws, row, target, table.targets.get(key), indicator.decimals)
    return book.save()


def _target_cell(book, ws, row, column, target, decimals):
    if target is None:
        book.value(ws, row, column, None, CENTRE)
        return
    reading = target.reading()
    if reading.kind == "number":
        look = Look(fmt=number_format(decimals), align="right")
        book.value(ws, row, column, float(reading.value), look)
    else:
        book.text(ws, row, column, reading.text or target.text, Look(align="right"))


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
    book = StreamBook()
    ws = book.wb.add_worksheet(_("Submissions"))
    headers = ["STT", _("Code"), _("Unit"), _("Status"), _("Deadline"), _("Submitted on")]
    headers.append(_("Days late"))
    column_widths(ws, [6, 9, 36, 18, 13, 13, 11])
    page_setup(ws, len(headers), title_rows=(7, 7))
    book.text(ws, 0, 0, round_.title, Look(bold=True, size=13, grid=False))
    book.text(ws, 1, 0, _("As of %(date)s") % {"date": f"{today:%d/%m/%Y}"}, PLAIN)
    percent = Look(fmt="0.0%", align="right")
    summary = [
        (_("Expected"), figures.expected, None),
        (_("Submitted"), figures.submitted, figures.completeness),
        (_("On time"), figures.on_time, figures.timeliness),
        (_("Late, not submitted"), figures.late_units, None),
    ]
    for row, (label, count, share) in enumerate(summary, start=2):
        book.text(ws, row, 0, label, Look(bold=True))
        book.value(ws, row, 1, count, CENTRE)
        if share is not None:
            book.value(ws, row, 2, float(share / Decimal(100)), percent)
    for column, label in enumerate(headers):
        book.text(ws, 7, column, label, HEADER)
    late = Look(fill=FILLS[Status.NOT_ACHIEVED])
    for row, line in enumerate(figures.lines, start=8):
        flag = late if line.late and not line.submitted_on else None
        book.value(ws, row, 0, row - 7, CENTRE)
        book.text(ws, row, 1, line.unit_code, CENTRE)
        book.text(ws, row, 2, line.unit_name, flag or TEXT)
        book.text(ws, row, 3, line.status_label, flag or TEXT)
        book.value(ws, row, 4, line.due_on, DATE)
        book.value(ws, row, 5, line.submitted_on, DATE)
        book.value(ws, row, 6, line.days if line.late else 0, CENTRE)
    return book.save()
