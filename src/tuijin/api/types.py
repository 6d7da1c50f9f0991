"""Strict input types for request bodies. JSON's `false` is not a number, `"3"` is not an integer, a date is an
ISO string and nothing else, and text may not hold characters the databases refuse (NUL, lone surrogates)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)

from tuijin.core.bounds import CN_LATITUDE, CN_LONGITUDE, MONEY
from tuijin.core.text import hidden_character_problem

MAX_AMOUNT_WAN = MONEY.high  # the domain's ceiling (core.bounds), far inside DecimalField(max_digits=14)
MAX_ID = 2**63 - 1
AMOUNT_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"
AMOUNT_TEXT = re.compile(AMOUNT_PATTERN)


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含 NUL 字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无效的 Unicode 字符") from None
    problem = hidden_character_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _to_amount(value):
    """万元 amounts: a JSON number or a decimal string ("1234.5"); never a boolean, never NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("应为数字 (万元), 如 1234.56 或 \"1234.56\"")
    if isinstance(value, str) and not AMOUNT_TEXT.fullmatch(value):
        raise ValueError(f"不是金额: {value!r} (应为如 \"1234.56\" 的十进制字符串)")
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"不是数字: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} 不是有限的数字")
    if amount < 0:
        raise ValueError(f"不能为负数: {value!r}")
    if amount > MAX_AMOUNT_WAN:
        raise ValueError(f"{value!r} 超出允许范围（{MONEY.describe()}）")
    if amount.as_tuple().exponent < -2:
        raise ValueError("最多两位小数 (万元)")
    return amount


def _to_date(value):
    if not isinstance(value, str):
        raise ValueError("应为日期字符串 YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD, 收到 {value!r}") from None


Text = Annotated[str, AfterValidator(_clean_text)]
Amount = Annotated[
    Decimal,
    BeforeValidator(_to_amount),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT_WAN)},
                              {"type": "string", "pattern": AMOUNT_PATTERN}],
                    "description": "万元, 数字或十进制字符串, 最多两位小数"}),
]
def _coordinate(bounds, label: str):
    """经度 / 纬度: a JSON number or a decimal string, within China's extent (core.bounds), 6 places."""
    def check(value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise ValueError(f"{label}应为数字 (十进制度), 如 119.455833")
        from tuijin.core.bounds import parse_number
        from tuijin.core.errors import InputError

        try:
            return parse_number(value, bounds, label=label)
        except InputError as exc:
            raise ValueError(exc.text) from None
    return check


def _coordinate_type(bounds, label: str):
    return Annotated[Decimal | None, BeforeValidator(_coordinate(bounds, label)),
                     WithJsonSchema({"anyOf": [{"type": "number", "minimum": float(bounds.low),
                                                "maximum": float(bounds.high)}, {"type": "string"}, {"type": "null"}],
                                     "description": f"{label}, 十进制度 (WGS-84), {bounds.describe()}"})]


Longitude = _coordinate_type(CN_LONGITUDE, "经度")
Latitude = _coordinate_type(CN_LATITUDE, "纬度")
Date = Annotated[datetime.date, BeforeValidator(_to_date),
                 WithJsonSchema({"type": "string", "format": "date"})]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Year = Annotated[StrictInt, Field(ge=2000, le=2100)]
Month = Annotated[StrictInt, Field(ge=1, le=12)]
Bool = StrictBool


def text(max_length: int, min_length: int = 0):
    return Annotated[Text, Field(max_length=max_length, min_length=min_length)]


class InputSchema(Schema):
    """Base of every request body: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True)
