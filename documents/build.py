"""Documents built from what the portal holds: one function per kind.

`report_document(report)` is a unit's report, and the provincial synthesis too
(reports/synthesis.py drafts it as the province's own report). Every table of
the report's outline is printed where the outline puts it
(reports.models.TemplateTable.placement): in the body after its section, or
in the appendix. A table with no rows is left out, as an empty heading is
from a draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from documents.model import (
    Appendix,
    Cell,
    CellKind,
    Document,
    Form,
    Header,
    HeaderCell,
    Paragraph,
    Ratio,
    Section,
    Signature,
    Table,
)
from documents.names import issuer_in_text, issuer_lines, place_name, upper
from documents.wording import (
    date_line,
    is_party_document,
    number_line,
    number_text,
    paragraph,
    paragraphs,
    when,
)
from indicators.numbers import ParseError, format_number, parse
from reports import selectors
from reports.models import Report, ReportStatus, TableKind, TablePlacement, TemplateTable

# A table with more columns than this does not fit the 165 mm between the
# margins of a portrait page at 12 pt: the appendix is then set in landscape.
PORTRAIT_COLUMNS = 8

# The indicator table's columns (seed 000, appendix II).
PLAN, ACTUAL, RATIO, PLAN_NEXT = 3, 4, 5, 6


# ------------------------------------------------------------------------- cells


def text_cell(text: str | None, centred: bool = False) -> Cell:
    return Cell(text or "", CellKind.TEXT, centred=centred)


def ordinal_cell(number: int) -> Cell:
    """The STT column: 1, 2, 3…"""
    return Cell(str(number), CellKind.NUMBER, number=Decimal(number), centred=True)


def figure_cell(shown: str) -> Cell:
    """A figure as the report shows it ("13,04", "< 17", "12/12"): a number with
    its decimals as written when it is one, text otherwise."""
    if not shown:
        return Cell("", CellKind.TEXT, centred=True)
    try:
        reading = parse(shown)
    except ParseError:
        return Cell(shown, CellKind.TEXT, centred=True)
    if reading.kind != "number" or reading.value is None:
        return Cell(shown, CellKind.TEXT, centred=True)
    exponent = reading.value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return Cell(
        shown,
        CellKind.NUMBER,
        number=reading.value,
        decimals=decimals,
        unit=reading.unit or "",
        centred=True,
    )


def mark_cell(marked: bool) -> Cell:
    return Cell("X" if marked else "", CellKind.MARK, centred=True)


def date_cell(day: dt.date | None) -> Cell:
    return Cell(f"{day:%d/%m/%Y}" if day else "", CellKind.DATE, day=day, centred=True)


def amount_cell(value: Decimal | None, text: str) -> Cell:
    if value is None:
        return text_cell(text)
    decimals = max(0, -int(value.normalize().as_tuple().exponent))
    return Cell(format_number(value, decimals), CellKind.NUMBER, number=value, decimals=decimals)


# ------------------------------------------------------------------------- tables


def _key(table: TemplateTable) -> str:
    return f"table-{table.position + 1}"


def _title(table: TemplateTable) -> Paragraph:
    return paragraph(table.title or str(TableKind(table.kind).label))


def dissemination_table(table: TemplateTable, rows: Sequence[Any]) -> Table:
    audiences = list(table.config.get("audiences", []))
    methods = list(table.config.get("methods", []))
    grouped = bool(audiences or methods)
    span = 2 if grouped else 1
    top = [
        HeaderCell("Sở, ngành các tổ chức chính trị - xã hội và địa phương", rowspan=span),
        HeaderCell("Chưa quán triệt", rowspan=span),
        HeaderCell("Đã quán triệt", rowspan=span),
    ]
    if audiences:
        top.append(HeaderCell("Đối tượng", colspan=len(audiences)))
    if methods:
        top.append(HeaderCell("Phương thức quán triệt", colspan=len(methods)))
    header = [tuple(top)]
    if grouped:
        header.append(tuple(HeaderCell(label) for label in audiences + methods))
    body = tuple(
        (
            text_cell(row.unit_label),
            mark_cell(not row.done),
            mark_cell(row.done),
            *(mark_cell(a in row.audiences) for a in audiences),
            *(mark_cell(m in row.methods) for m in methods),
        )
        for row in rows
    )
    width = 3 + len(audiences) + len(methods)
    return Table(
        _key(table),
        _title(table),
        tuple(header),
        body,
        (34, *([11] * (width - 1))),
        TableKind.DISSEMINATION,
    )


def _ratio_cell(row: Any) -> Cell:
    """The ratio as the portal computes it (indicators.achievement), and its
    operands: actual ÷ plan when higher is better, plan ÷ actual when lower is
    (a smaller actual is the better result)."""
    achievement = row.achievement
    ratio = achievement.ratio if achievement else None
    operands = (
        Ratio(numerator=ACTUAL, denominator=PLAN)
        if row.indicator.higher_is_better
        else Ratio(numerator=PLAN, denominator=ACTUAL)
    )
    return Cell(
        achievement.ratio_display if achievement and ratio is not None else "",
        CellKind.RATIO,
        number=ratio,
        decimals=1,
        ratio=operands if ratio is not None else None,
        centred=True,
    )


def indicator_table(table: TemplateTable, rows: Sequence[Any], year: int) -> Table:
    header = (
        (
            HeaderCell("STT", rowspan=2),
            HeaderCell("Tên chỉ tiêu", rowspan=2),
            HeaderCell("Đvt", rowspan=2),
            HeaderCell(f"Kế hoạch năm {year}", rowspan=2),
            HeaderCell(f"Kết quả thực hiện năm {year}", colspan=2),
            HeaderCell(f"Kế hoạch năm {year + 1}", rowspan=2),
        ),
        (HeaderCell("Thực hiện"), HeaderCell("Tỷ lệ")),
    )
    body = tuple(
        (
            ordinal_cell(number),
            text_cell(row.indicator.name),
            text_cell(row.indicator.unit_of_measure, centred=True),
            figure_cell(row.plan),
            figure_cell(row.actual),
            _ratio_cell(row),
            figure_cell(row.plan_next),
        )
        for number, row in enumerate(rows, start=1)
    )
    return Table(
        _key(table), _title(table), header, body, (6, 44, 8, 13, 13, 10, 13), TableKind.INDICATORS
    )


def documents_table(table: TemplateTable, documents: Iterable[Any]) -> Table:
    header = (
        (
            HeaderCell("STT"),
            HeaderCell("Số, ký hiệu"),
            HeaderCell("Ngày ban hành"),
            HeaderCell("Cơ quan ban hành"),
            HeaderCell("Trích yếu nội dung"),
        ),
    )
    body = tuple(
        (
            ordinal_cell(number),
            text_cell(doc.number_symbol),
            date_cell(doc.issued_on),
            text_cell(doc.issuer),
            text_cell(doc.summary),
        )
        for number, doc in enumerate(documents, start=1)
    )
    return Table(_key(table), _title(table), header, body, (6, 18, 13, 28, 60), TableKind.DOCUMENTS)


def figures_table(table: TemplateTable, stored: dict[str, Any]) -> Table:
    labels = ("STT", "Nội dung", "Đvt", "Giá trị")
    header = (tuple(HeaderCell(label) for label in labels),)
    lines = []
    for fig in table.config.get("figures", []):
        figure = stored.get(fig["code"])
        if figure is None or (figure.value is None and not figure.text):
            continue  # not stated by this report
        lines.append((fig, amount_cell(figure.value, figure.text)))
    body = tuple(
        (
            ordinal_cell(number),
            text_cell(fig.get("label", fig["code"])),
            text_cell(fig.get("unit", ""), centred=True),
            value,
        )
        for number, (fig, value) in enumerate(lines, start=1)
    )
    return Table(_key(table), _title(table), header, body, (6, 50, 10, 22), TableKind.FIGURES)


def report_tables(report: Report) -> list[tuple[TemplateTable, Table]]:
    """Every table of the report's outline with the report's rows, in outline order."""
    by_code: dict[str, Any] = {}
    for item in selectors.indicator_rows(report):
        by_code.setdefault(item.indicator.code, item)
    dissemination = list(report.dissemination.all())
    documents = list(report.documents.all())
    stored = {f.code: f for f in report.figures.all()}
    tables = []
    for table in report.round.template.tables.all():
        if table.kind == TableKind.INDICATORS:
            rows = [by_code[c] for c in table.config.get("indicators", []) if c in by_code]
            built = indicator_table(table, rows, report.round.year)
        elif table.kind == TableKind.DISSEMINATION:
            built = dissemination_table(table, dissemination)
        elif table.kind == TableKind.DOCUMENTS:
            built = documents_table(table, documents)
        else:
            built = figures_table(table, stored)
        tables.append((table, built))
    return tables


# ------------------------------------------------------------------------- the report


def _sections(report: Report, after: dict[str, list[Table]], draft: bool) -> tuple[Section, ...]:
    states, _comments = selectors.sections_of(report)
    filled: set[int] = set()
    parents = {s.section.pk: s.section.parent_id for s in states}
    for state in states:
        if state.paragraphs or after.get(state.section.key):
            pk: int | None = state.section.pk
            while pk is not None and pk not in filled:
                filled.add(pk)
                pk = parents.get(pk)
    return tuple(
        Section(
            number=state.section.number,
            heading=paragraph(state.section.heading),
            depth=state.section.depth,
            paragraphs=tuple(paragraph(p) for p in state.paragraphs),
            tables=tuple(after.get(state.section.key, ())),
        )
        for state in states
        # A draft leaves out the headings with nothing under them.
        if not draft or state.section.pk in filled
    )


def report_document(report: Report) -> Document:
    """A report as its PDF, its preview and its Excel appendix print it."""
    round_ = report.round
    year = round_.year
    party = is_party_document(report.number_symbol, report.issuing_body)
    draft = report.status != ReportStatus.ACCEPTED
    place = report.place.strip() or place_name(report.unit.name)

    section_keys = {s.key for s in round_.template.sections.all()}
    after: dict[str, list[Table]] = {}
    appendix_tables: list[Table] = []
    for template_table, table in report_tables(report):
        if not table.rows:
            continue
        if (
            template_table.placement == TablePlacement.BODY
            and template_table.section_key in section_keys
        ):
            after.setdefault(template_table.section_key, []).append(table)
        else:
            appendix_tables.append(table)

    issuer = issuer_in_text(report.issuing_body, report.unit.name)
    reference = (
        f"(Kèm theo Báo cáo số {number_text(report.number_symbol, party)} "
        f"{when(report.signed_on, year)} của {issuer})"
    )
    # Always there, for its heading: a spreadsheet heads every table's sheet
    # with it; the PDF prints it when it has tables.
    appendix = Appendix(
        label="PHỤ LỤC",
        title=paragraph(round_.template.appendix_title),
        reference=paragraph(reference),
        tables=tuple(appendix_tables),
        landscape=any(t.columns > PORTRAIT_COLUMNS for t in appendix_tables),
    )

    return Document(
        kind="BÁO CÁO",
        header=Header(
            superior_body=upper(report.superior_body),
            issuer_lines=issuer_lines(report.issuing_body),
            form=Form.PARTY if party else Form.STATE,
            number_line=number_line(report.number_symbol, party),
            date_line=date_line(place, report.signed_on, year),
        ),
        summary=tuple(
            paragraph(line, keep_last_words=True)
            for line in report.summary.splitlines()
            if line.strip()
        ),
        introduction=paragraphs(report.introduction),
        sections=_sections(report, after, draft),
        closing=paragraphs(report.closing),
        signature=Signature(
            authority=tuple(upper(line) for line in report.authority.splitlines() if line.strip()),
            title=upper(report.position),
            signer=report.signer,
        ),
        recipients=tuple(line for line in report.recipients.splitlines() if line.strip()),
        draft=draft,
        appendix=appendix,
        title=report.summary or round_.title,
    )
