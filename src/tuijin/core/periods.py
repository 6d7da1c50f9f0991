"""Reporting periods (期): a year and a month range, always stored as (year, month), never derived from now()."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .params import YEAR_MAX, YEAR_MIN

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_PART_RE = re.compile(r"^(\d{4})-([QqHh])(\d)$")
# The accepted forms of a `--through` / `through`: a month, a quarter (its last month) or a half year.
THROUGH_PATTERN = r"^\d{4}-(\d{1,2}|[QqHh]\d)$"


class PeriodError(ValueError):
    pass


def parse_year_month(text: str, field: str = "--through") -> tuple[int, int]:
    """Parse 'YYYY-MM'; refuse 2024-13 and friends with a message naming the field and value."""
    m = _MONTH_RE.match((text or "").strip())
    if not m:
        raise PeriodError(f"{field}: 月份格式应为 YYYY-MM, 收到 {text!r}")
    year, month = int(m.group(1)), int(m.group(2))
    return _checked(year, month, text, field)


def parse_through(text: str, field: str = "--through") -> tuple[int, int]:
    """'YYYY-MM', or a quarter 'YYYY-Q1'..'Q4' / half year 'YYYY-H1', 'H2' as bulletins name them: the year and the
    period's last month (2024-Q1 → 3, 2024-H1 → 6, 2024-Q3 → 9, 2024-H2 → 12)."""
    m = _PART_RE.match((text or "").strip())
    if not m:
        if not _MONTH_RE.match((text or "").strip()):
            raise PeriodError(f"{field}: 格式应为 YYYY-MM、YYYY-Q1…Q4 或 YYYY-H1/H2, 收到 {text!r}")
        return parse_year_month(text, field)
    year, kind, n = int(m.group(1)), m.group(2).upper(), int(m.group(3))
    if kind == "Q" and not 1 <= n <= 4:
        raise PeriodError(f"{field}: 季度应为 Q1-Q4, 收到 {text!r}")
    if kind == "H" and n not in (1, 2):
        raise PeriodError(f"{field}: 半年应为 H1 或 H2, 收到 {text!r}")
    return _checked(year, n * 3 if kind == "Q" else n * 6, text, field)


def _checked(year: int, month: int, text: str, field: str) -> tuple[int, int]:
    if not 1 <= month <= 12:
        raise PeriodError(f"{field}: 月份应在 1-12 之间, 收到 {text!r}")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise PeriodError(f"{field}: 年份应在 {YEAR_MIN}-{YEAR_MAX} 之间, 收到 {text!r}")
    return year, month


@dataclass(frozen=True)
class Period:
    """A span of months inside one year: 1-5月 (year to date), 4-6月 (a quarter), 5-5月 (a month)."""

    year: int
    first_month: int
    last_month: int

    def __post_init__(self):
        if not (1 <= self.first_month <= self.last_month <= 12):
            raise PeriodError(f"月份区间无效: {self.first_month}-{self.last_month}")

    @classmethod
    def year_to_date(cls, year: int, month: int) -> Period:
        return cls(year, 1, month)

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        if q not in (1, 2, 3, 4):
            raise PeriodError(f"季度应为 1-4, 收到 {q}")
        return cls(year, 3 * q - 2, 3 * q)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, month, month)

    @classmethod
    def parse(cls, through: str, kind: str = "ytd") -> Period:
        """The period of `kind` ending with `through` (YYYY-MM, YYYY-Qn or YYYY-Hn, see parse_through): ytd
        2024-Q1 is 一季度 (1-3月), 2024-H1 上半年, 2024-Q3 前三季度 (1-9月); kind quarter 2024-Q3 is 三季度."""
        year, month = parse_through(through)
        if kind == "ytd":
            return cls.year_to_date(year, month)
        if kind == "month":
            return cls.month(year, month)
        if kind == "quarter":
            return cls.quarter(year, (month - 1) // 3 + 1)
        if kind == "half":
            return cls(year, 1, 6) if month <= 6 else cls(year, 7, 12)
        raise PeriodError(f"期间类型未知: {kind!r}")

    @property
    def is_year_to_date(self) -> bool:
        return self.first_month == 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.first_month, self.last_month)

    @property
    def label(self) -> str:
        """The Chinese name of the period: 1-5月, 一季度, 上半年, 5月."""
        names = {(1, 3): "一季度", (1, 6): "上半年", (1, 9): "前三季度", (1, 12): "全年",
                 (4, 6): "二季度", (7, 9): "三季度", (10, 12): "四季度"}
        if (self.first_month, self.last_month) in names:
            return f"{self.year}年{names[(self.first_month, self.last_month)]}"
        if self.first_month == self.last_month:
            return f"{self.year}年{self.last_month}月"
        return f"{self.year}年{self.first_month}-{self.last_month}月"

    @property
    def through(self) -> str:
        return f"{self.year:04d}-{self.last_month:02d}"


def days_elapsed_through_month(year: int, month: int) -> int:
    """Days from 1 January through the last day of `month` (a leap year's February has 29)."""
    return sum(calendar.monthrange(year, m)[1] for m in range(1, month + 1))


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365
