"""The one way a number is printed (tuijin.core.numbers *_text): hand-computed values for 亿元 and 万元 with
separators, the city's decimals and its rounding rule (half up and truncate), rates, 百分点, counts, plain
thresholds, and "—" for a missing figure."""

from decimal import Decimal

import pytest

from tuijin.core.numbers import (
    DEFAULT_STYLE,
    NumberStyle,
    count_text,
    plain_text,
    points_text,
    presented_rate_text,
    presented_yi_text,
    rate_text,
    wan_text,
    yi_text,
)

HALF_UP_2 = NumberStyle(amount_places=2, rate_places=2, rounding="half_up")
TRUNCATE_2 = NumberStyle(amount_places=2, rate_places=2, rounding="truncate")
D = Decimal


@pytest.mark.parametrize("wan, style, expected", [
    (D(12500), DEFAULT_STYLE, "1.3"),  # 1.25 亿, one place, half up
    (D(12500), NumberStyle(rounding="truncate"), "1.2"),
    (D(1250), HALF_UP_2, "0.13"),  # 0.125 → 0.13: half up, not half even
    (D(1250), TRUNCATE_2, "0.12"),
    (D(10946000), DEFAULT_STYLE, "1,094.6"),  # thousands separators
    (D("123456789.99"), HALF_UP_2, "12,345.68"),
    (D(700000), DEFAULT_STYLE, "70.0"),  # never "70" beside "25.3"
    (D(0), DEFAULT_STYLE, "0.0"),
    (D(-400), DEFAULT_STYLE, "0.0"),  # -0.04 亿 rounds to 0.0, not "-0.0"
    (D(-12500), DEFAULT_STYLE, "-1.3"),  # half up is away from zero
    (D(-12500), NumberStyle(rounding="truncate"), "-1.2"),  # truncate is towards zero
    (12500.0, DEFAULT_STYLE, "1.3"),  # a float goes through its repr, not its binary expansion
    ("12,500", DEFAULT_STYLE, "1.3"),
    (None, DEFAULT_STYLE, "—"),
    ("", DEFAULT_STYLE, "—"),
])
def test_yi_from_wan(wan, style, expected):
    assert yi_text(wan, style) == expected


def test_yi_places_override_the_style():
    assert yi_text(D(12345), DEFAULT_STYLE, places=3) == "1.235"  # 1.2345 → 1.235 (half up)
    assert yi_text(D(12345), NumberStyle(rounding="truncate"), places=3) == "1.234"


@pytest.mark.parametrize("wan, expected", [
    (D("146100.00"), "146,100"),  # the report form: separators, no ".00"
    (D(146100), "146,100"),
    (D("1200.5"), "1,200.50"),  # cents printed only when there are some, then both digits
    (D("0.01"), "0.01"),
    (D("1234567.891"), "1,234,567.89"),
    (D("-2500"), "-2,500"),
    (D(0), "0"),
    (None, "—"),
])
def test_wan(wan, expected):
    assert wan_text(wan) == expected


def test_wan_cents_follow_the_rounding_rule():
    assert wan_text(D("0.125"), HALF_UP_2) == "0.13"
    assert wan_text(D("0.125"), TRUNCATE_2) == "0.12"
    assert wan_text(D("99.999"), DEFAULT_STYLE) == "100"  # rounds up to a whole 万元


@pytest.mark.parametrize("fraction, style, expected", [
    (D("0.45125"), DEFAULT_STYLE, "45.1%"),
    (D("0.45125"), HALF_UP_2, "45.13%"),  # 45.125 → 45.13
    (D("0.45125"), TRUNCATE_2, "45.12%"),
    (D("0.46875"), HALF_UP_2, "46.88%"),  # 7500 / 16000
    (D(1), DEFAULT_STYLE, "100.0%"),
    (D(12), DEFAULT_STYLE, "1,200.0%"),
    (D(0), DEFAULT_STYLE, "0.0%"),
    (None, DEFAULT_STYLE, "—"),  # a rate over a zero plan does not exist: never 0%
])
def test_rate_from_a_fraction(fraction, style, expected):
    assert rate_text(fraction, style) == expected


@pytest.mark.parametrize("value, places, signed, expected", [
    (45.1, 1, False, "45.1%"),
    (100, 2, False, "100.00%"),
    (18.2, 1, True, "+18.2%"),
    (-5, 1, True, "-5.0%"),
    (0, 1, True, "0.0%"),
    (None, 1, True, "—"),
])
def test_presented_rates_keep_their_figure(value, places, signed, expected):
    assert presented_rate_text(value, places, signed=signed) == expected


@pytest.mark.parametrize("value, places, expected", [
    (31.9, 1, "31.9"), (32.0, 1, "32.0"), (31.9, 2, "31.90"), (1094.6, 1, "1,094.6"), (32.0, None, "32.0"),
    (None, 1, "—"),
])
def test_presented_yi(value, places, expected):
    assert presented_yi_text(value, places) == expected


@pytest.mark.parametrize("pp, style, signed, expected", [
    (D("3.45"), DEFAULT_STYLE, False, "3.5"),  # half up
    (D("3.45"), NumberStyle(rounding="truncate"), False, "3.4"),
    (D("3.45"), DEFAULT_STYLE, True, "+3.5"),
    (D("-2.14"), DEFAULT_STYLE, True, "-2.1"),
    (D("-0.04"), DEFAULT_STYLE, True, "0.0"),  # no "+0.0" nor "-0.0"
    (D("2.125"), HALF_UP_2, False, "2.13"),
    (None, DEFAULT_STYLE, False, "—"),
])
def test_points(pp, style, signed, expected):
    assert points_text(pp, style, signed=signed) == expected


@pytest.mark.parametrize("n, expected", [(0, "0"), (7, "7"), (1234, "1,234"), (1234567, "1,234,567"),
                                         (D(221), "221"), (None, "—")])
def test_counts(n, expected):
    assert count_text(n) == expected


@pytest.mark.parametrize("value, expected", [
    (D("1.00"), "1"),  # the lights rules page: 1 个月, not 1.00 个月
    (D("2.50"), "2.5"), (D("-0.25"), "-0.25"), (D("1000.00"), "1000"), (D("0.00"), "0"), (None, "—"),
])
def test_plain(value, expected):
    assert plain_text(value) == expected


def test_a_city_config_gives_its_style():
    from tuijin.orgs.models import Conventions

    style = NumberStyle.of(Conventions(amount_places=2, rate_places=2, rounding="truncate"))
    assert style == TRUNCATE_2
    assert NumberStyle.of(Conventions()) == DEFAULT_STYLE  # the model's defaults are the platform's
