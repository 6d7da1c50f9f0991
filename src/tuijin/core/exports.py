"""The one place that writes spreadsheet cells: every .xlsx and .csv the app produces goes through here.

- Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return, also
  after leading whitespace, and the full-width ＝＋－＠) is neutralised: prefixed with an apostrophe, as OWASP
  advises, and stored as a string cell, never a formula. A plain number written as text ("-5") is left as is.
- Decimal, int and float are written as numbers; a non-finite number (NaN, ∞) as a blank cell.
- Dates as dates (yyyy-mm-dd), times as local times (yyyy-mm-dd hh:mm), both with a date number format.
- CSV is UTF-8 with a BOM, so Excel and WPS open the Chinese correctly.

Styling (fonts, fills, widths, merged cells, validations) stays with each export; the values do not.
(A test fails if any other module writes cells: tests/core/test_exports.py.)"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone

BOM = "\ufeff"
TRIGGERS = frozenset("=+-@＝＋－＠")
CONTROL = ("\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def needs_neutralising(text: str) -> bool:
    if text.startswith(CONTROL):
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in TRIGGERS and not PLAIN_NUMBER.match(stripped)


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text, never runs: a leading apostrophe where it would start a formula."""
    return "'" + text if needs_neutralising(text) else text


def unneutralise(text: str) -> str:
    """The text an export neutralised, back as it was (so an exported file imports back unchanged)."""
    if text.startswith("'") and needs_neutralising(text[1:]):
        return text[1:]
    return text


def _finite(value) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)


def xlsx_value(value) -> tuple[object, str | None]:
    """(value, number format or None) as a cell holds it."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float | Decimal):
        if not _finite(value):
            return None, None
        return (float(value) if isinstance(value, Decimal) else value), None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value, DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    return neutralise(str(value)), None


def cell(ws, value, *, font=None, fill=None, fmt: str | None = None, alignment=None, border=None):
    """A cell of `ws` (normal or write-only) holding `value` as above, to be placed by append_row."""
    from openpyxl.cell import Cell

    v, default_fmt = xlsx_value(value)
    c = Cell(ws, row=1, column=1)
    c.value = v
    if isinstance(v, str):
        c.data_type = "s"  # never a formula
    if fmt or default_fmt:
        c.number_format = fmt or default_fmt
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if alignment is not None:
        c.alignment = alignment
    if border is not None:
        c.border = border
    return c


def append_row(ws, values: Iterable, *, formats: dict[int, str] | None = None, **style) -> int | None:
    """Append one row of values to `ws`; `formats` maps 0-based column → number format, `style` (font, fill,
    alignment, border) applies to every cell. Returns the row number (None on a write-only sheet)."""
    formats = formats or {}
    ws.append([cell(ws, v, fmt=formats.get(i), **style) for i, v in enumerate(values)])
    return getattr(ws, "_current_row", None)


def append_rows(ws, rows: Iterable[Iterable], *, formats: dict[int, str] | None = None, **style) -> None:
    for values in rows:
        append_row(ws, values, formats=formats, **style)


def csv_value(value) -> str:
    """A CSV field: numbers plain (non-finite blank), dates ISO, local times to the minute, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        if not _finite(value):
            return ""
        return format(value, "f") if isinstance(value, Decimal) else repr(value) if isinstance(value, float) \
            else str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def iter_csv(rows: Iterable[Iterable], *, chunk_rows: int = 500) -> Iterator[str]:
    """CSV text in chunks (for a streaming response or a file): the BOM, then the rows."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    yield BOM
    for n, values in enumerate(rows, start=1):
        writer.writerow([csv_value(v) for v in values])
        if n % chunk_rows == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def csv_text(rows: Iterable[Iterable]) -> str:
    """The whole CSV (BOM included) as one string."""
    return "".join(iter_csv(rows))


# ---------------------------------------------------------------- the import templates' layout


def options_sheet(wb, columns: dict[str, list[str]]) -> dict[str, str]:
    """A hidden sheet “选项” with one column per drop-down; returns each drop-down's range formula (a range,
    not an inline list: inline lists are limited to 255 characters and break on long unit lists)."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    ws = wb.create_sheet("选项")
    ranges = {}
    for i, (label, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(i)
        ranges[label] = f"{quote_sheetname('选项')}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    append_rows(ws, itertools.zip_longest(*[[label, *values] for label, values in columns.items()]))
    ws.sheet_state = "hidden"
    return ranges


def drop_down(ws, formula: str, cells: str, title: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle=f"{title}无效", error=f"请从下拉列表中选择{title}")
    ws.add_data_validation(dv)
    dv.add(cells)


def setup_head(ws, title: str, note: str, headers: list[str], widths: list[int]) -> None:
    """Title, note and one header row (no units row: a set-up table's rows have no number to tell them from it)."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    append_row(ws, [title], font=Font(bold=True, size=14))
    append_row(ws, [note])
    append_row(ws, headers, font=Font(bold=True), fill=PatternFill("solid", fgColor="DDE6F0"))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
