"""Saving what reporters type: section texts, the document's own fields,
indicator cells and named figures. Every save locks the report and obeys the
edit rules first (reports/workflow.py, `locked_for_edit`). Nothing is ever
silently overwritten: each part carries the version it was edited from, and
a save from an old version is refused with what is stored now, so that the
page can show both and the user chooses; document fields merge field by
field, only a field both people changed being a conflict."""

import re
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.numbers import ParseError, format_number, parse
from reports import figures
from reports.models import Report, ReportStatus, ReportValue, SectionText
from reports.workflow import WorkflowError, locked_for_edit

MAX_SECTION_LENGTH = 200_000  # characters: about 60 printed pages

# Control characters (C0 but tab and line ends, DEL, C1), zero-width spaces,
# direction marks, bidirectional embeddings, overrides and isolates, byte-order marks.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


class ConflictError(WorkflowError):
    """Someone saved a newer version; `current` is what is stored now."""

    def __init__(self, current_text, current_version):
        super().__init__(
            _(
                "Someone else saved this part of the report after you opened it. "
                "Your text is kept below: compare it with the saved text and save again."
            )
        )
        self.current_text = current_text
        self.current_version = current_version


def clean_text(text):
    """Plain text, one paragraph per line: NFC Vietnamese, no control
    characters, no empty lines or trailing spaces (what Word pastes in)."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text).replace("\t", " ").replace("\u00a0", " ")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def check_length(text, limit, label=None):
    """Refuse a text longer than `limit` characters (a column's max_length:
    PostgreSQL refuses a longer value where SQLite silently stores it)."""
    if len(text) > limit:
        if label:
            message = _("“%(field)s” is too long (%(length)s characters; at most %(limit)s).")
        else:
            message = _("This text is too long (%(length)s characters; at most %(limit)s).")
        raise WorkflowError(
            message
            % {
                "field": label,
                "length": format_number(len(text)),
                "limit": format_number(limit),
            }
        )


def _started(report):
    if report.status == ReportStatus.NOT_STARTED:
        Report.objects.filter(pk=report.pk, status=ReportStatus.NOT_STARTED).update(
            status=ReportStatus.DRAFT
        )
        report.status = ReportStatus.DRAFT


@transaction.atomic
def save_section(report, section, text, base_version, user):
    """Store a section's text if nobody saved it since `base_version`."""
    report = locked_for_edit(report, user)
    text = clean_text(text)
    if len(text) > MAX_SECTION_LENGTH:
        raise WorkflowError(
            _("This section is too long (%(length)s characters; at most %(limit)s).")
            % {"length": format_number(len(text)), "limit": format_number(MAX_SECTION_LENGTH)}
        )
    current = SectionText.objects.filter(report=report, section=section).first()
    if (current.version if current else 0) != base_version:
        raise ConflictError(current.text if current else "", current.version if current else 0)
    if current is None:
        current = SectionText(report=report, section=section, version=0)
    current.text = text
    current.version += 1
    current.updated_by = user
    current._history_user = user
    current.save()
    _started(report)
    return current


DOCUMENT_FIELDS = [
    "number_symbol",
    "place",
    "signed_on",
    "superior_body",
    "issuing_body",
    "summary",
    "introduction",
    "closing",
    "authority",
    "position",
    "signer",
    "recipients",
]


class FieldConflictError(ConflictError):
    """Fields both people changed, each to its own value: `fields` maps a
    field's name to (label, yours, theirs)."""

    def __init__(self, fields, current_version):
        super().__init__("", current_version)
        self.fields = fields


@transaction.atomic
def save_document_fields(report, values, base_version, user):
    """The document's own fields (number, place and date, signer...), merged
    field by field with what others saved since `base_version`: a field only
    one side changed takes that side's value; a field both changed, to
    different values, is a conflict and nothing is saved."""
    report = locked_for_edit(report, user)
    cleaned = {
        name: (clean_text(value) if isinstance(value, str) else value)
        for name, value in values.items()
        if name in DOCUMENT_FIELDS
    }
    for name, value in cleaned.items():
        if isinstance(value, str):
            field = Report._meta.get_field(name)
            check_length(value, field.max_length or MAX_SECTION_LENGTH, field.verbose_name)
    if report.version != base_version:
        cleaned = _merged(report, cleaned, base_version)
    for name, value in cleaned.items():
        setattr(report, name, value)
    report.version += 1
    report._history_user = user
    report.save()
    _started(report)
    return report


def _merged(report, mine, base_version):
    """The fields of `mine` to write over a report saved since `base_version`
    (read from the report's history); raises FieldConflictError."""
    base = report.history.filter(version=base_version).order_by("-history_date").first()
    merged, conflicts = {}, {}
    for name, value in mine.items():
        theirs = getattr(report, name)
        if value == theirs:
            continue
        original = getattr(base, name) if base is not None else theirs
        if value == original:
            continue  # not changed on this side: the other person's value stays
        if base is not None and theirs == original:
            merged[name] = value
            continue
        label = Report._meta.get_field(name).verbose_name
        conflicts[name] = (label, value, theirs)
    if conflicts:
        raise FieldConflictError(conflicts, report.version)
    return merged


COLUMNS = ("actual", "plan", "plan_next")


# ReportValue.numeric holds 20 digits, 6 of them after the comma: the
# parser reads up to 15 before it, which the database would refuse (PostgreSQL)
# or store and fail to read back (SQLite).
CELL_INTEGER_DIGITS = 14


def check_cell(model, typed):
    """What is typed is kept "as written": no longer than the column holding it,
    and its numbers no larger than the columns holding them."""
    limit = model._meta.get_field("text").max_length
    length = len(unicodedata.normalize("NFC", typed or "").strip())
    if length > limit:
        raise ParseError(
            _("This cell holds %(length)s characters; at most %(limit)s are accepted. Shorten it.")
            % {"length": format_number(length), "limit": format_number(limit)}
        )
    try:
        reading = parse(typed)
    except ParseError:
        return  # refused below, with the parser's own message
    for number in (reading.value, reading.value2):
        if number is not None and abs(number) >= 10**CELL_INTEGER_DIGITS:
            raise ParseError(
                _(
                    "The number is too large for this table: at most %(digits)s digits "
                    "before the decimal comma."
                )
                % {"digits": CELL_INTEGER_DIGITS}
            )


@transaction.atomic
def save_cell(report, indicator, column, typed, user, base_version=None):
    """One cell of the indicator table, stored on the report (a unit's own
    plan is its own figure: a directive's targets are never written here).
    With `base_version`, a cell someone else saved since is a conflict."""
    report = locked_for_edit(report, user)
    if column not in COLUMNS:
        raise ParseError(_("Unknown column."))
    check_cell(ReportValue, typed)
    current = ReportValue.objects.filter(report=report, indicator=indicator, column=column).first()
    if base_version is not None and (current.version if current else 0) != base_version:
        if current is None or current.text != clean_text(typed):
            raise ConflictError(current.text if current else "", current.version if current else 0)
    value = figures.record(report, indicator, column, typed, user=user)
    _started(report)
    return value


@transaction.atomic
def save_figure(report, code, typed, user, base_version=None):
    """A named figure in đồng ("10.775.000.000"); with `base_version`, one
    someone else saved since is a conflict."""
    from indicators.numbers import parse_decimal
    from reports.models import ReportFigure

    report = locked_for_edit(report, user)
    typed = unicodedata.normalize("NFC", typed or "").strip()
    current = ReportFigure.objects.filter(report=report, code=code).first()
    if base_version is not None and (current.version if current else 0) != base_version:
        if current is None or current.text != clean_text(typed):
            raise ConflictError(current.text if current else "", current.version if current else 0)
    if not typed:
        if current is not None:
            current.delete()
        return None
    value = parse_decimal(typed.removesuffix("đồng").strip())
    if current is None:
        current = ReportFigure(report=report, code=code, version=0)
    current.value = value
    current.text = clean_text(typed)  # as written, without the zero-width characters parse allows
    current.version += 1
    current._history_user = user
    current.save()
    _started(report)
    return current


@transaction.atomic
def add_appendix_row(report, form, user):
    """A row of an appendix table (dissemination matrix, documents issued) from
    a valid form; the new row goes last."""
    report = locked_for_edit(report, user)
    row = form.save(commit=False)
    row.report = report
    if hasattr(row, "position"):
        row.position = max(report.dissemination.values_list("position", flat=True), default=-1) + 1
    row.save()
    _started(report)
    return row


@transaction.atomic
def delete_appendix_row(report, row, user):
    locked_for_edit(report, user)
    row.delete()
