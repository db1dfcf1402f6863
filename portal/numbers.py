"""How the portal writes a plain number: decimal comma, thousands dot.

Here, in the core app, so that portal's template filter `vn_number` and every
app above can use it; parsing and the other formats (targets, fractions,
ranges) are indicators/numbers.py's, which re-exports this function.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext


def format_number(value: Decimal | int | None, decimals: int | None = None) -> str:
    """Write a number the Vietnamese way: "10.775.000.000", "13,04", "-1,5"; None gives "".

    With `decimals`, round half up to that many places ("107,4"). Without, keep the
    places the Decimal has (Decimal("13.40") -> "13,40", Decimal("1E+3") -> "1.000"):
    never exponent notation, never a zero added, never "-0".
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"format_number() takes a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {number}")
    if decimals is not None:
        if decimals < 0:
            raise ValueError("decimals must be 0 or more")
        with localcontext(prec=max(28, number.adjusted() + decimals + 3)):
            number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number.is_signed() and number != 0 else ""
    integer, _dot, fraction = format(number.copy_abs(), "f").partition(".")
    groups = []
    while len(integer) > 3:
        groups.append(integer[-3:])
        integer = integer[:-3]
    groups.append(integer)
    grouped = ".".join(reversed(groups))
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
