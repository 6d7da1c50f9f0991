"""Money and percentage arithmetic: Decimal in 万元, printed in 亿元, rounded once by the city's rule."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

WAN_PER_YI = Decimal(10000)
HUNDRED = Decimal(100)

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "truncate": ROUND_DOWN}


def to_decimal(value) -> Decimal:
    """Convert user or spreadsheet input to Decimal without passing through binary floats' noise."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"不是数字: {value!r}") from exc


def quantize(value: Decimal | None, places: int, mode: str = "half_up") -> Decimal | None:
    """Round once, at presentation: 四舍五入 (half up, 0.125 → 0.13) unless the city truncates."""
    if value is None:
        return None
    exp = Decimal(1).scaleb(-places)
    return value.quantize(exp, rounding=ROUNDING_MODES[mode])


def wan_to_yi(value: Decimal | None) -> Decimal | None:
    """万元 → 亿元, exact (no rounding)."""
    return None if value is None else value / WAN_PER_YI


def yi_to_wan(value: Decimal) -> Decimal:
    return value * WAN_PER_YI


def ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    """A fraction, or None when the denominator is zero or missing (an absent figure, never 0%)."""
    if numerator is None or denominator is None:
        return None
    denominator = Decimal(denominator)
    if denominator == 0:
        return None
    return Decimal(numerator) / denominator


def growth(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """同比增长: (this − last) ÷ last, as a fraction; None without a base."""
    if current is None or previous is None:
        return None
    previous = Decimal(previous)
    if previous == 0:
        return None
    return (Decimal(current) - previous) / previous


def pct(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else fraction * HUNDRED


def number_for_json(value: Decimal | None):
    """A rounded Decimal as a JSON number (int when whole), None stays null."""
    if value is None:
        return None
    if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
        return int(value)
    return float(value)
