"""Money and percentage arithmetic: Decimal only, half-up (四舍五入) or truncation, rounded once at print,
and a variance in points taken from unrounded rates unless a city prints it from the printed ones."""

from decimal import Decimal

import pytest

from tuijin.core.numbers import (
    growth,
    number_for_json,
    pct,
    quantize,
    ratio,
    to_decimal,
    wan_to_yi,
    yi_to_wan,
)
from tuijin.indicators.present import Presenter
from tuijin.orgs.models import Conventions

D = Decimal


# ---------------------------------------------------------------- half up, not Python's half-to-even


@pytest.mark.parametrize("value, places, expected", [
    ("0.125", 2, "0.13"),   # round() would give 0.12 (half to even)
    ("45.15", 1, "45.2"),   # round(45.15, 1) gives 45.1 (binary float 45.1499…)
    ("2.5", 0, "3"),        # round(2.5) gives 2
    ("3.5", 0, "4"),
    ("0.145", 2, "0.15"),
    ("41.666666", 2, "41.67"),
    ("3.44999", 1, "3.4"),  # below the half: down
    ("-3.45", 1, "-3.5"),   # 欠序时 rounds the same way as 超序时 (away from zero at the half)
    ("100", 1, "100.0"),
])
def test_half_up(value, places, expected):
    assert quantize(D(value), places) == D(expected)
    assert str(quantize(D(value), places)) == expected


def test_python_round_would_be_wrong_here():
    # The reason quantize exists: the built-in rounds half to even and floats drift.
    assert round(0.125, 2) == 0.12
    assert round(2.5) == 2
    assert quantize(D("0.125"), 2) == D("0.13")
    assert quantize(D("2.5"), 0) == D("3")


@pytest.mark.parametrize("value, places, expected", [
    ("45.19", 1, "45.1"),
    ("0.129", 2, "0.12"),
    ("2.9", 0, "2"),
    ("41.666", 2, "41.66"),
    ("-3.47", 1, "-3.4"),   # truncation is toward zero
])
def test_truncation_mode(value, places, expected):
    assert quantize(D(value), places, "truncate") == D(expected)


def test_quantize_keeps_none():
    assert quantize(None, 1) is None


# ---------------------------------------------------------------- Decimal only


def test_to_decimal_has_no_float_drift():
    # 0.1 + 0.2 in binary floats is 0.30000000000000004; through to_decimal it is exactly 0.3.
    assert to_decimal(0.1) + to_decimal(0.2) == D("0.3")
    assert to_decimal(45.15) == D("45.15")
    assert to_decimal("1,234.50") == D("1234.50")
    assert to_decimal(" 12 ") == D("12")
    assert isinstance(to_decimal(3), Decimal)


def test_to_decimal_refuses_words_naming_the_value():
    with pytest.raises(ValueError, match="abc"):
        to_decimal("abc")


def test_wan_and_yi_are_exact():
    # 319000 万元 = 31.9 亿元; 9999.99 万元 = 0.999999 亿元 (no rounding until print)
    assert wan_to_yi(D(319000)) == D("31.9")
    assert wan_to_yi(D("9999.99")) == D("0.999999")
    assert yi_to_wan(D("1")) == D(10000)
    assert wan_to_yi(None) is None


def test_ratio_and_growth_without_a_base_are_none_never_zero():
    assert ratio(5, 0) is None
    assert ratio(5, None) is None
    assert ratio(0, 5) == 0
    assert growth(5, 0) is None
    assert growth(None, 4) is None
    # (6 − 4) ÷ 4 = 0.5
    assert growth(6, 4) == D("0.5")
    assert pct(None) is None
    assert pct(D("0.451")) == D("45.100")


def test_number_for_json():
    assert number_for_json(None) is None
    assert number_for_json(D("3")) == 3 and isinstance(number_for_json(D("3")), int)
    assert number_for_json(D("45.1")) == 45.1


# ---------------------------------------------------------------- the city's presentation rules


def presenter(**kw) -> Presenter:
    return Presenter(Conventions(**kw))


# DOMAIN.md's worked example: 1-5月 completed 31.9 亿元 of an annual plan of 70.7 亿元.
RATE = D(319000) / D(707000)       # 0.45120226…
SHARE = D(5) / D(12)               # 0.41666666…


def test_worked_example_variance_from_unrounded_rates():
    p = presenter()
    # 319000 ÷ 707000 = 0.4512022… → 45.1%
    assert p.pct(RATE) == D("45.1")
    # 5 ÷ 12 = 0.416666… → 41.7% with one decimal
    assert p.pct(SHARE) == D("41.7")
    # (0.4512022 − 0.4166667) × 100 = 3.4535… → 3.5, not 45.1 − 41.7 = 3.4
    assert p.pp(RATE, SHARE) == D("3.5")


def test_worked_example_variance_from_printed_rates():
    p = presenter(variance_basis=Conventions.VarianceBasis.PRINTED)
    # 45.1 − 41.7 = 3.4
    assert p.pp(RATE, SHARE) == D("3.4")


def test_two_decimal_city():
    p = presenter(rate_places=2)
    # 45.120226… → 45.12; 41.666… → 41.67; 3.45355… → 3.45
    assert p.pct(RATE) == D("45.12")
    assert p.pct(SHARE) == D("41.67")
    assert p.pp(RATE, SHARE) == D("3.45")
    # printed basis with two decimals: 45.12 − 41.67 = 3.45 (the same here)
    assert presenter(rate_places=2, variance_basis="printed").pp(RATE, SHARE) == D("3.45")


def test_truncating_city():
    p = presenter(rounding=Conventions.Rounding.TRUNCATE)
    # 45.1202 → 45.1; 41.666 → 41.6; 3.4535 → 3.4
    assert p.pct(RATE) == D("45.1")
    assert p.pct(SHARE) == D("41.6")
    assert p.pp(RATE, SHARE) == D("3.4")
    # 31.96 亿 truncates to 31.9, half up gives 32.0
    assert p.yi(D(319600)) == D("31.9")
    assert presenter().yi(D(319600)) == D("32.0")


def test_half_up_on_amounts_in_yi():
    p = presenter()
    # 10945 万元 = 1.0945 亿 → 1.1; 1094550 万元 = 109.455 亿 → 109.5 (one place)
    assert p.yi(D(10945)) == D("1.1")
    assert p.yi(D(1094550)) == D("109.5")
    assert presenter(amount_places=2).yi(D(1094550)) == D("109.46")  # 109.455 → 109.46, half up


def test_variance_is_none_without_a_rate():
    assert presenter().pp(None, SHARE) is None
    assert presenter().pct(None) is None
