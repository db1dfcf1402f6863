"""Reading an uploaded offline workbook (a dry run) and applying it.

`read_upload` never writes: it checks the file from the outside in (size, zip
container, workbook, identity, report) and then reads every input cell with the
editor's parser, collecting the changes and one error per bad cell. `apply_plan`
saves the changes in one transaction through the editor's own saving functions,
so that the history, the report's status and the roll-up see an import exactly
as they see typing.

The file is hostile until proven otherwise: its size, the zip members' declared
sizes and compression ratios are checked with `zipfile` before openpyxl opens it,
and it is opened read-only, so that a crafted file costs bounded memory and time.
"""

import datetime as dt
import hashlib
import io
import json
import math
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from indicators.models import Indicator
from indicators.numbers import ParseError, format_number, parse, parse_decimal
from indicators.values import value_fields
from portal.models import ReportingUnit
from reports import editing, selectors
from reports.forms import DisseminationRowForm
from reports.imports import offline
from reports.models import Report, ReportingRound, ReportValue, SectionText
from reports.workflow import EDITABLE, WorkflowError, edit_refusal

MB = 1024 * 1024
# The template filled in weighs some 20 KB; 2 MB leaves room for what Excel
# adds (styles, a picture) and refuses what cannot be a template.
MAX_UPLOAD_BYTES = 2 * MB
# Unpacked, a filled template is well under 1 MB; 20 MB stops a zip bomb
# before anything is decompressed (zipfile never inflates a member beyond its
# declared size, so the declared sizes are a real bound).
MAX_UNPACKED_BYTES = 20 * MB
# Spreadsheet XML compresses about 10 to 30 times; a member that shrinks more
# than 100 times is padding made to inflate (only checked above 1 MB, where it matters).
MAX_RATIO = 100
RATIO_FLOOR = MB
# A workbook made by Excel has some 10 to 30 parts.
MAX_MEMBERS = 200
MAX_SHEETS = 20
# The longest template has a few dozen indicators and a matrix of at most a
# few dozen units: 1,000 rows and 50 columns leave ample room and bound the work.
MAX_ROWS = 1000
MAX_COLUMNS = 50
# A document type in the XML is how entity expansion attacks start; Excel never
# writes one. The prolog is at the start of a part: the first 64 KB are enough.
DTD_SCAN_BYTES = 64 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Refused(Exception):
    """The whole file is refused; `message` says why and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Change:
    sheet: str
    cell: str
    kind: str  # "indicator" | "figure" | "dissemination"
    key: str  # indicator or figure code, or the dissemination row's index
    column: str  # "plan" | "actual" | "plan_next" for an indicator
    label: str
    old: str
    new: str


@dataclass
class UploadError:
    sheet: str
    cell: str
    message: str


@dataclass
class UploadPlan:
    """What an upload would change, and what stops it. Plain data, so that it
    can wait in the session between the dry run and the confirmation."""

    report_id: int
    stamp: str
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # {"keep": n, "rows": [...]}: keep the first n rows of the matrix, replace the rest.
    dissemination: dict | None = None

    @property
    def ok(self):
        return not self.errors and bool(self.changes)

    def error(self, sheet, cell, message):
        self.errors.append(UploadError(sheet, cell, message))

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(
            report_id=data["report_id"],
            stamp=data["stamp"],
            changes=[Change(**c) for c in data.get("changes", [])],
            errors=[UploadError(**e) for e in data.get("errors", [])],
            dissemination=data.get("dissemination"),
        )


# ------------------------------------------------------------- the report's state


def _dissemination_rows(report, config):
    """The matrix as plain dicts, audiences and methods in the template's order."""
    return [
        _row(r.unit_label, r.done, r.audiences, r.methods, config)
        for r in report.dissemination.order_by("position", "pk")
    ]


def _row(label, done, audiences, methods, config):
    def ordered(chosen, choices):
        return [c for c in choices if c in chosen] + [c for c in chosen if c not in choices]

    return {
        "unit_label": label,
        "done": bool(done),
        "audiences": ordered(audiences, config.get("audiences", [])),
        "methods": ordered(methods, config.get("methods", [])),
    }


def _current_cells(report):
    cells = {}
    for row in selectors.indicator_rows(report):
        for column in offline.INPUT_COLUMNS:
            cells[("indicator", row.indicator.code, column)] = getattr(row, column)
    for figure, stored in selectors.figures_of(report):
        cells[("figure", figure["code"], "")] = stored.text if stored else ""
    return cells


def report_stamp(report):
    """A fingerprint of everything a person can change in the report: a
    confirmation is refused when it differs from the dry run's."""
    version, status = Report.objects.filter(pk=report.pk).values_list("version", "status").get()
    config = offline.dissemination_config(report) or {}
    state = {
        "version": version,
        "status": status,
        "sections": sorted(
            SectionText.objects.filter(report=report).values_list("section_id", "version")
        ),
        "cells": sorted([list(k), v] for k, v in _current_cells(report).items()),
        "dissemination": _dissemination_rows(report, config),
        "documents": sorted(
            [d.pk, d.number_symbol, str(d.issued_on), d.issuer, d.summary]
            for d in report.documents.all()
        ),
    }
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


# ------------------------------------------------------------ the file from outside


def _size(n):
    return f"{format_number(Decimal(n) / MB, 1)} MB"


def _read_bytes(uploaded_file):
    size = getattr(uploaded_file, "size", None)
    if size is None or size <= MAX_UPLOAD_BYTES:
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
        size = len(data)
    if size > MAX_UPLOAD_BYTES:
        raise Refused(
            _(
                "The file is %(size)s, over the limit of %(limit)s. The template downloaded "
                "from the portal is far smaller: upload that template, without pictures or "
                "sheets added to it."
            )
            % {"size": _size(size), "limit": _size(MAX_UPLOAD_BYTES)}
        )
    if not data:
        raise Refused(
            _("The file is empty. Choose the workbook you filled in and upload it again.")
        )
    return data


def _looks_like_text(data):
    sample = data[:4096]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return sample[:2] in (b"\xff\xfe", b"\xfe\xff")
    return b"\x00" not in sample


def _not_a_workbook():
    return Refused(
        _(
            "This file is not an Excel workbook (.xlsx). Download the offline template from "
            "the report's page, fill it in and upload it."
        )
    )


def _check_archive(data):
    """Refuse what is not a plain .xlsx before any XML is parsed."""
    if data.startswith(_OLE_MAGIC):
        raise Refused(
            _(
                "This file is an old Excel file (.xls) or a workbook with a password to open "
                "it. In Excel, remove the password if there is one and save it as “Excel "
                "Workbook (.xlsx)”, then upload it again."
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if _looks_like_text(data):
            raise Refused(
                _(
                    "This file is text (for example CSV), not an Excel workbook, even if its "
                    "name ends in .xlsx. Download the offline template from the report's page, "
                    "fill it in Excel and upload it as .xlsx."
                )
            )
        raise _not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise _not_a_workbook() from error
    except NotImplementedError as error:  # a compression method Excel never uses
        raise _not_a_workbook() from error


def _check_members(archive):
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Refused(
            _(
                "The workbook has too many parts (%(count)s) to be the portal's template. "
                "Download the template from the report's page and fill it in."
            )
            % {"count": len(members)}
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(
            _(
                "The workbook unpacks to %(size)s, more than the %(limit)s allowed and far more "
                "than the portal's template; it is refused to protect the server. Download the "
                "template from the report's page and fill it in."
            )
            % {"size": _size(unpacked), "limit": _size(MAX_UNPACKED_BYTES)}
        )
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise Refused(
                _(
                    "A part of the workbook is compressed %(ratio)s times, which Excel never "
                    "does; it is refused to protect the server. Download the template from the "
                    "report's page and fill it in."
                )
                % {"ratio": format_number(m.file_size // max(m.compress_size, 1))}
            )
        if m.flag_bits & 0x1:
            raise _not_a_workbook()
    names = {m.filename.lower(): m for m in members}
    content_types = names.get("[content_types].xml")
    types = archive.read(content_types) if content_types else b""
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise Refused(
            _(
                "This workbook contains macros (.xlsm). The portal accepts only workbooks "
                "without macros: in Excel, save it as “Excel Workbook (.xlsx)” and upload it again."
            )
        )
    if b"spreadsheetml" not in types:
        raise Refused(
            _(
                "This file is a compressed file but not an Excel workbook (perhaps a Word "
                "document or a zip archive). Upload the offline template (.xlsx) of the report."
            )
        )
    if any(n.startswith("xl/externallinks/") for n in names):
        raise Refused(
            _(
                "This workbook has links to other files. Type the values themselves instead "
                "(in Excel: Data → Edit Links → Break Link), save and upload again."
            )
        )
    for name, member in names.items():
        if name.endswith((".xml", ".rels", ".vml")):
            with archive.open(member) as part:
                head = part.read(DTD_SCAN_BYTES)
            head = head.replace(b"\x00", b"")  # UTF-16 parts read as ASCII
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise Refused(
                    _(
                        "This workbook contains XML that Excel never writes (a document type "
                        "declaration); it is refused to protect the server. Open it in Excel, "
                        "save it again and upload it."
                    )
                )


def _unreadable():
    return Refused(
        _(
            "The workbook cannot be read: it may be damaged. Open it in Excel, save it again "
            "and upload it; or download a new template from the report's page."
        )
    )


def _rows(ws, width):
    """The sheet's first rows, `width` cells each, numbered from 1; refuses an oversized sheet."""
    rows, columns = ws.max_row or 0, ws.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise Refused(
            _(
                "The sheet “%(sheet)s” has %(rows)s rows and %(columns)s columns; the template "
                "has at most %(max_rows)s rows and %(max_columns)s columns. Remove what was "
                "added below or to the right of the table and upload again."
            )
            % {
                "sheet": ws.title,
                "rows": format_number(rows),
                "columns": format_number(columns),
                "max_rows": format_number(MAX_ROWS),
                "max_columns": MAX_COLUMNS,
            }
        )
    try:
        # A sheet whose recorded size lies is read no further than the limit.
        return list(enumerate(ws.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=width), start=1))
    except Exception as error:  # any malformed XML of a hostile file
        raise _unreadable() from error


# ----------------------------------------------------------------- the identity


def _check_identity(report, wb):
    if offline.SHEET_IDENTITY not in wb.sheetnames:
        raise Refused(
            _(
                "This workbook is not the portal's offline template: its hidden identification "
                "sheet is missing (perhaps the figures were copied into a new workbook). "
                "Download the offline template from the report's page and copy the values into it."
            )
        )
    values = {}
    for _number, row in _rows(wb[offline.SHEET_IDENTITY], 2)[:20]:
        # A spreadsheet program that re-saves the sheet may store "12" as 12.0.
        key, value = (
            _plain(int(c.value) if isinstance(c.value, float) and c.value.is_integer() else c.value)
            for c in row
        )
        if key:
            values[key] = value
    identity = {f: values.get(f, "") for f in offline.IDENTITY_FIELDS}
    if not offline.checksum_matches(identity, values.get("checksum")):
        raise Refused(
            _(
                "The identification of this workbook was changed by hand, so the portal cannot "
                "tell which report it belongs to. Download a new template from the report's "
                "page and copy your values into it."
            )
        )
    expected = offline.identity_of(report)
    if identity["unit"] != expected["unit"]:
        other = ReportingUnit.objects.filter(code=identity["unit"]).order_by("-pk").first()
        raise Refused(
            _(
                "This workbook is for %(other)s, not for %(unit)s. Download the template from "
                "the report of %(unit)s, or upload this file on the report of %(other)s."
            )
            % {"other": other.name if other else identity["unit"], "unit": report.unit.name}
        )
    if identity["round"] != expected["round"]:
        other = ReportingRound.objects.filter(pk=identity["round"]).first()
        raise Refused(
            _(
                "This workbook is for another reporting round (“%(other)s”), not for "
                "“%(round)s”. Download the template of this report and copy your values into it."
            )
            % {"other": other.title if other else identity["round"], "round": report.round.title}
        )
    if (identity["template"], identity["template_version"]) != (
        expected["template"],
        expected["template_version"],
    ) or identity["layout"] != expected["layout"]:
        raise Refused(
            _(
                "This workbook was made from an older version of the report template "
                "(version %(old)s); the round now uses version %(new)s. Download the new "
                "template from the report's page and copy your values into it."
            )
            % {"old": identity["template_version"], "new": expected["template_version"]}
        )
    if identity["report"] != expected["report"]:
        raise Refused(
            _(
                "This workbook was made for another report. Download the template from this "
                "report's page and copy your values into it."
            )
        )


# -------------------------------------------------------------------- the cells


def _plain(value):
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _cell_text(cell, sheet, ref, plan, limit=offline.MAX_CELL_LENGTH):
    """What a cell says as the editor would receive it, or None after an error."""
    value = cell.value
    if cell.data_type == "f":
        plan.error(
            sheet,
            ref,
            _(
                "This cell holds a formula (%(formula)s); the portal reads values only. "
                "Type the value itself, e.g. 13,04."
            )
            % {"formula": str(value)[:40]},
        )
        return None
    if cell.data_type == "e":
        plan.error(
            sheet,
            ref,
            _("This cell shows an Excel error (%(error)s). Type the value itself, e.g. 13,04.")
            % {"error": value},
        )
        return None
    if value is None:
        return ""
    if isinstance(value, bool):
        plan.error(
            sheet, ref, _("This cell holds TRUE or FALSE. Type a number instead, e.g. 13,04.")
        )
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        plan.error(
            sheet,
            ref,
            _(
                "Excel turned what was typed here into a date or a time (%(date)s). Format "
                "the cell as Text and type the value again, e.g. 12/12 or 13,04."
            )
            % {"date": value},
        )
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            plan.error(sheet, ref, _("This cell does not hold a number. Type e.g. 13,04."))
            return None
        # A cell someone formatted as a number: Excel stores "90%" as 0.9.
        percent = "%" in (cell.number_format or "")
        # Excel shows 15 significant digits of what it stores as a binary float.
        number = Decimal(f"{value * 100 if percent else value:.15g}")
        return format_number(number) + ("%" if percent else "")
    text = _plain(value)
    if len(text) > limit:
        plan.error(
            sheet,
            ref,
            _("This cell holds %(length)s characters; at most %(limit)s are accepted. Shorten it.")
            % {"length": format_number(len(text)), "limit": format_number(limit)},
        )
        return None
    return text


def _same(a, b):
    return _plain(a) == _plain(b)


def _check_columns(layout, rows):
    keys = tuple(_plain(c.value) for c in rows[offline.KEY_ROW - 1][1]) if len(rows) > 3 else ()
    if keys != layout.keys:
        raise Refused(
            _(
                "The columns of the sheet “%(sheet)s” were moved, added or removed, so its "
                "values cannot be matched. Download a new template and copy your values into it."
            )
            % {"sheet": layout.name}
        )


def _keyed_rows(layout, rows, plan, known, names):
    """The data rows that name a known code, once each; errors for the others."""
    code_column = layout.column("code") - 1
    value_columns = [layout.column(k) - 1 for k in layout.keys[4:]]
    seen = {}
    for number, cells in rows[offline.FIRST_ROW - 1 :]:
        ref = f"{layout.letter('code')}{number}"
        code = _plain(cells[code_column].value)
        if not code:
            if any(_plain(cells[i].value) for i in value_columns):
                plan.error(
                    layout.name,
                    ref,
                    _(
                        "This row has values but no code. Type values only in the rows the "
                        "template lists: no rows can be added to this table."
                    ),
                )
            continue
        if code not in known:
            plan.error(
                layout.name,
                ref,
                _(
                    "Unknown code “%(code)s”: the rows of this table are fixed by the template. "
                    "Delete this row, or download a new template."
                )
                % {"code": code[:60]},
            )
            continue
        if code in seen:
            plan.error(
                layout.name,
                ref,
                _(
                    "“%(name)s” appears twice (rows %(first)s and %(second)s). Keep one row "
                    "and delete the other."
                )
                % {"name": names.get(code, code), "first": seen[code], "second": number},
            )
            continue
        seen[code] = number
        yield number, code, cells


def _read_indicators(report, layout, rows, plan, current):
    indicators = {r.indicator.code: r.indicator for r in selectors.indicator_rows(report)}
    names = {code: i.name for code, i in indicators.items()}
    headers = {
        "plan": _("plan %(year)s"),
        "actual": _("result %(year)s"),
        "plan_next": _("plan %(year)s"),
    }
    year = report.round.year
    for number, code, cells in _keyed_rows(layout, rows, plan, indicators, names):
        indicator = indicators[code]
        for column in layout.keys[4:]:
            ref = f"{layout.letter(column)}{number}"
            typed = _cell_text(cells[layout.column(column) - 1], layout.name, ref, plan)
            if typed is None:
                continue
            old = current[("indicator", code, column)]
            if _same(typed, old):
                continue
            try:
                # The editor's own check first: lengths and sizes the columns hold.
                editing.check_cell(ReportValue, typed)
                reading = parse(typed)
                if column == "actual":
                    value_fields(indicator, reading)
            except ParseError as error:
                plan.error(layout.name, ref, error.message)
                continue
            shown_year = year + 1 if column == "plan_next" else year
            label = f"{indicator.name} — {headers[column] % {'year': shown_year}}"
            plan.changes.append(
                Change(layout.name, ref, "indicator", code, column, label, old, typed)
            )


def _read_figures(report, layout, rows, plan, current):
    figures = {f["code"]: f for f, _stored in selectors.figures_of(report)}
    names = {code: f.get("label", code) for code, f in figures.items()}
    for number, code, cells in _keyed_rows(layout, rows, plan, figures, names):
        ref = f"{layout.letter('value')}{number}"
        typed = _cell_text(cells[layout.column("value") - 1], layout.name, ref, plan)
        if typed is None:
            continue
        old = current[("figure", code, "")]
        if _same(typed, old):
            continue
        if typed:
            try:
                parse_decimal(typed.removesuffix("đồng").strip())  # as editing.save_figure does
            except ParseError as error:
                plan.error(layout.name, ref, error.message)
                continue
        plan.changes.append(Change(layout.name, ref, "figure", code, "", names[code], old, typed))


def _summary(row):
    if row is None:
        return ""
    done = _("disseminated") if row["done"] else _("not yet disseminated")
    return "; ".join([f"{row['unit_label']}: {done}", *row["audiences"], *row["methods"]])


def _form_data(row):
    data = {"unit_label": row["unit_label"], "audiences": row["audiences"]}
    data["methods"] = row["methods"]
    if row["done"]:
        data["done"] = "on"
    return data


def _read_dissemination(report, layout, rows, plan):
    config = offline.dissemination_config(report)
    audiences, methods = offline.mark_keys(config)
    choices = dict(zip(audiences, config.get("audiences", []), strict=True))
    choices |= dict(zip(methods, config.get("methods", []), strict=True))
    form_fields = {"unit_label": layout.letter("unit_label"), "done": layout.letter("done")}
    sheet_rows = {}
    for number, cells in rows[offline.FIRST_ROW - 1 :]:
        ref = f"{layout.letter('unit_label')}{number}"
        label_cell = cells[layout.column("unit_label") - 1]
        label = _cell_text(label_cell, layout.name, ref, plan, offline.MAX_LABEL_LENGTH)
        ticked, readable = set(), label is not None
        for key in layout.keys[2:]:
            mark_ref = f"{layout.letter(key)}{number}"
            mark = _cell_text(cells[layout.column(key) - 1], layout.name, mark_ref, plan)
            if mark is None:
                readable = False
            elif mark.lower() == offline.MARK:
                ticked.add(key)
            elif mark:
                plan.error(
                    layout.name,
                    mark_ref,
                    _("Type x to tick this box, or leave it empty; “%(text)s” is not accepted.")
                    % {"text": mark[:40]},
                )
                readable = False
        if not readable or (not label and not ticked):
            continue
        if not label:
            plan.error(
                layout.name,
                ref,
                _(
                    "This row is ticked but names no unit: type the unit (e.g. Xã Tân Phú) "
                    "or clear the row."
                ),
            )
            continue
        row = _row(
            label,
            "done" in ticked,
            [choices[k] for k in audiences if k in ticked],
            [choices[k] for k in methods if k in ticked],
            config,
        )
        # The editor's own form decides what a valid row is.
        form = DisseminationRowForm(data=_form_data(row), table_config=config)
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    plan.error(layout.name, f"{form_fields.get(name, 'B')}{number}", message)
            continue
        sheet_rows[number - offline.FIRST_ROW] = (number, row)
    existing = _dissemination_rows(report, config)
    positions = range(max([len(existing), *[i + 1 for i in sheet_rows]]))
    keep = None
    for i in positions:
        old = existing[i] if i < len(existing) else None
        number, new = sheet_rows.get(i, (offline.FIRST_ROW + i, None))
        if old == new:
            continue
        keep = i if keep is None else keep
        label = _("Row %(number)s") % {"number": i + 1}
        ref = f"{layout.letter('unit_label')}{number}"
        old_text, new_text = _summary(old), _summary(new)
        plan.changes.append(
            Change(layout.name, ref, "dissemination", str(i), "", label, old_text, new_text)
        )
    if keep is not None:
        keep = min(keep, len(existing))
        plan.dissemination = {
            "keep": keep,
            "rows": [row for i, (_n, row) in sorted(sheet_rows.items()) if i >= keep],
        }


def _read_workbook(report, data, plan):
    try:
        wb = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as error:  # any malformed part of a hostile file
        raise _unreadable() from error
    try:
        if len(wb.sheetnames) > MAX_SHEETS:
            raise Refused(
                _(
                    "The workbook has %(count)s sheets; the template has a few. Remove the "
                    "sheets you added and upload again."
                )
                % {"count": len(wb.sheetnames)}
            )
        _check_identity(report, wb)
        sheets = offline.layouts(report)
        present = [layout for layout in sheets.values() if layout.name in wb.sheetnames]
        if not present:
            raise Refused(
                _(
                    "The workbook has none of the template's sheets (%(sheets)s), only its "
                    "identification. Download a new template and fill it in."
                )
                % {"sheets": ", ".join(f"“{layout.name}”" for layout in sheets.values())}
            )
        for layout in sheets.values():
            if layout.name not in wb.sheetnames:
                raise Refused(
                    _(
                        "The sheet “%(sheet)s” is missing from the workbook. Download a new "
                        "template and copy your values into it."
                    )
                    % {"sheet": layout.name}
                )
        current = _current_cells(report)
        for kind, layout in sheets.items():
            rows = _rows(wb[layout.name], len(layout.keys))
            _check_columns(layout, rows)
            if kind == "indicators":
                _read_indicators(report, layout, rows, plan, current)
            elif kind == "figures":
                _read_figures(report, layout, rows, plan, current)
            else:
                _read_dissemination(report, layout, rows, plan)
    finally:
        wb.close()


def _not_editable(report):
    return _(
        "This report is “%(status)s” and can no longer be changed, so nothing was imported. "
        "If something must be corrected, ask the reviewer to return it for revision."
    ) % {"status": report.get_status_display()}


def _refusal(user, report):
    """The editor's own rule (reports/workflow.py), said for a whole workbook."""
    refusal = edit_refusal(user, report)
    if refusal and report.status not in EDITABLE:
        return _not_editable(report)
    return refusal


def read_upload(report, uploaded_file, user):
    """A dry run of an upload: what it would change, and every error, cell by
    cell. Writes nothing."""
    plan = UploadPlan(report.pk, report_stamp(report))
    try:
        refusal = _refusal(user, report)
        if refusal:
            raise Refused(refusal)
        data = _read_bytes(uploaded_file)
        _check_archive(data)
        _read_workbook(report, data, plan)
    except Refused as refused:
        plan.changes, plan.dissemination = [], None
        plan.errors = [UploadError("", "", refused.message)]
    return plan


# ------------------------------------------------------------------ applying


def _apply_dissemination(report, plan, user):
    config = offline.dissemination_config(report) or {}
    rows = list(report.dissemination.order_by("position", "pk"))
    keep = plan.dissemination["keep"]
    for row in rows[keep:]:
        editing.delete_appendix_row(report, row, user)
    for row in plan.dissemination["rows"]:
        form = DisseminationRowForm(data=_form_data(row), table_config=config)
        if not form.is_valid():
            raise WorkflowError(_changed())
        editing.add_appendix_row(report, form, user)


def _changed():
    return _(
        "The report has changed since the workbook was uploaded, so nothing was imported. "
        "Upload the workbook again to see what it would change now."
    )


@transaction.atomic
def apply_plan(report, plan, user):
    """Save a plan's changes, all or nothing; returns how many were saved.

    Refused (WorkflowError) when the report can no longer be edited or changed
    since the dry run; a ParseError from a saving function undoes everything.
    """
    report = (
        Report.objects.select_for_update()
        .select_related("round__template", "unit", "round__issuing_unit")
        .get(pk=report.pk)
    )
    refusal = _refusal(user, report)
    if refusal:
        raise WorkflowError(refusal)
    if plan.errors or plan.report_id != report.pk or plan.stamp != report_stamp(report):
        raise WorkflowError(_changed())
    codes = {c.key for c in plan.changes if c.kind == "indicator"}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    for change in plan.changes:
        if change.kind == "indicator":
            if change.key not in indicators:
                raise WorkflowError(_changed())
            editing.save_cell(report, indicators[change.key], change.column, change.new, user)
        elif change.kind == "figure":
            editing.save_figure(report, change.key, change.new, user)
    if plan.dissemination:
        _apply_dissemination(report, plan, user)
    # An import is one visible edit of the report: its version moves, so that a
    # page opened before it does not overwrite it unawares.
    Report.objects.filter(pk=report.pk).update(version=F("version") + 1)
    saved = Report.objects.get(pk=report.pk)
    saved._history_user = user
    saved.save(update_fields=["updated_at"])
    return len(plan.changes)
