"""Ids, years and months read from a URL, a query string or a posted form: one place that says what is in range.

An id is a positive integer that fits a 64-bit column (PostgreSQL bigint, SQLite INTEGER); a year is one the
platform reports on; a month is 1-12. Anything else is refused before it reaches the database, so a typed or
forged value answers 400/404 or a form error, never a 500 (SQLite's OverflowError, PostgreSQL's "out of range").

URL patterns use the converters registered here (`<id:pk>`, `<year:year>`, `<month:month>`): a value out of
range simply does not match, i.e. 404.
"""

from __future__ import annotations

from django.http import Http404

MAX_ID = 2**63 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100


def _digits(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 20:
        return None
    return int(text)


def parse_id(value) -> int | None:
    """A positive id that fits the column, or None (blank, text, 0, negative, too large)."""
    n = _digits(value)
    return n if n is not None and 1 <= n <= MAX_ID else None


def parse_year(value) -> int | None:
    n = _digits(value)
    return n if n is not None and YEAR_MIN <= n <= YEAR_MAX else None


def parse_month(value) -> int | None:
    n = _digits(value)
    return n if n is not None and 1 <= n <= 12 else None


def parse_ids(values) -> list[int]:
    """The valid ids among several (a multi-select, repeated ?id=), the others dropped."""
    return [n for n in (parse_id(v) for v in values) if n is not None]


def id_or_404(value, label: str = "编号") -> int:
    n = parse_id(value)
    if n is None:
        raise Http404(f"{label}无效: {str(value)[:40]!r}")
    return n


# ---------------------------------------------------------------- URL converters


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        n = parse_id(value)
        if n is None:
            raise ValueError(value)  # no match → 404
        return n

    def to_url(self, value) -> str:
        return str(int(value))


class YearConverter(IdConverter):
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        n = parse_year(value)
        if n is None:
            raise ValueError(value)
        return n


class MonthConverter(IdConverter):
    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        n = parse_month(value)
        if n is None:
            raise ValueError(value)
        return n


def register_converters() -> None:
    from django.urls import register_converter
    from django.urls.converters import get_converters

    known = get_converters()
    for name, conv in (("id", IdConverter), ("year", YearConverter), ("month", MonthConverter)):
        if name not in known:
            register_converter(conv, name)
