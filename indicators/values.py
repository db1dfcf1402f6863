"""Reading figures and targets back as `Reading`s, and the columns a
reading is stored in. Figures are stored on the report that states them
(reports/figures.py, `record`), through these same rules."""

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import IndicatorKind, Target
from indicators.numbers import Comparator, ParseError, Reading


def reading_of(obj) -> Reading:
    """The Reading of a stored Target, Value or anything with a Value's fields."""
    if isinstance(obj, Target):
        number, second = obj.value, obj.value2
    else:
        number, second = obj.numeric, getattr(obj, "upper", None)
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


def value_fields(indicator, reading: Reading, numerator=None, denominator=None, plan=False):
    """The columns of a figure for a reading of `indicator`; raises ParseError
    when the reading cannot be a figure of that indicator. A plan may be a
    range ("80 - 90"); a result may not."""
    fields = {
        "comparator": "",
        "numeric": None,
        "upper": None,
        "numerator": numerator,
        "denominator": denominator,
        "text": reading.text,
    }
    if reading.kind == "range":
        if not plan:
            raise ParseError(_("A result cannot be a range: enter the figure reached."))
        fields.update(
            comparator=reading.comparator.value, numeric=reading.value, upper=reading.value2
        )
        return fields
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


def target_fields(reading: Reading):
    """The Target columns for a reading of a target as written ("< 14", "12/12")."""
    fields = {"comparator": "", "value": None, "value2": None, "text": reading.text}
    if reading.kind in ("bound", "range"):
        fields["comparator"] = reading.comparator.value
    if reading.kind in ("number", "bound", "range", "fraction"):
        fields["value"], fields["value2"] = reading.value, reading.value2
    return fields
