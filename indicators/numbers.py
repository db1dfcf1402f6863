"""Every parse and format of a number in the portal.

Users type numbers the Vietnamese way: decimal comma and thousands dot
("13,04", "10.775.000.000", "1.500,25"). A cell may also hold a target with a
comparator ("< 14", "≥ 91", "khoảng 74", "tối thiểu 66", "giảm còn 35"), a pair
of counts ("12/12"), a range ("80 - 90", "từ 80 đến 90") or, where the cell
allows it, free text ("95% với 12 loại vắc xin").

`parse` turns what was typed into a `Reading`; `format_reading` writes it back
the same way. `parse_decimal` and `format_number` do the same for a plain
number. Nothing here uses float, and for a `str` input the only exception
raised is `ParseError`, whose `.message` is a sentence for the user in the active
language: the source strings are English, Vietnamese (the default language) comes
from the translation catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Plain numbers are written by portal (its template filter vn_number needs it, and
# portal imports no other app); every other format of a number is here.
from portal.numbers import format_number

MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 6
MAX_INPUT_LENGTH = 2000

EMPTY = "empty"
NUMBER = "number"
BOUND = "bound"
FRACTION = "fraction"
RANGE = "range"
TEXT = "text"


class ParseError(ValueError):
    """What the user typed cannot be read; `.message` says why, in the active language."""

    def __init__(self, message: str, text: str = ""):
        super().__init__(message)
        self.message = message
        self.text = text

    def __str__(self) -> str:
        return self.message


class Comparator(models.TextChoices):
    LT = "lt", gettext_lazy("Less than")
    LE = "le", gettext_lazy("Less than or equal to")
    GT = "gt", gettext_lazy("Greater than")
    GE = "ge", gettext_lazy("Greater than or equal to")
    EQ = "eq", gettext_lazy("Equal to")
    ABOUT = "about", gettext_lazy("About")
    AT_LEAST = "at_least", gettext_lazy("At least")
    REDUCE_TO = "reduce_to", gettext_lazy("Reduce to")
    RANGE = "range", gettext_lazy("Range")


# How Vietnamese documents write each comparator. A range is written "a - b".
COMPARATOR_SYMBOLS: dict[Comparator, str] = {
    Comparator.LT: "<",
    Comparator.LE: "≤",
    Comparator.GT: ">",
    Comparator.GE: "≥",
    Comparator.EQ: "=",
    Comparator.ABOUT: "khoảng",
    Comparator.AT_LEAST: "tối thiểu",
    Comparator.REDUCE_TO: "giảm còn",
    Comparator.RANGE: "-",
}

# Everything accepted in front of a number, lower case (matching ignores case).
_COMPARATOR_WORDS: dict[str, Comparator] = {
    "<": Comparator.LT,
    "<=": Comparator.LE,
    "≤": Comparator.LE,
    "⩽": Comparator.LE,
    ">": Comparator.GT,
    ">=": Comparator.GE,
    "≥": Comparator.GE,
    "⩾": Comparator.GE,
    "=": Comparator.EQ,
    "khoảng": Comparator.ABOUT,
    "~": Comparator.ABOUT,
    "≈": Comparator.ABOUT,
    "tối thiểu": Comparator.AT_LEAST,
    "ít nhất": Comparator.AT_LEAST,
    "không dưới": Comparator.GE,
    "giảm còn": Comparator.REDUCE_TO,
    "dưới": Comparator.LT,
    "trên": Comparator.GT,
    "không quá": Comparator.LE,
    "tối đa": Comparator.LE,
}

_UNITS = {"%": "%", "‰": "‰", "%o": "‰", "%0": "‰", "%00": "‰"}


@dataclass(frozen=True)
class Reading:
    """What a cell says. `text` is always the input, stripped and NFC-normalised."""

    kind: str  # "empty" | "number" | "bound" | "fraction" | "range" | "text"
    value: Decimal | None  # number; bound's value; fraction's numerator; range's lower end
    value2: Decimal | None = None  # fraction's denominator; range's upper end
    comparator: Comparator | None = None  # for "bound"; RANGE for "range"
    unit: str = ""  # "%" or "‰" when typed, else ""
    text: str = ""

    @property
    def number(self) -> Decimal | None:
        """A comparable scalar: the number or bound's value; a fraction as a percentage."""
        if self.kind in (NUMBER, BOUND):
            return self.value
        if self.kind == FRACTION:
            if self.value is None or self.value2 is None or self.value2 == 0:
                return None
            with localcontext(prec=28):
                return self.value * 100 / self.value2
        return None


# --------------------------------------------------------------------------- parsing

# Spaces users paste from Word or the web: all whitespace (NBSP, thin spaces...)
# plus zero-width space, word joiner and byte-order mark.
_SPACE = r"[\s\u200b\u2060\ufeff]"
_EDGE_SPACES = re.compile(rf"^{_SPACE}+|{_SPACE}+$")
_INNER_SPACES = re.compile(rf"{_SPACE}+")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# A loose number token; `_to_decimal` decides whether it is a valid one.
_N = r"[+\-\u2212]?[0-9.,]+"
_UNIT = r"%00|%0|%o|‰|%"
_COMP = "|".join(re.escape(w) for w in sorted(_COMPARATOR_WORDS, key=len, reverse=True))

_NUMBER_RE = re.compile(rf"(?P<a>{_N})(?: ?(?P<ua>{_UNIT}))?", re.IGNORECASE)
_BOUND_RE = re.compile(rf"(?P<c>{_COMP}) ?(?P<a>{_N})(?: ?(?P<ua>{_UNIT}))?", re.IGNORECASE)
_FRACTION_RE = re.compile(rf"(?P<a>{_N}) ?/ ?(?P<b>{_N})")
_RANGE_RE = re.compile(
    rf"(?:từ ?)?(?P<a>{_N})(?: ?(?P<ua>{_UNIT}))?"
    rf" ?(?:[-–—]|đến) ?(?P<b>{_N})(?: ?(?P<ub>{_UNIT}))?",
    re.IGNORECASE,
)
_SPECIAL_RE = re.compile(
    rf"(?:{_COMP})? ?[+\-\u2212]? ?(?:s?nan|inf|infinity)(?: ?(?:{_UNIT}))?", re.IGNORECASE
)
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_EXPONENT_RE = re.compile(r"[0-9.,][eE][+\-\u2212]?[0-9]")
_DOUBLE_SIGN_RE = re.compile(r"[+\-\u2212] ?[+\-\u2212]")
_LOOSE_TOKEN_RE = re.compile(r"[0-9.,]+")
_DIGIT_SPACE_DIGIT_RE = re.compile(r"[0-9] [0-9]")
_COMP_START_RE = re.compile(rf"(?:{_COMP})", re.IGNORECASE)


def _quote(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _msg_dot(q: str) -> str:
    return _(
        'Cannot read "%(text)s" as a number. Use a comma for decimals, e.g. 13,04; '
        "a dot only separates each group of three digits in the thousands, e.g. 10.775.000.000."
    ) % {"text": q}


def _msg_generic(q: str) -> str:
    return _(
        'Cannot read "%(text)s" as a number. Correct ways to write it, for example: 13,04; '
        "10.775.000.000; < 14; 12/12; 80 - 90."
    ) % {"text": q}


def _msg_fraction(q: str) -> str:
    return _(
        'Cannot read "%(text)s" as a fraction: two whole numbers that are not negative are '
        "needed, e.g. 12/12."
    ) % {"text": q}


def _has_words(s: str) -> bool:
    """True when `s` holds a word: two letters in a row, or a letter standing alone.

    A lone letter stuck to digits ("1e5") or the "o" of the per-mille "%o" is no word.
    """
    for m in _LETTERS_RE.finditer(s):
        run = m.group()
        if len(run) >= 2:
            return True
        start, end = m.span()
        before = s[start - 1] if start else ""
        after = s[end] if end < len(s) else ""
        if run in "oO" and before == "%":
            continue
        if not before.isalnum() and not after.isalnum():
            return True
    return False


def _to_decimal(token: str, q: str) -> Decimal:
    """Read one number token ("-1.500,25") strictly, or raise ParseError about it."""
    sign = ""
    body = token
    if body[:1] in ("+", "-", "\u2212"):
        sign = "" if body[0] == "+" else "-"
        body = body[1:]
    if not body or not any(ch.isdigit() for ch in body):
        raise ParseError(_msg_generic(q), q)
    if body[0] == ",":
        raise ParseError(
            _('Cannot read "%(text)s": a digit is needed before the comma, e.g. 0,5.')
            % {"text": q},
            q,
        )
    if body[0] == ".":
        raise ParseError(_msg_dot(q), q)
    if body.count(",") > 1:
        raise ParseError(
            _('Cannot read "%(text)s": a number has only one decimal comma, e.g. 1.500,25.')
            % {"text": q},
            q,
        )
    if body.endswith(","):
        raise ParseError(
            _('Cannot read "%(text)s": digits are missing after the comma, e.g. 12,5.')
            % {"text": q},
            q,
        )
    if body.endswith("."):
        raise ParseError(
            _(
                'Cannot read "%(text)s": digits are missing after the dot. A dot only separates '
                "thousands (10.775.000.000); decimals use a comma (13,04)."
            )
            % {"text": q},
            q,
        )
    integer, _comma, fraction = body.partition(",")
    if "." in fraction:
        raise ParseError(
            _(
                'Cannot read "%(text)s": use a dot to separate thousands and a comma for '
                "decimals, e.g. 1.500,25."
            )
            % {"text": q},
            q,
        )
    groups = integer.split(".")
    if len(groups) > 1:
        head, tail = groups[0], groups[1:]
        if not (1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in tail)):
            raise ParseError(_msg_dot(q), q)
    digits = "".join(groups)
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_DECIMAL_PLACES:
        raise ParseError(
            _(
                'The number "%(number)s" is too long: at most %(integer_digits)s digits in the '
                "whole part and %(decimal_places)s digits after the comma."
            )
            % {
                "number": _quote(token, 30),
                "integer_digits": MAX_INTEGER_DIGITS,
                "decimal_places": MAX_DECIMAL_PLACES,
            },
            q,
        )
    value = Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    return value.copy_abs() if value == 0 else value


def _unit(match: re.Match, group: str) -> str:
    typed = match.group(group)
    return _UNITS[typed.lower()] if typed else ""


def _read_form(s: str, q: str, kept: str) -> Reading | None:
    """Read `s` (spaces collapsed) as one of the forms, None when it has none of their shapes.

    Raises ParseError when the shape is right but a number in it is not.
    """
    if m := _NUMBER_RE.fullmatch(s):
        value = _to_decimal(m.group("a"), q)
        return Reading(NUMBER, value, unit=_unit(m, "ua"), text=kept)
    if m := _BOUND_RE.fullmatch(s):
        comparator = _COMPARATOR_WORDS[m.group("c").lower()]
        value = _to_decimal(m.group("a"), q)
        return Reading(BOUND, value, comparator=comparator, unit=_unit(m, "ua"), text=kept)
    if m := _FRACTION_RE.fullmatch(s):
        a, b = m.group("a"), m.group("b")
        if a[0] in "+-\u2212" or b[0] in "+-\u2212" or "," in a or "," in b:
            raise ParseError(_msg_fraction(q), q)
        numerator, denominator = _to_decimal(a, q), _to_decimal(b, q)
        if denominator == 0:
            raise ParseError(
                _(
                    'The fraction "%(text)s" has a denominator of 0; the denominator must be '
                    "greater than 0."
                )
                % {"text": q},
                q,
            )
        return Reading(FRACTION, numerator, denominator, text=kept)
    if m := _RANGE_RE.fullmatch(s):
        low, high = _to_decimal(m.group("a"), q), _to_decimal(m.group("b"), q)
        unit_low, unit_high = _unit(m, "ua"), _unit(m, "ub")
        if unit_low and unit_high and unit_low != unit_high:
            raise ParseError(
                _('The range "%(text)s" is not valid: both ends must have the same unit.')
                % {"text": q},
                q,
            )
        if low > high:
            raise ParseError(
                _(
                    'The range "%(text)s" is not valid: the first number must be less than or '
                    "equal to the second, e.g. 80 - 90."
                )
                % {"text": q},
                q,
            )
        return Reading(
            RANGE, low, high, comparator=Comparator.RANGE, unit=unit_low or unit_high, text=kept
        )
    return None


def _diagnose(s: str, q: str) -> ParseError:
    """The most helpful error for an input without letters that has no known shape."""
    if _EXPONENT_RE.search(s):
        return ParseError(
            _(
                'Cannot read "%(text)s": do not use exponent notation (e); write out all the '
                "digits, e.g. 100.000."
            )
            % {"text": q},
            q,
        )
    if _DOUBLE_SIGN_RE.search(s):
        return ParseError(
            _(
                'Cannot read "%(text)s": use only one minus (or plus) sign before the number, '
                "e.g. -1,5."
            )
            % {"text": q},
            q,
        )
    for token in _LOOSE_TOKEN_RE.findall(s):
        try:
            _to_decimal(token, q)
        except ParseError as error:
            return error
    if _DIGIT_SPACE_DIGIT_RE.search(s):
        return ParseError(
            _(
                'Cannot read "%(text)s": do not put spaces between digits; separate thousands '
                "with a dot, e.g. 12.345."
            )
            % {"text": q},
            q,
        )
    if "/" in s:
        return ParseError(_msg_fraction(q), q)
    if _COMP_START_RE.match(s):
        return ParseError(
            _(
                'Cannot read "%(text)s": a number is needed after the comparison sign, '
                "e.g. < 14 or ≥ 91."
            )
            % {"text": q},
            q,
        )
    return ParseError(_msg_generic(q), q)


def _check_characters(text: str) -> None:
    for ch in text:
        category = unicodedata.category(ch)
        if (
            (category == "Cc" and ch not in _ALLOWED_CONTROLS)
            or category == "Cs"
            or ch in _BIDI_CONTROLS
        ):
            raise ParseError(
                _(
                    "This cell contains invisible control characters (usually from copying from "
                    "elsewhere); clear the contents and type it again."
                ),
                "",
            )


def parse(text: str, allow_text: bool = True) -> Reading:
    """Read what a user typed in a cell; raise ParseError for what cannot be read.

    Forms, tried in order: a number ("13,04", "-1,5", "90,08%", "12,5‰"); a bound
    ("< 14", "≥91", "khoảng 74", "tối thiểu 66", "giảm còn 35"); a fraction of
    counts ("12/12"); a range ("80 - 90", "80–90", "từ 80 đến 90"). An input with
    a word in it that is none of these is text when `allow_text` is true, an
    error otherwise. An input without letters that is none of these is an error.
    """
    if text is None:
        return Reading(EMPTY, None)
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}")
    _check_characters(text)
    kept = _EDGE_SPACES.sub("", unicodedata.normalize("NFC", text))
    if not kept:
        return Reading(EMPTY, None)
    q = _quote(kept)
    if len(kept) > MAX_INPUT_LENGTH:
        if allow_text:
            return Reading(TEXT, None, text=kept)
        raise ParseError(
            _(
                "The entry is %(length)s characters long, over the limit of %(limit)s "
                "characters; this cell takes numbers only, e.g. 13,04."
            )
            % {"length": format_number(len(kept)), "limit": format_number(MAX_INPUT_LENGTH)},
            q,
        )
    s = _INNER_SPACES.sub(" ", kept)
    words = _has_words(s)
    if _SPECIAL_RE.fullmatch(s):
        raise ParseError(
            _('"%(text)s" is not a number. Enter a number, e.g. 13,04.') % {"text": q}, q
        )
    try:
        reading = _read_form(s, q, kept)
    except ParseError:
        if words and allow_text:
            return Reading(TEXT, None, text=kept)
        raise
    if reading is not None:
        return reading
    if words:
        if allow_text:
            return Reading(TEXT, None, text=kept)
        raise ParseError(
            _(
                "This cell takes only a number (13,04), a number with a comparison sign (< 14), "
                'a fraction (12/12) or a range (80 - 90); cannot read "%(text)s".'
            )
            % {"text": q},
            q,
        )
    raise _diagnose(s, q)


def parse_decimal(text: str) -> Decimal:
    """Read a plain number ("13,04", "-1,5", "10.775.000.000", "90,08%"); the unit is dropped."""
    reading = parse(text, allow_text=False)
    if reading.kind == NUMBER:
        return reading.value
    if reading.kind == EMPTY:
        raise ParseError(_("This cell needs a number, e.g. 13,04."), "")
    q = _quote(reading.text)
    raise ParseError(
        _(
            "This cell takes a single number only, e.g. 13,04 or 10.775.000.000; "
            '"%(text)s" is not accepted.'
        )
        % {"text": q},
        q,
    )


# ------------------------------------------------------------------------- formatting


def format_reading(reading: Reading, decimals: int | None = None) -> str:
    """Write a Reading back as users type it: "< 14", "khoảng 74", "12/12", "80 - 90", "90,08%"."""
    unit = reading.unit or ""
    if reading.kind == EMPTY:
        return ""
    if reading.kind == NUMBER:
        return format_number(reading.value, decimals) + unit
    if reading.kind == BOUND:
        symbol = COMPARATOR_SYMBOLS[Comparator(reading.comparator)]
        return f"{symbol} {format_number(reading.value, decimals)}{unit}"
    if reading.kind == FRACTION:
        return f"{format_number(reading.value)}/{format_number(reading.value2)}"
    if reading.kind == RANGE:
        low = format_number(reading.value, decimals)
        high = format_number(reading.value2, decimals)
        return f"{low} - {high}{unit}"
    return reading.text
