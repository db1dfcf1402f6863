"""Recording values and reading values and targets back as `Reading`s.

Every way a figure enters the portal (the report editor, the Excel upload,
fixtures, the demo) goes through `record_value`, so that the same parser and
the same storage rules apply everywhere.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import IndicatorKind, Target, Value
from indicators.numbers import Comparator, ParseError, Reading, parse


def reading_of(obj) -> Reading:
    """The Reading of a stored Target, Value or anything with a Value's fields."""
    if isinstance(obj, Target):
        number, second = obj.value, obj.value2
    else:
        number, second = obj.numeric, None
    comparator = Comparator(obj.comparator) if obj.comparator else None
    if comparator == Comparator.RANGE:
        return Reading("range", number, second, comparator, text=obj.text)
    if comparator is not None:
        return Reading("bound", number, None, comparator, text=obj.text)
    if number is not None and second is not None:
        return Reading("fraction", number, second, text=obj.text)
    if number is not None:
        return Reading("number", number, text=obj.text)
    numerator = getattr(obj, "numerator", None)
    if numerator is not None and obj.denominator:
        return Reading("fraction", numerator, obj.denominator, text=obj.text)
    if obj.text:
        return Reading("text", None, text=obj.text)
    return Reading("empty", None)


def value_fields(indicator, reading: Reading, numerator=None, denominator=None):
    """The Value columns for a reading of `indicator`; raises ParseError when
    the reading cannot be a figure of that indicator."""
    fields = {
        "comparator": "",
        "numeric": None,
        "numerator": numerator,
        "denominator": denominator,
        "text": reading.text,
    }
    if reading.kind == "range":
        raise ParseError(_("A result cannot be a range: enter the figure reached."))
    if reading.kind == "text":
        return fields
    if reading.kind == "fraction":
        if indicator.kind not in (IndicatorKind.FRACTION, IndicatorKind.RATE):
            raise ParseError(_("This indicator does not take x/N: enter one number (e.g. 13,04)."))
        fields.update(numerator=reading.value, denominator=reading.value2)
        if indicator.kind == IndicatorKind.RATE and reading.value2:
            fields["numeric"] = reading.value / reading.value2 * indicator.factor
        return fields
    if reading.kind == "bound":
        fields.update(comparator=reading.comparator.value, numeric=reading.value)
        return fields
    if reading.kind == "number":
        fields["numeric"] = reading.value
        if indicator.kind == IndicatorKind.RATE and numerator is not None and denominator:
            fields["numeric"] = Decimal(numerator) / Decimal(denominator) * indicator.factor
    return fields


@transaction.atomic
def record_value(
    indicator,
    unit,
    year,
    figure,
    typed,
    user=None,
    period="Y",
    numerator=None,
    denominator=None,
):
    """Parse what the user typed and store it (history keeps the old figure).

    An empty entry deletes the value. Raises ParseError with a message for the user.
    """
    reading = parse(typed)
    lookup = {
        "indicator": indicator,
        "unit": unit,
        "year": year,
        "period": period,
        "figure": figure,
    }
    if reading.kind == "empty" and numerator is None and denominator is None:
        Value.objects.filter(**lookup).delete()
        return None
    fields = value_fields(indicator, reading, numerator, denominator)
    fields["entered_by"] = user
    value, _created = Value.objects.update_or_create(**lookup, defaults=fields)
    return value


def target_fields(reading: Reading):
    """The Target columns for a reading of a target as written ("< 14", "12/12")."""
    fields = {"comparator": "", "value": None, "value2": None, "text": reading.text}
    if reading.kind in ("bound", "range"):
        fields["comparator"] = reading.comparator.value
    if reading.kind in ("number", "bound", "range", "fraction"):
        fields["value"], fields["value2"] = reading.value, reading.value2
    return fields
