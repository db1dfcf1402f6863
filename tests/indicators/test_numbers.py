import re
import unicodedata
from decimal import Decimal

import pytest
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from indicators.numbers import (
    COMPARATOR_SYMBOLS,
    Comparator,
    ParseError,
    Reading,
    format_number,
    format_reading,
    parse,
    parse_decimal,
)

VIETNAMESE_DIACRITICS = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")


def is_vietnamese(message):
    return bool(message) and bool(set(message.lower()) & VIETNAMESE_DIACRITICS)


# The messages are English source strings; Vietnamese, the default language, comes from
# locale/vi/LC_MESSAGES/django.po. The tests that expect Vietnamese therefore need the
# catalogue compiled (manage.py compilemessages): they fail until it is, on purpose.


D = Decimal

# ------------------------------------------------------------------------ forms


@pytest.mark.parametrize(
    "typed, value, unit",
    [
        ("13,04", D("13.04"), ""),
        ("10.775.000.000", D("10775000000"), ""),
        ("1.500,25", D("1500.25"), ""),
        ("1.500", D("1500"), ""),
        ("1,500", D("1.5"), ""),
        ("-1,5", D("-1.5"), ""),
        ("\u22121,5", D("-1.5"), ""),
        ("+7", D("7"), ""),
        ("0", D("0"), ""),
        ("-0", D("0"), ""),
        ("0,90", D("0.9"), ""),
        ("90,08%", D("90.08"), "%"),
        ("90,08 %", D("90.08"), "%"),
        ("12,5‰", D("12.5"), "‰"),
        ("12,5 %o", D("12.5"), "‰"),
        ("12,5%00", D("12.5"), "‰"),
        ("12,5%0", D("12.5"), "‰"),
        ("999.999.999.999.999,999999", D("999999999999999.999999"), ""),
    ],
)
def test_it_reads_numbers(typed, value, unit):
    reading = parse(typed)
    assert reading.kind == "number"
    assert reading.value == value
    assert reading.number == value
    assert reading.unit == unit
    assert reading.comparator is None
    assert reading.text == typed


@pytest.mark.parametrize(
    "typed, comparator, value, unit",
    [
        ("< 14", Comparator.LT, D("14"), ""),
        ("<14", Comparator.LT, D("14"), ""),
        ("≥ 91", Comparator.GE, D("91"), ""),
        ("≥91", Comparator.GE, D("91"), ""),
        (">= 91", Comparator.GE, D("91"), ""),
        ("<=5", Comparator.LE, D("5"), ""),
        ("≤ 11,88", Comparator.LE, D("11.88"), ""),
        ("> 80", Comparator.GT, D("80"), ""),
        ("> 97%", Comparator.GT, D("97"), "%"),
        ("= 100", Comparator.EQ, D("100"), ""),
        ("< 17 ‰", Comparator.LT, D("17"), "‰"),
        ("khoảng 74", Comparator.ABOUT, D("74"), ""),
        ("Khoảng 74", Comparator.ABOUT, D("74"), ""),
        ("KHOẢNG 74", Comparator.ABOUT, D("74"), ""),
        ("khoảng74", Comparator.ABOUT, D("74"), ""),
        ("tối thiểu 66", Comparator.AT_LEAST, D("66"), ""),
        ("ít nhất 66%", Comparator.AT_LEAST, D("66"), "%"),
        ("giảm còn 35", Comparator.REDUCE_TO, D("35"), ""),
        ("dưới 5", Comparator.LT, D("5"), ""),
        ("trên 90", Comparator.GT, D("90"), ""),
        ("không quá 10", Comparator.LE, D("10"), ""),
        ("< -1,5", Comparator.LT, D("-1.5"), ""),
    ],
)
def test_it_reads_bounds(typed, comparator, value, unit):
    reading = parse(typed)
    assert reading.kind == "bound"
    assert reading.comparator == comparator
    assert reading.value == value
    assert reading.number == value
    assert reading.unit == unit
    assert reading.text == typed


@pytest.mark.parametrize(
    "typed, numerator, denominator, percent",
    [
        ("12/12", 12, 12, D("100")),
        ("120/135", 120, 135, D("120") * 100 / D("135")),
        ("12 / 12", 12, 12, D("100")),
        ("0/5", 0, 5, D("0")),
        ("14/12", 14, 12, D("1400") / D("12")),
        ("1.200/1.350", 1200, 1350, D("120000") / D("1350")),
    ],
)
def test_it_reads_fractions(typed, numerator, denominator, percent):
    reading = parse(typed)
    assert reading.kind == "fraction"
    assert (reading.value, reading.value2) == (numerator, denominator)
    assert reading.number == percent


def test_a_fraction_with_a_zero_denominator_built_by_hand_has_no_number():
    assert Reading("fraction", D(1), D(0)).number is None


@pytest.mark.parametrize(
    "typed, low, high, unit",
    [
        ("80 - 90", D("80"), D("90"), ""),
        ("80–90", D("80"), D("90"), ""),
        ("80 — 90", D("80"), D("90"), ""),
        ("80-90", D("80"), D("90"), ""),
        ("từ 80 đến 90", D("80"), D("90"), ""),
        ("Từ 80% đến 90%", D("80"), D("90"), "%"),
        ("80 - 90%", D("80"), D("90"), "%"),
        ("1,5 - 2,5", D("1.5"), D("2.5"), ""),
        ("-5 - -3", D("-5"), D("-3"), ""),
        ("7 - 7", D("7"), D("7"), ""),
    ],
)
def test_it_reads_ranges(typed, low, high, unit):
    reading = parse(typed)
    assert reading.kind == "range"
    assert reading.comparator == Comparator.RANGE
    assert (reading.value, reading.value2) == (low, high)
    assert reading.unit == unit
    assert reading.number is None


def test_a_minus_sign_alone_makes_a_negative_number_not_a_range():
    assert parse("-5") == Reading("number", D("-5"), text="-5")


@pytest.mark.parametrize(
    "typed",
    [
        "> 97% dân số đã được lập hồ sơ sức khỏe điện tử nhưng chưa thực hiện quản lý",
        "95% với 12 loại vắc xin",
        "không có",
        "Đạt",
        "10.775.000.000 đồng",
        "< 14 (ước tính)",
        "x",
        "khoảng 1.5",
    ],
)
def test_it_keeps_phrases_as_text(typed):
    assert parse(typed) == Reading("text", None, text=typed)


@pytest.mark.parametrize("typed", ["95% với 12 loại vắc xin", "không có", "khoảng 1.5", "x" * 2001])
def test_it_refuses_text_when_the_cell_takes_numbers_only(typed):
    with pytest.raises(ParseError) as caught:
        parse(typed, allow_text=False)
    assert is_vietnamese(caught.value.message)
    assert caught.value.message.startswith(("Ô này", "Nội dung", "Không đọc được"))


def test_the_refusal_says_the_cell_takes_numbers():
    with pytest.raises(ParseError, match="Ô này chỉ nhận số"):
        parse("không có", allow_text=False)


def test_a_long_input_is_text_when_text_is_allowed():
    long = "ghi chú " * 300
    assert parse(long).kind == "text"
    assert parse(long).text == long.strip()


@pytest.mark.parametrize("typed", ["", "   ", "\u00a0", "\u2009\t\n", "\ufeff"])
def test_blank_is_empty(typed):
    assert parse(typed) == Reading("empty", None)
    assert parse(typed, allow_text=False).kind == "empty"


def test_it_strips_and_accepts_odd_spaces():
    assert parse("\u00a013,04\u2009").value == D("13.04")
    assert parse("\u00a013,04\u2009").text == "13,04"
    assert parse("<\u00a014").comparator == Comparator.LT
    assert parse("tối\u202fthiểu  66").comparator == Comparator.AT_LEAST
    assert parse("80\u2009–\u200990").kind == "range"


def test_nfd_input_gives_nfc_text():
    phrase = "95% với 12 loại vắc xin"
    typed = unicodedata.normalize("NFD", phrase)
    assert typed != phrase
    assert parse(typed).text == phrase
    bound = parse(unicodedata.normalize("NFD", "khoảng 74"))
    assert bound.comparator == Comparator.ABOUT
    assert bound.text == "khoảng 74"


def test_parse_decimal_reads_plain_numbers_only():
    assert parse_decimal("13,04") == D("13.04")
    assert parse_decimal("-1,5") == D("-1.5")
    assert parse_decimal("10.775.000.000") == D("10775000000")
    assert parse_decimal("90,08%") == D("90.08")
    for typed in ["", "< 14", "12/12", "80 - 90", "không có", "1.2.3"]:
        with pytest.raises(ParseError) as caught:
            parse_decimal(typed)
        assert is_vietnamese(caught.value.message)


def test_parse_error_is_a_value_error_with_the_message_as_its_text():
    with pytest.raises(ValueError) as caught:
        parse("1.2.3")
    assert caught.value.message == (
        'Không đọc được "1.2.3" thành số. Dùng dấu phẩy cho phần thập phân, ví dụ 13,04; '
        "dấu chấm chỉ để tách từng nhóm ba chữ số hàng nghìn, ví dụ 10.775.000.000."
    )
    assert str(caught.value) == caught.value.message


# -------------------------------------------------------------------- malformed

MALFORMED = [
    "1.2.3",
    "1.5",
    "12.34",
    "0.500",
    "1234.567",
    "1.500.00",
    "1.5000",
    "1..000",
    "12,",
    "12.",
    "1.000,",
    ",5",
    ".5",
    "--5",
    "+-5",
    "++5",
    "12,,5",
    "1,2,3",
    "1,5.3",
    "1e5",
    "1E+5",
    "2,5e-3",
    "NaN",
    "-Infinity",
    "inf",
    "12/",
    "/12",
    "12/0",
    "-1/2",
    "1,5/2",
    "12/12/2020",
    "<",
    "≤",
    ">=",
    "< -",
    "<<5",
    "5 - 3",
    "90–80",
    "50% - 60‰",
    "12 345",
    "1234567890123456",
    "1.234.567.890.123.456",
    "1,1234567",
    "%",
    "‰",
    "-",
    ".",
    "/",
    "12\x00",
    "\x07",
    "13,04\x1b",
    "\u202e12",
]


@pytest.mark.parametrize("allow_text", [True, False])
@pytest.mark.parametrize("typed", MALFORMED)
def test_malformed_input_gives_a_vietnamese_parse_error(typed, allow_text):
    with pytest.raises(ParseError) as caught:
        parse(typed, allow_text=allow_text)
    assert is_vietnamese(caught.value.message), caught.value.message


@pytest.mark.parametrize(
    "typed, words",
    [
        ("1.5", "dấu phẩy cho phần thập phân"),
        ("12.34", "dấu phẩy cho phần thập phân"),
        ("1234567890123456", "quá dài"),
        ("1,1234567", "quá dài"),
        ("12/0", "mẫu số bằng 0"),
        ("5 - 3", "nhỏ hơn hoặc bằng"),
        ("1e5", "lũy thừa"),
        ("12 345", "khoảng trắng"),
        ("--5", "một dấu trừ"),
        ("<", "cần một số"),
        ("\x00", "ký tự điều khiển"),
    ],
)
def test_errors_say_what_is_wrong(typed, words):
    with pytest.raises(ParseError, match=words):
        parse(typed)


ENGLISH_TOPIC = re.compile(r"\b(?:numbers?|digits?|decimals|fraction|range|characters)\b")


@pytest.mark.parametrize("allow_text", [True, False])
@pytest.mark.parametrize("typed", MALFORMED)
def test_malformed_input_gives_an_english_parse_error_when_english_is_active(typed, allow_text):
    with override("en"), pytest.raises(ParseError) as caught:
        parse(typed, allow_text=allow_text)
    message = caught.value.message
    assert not is_vietnamese(message), message
    assert all(ch.isascii() for ch in message if ch.isalpha()), message
    assert ENGLISH_TOPIC.search(message), message


def test_an_english_message_fills_in_what_was_typed():
    with override("en"), pytest.raises(ParseError) as caught:
        parse("1.2.3")
    assert caught.value.message == (
        'Cannot read "1.2.3" as a number. Use a comma for decimals, e.g. 13,04; '
        "a dot only separates each group of three digits in the thousands, e.g. 10.775.000.000."
    )


def test_fifteen_integer_digits_and_six_decimals_are_allowed():
    assert parse_decimal("123456789012345,123456") == D("123456789012345.123456")


# ------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    "value, decimals, shown",
    [
        (D("10775000000"), None, "10.775.000.000"),
        (10775000000, None, "10.775.000.000"),
        (D("13.04"), None, "13,04"),
        (D("-1.5"), None, "-1,5"),
        (0, None, "0"),
        (D("-0"), None, "0"),
        (D("13.40"), None, "13,40"),
        (D("1E+3"), None, "1.000"),
        (D("1.5E-7"), None, "0,00000015"),
        (D("999"), None, "999"),
        (D("-1234"), None, "-1.234"),
        (D("107.36"), 1, "107,4"),
        (D("107.35"), 1, "107,4"),
        (D("107.25"), 1, "107,3"),
        (D("-0.04"), 1, "0,0"),
        (D("100"), 1, "100,0"),
        (D("2.5"), 0, "3"),
        (D("1234567.891"), 2, "1.234.567,89"),
        (None, None, ""),
        (None, 1, ""),
    ],
)
def test_format_number(value, decimals, shown):
    assert format_number(value, decimals) == shown


def test_format_number_refuses_floats():
    with pytest.raises(TypeError):
        format_number(1.5)


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("<14", "< 14"),
        (">=91", "≥ 91"),
        ("khoảng 74", "khoảng 74"),
        ("tối thiểu 66", "tối thiểu 66"),
        ("ít nhất 66", "tối thiểu 66"),
        ("giảm còn 35", "giảm còn 35"),
        ("= 5", "= 5"),
        ("12/12", "12/12"),
        ("1200/1350", "1.200/1.350"),
        ("80–90", "80 - 90"),
        ("từ 80% đến 90%", "80 - 90%"),
        ("13,04", "13,04"),
        ("90,08 %", "90,08%"),
        ("12,5 %o", "12,5‰"),
        ("95% với 12 loại vắc xin", "95% với 12 loại vắc xin"),
        ("", ""),
    ],
)
def test_format_reading(typed, shown):
    assert format_reading(parse(typed)) == shown


def test_format_reading_rounds_when_asked():
    assert format_reading(parse("< 13,04"), decimals=1) == "< 13,0"
    assert format_reading(parse("80,25 - 90,75"), decimals=1) == "80,3 - 90,8"
    assert format_reading(parse("12/12"), decimals=1) == "12/12"


def test_every_comparator_has_a_symbol():
    assert set(COMPARATOR_SYMBOLS) == set(Comparator)
    with override("en"):
        assert str(Comparator.AT_LEAST.label) == "At least"


# ------------------------------------------------------------------- properties

decimals = st.integers(min_value=0, max_value=4).flatmap(
    lambda places: st.integers(
        min_value=-(10 ** (12 + places)) + 1, max_value=10 ** (12 + places) - 1
    ).map(lambda n: D(n).scaleb(-places))
)
units = st.sampled_from(["", "%", "‰"])


@given(decimals)
def test_format_then_parse_gives_the_number_back(value):
    assert parse_decimal(format_number(value)) == value


@given(
    st.sampled_from([c for c in Comparator if c != Comparator.RANGE]),
    decimals,
    units,
)
def test_bounds_survive_format_then_parse(comparator, value, unit):
    reading = Reading("bound", value, comparator=comparator, unit=unit)
    shown = format_reading(reading)
    assert parse(shown) == Reading("bound", value, comparator=comparator, unit=unit, text=shown)


@given(st.integers(0, 10**12), st.integers(1, 10**12))
def test_fractions_survive_format_then_parse(numerator, denominator):
    reading = Reading("fraction", D(numerator), D(denominator))
    shown = format_reading(reading)
    assert parse(shown) == Reading("fraction", D(numerator), D(denominator), text=shown)


@given(decimals, decimals, units)
def test_ranges_survive_format_then_parse(a, b, unit):
    low, high = min(a, b), max(a, b)
    reading = Reading("range", low, high, comparator=Comparator.RANGE, unit=unit)
    shown = format_reading(reading)
    assert parse(shown) == Reading(
        "range", low, high, comparator=Comparator.RANGE, unit=unit, text=shown
    )


def _parse_or_parse_error(text, allow_text):
    try:
        reading = parse(text, allow_text=allow_text)
    except ParseError as error:
        assert error.message
        return
    assert isinstance(reading, Reading)
    assert reading.text == unicodedata.normalize("NFC", reading.text)
    if not allow_text:
        assert reading.kind != "text"


@given(st.text(), st.booleans())
def test_parse_raises_only_parse_error(text, allow_text):
    _parse_or_parse_error(text, allow_text)


@given(st.text(alphabet="0123456789.,-–+<>=≤≥%‰o/ eđếnkhoảngtừ\u00a0", max_size=30), st.booleans())
def test_parse_raises_only_parse_error_on_number_like_text(text, allow_text):
    _parse_or_parse_error(text, allow_text)
