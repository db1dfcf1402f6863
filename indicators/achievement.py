"""The achievement rule: whether an indicator met its target, and the "Tỷ lệ" (ratio) column.

Each side is read as it was typed (see `indicators.numbers`). The rule:

1. What can be compared. A side that is empty, missing or free text ("95% với
   12 loại vắc xin") cannot be compared: the status is *not comparable* and no
   ratio is shown. A fraction of counts counts as its percentage (12/12 = 100),
   so a plan of 100 is met by "12/12". When both sides carry a unit and the
   units differ ("%" against "‰"), the result is not comparable.

2. An actual that is a number a (or a fraction, or written "= a") meets:
   - a plan t written as a plain number: a ≥ t when higher is better,
     a ≤ t when lower is better;
   - "< t", "dưới t": a < t;
   - "≤ t", "không quá t", "tối đa t", "giảm còn t": a ≤ t;
   - "> t", "trên t": a > t;
   - "≥ t", "tối thiểu t", "ít nhất t", "không dưới t": a ≥ t;
   - "= t": a = t;
   - "khoảng t": a within 5% of t, that is |a − t| ≤ 5% × |t|;
   - "x - y", "từ x đến y": x ≤ a ≤ y.
   A target with a comparator decides by itself; the direction (higher or lower
   is better) only matters for a plain plan and for the ratio.

3. An actual that is itself a bound ("< 17") is kept as written and compared
   where the bound settles the question:
   - "< a" meets "< t", "≤ t", "giảm còn t" or a lower-is-better plan t when a ≤ t;
   - "≤ a" meets "< t" when a < t, and "≤ t", "giảm còn t" or a lower-is-better
     plan t when a ≤ t;
   - "> a" meets "> t", "≥ t", "tối thiểu t" or a higher-is-better plan t when a ≥ t;
   - "≥ a" (also "tối thiểu a") meets "> t" when a > t, and "≥ t", "tối thiểu t"
     or a higher-is-better plan t when a ≥ t.
   When such a condition fails the target is *not achieved*: the reported bound
   does not show that the target was reached. Any other combination is *not
   comparable*: a bound pointing the other way ("< 17" against "> 5"), a bound
   against "= t", "khoảng t" or a range, an actual written "khoảng a" or
   "giảm còn a" (an estimate or an aim, not a result), or an actual range.

4. The ratio ("Tỷ lệ"): actual ÷ target × 100 when higher is better, target ÷
   actual × 100 when lower is better, rounded half up to one decimal. Each side
   gives its number: a plain number, a bound's number, a fraction's percentage;
   a range target gives its lower end when higher is better and its upper end
   when lower is better. There is no ratio when the result is not comparable,
   when the divisor is 0, or when either number is negative (a ratio of
   negative numbers reads backwards).

The ratio is printed as computed. Seed 000's appendix prints ">100" for two
beaten bound targets ("< 14" against 13,04; "< 1" against 0,90) but "100" for
two others ("> 80" against 84; "> 90" against 95). The portal prints 107,4,
111,1, 105,0 and 105,6: the same rule for every row, a number that can be
checked, sorted and compared across units, and that shows by how much a target
was beaten. Whether the target was met is the status's job, not the ratio's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.numbers import Comparator, Reading, format_number

_C = Comparator
_UPPER_BOUNDS = frozenset({_C.LT, _C.LE})
_LOWER_BOUNDS = frozenset({_C.GT, _C.GE, _C.AT_LEAST})
_ABOUT_TOLERANCE = Decimal("0.05")
_ONE_DECIMAL = Decimal("0.1")


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    NOT_COMPARABLE = "not_comparable", _("Not comparable")


@dataclass(frozen=True)
class Achievement:
    status: Status
    ratio: Decimal | None  # the "Tỷ lệ" column, one decimal; None when it can't be computed

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def ratio_display(self):
        """The ratio as Vietnamese documents print it: "107,4"; empty when there is none."""
        return format_number(self.ratio, 1)


NOT_COMPARABLE = Achievement(Status.NOT_COMPARABLE, None)


def _finite(*numbers: Decimal | None) -> bool:
    return all(n is not None and n.is_finite() for n in numbers)


def _comparator(reading: Reading) -> Comparator | None:
    if reading.comparator is None:
        return None
    try:
        return Comparator(reading.comparator)
    except ValueError:
        return None


def _plan(target: Reading) -> Decimal | None:
    """The number of a target written without a comparator (a number or a fraction)."""
    if target.kind in ("number", "fraction"):
        return target.number
    return None


def _scalar_meets(a: Decimal, target: Reading, higher_is_better: bool) -> bool | None:
    """Whether the number a meets the target; None when the target can't be used."""
    if target.kind in ("number", "fraction"):
        t = target.number
        if not _finite(t):
            return None
        return a >= t if higher_is_better else a <= t
    if target.kind == "range":
        low, high = target.value, target.value2
        if not _finite(low, high):
            return None
        return low <= a <= high
    if target.kind != "bound" or not _finite(target.value):
        return None
    t = target.value
    match _comparator(target):
        case _C.LT:
            return a < t
        case _C.LE | _C.REDUCE_TO:
            return a <= t
        case _C.GT:
            return a > t
        case _C.GE | _C.AT_LEAST:
            return a >= t
        case _C.EQ:
            return a == t
        case _C.ABOUT:
            return abs(a - t) <= abs(t) * _ABOUT_TOLERANCE
    return None


def _bound_meets(
    comparator: Comparator, a: Decimal, target: Reading, higher_is_better: bool
) -> bool | None:
    """Whether an actual bound ("< a") meets the target; None when it can't tell."""
    if target.kind in ("number", "fraction"):
        t, wanted = _plan(target), None
    elif target.kind == "bound":
        t, wanted = target.value, _comparator(target)
    else:
        return None
    if not _finite(t):
        return None
    if comparator in _UPPER_BOUNDS:
        if wanted is None:
            return None if higher_is_better else a <= t
        if wanted == _C.LT:
            return a <= t if comparator == _C.LT else a < t
        if wanted in (_C.LE, _C.REDUCE_TO):
            return a <= t
        return None
    if comparator in _LOWER_BOUNDS:
        if wanted is None:
            return a >= t if higher_is_better else None
        if wanted == _C.GT:
            return a >= t if comparator == _C.GT else a > t
        if wanted in (_C.GE, _C.AT_LEAST):
            return a >= t
        return None
    return None


def _meets(actual: Reading, target: Reading, higher_is_better: bool) -> bool | None:
    comparator = _comparator(actual)
    if actual.kind in ("number", "fraction") or (actual.kind == "bound" and comparator == _C.EQ):
        a = actual.number
        return _scalar_meets(a, target, higher_is_better) if _finite(a) else None
    if actual.kind == "bound" and comparator is not None and _finite(actual.value):
        return _bound_meets(comparator, actual.value, target, higher_is_better)
    return None


def _target_number(target: Reading, higher_is_better: bool) -> Decimal | None:
    if target.kind == "range":
        return target.value if higher_is_better else target.value2
    return target.number


def _ratio(a: Decimal | None, t: Decimal | None, higher_is_better: bool) -> Decimal | None:
    if not _finite(a, t) or a < 0 or t < 0:
        return None
    numerator, denominator = (a, t) if higher_is_better else (t, a)
    if denominator == 0:
        return None
    try:
        with localcontext(prec=60):
            return (numerator * 100 / denominator).quantize(_ONE_DECIMAL, ROUND_HALF_UP)
    except InvalidOperation:
        return None


def evaluate(actual: Reading | None, target: Reading | None, higher_is_better: bool) -> Achievement:
    """Apply the achievement rule (module docstring) to an actual and its target."""
    if actual is None or target is None:
        return NOT_COMPARABLE
    if actual.unit and target.unit and actual.unit != target.unit:
        return NOT_COMPARABLE
    with localcontext(prec=60):
        met = _meets(actual, target, higher_is_better)
    if met is None:
        return NOT_COMPARABLE
    ratio = _ratio(actual.number, _target_number(target, higher_is_better), higher_is_better)
    return Achievement(Status.ACHIEVED if met else Status.NOT_ACHIEVED, ratio)
