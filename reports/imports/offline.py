"""The offline Excel template of a report: a workbook a district downloads,
fills without a connection and uploads (reports/imports/upload.py reads it).

Every input cell is a Text cell ("@"): Excel would otherwise turn "12/12" into
a date and "13,04" into 13.04 or 1304 depending on the computer's regional
settings. The upload then reads what was typed with the same parser as the
editor. Fixed cells are locked and the sheets protected, so that the layout
the upload expects is the layout it finds; a hidden row of column keys lets
the upload notice when it is not.

A very hidden sheet says which report the workbook belongs to, signed with an
HMAC of the server's secret key: a workbook cannot be pointed at another report
by editing it.
"""

import io
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from reports import selectors
from reports.models import TableKind
from reports.workflow import indicator_codes

# Sheet names are how the upload finds the sheets again, so they do not follow
# the interface language: a workbook downloaded in English uploads in Vietnamese.
SHEET_INDICATORS = "Chỉ tiêu"
SHEET_FIGURES = "Kinh phí"
SHEET_DISSEMINATION = "Quán triệt"
SHEET_IDENTITY = "_portal"

# Bump when the layout of the sheets changes: workbooks of the older layout are
# then refused with a clear message instead of being read in the wrong columns.
LAYOUT = "1"

TITLE_ROW, NOTE_ROW, HEADER_ROW, KEY_ROW, FIRST_ROW = 1, 2, 3, 4, 5

INPUT_COLUMNS = ("plan", "actual", "plan_next")
# A target keeps what was written in 500 characters (Target.text); the same
# limit for results keeps one rule for every cell of the table.
MAX_CELL_LENGTH = 500
# DisseminationRow.unit_label.
MAX_LABEL_LENGTH = 200
# Empty rows left under the dissemination matrix for units not listed yet: a
# district has at most about 20 communes and departments that report.
BLANK_ROWS = 20
MARK = "x"

IDENTITY_FIELDS = ("report", "round", "unit", "template", "template_version", "layout")
_KEY_SALT = "reports.imports.offline.identity"


@dataclass(frozen=True)
class SheetLayout:
    """Which column of a sheet holds what: `keys` are written in the hidden key row."""

    kind: str
    name: str
    keys: tuple

    def column(self, key):
        return self.keys.index(key) + 1

    def letter(self, key):
        return get_column_letter(self.column(key))


def indicator_columns(report):
    """The input columns of the indicator table, in the order the template lists them."""
    columns = []
    for table in selectors.table_configs(report, TableKind.INDICATORS):
        for column in table.config.get("columns", INPUT_COLUMNS):
            if column in INPUT_COLUMNS and column not in columns:
                columns.append(column)
    return columns or list(INPUT_COLUMNS)


def dissemination_config(report):
    tables = selectors.table_configs(report, TableKind.DISSEMINATION)
    return tables[0].config if tables else None


def mark_keys(config):
    audiences = [f"audience:{i}" for i, _a in enumerate(config.get("audiences", []))]
    methods = [f"method:{i}" for i, _m in enumerate(config.get("methods", []))]
    return audiences, methods


def layouts(report):
    """The data sheets of the report's workbook, by kind; only the tables its template has."""
    result = {}
    if indicator_codes(report.round.template):
        keys = ("no", "code", "name", "unit", *indicator_columns(report))
        result["indicators"] = SheetLayout("indicators", SHEET_INDICATORS, keys)
    if selectors.figures_of(report):
        keys = ("no", "code", "label", "unit", "value")
        result["figures"] = SheetLayout("figures", SHEET_FIGURES, keys)
    config = dissemination_config(report)
    if config is not None:
        audiences, methods = mark_keys(config)
        keys = ("no", "unit_label", "done", *audiences, *methods)
        result["dissemination"] = SheetLayout("dissemination", SHEET_DISSEMINATION, keys)
    return result


def identity_of(report):
    template = report.round.template
    return {
        "report": str(report.pk),
        "round": str(report.round_id),
        "unit": report.unit.code,
        "template": template.code,
        "template_version": str(template.version),
        "layout": LAYOUT,
    }


def checksum(identity):
    payload = "\n".join(f"{field}={identity.get(field, '')}" for field in IDENTITY_FIELDS)
    return salted_hmac(_KEY_SALT, payload, algorithm="sha256").hexdigest()


def checksum_matches(identity, signature):
    return constant_time_compare(checksum(identity), signature or "")


def offline_filename(report):
    return f"bao-cao-{report.unit.code}-{report.round.year}-{report.pk}.xlsx"


# ---------------------------------------------------------------------- writing

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FIXED_FILL = PatternFill("solid", fgColor="EEEEEE")
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_OPEN = Protection(locked=False)


def _text(cell, value):
    """A text cell holding `value` exactly: never a formula, error or number."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    cell.number_format = "@"
    if value:
        cell.value = value
        cell.data_type = "s"  # "=5" or "#N/A" typed by a user stay text
    return cell


def _fixed(ws, row, column, value):
    cell = _text(ws.cell(row, column), value)
    cell.fill = _FIXED_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    return cell


def _input(ws, row, column, value, align="right"):
    cell = _text(ws.cell(row, column), value)
    cell.protection = _OPEN
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True)
    return cell


def _start(wb, layout, title, report, headers, widths):
    ws = wb.create_sheet(layout.name)
    ws.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=12)
    note = _(
        "%(unit)s — %(round)s. Fill in the white cells as in Vietnamese documents "
        "(13,04 · 10.775.000.000 · < 14 · 12/12); grey cells are fixed. Then upload "
        "the file on the report's page: you will see every change before it is saved."
    ) % {"unit": report.unit.name, "round": report.round.title}
    ws.cell(NOTE_ROW, 1, note).font = Font(italic=True, size=9)
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(HEADER_ROW, column, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width
    for column, key in enumerate(layout.keys, start=1):
        _text(ws.cell(KEY_ROW, column), key)
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    # Cells are locked unless opened one by one; users may still widen columns.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return ws


def _length_rule(limit):
    rule = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(limit),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Too long"),
        error=_("At most %(limit)s characters.") % {"limit": limit},
    )
    return rule


def _indicator_sheet(wb, report, layout):
    year = report.round.year
    titles = [t.title for t in selectors.table_configs(report, TableKind.INDICATORS) if t.title]
    column_headers = {
        "plan": _("Plan %(year)s") % {"year": year},
        "actual": _("Result %(year)s") % {"year": year},
        "plan_next": _("Plan %(year)s") % {"year": year + 1},
    }
    inputs = layout.keys[4:]
    headers = [_("No."), _("Code"), _("Indicator"), _("Unit of measure")]
    headers += [column_headers[c] for c in inputs]
    widths = [5, 16, 50, 12] + [16] * len(inputs)
    ws = _start(wb, layout, titles[0] if titles else _("Indicator table"), report, headers, widths)
    rows = selectors.indicator_rows(report)
    for offset, row in enumerate(rows):
        r = FIRST_ROW + offset
        _fixed(ws, r, 1, str(row.number))
        _fixed(ws, r, 2, row.indicator.code)
        _fixed(ws, r, 3, row.indicator.name)
        _fixed(ws, r, 4, row.indicator.unit_of_measure)
        for key in inputs:
            _input(ws, r, layout.column(key), getattr(row, key))
    if rows:
        rule = _length_rule(MAX_CELL_LENGTH)
        rule.showInputMessage = True
        rule.promptTitle = _("How to type")
        rule.prompt = "13,04 · < 14 · ≥ 91 · 12/12 · 80 - 90"
        first, last = layout.letter(inputs[0]), layout.letter(inputs[-1])
        rule.add(f"{first}{FIRST_ROW}:{last}{FIRST_ROW + len(rows) - 1}")
        ws.add_data_validation(rule)


def _figure_sheet(wb, report, layout):
    headers = [_("No."), _("Code"), _("Figure"), _("Unit of measure"), _("Value")]
    ws = _start(wb, layout, _("Figures"), report, headers, [5, 22, 55, 10, 22])
    figures = selectors.figures_of(report)
    for offset, (figure, stored) in enumerate(figures):
        r = FIRST_ROW + offset
        _fixed(ws, r, 1, str(offset + 1))
        _fixed(ws, r, 2, figure["code"])
        _fixed(ws, r, 3, figure.get("label", ""))
        _fixed(ws, r, 4, figure.get("unit", ""))
        _input(ws, r, layout.column("value"), stored.text if stored else "")
    rule = _length_rule(MAX_CELL_LENGTH)
    rule.showInputMessage = True
    rule.promptTitle = _("How to type")
    rule.prompt = "10.775.000.000"
    rule.add(f"{layout.letter('value')}{FIRST_ROW}:{layout.letter('value')}{r}")
    ws.add_data_validation(rule)


def _dissemination_sheet(wb, report, layout):
    config = dissemination_config(report)
    audiences, methods = config.get("audiences", []), config.get("methods", [])
    headers = [_("No."), _("Unit"), _("Disseminated"), *audiences, *methods]
    widths = [5, 40, 12] + [14] * (len(audiences) + len(methods))
    tables = selectors.table_configs(report, TableKind.DISSEMINATION)
    ws = _start(wb, layout, tables[0].title or _("Dissemination"), report, headers, widths)
    ws.row_dimensions[HEADER_ROW].height = 60
    marks = layout.keys[2:]
    existing = list(report.dissemination.order_by("position", "pk"))
    last = FIRST_ROW + len(existing) + BLANK_ROWS - 1
    for offset in range(len(existing) + BLANK_ROWS):
        r = FIRST_ROW + offset
        row = existing[offset] if offset < len(existing) else None
        _fixed(ws, r, 1, str(offset + 1))
        _input(ws, r, 2, row.unit_label if row else "", align="left")
        ticked = set()
        if row:
            ticked = {"done"} if row.done else set()
            ticked |= {f"audience:{i}" for i, a in enumerate(audiences) if a in row.audiences}
            ticked |= {f"method:{i}" for i, m in enumerate(methods) if m in row.methods}
        for key in marks:
            _input(ws, r, layout.column(key), MARK if key in ticked else "", align="center")
    label_rule = _length_rule(MAX_LABEL_LENGTH)
    label_rule.add(f"B{FIRST_ROW}:B{last}")
    ws.add_data_validation(label_rule)
    mark_rule = DataValidation(
        type="list",
        formula1=f'"{MARK}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Tick with x"),
        error=_("Type x to tick, or leave the cell empty."),
    )
    mark_rule.add(f"{layout.letter(marks[0])}{FIRST_ROW}:{layout.letter(marks[-1])}{last}")
    ws.add_data_validation(mark_rule)


def _identity_sheet(wb, report):
    ws = wb.create_sheet(SHEET_IDENTITY)
    identity = identity_of(report)
    for row, field in enumerate(IDENTITY_FIELDS, start=1):
        _text(ws.cell(row, 1), field)
        _text(ws.cell(row, 2), identity[field])
    _text(ws.cell(len(IDENTITY_FIELDS) + 1, 1), "checksum")
    _text(ws.cell(len(IDENTITY_FIELDS) + 1, 2), checksum(identity))
    # Excel offers no way to unhide a "veryHidden" sheet from its menus.
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def offline_template(report):
    """The workbook of `report` as bytes (.xlsx), prefilled with what the portal shows now."""
    wb = Workbook()
    wb.remove(wb.active)
    writers = {
        "indicators": _indicator_sheet,
        "figures": _figure_sheet,
        "dissemination": _dissemination_sheet,
    }
    sheets = layouts(report)
    for kind, layout in sheets.items():
        writers[kind](wb, report, layout)
    if not sheets:  # a workbook needs one visible sheet
        wb.create_sheet(_("Report")).cell(1, 1, _("This report has no tables to fill in."))
    _identity_sheet(wb, report)
    # No adding, removing or unhiding sheets from Excel's menus.
    wb.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
