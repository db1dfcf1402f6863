from decimal import Decimal

import pytest
from django.utils import translation

from indicators import achievement
from indicators.achievement import Achievement, Status, evaluate
from indicators.numbers import Reading, format_number, parse

HIGHER = True
LOWER = False


def check(target, actual, higher_is_better):
    return evaluate(parse(actual), parse(target), higher_is_better)


# Seed 000, appendix II: plan for 2020, result for 2020, and the ratio the portal prints.
SEED_000 = [
    ("Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng", LOWER, "< 14", "13,04", "107,4"),
    ("Giảm tử vong mẹ, giảm tử vong sơ sinh trên địa bàn", LOWER, "< 17", "< 17", "100,0"),
    ("Tỷ lệ tăng dân số tự nhiên", LOWER, "< 1", "0,90", "111,1"),
    ("Số người áp dụng các biện pháp tránh thai hiện đại", HIGHER, "> 80", "84", "105,0"),
    ("Số trạm Y tế đạt chuẩn Quốc gia", HIGHER, "100", "12/12", "100,0"),
    ("Tỷ lệ trẻ em được tiêm chủng miễn dịch", HIGHER, "> 90", "95", "105,6"),
    ("Số giường bệnh/vạn dân", HIGHER, "9,8", "9,8", "100,0"),
    ("Số bác sĩ/vạn dân", HIGHER, "3,67", "3,67", "100,0"),
    ("Tỷ lệ tham gia bảo hiểm y tế", HIGHER, "90", "90,08", "100,1"),
]


@pytest.mark.parametrize("indicator, higher_is_better, target, actual, ratio", SEED_000)
def test_seed_000_rows_are_all_achieved(indicator, higher_is_better, target, actual, ratio):
    result = check(target, actual, higher_is_better)
    assert result.status == Status.ACHIEVED, indicator
    assert format_number(result.ratio) == ratio


def test_the_ratio_has_one_decimal():
    assert check("< 14", "13,04", LOWER).ratio == Decimal("107.4")
    assert check("< 14", "13,04", LOWER).ratio.as_tuple().exponent == -1


@pytest.mark.parametrize(
    "target, actual, higher_is_better, status",
    [
        # plain plans follow the direction
        ("90", "89,99", HIGHER, Status.NOT_ACHIEVED),
        ("90", "90", HIGHER, Status.ACHIEVED),
        ("14", "14,01", LOWER, Status.NOT_ACHIEVED),
        ("14", "14", LOWER, Status.ACHIEVED),
        ("100", "11/12", HIGHER, Status.NOT_ACHIEVED),
        ("12/12", "12/12", HIGHER, Status.ACHIEVED),
        ("12/12", "95", HIGHER, Status.NOT_ACHIEVED),
        # comparators decide by themselves
        ("< 14", "14", LOWER, Status.NOT_ACHIEVED),
        ("< 14", "13,99", HIGHER, Status.ACHIEVED),
        ("dưới 14", "14", LOWER, Status.NOT_ACHIEVED),
        ("≤ 11,88", "11,88", LOWER, Status.ACHIEVED),
        ("≤ 11,88", "11,89", LOWER, Status.NOT_ACHIEVED),
        ("không quá 10", "10,5", LOWER, Status.NOT_ACHIEVED),
        ("giảm còn 35", "35", LOWER, Status.ACHIEVED),
        ("giảm còn 35", "36", LOWER, Status.NOT_ACHIEVED),
        ("> 80", "80", HIGHER, Status.NOT_ACHIEVED),
        ("trên 80", "80,5", HIGHER, Status.ACHIEVED),
        ("≥ 91", "91", HIGHER, Status.ACHIEVED),
        ("≥ 91", "90,9", HIGHER, Status.NOT_ACHIEVED),
        ("tối thiểu 66", "65", HIGHER, Status.NOT_ACHIEVED),
        ("ít nhất 66", "66", HIGHER, Status.ACHIEVED),
        ("= 100", "100", HIGHER, Status.ACHIEVED),
        ("= 100", "101", HIGHER, Status.NOT_ACHIEVED),
        ("= 100", "99", HIGHER, Status.NOT_ACHIEVED),
        # about: within 5% either way
        ("khoảng 74", "77,7", HIGHER, Status.ACHIEVED),
        ("khoảng 74", "70,3", HIGHER, Status.ACHIEVED),
        ("khoảng 74", "77,71", HIGHER, Status.NOT_ACHIEVED),
        ("khoảng 74", "70,29", LOWER, Status.NOT_ACHIEVED),
        ("khoảng 0", "0", HIGHER, Status.ACHIEVED),
        ("khoảng 0", "0,01", HIGHER, Status.NOT_ACHIEVED),
        ("khoảng -20", "-21", HIGHER, Status.ACHIEVED),
        # ranges include both ends
        ("80 - 90", "80", HIGHER, Status.ACHIEVED),
        ("80 - 90", "90", HIGHER, Status.ACHIEVED),
        ("80 - 90", "79,99", HIGHER, Status.NOT_ACHIEVED),
        ("từ 80 đến 90", "90,01", LOWER, Status.NOT_ACHIEVED),
        ("80 - 90", "17/20", HIGHER, Status.ACHIEVED),
    ],
)
def test_targets(target, actual, higher_is_better, status):
    assert check(target, actual, higher_is_better).status == status


def test_not_achieved_still_has_a_ratio():
    assert check("90", "45", HIGHER) == Achievement(Status.NOT_ACHIEVED, Decimal("50.0"))
    assert check("< 14", "28", LOWER) == Achievement(Status.NOT_ACHIEVED, Decimal("50.0"))


@pytest.mark.parametrize(
    "target, actual, higher_is_better, ratio",
    [
        ("80 - 90", "90", HIGHER, Decimal("112.5")),
        ("80 - 90", "90", LOWER, Decimal("100.0")),
        ("khoảng 74", "74", LOWER, Decimal("100.0")),
        ("120/135", "60/135", HIGHER, Decimal("50.0")),
        ("2", "3", HIGHER, Decimal("150.0")),
        ("0,3", "0,2", HIGHER, Decimal("66.7")),
        ("0,6", "0,9", LOWER, Decimal("66.7")),
    ],
)
def test_ratios(target, actual, higher_is_better, ratio):
    assert check(target, actual, higher_is_better).ratio == ratio


@pytest.mark.parametrize(
    "target, actual",
    [
        ("> 97", "> 97% dân số đã được lập hồ sơ sức khỏe điện tử nhưng chưa thực hiện quản lý"),
        ("95", "95% với 12 loại vắc xin"),
        ("không có", "95"),
        ("", "95"),
        ("95", ""),
        ("", ""),
    ],
)
def test_text_or_empty_is_not_comparable(target, actual):
    for higher_is_better in (HIGHER, LOWER):
        assert check(target, actual, higher_is_better) == Achievement(Status.NOT_COMPARABLE, None)


def test_missing_is_not_comparable():
    assert evaluate(None, parse("5"), HIGHER) == Achievement(Status.NOT_COMPARABLE, None)
    assert evaluate(parse("5"), None, HIGHER) == Achievement(Status.NOT_COMPARABLE, None)


def test_different_units_are_not_comparable():
    assert check("90%", "900‰", HIGHER).status == Status.NOT_COMPARABLE
    assert check("90%", "95", HIGHER).status == Status.ACHIEVED


@pytest.mark.parametrize(
    "target, actual, higher_is_better, status",
    [
        # "<" and "≤" actuals against "<", "≤", "giảm còn" and lower-is-better plans
        ("< 17", "< 17", LOWER, Status.ACHIEVED),
        ("< 17", "< 16", LOWER, Status.ACHIEVED),
        ("< 17", "< 18", LOWER, Status.NOT_ACHIEVED),
        ("≤ 17", "< 17", LOWER, Status.ACHIEVED),
        ("≤ 17", "≤ 17", LOWER, Status.ACHIEVED),
        ("≤ 17", "≤ 17,5", LOWER, Status.NOT_ACHIEVED),
        ("< 17", "≤ 17", LOWER, Status.NOT_ACHIEVED),
        ("< 17", "≤ 16,9", LOWER, Status.ACHIEVED),
        ("giảm còn 35", "< 35", LOWER, Status.ACHIEVED),
        ("giảm còn 35", "dưới 36", LOWER, Status.NOT_ACHIEVED),
        ("17", "< 17", LOWER, Status.ACHIEVED),
        ("17", "≤ 17", LOWER, Status.ACHIEVED),
        ("17", "< 18", LOWER, Status.NOT_ACHIEVED),
        # ">" and "≥" actuals against ">", "≥", "tối thiểu" and higher-is-better plans
        ("> 90", "> 90", HIGHER, Status.ACHIEVED),
        ("> 90", "> 89", HIGHER, Status.NOT_ACHIEVED),
        ("> 90", "≥ 90", HIGHER, Status.NOT_ACHIEVED),
        ("> 90", "≥ 90,1", HIGHER, Status.ACHIEVED),
        ("≥ 90", "> 90", HIGHER, Status.ACHIEVED),
        ("tối thiểu 66", "≥ 66", HIGHER, Status.ACHIEVED),
        ("tối thiểu 66", "tối thiểu 65", HIGHER, Status.NOT_ACHIEVED),
        ("90", "> 90", HIGHER, Status.ACHIEVED),
        ("90", "trên 89", HIGHER, Status.NOT_ACHIEVED),
        # "= a" is the number a
        ("> 90", "= 95", HIGHER, Status.ACHIEVED),
        # anything else can't be told
        ("> 5", "< 17", HIGHER, Status.NOT_COMPARABLE),
        ("< 17", "> 5", LOWER, Status.NOT_COMPARABLE),
        ("< 17", "> 20", LOWER, Status.NOT_COMPARABLE),
        ("17", "< 17", HIGHER, Status.NOT_COMPARABLE),
        ("90", "> 90", LOWER, Status.NOT_COMPARABLE),
        ("= 17", "< 17", LOWER, Status.NOT_COMPARABLE),
        ("khoảng 17", "< 17", LOWER, Status.NOT_COMPARABLE),
        ("10 - 20", "< 17", LOWER, Status.NOT_COMPARABLE),
        ("< 17", "khoảng 15", LOWER, Status.NOT_COMPARABLE),
        ("< 17", "giảm còn 15", LOWER, Status.NOT_COMPARABLE),
        ("< 17", "10 - 15", LOWER, Status.NOT_COMPARABLE),
    ],
)
def test_bound_actuals(target, actual, higher_is_better, status):
    result = check(target, actual, higher_is_better)
    assert result.status == status
    assert (result.ratio is None) == (status == Status.NOT_COMPARABLE)


@pytest.mark.parametrize(
    "target, actual, higher_is_better, status",
    [
        ("0", "0", HIGHER, Status.ACHIEVED),  # 0 / 0
        ("0", "5", HIGHER, Status.ACHIEVED),  # 5 / 0
        ("< 1", "0", LOWER, Status.ACHIEVED),  # 1 / 0
        ("0/5", "0/5", LOWER, Status.ACHIEVED),
        ("≤ 0", "0", LOWER, Status.ACHIEVED),
        ("≤ 0", "< 0", LOWER, Status.ACHIEVED),
        ("-2", "-3", HIGHER, Status.NOT_ACHIEVED),  # negative numbers: no ratio
        ("< 2", "-3", LOWER, Status.ACHIEVED),
    ],
)
def test_no_ratio_without_a_usable_divisor(target, actual, higher_is_better, status):
    assert check(target, actual, higher_is_better) == Achievement(status, None)


def test_a_fraction_with_zero_denominator_built_by_hand_is_not_comparable():
    broken = Reading("fraction", Decimal(1), Decimal(0))
    assert evaluate(broken, parse("100"), HIGHER).status == Status.NOT_COMPARABLE


def test_comparators_stored_as_plain_strings_work():
    target = Reading("bound", Decimal("14"), comparator="lt")
    actual = Reading("bound", Decimal("13"), comparator="lt")
    assert evaluate(actual, target, LOWER) == Achievement(Status.ACHIEVED, Decimal("107.7"))


def test_the_rule_is_written_in_the_module_docstring():
    doc = achievement.__doc__
    for words in ["higher is better", "khoảng t", "5%", "not comparable", ">100", "12/12"]:
        assert words in doc
    with translation.override("vi"):
        assert str(Status.ACHIEVED.label) == "Đạt"
    with translation.override("en"):
        assert str(Status.ACHIEVED.label) == "Achieved"
