"""Reading spreadsheets as people really fill them: .xlsx, .xls, .ods (python-calamine) and .csv, with
merged two-row headers, header-name variants, units in a header or title row, blank and subtotal rows.
Produces plain rows with their sheet and cell positions; knows nothing of projects."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tuijin.core.bounds import MONEY, Bounds
from tuijin.core.errors import InputError
from tuijin.core.exports import unneutralise
from tuijin.core.text import hidden_character_problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UNIT_FACTORS = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}
SUBTOTAL_RE = re.compile(r"(小计|合计|总计|汇总|全市|全区)")
TITLE_PERIOD_RE = re.compile(r"(\d{4})\s*年\s*(?:(?:1|一)\s*[-—~至到]\s*)?(\d{1,2})\s*月")
YTD_MONTH_RE = re.compile(r"(?:1|一)\s*[-—~－至到]\s*(\d{1,2})\s*月")
TITLE_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
# The clerk's period words in a title (the longest first: 前三季度 before 三季度), → the period's last month.
PERIOD_WORDS = (("前三季度", 9), ("一季度", 3), ("第一季度", 3), ("上半年", 6), ("全年", 12))
MONTH_AFTER_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*(\d{1,2})\s*月")
# A subtotal/total row's label (甲区小计, 合计, 总计, 全市合计, 汇总); anchored, so a project named
# 全市智慧停车项目 is not taken for one.
SUBTOTAL_LABEL_RE = re.compile(r"^(?:.{0,20}(?:小计|合计|总计|汇总)|全市|全区|全县)$")


def title_period(text: str) -> tuple[int, int] | None:
    """(year, last month) a clerk's title names: “2024年XX市重点项目1-4月进展情况表”, “2024年4月…”,
    “2024年一季度…” (3), “上半年” (6), “前三季度” (9), “1-11月”; None when it names no year or no period."""
    t = re.sub(r"\s", "", text or "")
    y = TITLE_YEAR_RE.search(t)
    if not y:
        return None
    rest = t[y.end():]
    m = YTD_MONTH_RE.search(rest) or MONTH_AFTER_YEAR_RE.search(t)
    if m:
        return int(y.group(1)), int(m.group(1))
    for word, month in PERIOD_WORDS:
        if word in rest:
            return int(y.group(1)), month
    return None


def unit_line(texts: list[str]) -> bool:
    """A “单位：万元” line (alone, or beside a date or a filler's name): never a header nor a header's parent."""
    filled = [t for t in texts if t]
    return bool(filled) and len(filled) <= 3 and any(
        normalise(t).startswith(("单位", "金额单位", "计量单位")) and unit_in(t) for t in filled)


def name_key(text: str) -> str:
    """A project name as compared when a file has no code column: full-width forms folded (（）→ (),
    全角 letters and digits), every space removed, 【】 as []."""
    t = unicodedata.normalize("NFKC", text or "").replace("【", "[").replace("】", "]")
    return re.sub(r"\s", "", t)


def subtotal_row(texts: list[str]) -> bool:
    """A 小计 / 合计 / 总计 row, by any cell's label (anchored: a project name containing 全市 is not one)."""
    return any(SUBTOTAL_LABEL_RE.match(re.sub(r"\s", "", t)) for t in texts if t)


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


def _limits() -> tuple[int, int]:
    from django.conf import settings

    return settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS


def check_size(size: int, filename: str = "") -> None:
    """Refuse a file above IMPORT_MAX_BYTES (TUIJIN_IMPORT_MAX_BYTES) before anything reads it."""
    max_bytes, _ = _limits()
    if size > max_bytes:
        raise InputError(f"文件 {filename} 有 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.1f} MB；"
                         "请拆分后分批导入", field="file")


def _too_many_rows(count: int) -> InputError:
    _, max_rows = _limits()
    return InputError(f"文件有 {count:,} 行，超过上限 {max_rows:,} 行；请拆分后分批导入", field="file")


def read_workbook(data: bytes, filename: str = "") -> list[Sheet]:
    """All sheets of an uploaded file. Refuses, with a message in Chinese, what is not a readable table, and a
    file above the size or row limits (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS: every sheet's rows together) before
    turning its rows into Python values."""
    check_size(len(data or b""), filename)
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
    _, max_rows = _limits()
    loaded = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        loaded.append((name, sheet))
    total = sum(sheet.height for _, sheet in loaded)
    if total > max_rows:
        raise _too_many_rows(total)
    for name, sheet in loaded:
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
    _, max_rows = _limits()
    reader = csv.reader(io.StringIO(text), dialect)
    rows, count = [], 0
    try:
        for row in reader:
            count += 1
            if count <= max_rows:
                rows.append(row)  # past the limit, only counted (for the message), never kept
    except csv.Error as exc:  # a cell over csv.field_size_limit() (128 KB), a stray NUL, a broken quote
        where = f"第 {reader.line_num} 行" if reader.line_num else "开头"
        too_long = "larger than field limit" in str(exc)
        raise InputError(f"文件 {filename} {where}" + (f"有单元格超过 {csv.field_size_limit() // 1024} KB, 无法导入"
                         if too_long else f"无法按 CSV 读取: {exc}"), field="file") from None
    if count > max_rows:
        raise _too_many_rows(count)
    return Sheet(filename or "CSV", rows)


def text_of(value) -> str:
    """A cell as text; text our exports neutralised ('=…, '+…) back as it was, so an export imports back as it is."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(str(value)).strip()


def text_problem(text: str, label: str, max_length: int | None = None) -> str | None:
    """Why a text cell cannot be stored (a hidden or bidi-control character, or more than the column holds),
    naming the field; None when it can."""
    problem = hidden_character_problem(text)
    if problem:
        return f"{label}{problem}"
    if max_length is not None and len(text) > max_length:
        return f"{label}过长: {len(text)} 字, 最多 {max_length} 字"
    return None


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


def parse_amount(value, factor: Decimal, bounds: Bounds = MONEY) -> Decimal | None:
    """A cell as 万元: numbers as they are (via str, never float noise), text with commas, blank → None.
    NaN, infinities and amounts above the domain's ceiling (`core.bounds`) are refused (the ValueError's text
    follows the column's label: "当月完成投资：1e13 超出允许范围（0 至 100000000万元）"); a negative amount is
    returned for the caller to word."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("不是数字")
    shown = repr(value) if isinstance(value, float) else str(value).strip()
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"：{shown} 不是有限的数字")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if text in ("-", "—", "/", "无"):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("不是数字") from None
    if not number.is_finite():
        raise ValueError(f"：{shown} 不是有限的数字")
    amount = number * factor
    if amount > bounds.high or amount < -bounds.high:
        unit = "" if factor == 1 else f", 折合 {amount:.6g} 万元"
        raise ValueError(f"：{shown}{unit} 超出允许范围（{bounds.describe()}）")
    return amount.quantize(Decimal(1).scaleb(-bounds.places), rounding=ROUND_HALF_UP)


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


@dataclass
class CellProblem:
    """One problem of an imported file, where Excel shows it: sheet, 1-based row, column letter, the value,
    and (when known) the field's Chinese label."""

    sheet: str
    row: int  # 1-based, as Excel shows it
    column: str  # letter, '' for a whole row
    value: object
    reason: str
    field: str = ""  # the field's label (项目类别 …), '' when the problem is the whole row

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第 {self.row} 行" + (f" {self.column} 列" if self.column else "")
        if self.field:
            where += f"「{self.field}」"
        value = "" if self.value in (None, "") else f" (值: {self.value!r})"
        return f"{where}{value}: {self.reason}"


@dataclass
class Layout:
    first_row: int  # index of the first header row
    header_row: int  # index of the last header row
    columns: dict[str, int]
    header_units: dict[str, Decimal | None]

    def factors(self, default: Decimal) -> dict[str, Decimal]:
        return {f: u or default for f, u in self.header_units.items()}


def find_layout(sheet: Sheet, match: Callable[[str], str | None], accept: Callable[[dict[str, int]], bool]
                ) -> Layout | None:
    """The header (one row, or two with a merged parent over its children or a units row below) and each
    field's column. `match` names the field a header text stands for; `accept` says whether the columns
    found are enough to be this kind of table."""
    top = min(len(sheet.rows), 25)
    rows = fill_merged(sheet, top)
    best: Layout | None = None
    for r in range(top):
        single = [text_of(v) for v in rows[r]]
        filled = [t for t in single if t]
        if len(filled) > 2 and len(set(filled)) == 1:
            continue  # a title merged across the table: never a header, nor the parent of one
        if unit_line(single):
            continue  # “单位：万元”: read by title_info, never a column
        candidates = [(r, single)]
        if r + 1 < len(rows) and len(filled) >= 2:  # one cell alone (a title not merged) is never a parent
            below = [text_of(v) for v in rows[r + 1]]
            parent, combined = "", []
            for c in range(max(len(single), len(below))):
                head = single[c] if c < len(single) else ""
                parent = head or (parent if below[c:c + 1] and below[c] else "")
                child = below[c] if c < len(below) else ""
                combined.append(child if head and child == head else (parent + child if child else head))
            candidates.append((r + 1, combined))
        for last, headers in candidates:
            columns: dict[str, int] = {}
            for c, h in enumerate(headers):
                f = match(h)
                if f and f not in columns:
                    columns[f] = c
            if accept(columns):
                layout = Layout(r, last, columns, {f: unit_in(headers[c]) for f, c in columns.items()})
                # A second header row (sub-headers, or a units row) wins a tie: it is header, not data.
                two_row = last > r and header_like(rows[last])
                if best is None or len(columns) > len(best.columns) or (
                        two_row and len(columns) == len(best.columns) and best.header_row == r):
                    best = layout
        if best is not None and r > best.header_row:
            break
    return best


NUMBER_TEXT = re.compile(r"[-+]?\d[\d,]*(\.\d+)?")


def header_like(row) -> bool:
    """A row of labels (sub-headers, units), not data: no numbers (a CSV's "300" is one too) and nothing that
    looks like a code. (Otherwise a data row whose code is garbage would be swallowed as a second header row,
    and the import would report nothing to do instead of the bad code.)"""
    texts = [text_of(v) for v in row]
    return any(texts) and not any(isinstance(v, int | float) and not isinstance(v, bool) for v in row) and not any(
        re.search(r"\d{5,}", t) or NUMBER_TEXT.fullmatch(t) for t in texts)


def title_info(sheet: Sheet, upto: int) -> tuple[Decimal | None, tuple[int, int] | None, str]:
    """From the rows above the header: the money unit a 单位 line names, the period a title names, the title."""
    factor, period, title = None, None, ""
    for row in sheet.rows[:upto]:
        for v in row:
            text = text_of(v)
            if not text:
                continue
            if "单位" in text and unit_in(text):
                factor = unit_in(text)
            found = title_period(text) if period is None else None
            if found:
                period, title = found, text
    return factor, period, title


def title_texts(sheet: Sheet, upto: int) -> list[str]:
    """The non-empty texts of the rows above the header (titles, notes)."""
    return [t for row in sheet.rows[:upto] for t in (text_of(v) for v in row) if t]


class SubtotalCheck:
    """Adds up the project rows of a sheet so that each 小计 row (the rows since the previous 小计) and each
    合计/总计 row (all rows) can be checked against the file's own figure. A difference is a note for the
    user, never an error: the rows are what is imported, the clerk's sums are not."""

    def __init__(self, sheet: str, labels: dict[str, str]):
        self.sheet, self.labels = sheet, labels
        self.group: dict[str, Decimal] = {}
        self.total: dict[str, Decimal] = {}

    def add(self, values: dict[str, object]) -> None:
        for f in self.labels:
            v = values.get(f)
            if isinstance(v, Decimal):
                self.group[f] = self.group.get(f, Decimal(0)) + v
                self.total[f] = self.total.get(f, Decimal(0)) + v

    def check(self, row: int, texts: list[str], cells: dict[str, object], factors: dict[str, Decimal]) -> list[str]:
        """Notes for a subtotal row whose figures differ from the sum of the rows it covers."""
        label = next((re.sub(r"\s", "", t) for t in texts if t and SUBTOTAL_LABEL_RE.match(re.sub(r"\s", "", t))),
                     "")
        is_total = not label.endswith("小计")
        sums = self.total if is_total else self.group
        notes = []
        for f, name in self.labels.items():
            try:
                given = parse_amount(cells.get(f), factors.get(f, Decimal(1)))
            except ValueError:
                continue
            if given is None:
                continue
            expected = sums.get(f, Decimal(0))
            if abs(given - expected) >= Decimal("0.01"):
                notes.append(f"工作表“{self.sheet}”第 {row} 行「{label}」{name} {given:,.2f} 万元与明细之和 "
                             f"{expected:,.2f} 万元不符 (已跳过该行, 以明细为准)")
        if not is_total:
            self.group = {}
        return notes
