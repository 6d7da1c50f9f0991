"""Reading spreadsheets as people really fill them: .xlsx, .xls, .ods (python-calamine) and .csv, with
merged two-row headers, header-name variants, units in a header or title row, blank and subtotal rows.
Produces plain rows with their sheet and cell positions; knows nothing of projects."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tuijin.core.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UNIT_FACTORS = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}
SUBTOTAL_RE = re.compile(r"(小计|合计|总计|汇总|全市|全区)")
TITLE_PERIOD_RE = re.compile(r"(\d{4})\s*年\s*(?:(?:1|一)\s*[-—~至到]\s*)?(\d{1,2})\s*月")
YTD_MONTH_RE = re.compile(r"(?:1|一)\s*[-—~至到]\s*(\d{1,2})\s*月")


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def read_workbook(data: bytes, filename: str = "") -> list[Sheet]:
    """All sheets of an uploaded file. Refuses, with a message in Chinese, what is not a readable table."""
    if not data or not data.strip():
        raise InputError(f"文件 {filename or ''} 为空".replace("  ", " "), field="file")
    if data.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(f"文件 {filename} 设置了密码, 请在 Excel/WPS 中取消密码后再导入", field="file")
    if data.startswith(OLE_MAGIC) or data.startswith(ZIP_MAGIC):
        return _read_calamine(data, filename)
    return [_read_csv(data, filename)]


def _read_calamine(data: bytes, filename: str) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for unreadable files
        raise InputError(f"文件 {filename} 不是可读取的电子表格 (.xlsx/.xls/.ods/.csv): {exc}", field="file") from None
    sheets = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        merged = []
        ranges = getattr(sheet, "merged_cell_ranges", None)
        for rng in ranges or []:
            (r1, c1), (r2, c2) = rng
            merged.append(((r1, c1), (r2, c2)))
        sheets.append(Sheet(name, [list(r) for r in rows], merged))
    return sheets


def _read_csv(data: bytes, filename: str) -> Sheet:
    if b"\x00" in data[:4096]:
        raise InputError(f"文件 {filename} 不是电子表格 (.xlsx/.xls/.ods/.csv)", field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"文件 {filename} 的编码无法识别 (应为 UTF-8 或 GBK)", field="file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return Sheet(filename or "CSV", [row for row in csv.reader(io.StringIO(text), dialect)])


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise(text: str) -> str:
    return re.sub(r"[\s\u3000:：_]", "", text).replace("（", "(").replace("）", ")").lower()


def unit_in(text: str) -> Decimal | None:
    """The money unit a header or title names: 亿元, 万元 or 元 → factor to 万元."""
    t = normalise(text)
    for word in ("亿元", "万元"):
        if word in t:
            return UNIT_FACTORS[word]
    if re.search(r"(^|[(（/单位])元", t):
        return UNIT_FACTORS["元"]
    return None


def parse_amount(value, factor: Decimal) -> Decimal | None:
    """A cell as 万元: numbers as they are (via str, never float noise), text with commas, blank → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if text in ("-", "—", "/", "无"):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("不是数字") from None
    return (number * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fill_merged(sheet: Sheet, last_row: int) -> list[list]:
    """The top rows with every merged cell carrying its top-left value (calamine gives '' for the rest)."""
    rows = [list(r) for r in sheet.rows[: last_row + 1]]
    for (r1, c1), (r2, c2) in sheet.merged:
        if r1 > last_row:
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        for r in range(r1, min(r2, last_row) + 1):
            for c in range(c1, c2 + 1):
                while len(rows[r]) <= c:
                    rows[r].append("")
                if (r, c) != (r1, c1):
                    rows[r][c] = value if r == r1 else rows[r][c] or ""
    return rows
