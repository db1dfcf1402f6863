"""Saving what reporters type: section texts, the document's own fields, and
indicator cells. Nothing is ever silently overwritten: texts and document
fields carry the version they were edited from, and a save from an old
version is refused with the current text, so the page can show both."""

import re
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from indicators.models import FigureKind, Target, Value
from indicators.numbers import ParseError, format_number, parse
from indicators.values import record_value, target_fields
from reports.models import Report, ReportStatus, SectionText
from reports.workflow import WorkflowError, may_edit

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


def _check_editable(report, user):
    if not may_edit(user, report):
        raise WorkflowError(_("This report can no longer be edited."))


def _started(report):
    if report.status == ReportStatus.NOT_STARTED:
        Report.objects.filter(pk=report.pk, status=ReportStatus.NOT_STARTED).update(
            status=ReportStatus.DRAFT
        )
        report.status = ReportStatus.DRAFT


@transaction.atomic
def save_section(report, section, text, base_version, user):
    """Store a section's text if nobody saved it since `base_version`."""
    _check_editable(report, user)
    text = clean_text(text)
    if len(text) > MAX_SECTION_LENGTH:
        raise WorkflowError(
            _("This section is too long (%(length)s characters; at most %(limit)s).")
            % {"length": format_number(len(text)), "limit": format_number(MAX_SECTION_LENGTH)}
        )
    # A compare-and-swap UPDATE: the database decides who was first.
    updated = SectionText.objects.filter(
        report=report, section=section, version=base_version
    ).update(text=text, version=F("version") + 1, updated_by=user)
    if not updated:
        if (
            base_version == 0
            and not SectionText.objects.filter(report=report, section=section).exists()
        ):
            try:
                with transaction.atomic():
                    SectionText.objects.create(
                        report=report, section=section, text=text, version=1, updated_by=user
                    )
            except IntegrityError:
                pass  # created by someone else in the meantime: a conflict below
            else:
                _started(report)
                return SectionText.objects.get(report=report, section=section)
        current = SectionText.objects.filter(report=report, section=section).first()
        raise ConflictError(current.text if current else "", current.version if current else 0)
    saved = SectionText.objects.get(report=report, section=section)
    saved._history_user = user
    saved.save(update_fields=["updated_at"])  # records the new text in the history
    _started(report)
    return saved


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


@transaction.atomic
def save_document_fields(report, values, base_version, user):
    """The document's own fields (number, place and date, signer...)."""
    _check_editable(report, user)
    cleaned = {
        name: (clean_text(value) if isinstance(value, str) else value)
        for name, value in values.items()
        if name in DOCUMENT_FIELDS
    }
    for name, value in cleaned.items():
        if isinstance(value, str):
            field = Report._meta.get_field(name)
            check_length(value, field.max_length or MAX_SECTION_LENGTH, field.verbose_name)
    updated = Report.objects.filter(pk=report.pk, version=base_version).update(
        **cleaned, version=F("version") + 1
    )
    if not updated:
        current = Report.objects.get(pk=report.pk)
        raise ConflictError("", current.version)
    saved = Report.objects.get(pk=report.pk)
    saved._history_user = user
    saved.save(update_fields=["updated_at"])
    _started(saved)
    return saved


COLUMNS = ("actual", "plan", "plan_next")


# Value.numeric and Target.value hold 20 digits, 6 of them after the comma: the
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
def save_cell(report, indicator, column, typed, user):
    """One cell of the indicator table: the result goes to the unit's values
    (so the roll-up sees it), the plans to the unit's targets."""
    _check_editable(report, user)
    year = report.round.year
    check_cell(Value if column == "actual" else Target, typed)
    if column == "actual":
        value = record_value(indicator, report.unit, year, FigureKind.ACTUAL, typed, user)
        _started(report)
        return value
    if column not in COLUMNS:
        raise ParseError(_("Unknown column."))
    target_year = year if column == "plan" else year + 1
    reading = parse(typed)
    existing = Target.objects.filter(indicator=indicator, scope=report.unit, year=target_year)
    if reading.kind == "empty":
        existing.delete()
        return None
    target = existing.first() or Target(indicator=indicator, scope=report.unit, year=target_year)
    for field, value in target_fields(reading).items():
        setattr(target, field, value)
    target._history_user = user
    target.save()
    _started(report)
    return target


@transaction.atomic
def save_figure(report, code, typed, user):
    """A named figure in đồng ("10.775.000.000")."""
    from indicators.numbers import parse_decimal
    from reports.models import ReportFigure

    _check_editable(report, user)
    typed = unicodedata.normalize("NFC", typed or "").strip()
    if not typed:
        ReportFigure.objects.filter(report=report, code=code).delete()
        return None
    value = parse_decimal(typed.removesuffix("đồng").strip())
    text = clean_text(typed)  # as written, without the zero-width characters parse allows
    figure, _created = ReportFigure.objects.update_or_create(
        report=report, code=code, defaults={"value": value, "text": text}
    )
    _started(report)
    return figure


@transaction.atomic
def add_appendix_row(report, form, user):
    """A row of an appendix table (dissemination matrix, documents issued) from
    a valid form; the new row goes last."""
    _check_editable(report, user)
    row = form.save(commit=False)
    row.report = report
    if hasattr(row, "position"):
        row.position = max(report.dissemination.values_list("position", flat=True), default=-1) + 1
    row.save()
    _started(report)
    return row


@transaction.atomic
def delete_appendix_row(report, row, user):
    _check_editable(report, user)
    row.delete()
