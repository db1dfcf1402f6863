"""A report's Excel appendix: its text, its indicator and appendix tables."""

from django.utils.translation import gettext as _

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
)
from indicators.numbers import ParseError, parse
from reports import selectors
from reports.models import TableKind

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
    column_widths(ws, [6, 44, 8, 13, 13, 10, 13])
    page_setup(ws, 7, title_rows=f"{header_end - 1}:{header_end}")


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
    column_widths(ws, [34] + [11] * (width - 1))
    page_setup(ws, width, landscape=width > 7, title_rows=f"{header_end - 1}:{header_end}")


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
    column_widths(ws, widths)
    page_setup(ws, width)


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
    column_widths(ws, [36, 100])
    page_setup(ws, 2, landscape=True, title_rows="1:1")


def report_workbook(report):
    """A report's appendix, one sheet per table of its template, then its narrative."""
    book = Book()
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
