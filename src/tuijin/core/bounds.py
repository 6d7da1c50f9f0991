"""Plausible ranges of the numbers users type: money in 万元, counts, rates. One parser for forms, imports,
CLI and API, and the database constraints that back it.

A value outside its column's digits (999999999999.99 + anything, 1e14, 1e309), or not a finite number (NaN,
inf), would be stored by SQLite as REAL or text and break every read of the column afterwards (Django's
converter quantizes it to the column's digits and raises `decimal.InvalidOperation`). So every number is
parsed here, refused when it is not a finite decimal inside the domain's range, with a message in Chinese
naming the field (or cell) and the value, and each column carries a `CheckConstraint` with the same range.

The ceilings are far above anything real and far below the columns' digits, so sums over a city stay
representable: one project's money is at most 1万亿元 (10^8 万元; the largest projects in China are a few
千亿元), a 14-digit column holds 10^12 万元."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.db.models import CheckConstraint, Q

from .errors import InputError


@dataclass(frozen=True)
class Bounds:
    """A closed range [low, high] with `places` decimals (values with more are rounded half up)."""

    low: Decimal
    high: Decimal
    places: int = 2
    unit: str = ""

    def describe(self) -> str:
        return f"{_plain(self.low)} 至 {_plain(self.high)}{self.unit}"

    def constraint(self, field: str, name: str, label: str) -> CheckConstraint:
        """The database's copy of the range (NULL passes: nullable columns stay nullable). A write that still
        reaches the database with a value out of range is refused there; `constraint_message` words it."""
        CONSTRAINTS[name] = f"{label}超出允许范围（{self.describe()}）"
        return CheckConstraint(condition=Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high}), name=name,
                               violation_error_message=CONSTRAINTS[name])


# constraint name → the Chinese message of its violation
CONSTRAINTS: dict[str, str] = {}


def constraint_message(exc: Exception) -> str | None:
    """The Chinese message of a range constraint an IntegrityError reports (SQLite: "CHECK constraint failed:
    name"; PostgreSQL: 'violates check constraint "name"'), or None when it is another error."""
    text = str(exc)
    for name in re.findall(r"[A-Za-z0-9_]+", text):
        if name in CONSTRAINTS:
            return CONSTRAINTS[name]
    return None


def _plain(d: Decimal) -> str:
    return f"{d:f}"


# 万元 amounts of one project, contract, lead or month: 0 to 1万亿元.
MONEY = Bounds(Decimal(0), Decimal("100000000"), 2, "万元")
# 万元 amounts of a cluster's or an enterprise's sales (16-digit column): 0 to 100万亿元.
SALES = Bounds(Decimal(0), Decimal("10000000000"), 2, "万元")
# Percentages (累计序时, 累计计划%): 0 to 100.
PERCENT = Bounds(Decimal(0), Decimal(100), 3, "%")
# Percentage points (tolerances, lag thresholds): 0 to 100.
POINTS = Bounds(Decimal(0), Decimal(100), 1, "个百分点")
# An exchange rate to 人民币 (1 unit of foreign currency in 元): above 0, below 10^4.
FX_RATE = Bounds(Decimal("0.0001"), Decimal(10000), 4, "")
# A quantity target (个, 公里, 户 ...): 0 to 10^10.
QUANTITY = Bounds(Decimal(0), Decimal("10000000000"), 2, "")
# Light thresholds, scores and weights (8-digit columns, may be negative for 扣分).
SCORE = Bounds(Decimal(-100000), Decimal(100000), 2, "")
LATITUDE = Bounds(Decimal(-90), Decimal(90), 6, "")
LONGITUDE = Bounds(Decimal(-180), Decimal(180), 6, "")
# A project's position and a district boundary's vertices: within China's extent (lat 3-54, lon 73-136).
CN_LATITUDE = Bounds(Decimal(3), Decimal(54), 6, "")
CN_LONGITUDE = Bounds(Decimal(73), Decimal(136), 6, "")

_BLANK = ("", "-", "—", "/", "无")
_NON_FINITE = re.compile(r"^[+-]?(s?nan\d*|inf|infinity)$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _shown(value) -> str:
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    text = text.strip()
    return text if len(text) <= 40 else text[:40] + "…"


def parse_number(value, bounds: Bounds, *, label: str, field: str | None = None) -> Decimal | None:
    """User, spreadsheet or JSON input → a finite Decimal inside `bounds`, rounded to its places; blank → None.
    Refuses booleans, text that is not a decimal number, NaN, infinities and values out of range, naming
    `label` and the value: "当月完成投资：1e14 超出允许范围（0 至 100000000万元）"."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip() in _BLANK:
        return None
    shown = _shown(value)
    if isinstance(value, bool):
        raise InputError(f"{label}：{shown} 不是数字", field=field)
    number: Decimal | None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else None
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        if _NON_FINITE.fullmatch(text):
            number = None
        elif not _NUMBER.fullmatch(text):
            raise InputError(f"{label}：{shown} 不是数字", field=field)
        else:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
    if number is None or not number.is_finite():
        raise InputError(f"{label}：{shown} 不是有限的数字", field=field)
    if not bounds.low <= number <= bounds.high:
        raise InputError(f"{label}：{shown} 超出允许范围（{bounds.describe()}）", field=field)
    return number.quantize(Decimal(1).scaleb(-bounds.places), rounding=ROUND_HALF_UP)


def check_finite_below(number: Decimal, bounds: Bounds, *, label: str, value=None, field: str | None = None
                       ) -> Decimal:
    """Refuse NaN, infinities and values above `bounds.high` (for services that word the low side themselves:
    "不能为负数", "必须大于 0"). `value` is what the user typed, for the message (default: the number)."""
    shown = _shown(number if value is None else value)
    if not number.is_finite():
        raise InputError(f"{label}：{shown} 不是有限的数字", field=field)
    if number > bounds.high or number < -bounds.high:
        raise InputError(f"{label}：{shown} 超出允许范围（{bounds.describe()}）", field=field)
    return number


class BoundedDecimalField(forms.DecimalField):
    """A form's DecimalField that parses with `parse_number`: exponent forms, NaN, infinities and values out of
    `bounds` are refused with the field's label and the value, in Chinese."""

    def __init__(self, *, bounds: Bounds, max_digits: int | None = None, decimal_places: int | None = None,
                 **kwargs):
        self.bounds = bounds
        super().__init__(max_digits=None, decimal_places=None, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def _label(self) -> str:
        label = str(self.label or "数值")
        return re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", label) or label

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value, self.bounds, label=self._label())
        except InputError as exc:
            raise forms.ValidationError(exc.messages[0], code="invalid") from None

    def validate(self, value):
        forms.Field.validate(self, value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.NumberInput):
            attrs.setdefault("min", _plain(self.bounds.low))
            attrs.setdefault("max", _plain(self.bounds.high))
            attrs.setdefault("step", "any")
        return attrs
