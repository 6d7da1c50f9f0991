"""Money and percentage arithmetic: Decimal in 万元, printed in 亿元, rounded once by the city's rule; and the one
way every page, export and chart label prints a number (the *_text functions at the end).

Printing rules (one for the whole platform):
  亿元   the city's decimals (Conventions.amount_places), its rounding rule, thousands separators: 1,094.6
  万元   thousands separators; two decimals only when the amount has cents: 146,100 / 1,200.50
  %      the city's rate decimals and rule: 45.1%; 同比 with its sign: +18.2%
  百分点 the city's rate decimals: 3.5
  counts thousands separators: 1,234
  plain  a threshold, weight or month count as entered, without trailing zeros: 1 (not 1.00), 2.5
  missing figures (None, a rate over a zero base) print as "—", never 0.
The engine's presented figures (present.Presenter) are already rounded: presented_yi_text / presented_rate_text
only fix their decimals. The bulletin's sentences keep their own formatting (bulletins.generator)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import overload

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


@overload
def quantize(value: Decimal, places: int, mode: str = "half_up") -> Decimal: ...
@overload
def quantize(value: None, places: int, mode: str = "half_up") -> None: ...
@overload
def quantize(value: Decimal | None, places: int, mode: str = "half_up") -> Decimal | None: ...


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
    exponent = value.as_tuple().exponent
    if value == value.to_integral_value() and isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


# ---------------------------------------------------------------- printing

DASH = "—"


@dataclass(frozen=True)
class NumberStyle:
    """How a city prints figures: decimals of 亿元 and of rates, and its rounding rule (四舍五入 or 截尾)."""

    amount_places: int = 1
    rate_places: int = 1
    rounding: str = "half_up"

    @classmethod
    def of(cls, config) -> NumberStyle:
        """The style of a unit's conventions for a year (orgs.selectors.conventions_for)."""
        return cls(config.amount_places, config.rate_places, config.rounding)


DEFAULT_STYLE = NumberStyle()


def as_decimal(value) -> Decimal | None:
    """A figure as Decimal, or None when it is missing or not a number (None, "", "—")."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        d = to_decimal(value)
    except ValueError:
        return None
    return d if d.is_finite() else None


def _rounded(value: Decimal, places: int, mode: str) -> Decimal:
    d = quantize(value, places, mode)
    return d.copy_abs() if d == 0 else d  # -0.04 → "0.0", not "-0.0"


def _grouped(value: Decimal, places: int) -> str:
    """Thousands separators and exactly `places` decimals (the value is already rounded: no second rounding)."""
    return f"{value:,.{places}f}"


def yi_text(wan, style: NumberStyle = DEFAULT_STYLE, places: int | None = None) -> str:
    """A 万元 amount (a record's field, a sum) in 亿元, rounded once by the city's rule: 12500 → 1.3 (1 place)."""
    d = as_decimal(wan)
    if d is None:
        return DASH
    places = style.amount_places if places is None else int(places)
    return _grouped(_rounded(d / WAN_PER_YI, places, style.rounding), places)


def presented_yi_text(yi, places: int | None = None) -> str:
    """An 亿元 figure the engine has rounded already (present()), with its decimals: 31.9, 1,094.6, 32.0."""
    d = as_decimal(yi)
    if d is None:
        return DASH
    if places is None:
        exponent = d.as_tuple().exponent
        places = max(-exponent, 0) if isinstance(exponent, int) else 0
    return _grouped(_rounded(d, int(places), "half_up"), int(places))


def wan_text(wan, style: NumberStyle = DEFAULT_STYLE) -> str:
    """A 万元 amount as recorded: 146,100 / 1,200.50 (cents only when there are some); "—" when missing."""
    d = as_decimal(wan)
    if d is None:
        return DASH
    cents = _rounded(d, 2, style.rounding)
    return _grouped(cents, 0 if cents == cents.to_integral_value() else 2)


def rate_text(fraction, style: NumberStyle = DEFAULT_STYLE, places: int | None = None) -> str:
    """A fraction as a percentage, rounded once by the city's rule: 0.45125 → 45.1%; None → —."""
    d = as_decimal(fraction)
    if d is None:
        return DASH
    places = style.rate_places if places is None else int(places)
    return f"{_grouped(_rounded(d * HUNDRED, places, style.rounding), places)}%"


def presented_rate_text(pct_value, places: int | None = None, *, signed: bool = False) -> str:
    """A percentage the engine has rounded already: 45.1%, 100.0%; `signed` for 同比: +18.2% / -5.0%."""
    d = as_decimal(pct_value)
    if d is None:
        return DASH
    text = presented_yi_text(d, places)  # same decimals-fixing rule, no unit
    return f"+{text}%" if signed and d > 0 else f"{text}%"


def points_text(pp, style: NumberStyle = DEFAULT_STYLE, places: int | None = None, *, signed: bool = False) -> str:
    """百分点 with the city's rate decimals: 3.5 (or +3.5 / -2.1 when `signed`); None → —."""
    d = as_decimal(pp)
    if d is None:
        return DASH
    places = style.rate_places if places is None else int(places)
    r = _rounded(d, places, style.rounding)
    text = _grouped(r, places)
    return f"+{text}" if signed and r > 0 else text


def count_text(n) -> str:
    """A count with thousands separators: 1,234; None → —."""
    d = as_decimal(n)
    return DASH if d is None else _grouped(d.to_integral_value(rounding=ROUND_DOWN), 0)


def plain_text(value) -> str:
    """A threshold, weight or score as entered, without trailing zeros and without separators (it may be put
back in a form field): 1.00 → 1, 2.50 → 2.5, -0.25 → -0.25, 1000 → 1000."""
    d = as_decimal(value)
    if d is None:
        return DASH
    if d == d.to_integral_value():
        return f"{d.to_integral_value():f}"
    return f"{d.normalize():f}"
