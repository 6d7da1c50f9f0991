"""Importing the two outside lists the reconciliation compares the city's reports with, through the monthly
import's machinery (progress.spreadsheets: .xlsx/.xls/.ods/.csv, tolerant and two-row headers, units in a header
or the title, blank and subtotal rows skipped):

- the statistics bureau's 固定资产投资 入库 list (`statistics`): 项目代码 or 项目名称, 入库状态, and 统计完成投资 by
  month, either one row per project with month columns (1月 … 12月, 当月 amounts) and the year from a 年度
  column, the title or the caller, or one row per project and month (年 / 月 / 金额);
- the approval platform's export (`approvals`): 项目代码 (or 项目名称), 审批类型 (审批/核准/备案) with 审批日期, or
  one date column per kind (审批日期, 核准日期, 备案日期), and 审批文号.

As for the other imports: plan first (nothing written, every problem named by sheet, row, column, field and
value, in Chinese), then commit all or nothing, audited. Each file is the outside system's whole list: the
statistics of a year (or the approvals of the city) replace what was imported before, so importing the same
file twice changes nothing. Rows are matched to the city's projects by code, else by name; a row for a project
the city does not have is skipped with a note (the bureau's list holds more than the city's major projects).
Only the city's administrator imports, into their own city."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.audit.models import AuditEntry
from tuijin.audit.services import change_entry
from tuijin.core.errors import InputError
from tuijin.core.policy import CONFIGURE, require_actor
from tuijin.progress.spreadsheets import (
    CellProblem,
    Sheet,
    column_letter,
    find_layout,
    normalise,
    parse_amount,
    read_workbook,
    subtotal_row,
    text_of,
    text_problem,
    title_info,
    title_texts,
)
from tuijin.projects.models import Project

from .models import ApprovalKind, ApprovalRecord, StatisticsEntry, StatisticsMonth, StatsStatus

KIND_STATISTICS, KIND_APPROVALS = "statistics", "approvals"
KIND_LABELS = {KIND_STATISTICS: "统计入库清单", KIND_APPROVALS: "审批平台导出"}

STATS_LABELS = {
    "code": "项目代码",
    "name": "项目名称",
    "status": "入库状态",
    "year": "年度",
    "month": "月份",
    "amount": "统计完成投资",
    **{f"m{m}": f"{m}月统计完成投资" for m in range(1, 13)},
}
APPROVAL_LABELS = {
    "code": "项目代码",
    "name": "项目名称",
    "kind": "审批类型",
    "date": "审批日期",
    "document_no": "审批文号",
    "date_approval": "审批日期",
    "date_ratification": "核准日期",
    "date_filing": "备案日期",
}
KIND_DATE_FIELDS = {
    "date_approval": ApprovalKind.APPROVAL,
    "date_ratification": ApprovalKind.RATIFICATION,
    "date_filing": ApprovalKind.FILING,
}

STATUS_WORDS = {
    StatsStatus.IN: {"已入库", "入库", "在库", "是", "已纳统", "纳统"},
    StatsStatus.OUT: {"未入库", "不入库", "否", "未纳统", "未入统"},
    StatsStatus.PENDING: {"待入库", "审核中", "入库审核中", "拟入库", "申报中"},
    StatsStatus.REMOVED: {"已退库", "退库", "出库", "已出库"},
}
KIND_WORDS = {
    ApprovalKind.APPROVAL: {"审批", "审批制", "批复", "审批类"},
    ApprovalKind.RATIFICATION: {"核准", "核准制", "核准类"},
    ApprovalKind.FILING: {"备案", "备案制", "备案类"},
}
MONTH_HEADER_RE = re.compile(
    r"^(?:(?:19|20)\d{2}年)?(\d{1,2})月份?(?:统计)?(?:完成)?(?:投资)?(?:额)?$"
)
DATE_TEXT_RE = re.compile(r"(\d{4})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})\s*日?")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def _city(user):
    city = scoping.administered_city(user)
    if city is None:
        raise PermissionDenied("只有市管理员可以导入本市的统计入库清单和审批平台导出")
    return city


# ---------------------------------------------------------------- headers


def _bare(header: str) -> str:
    """A header without spaces, a bracketed note or a unit: “5月(万元)” → “5月”."""
    t = re.sub(r"\(.*?\)", "", normalise(header))
    return re.sub(r"(单位|万元|亿元)", "", t)


def match_stats_field(header: str) -> str | None:
    """Which statistics-list field a header names."""
    t = _bare(header)
    if not t:
        return None
    if "代码" in t or "编码" in t:
        return "code"
    if "名称" in t:
        return "name"
    if "入库" in t or "纳统" in t or t in ("状态", "统计状态"):
        return "status"
    if t in ("年", "年度", "年份", "统计年度"):
        return "year"
    if t in ("月", "月份", "统计月份"):
        return "month"
    if "累计" in t or "%" in t or "率" in t or "计划" in t:
        return None  # cumulative or planned figures: never a month's statistics
    m = MONTH_HEADER_RE.match(t)
    if m:
        return f"m{int(m.group(1))}" if 1 <= int(m.group(1)) <= 12 else "bad_month"
    if "金额" in t or "完成投资" in t or "投资额" in t:
        return "amount"
    return None


def _accept_stats(columns: dict[str, int]) -> bool:
    months = any(f.startswith("m") and f != "month" for f in columns)
    return (
        bool({"code", "name"} & columns.keys())
        and "status" in columns
        and (months or {"month", "amount"} <= columns.keys())
    )


def match_approval_field(header: str) -> str | None:
    """Which approval-export field a header names."""
    t = _bare(header)
    if not t:
        return None
    if "文号" in t or t.endswith("备案号") or "批文号" in t or "批复号" in t or "证号" in t:
        return "document_no"
    if "代码" in t or "编码" in t:
        return "code"
    if "名称" in t:
        return "name"
    if "日期" in t or "时间" in t:
        if "核准" in t:
            return "date_ratification"
        if "备案" in t:
            return "date_filing"
        if "审批" in t:
            return "date_approval"
        if "批复" in t or "办结" in t or t == "日期":
            return "date"
        return None
    if "类型" in t or "方式" in t or t in ("审批类别", "管理类别", "审批事项"):
        return "kind"
    return None


def _accept_approvals(columns: dict[str, int]) -> bool:
    dated = "kind" in columns and bool({"date", "date_approval"} & columns.keys())
    return (
        bool({"code", "name"} & columns.keys())
        and (dated or bool(set(KIND_DATE_FIELDS) & columns.keys()))
        and (
            "document_no" in columns
            or "kind" in columns
            or len(set(KIND_DATE_FIELDS) & columns.keys()) > 0
        )
    )


def detect_kind(data: bytes, filename: str = "") -> str | None:
    """统计入库清单 / 审批平台导出 by the headers of the first sheet with a table; None when neither."""
    try:
        sheets = read_workbook(data, filename)
    except InputError:
        return None
    for sheet in sheets:
        if find_layout(sheet, match_stats_field, _accept_stats):
            return KIND_STATISTICS
        if find_layout(sheet, match_approval_field, _accept_approvals):
            return KIND_APPROVALS
    return None


# ---------------------------------------------------------------- the plan


@dataclass
class Change:
    """One project whose imported record the file creates, changes or removes (what the preview shows)."""

    sheet: str
    row: int
    project: Project
    action: str  # 新增 / 修改 / 删除
    text: str


@dataclass
class OutsidePlan:
    kind: str
    filename: str
    city: object = None
    years: list[int] = field(default_factory=list)
    errors: list[CellProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    rows: int = 0
    records: list[dict] = field(default_factory=list)  # what the commit writes
    sheet_order: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def created(self) -> int:
        return self.count("新增")

    @property
    def updated(self) -> int:
        return self.count("修改")

    @property
    def removed(self) -> int:
        return self.count("删除")

    def sort_errors(self) -> None:
        self.errors.sort(key=lambda e: (self.sheet_order.get(e.sheet, 0), e.row))


@dataclass
class _Row:
    sheet: Sheet
    row: int
    cells: dict[str, object]
    columns: dict[str, int]
    factors: dict[str, Decimal]

    def problem(self, f: str, reason: str, labels: dict) -> CellProblem:
        col = self.columns.get(f)
        return CellProblem(
            self.sheet.name,
            self.row,
            column_letter(col) if col is not None else "",
            self.cells.get(f) if col is not None else None,
            reason,
            labels.get(f, f),
        )


def _rows(
    plan: OutsidePlan, data: bytes, match, accept, needs: str, progress
) -> tuple[list[_Row], list[str]]:
    """The data rows of every sheet with a recognisable header, and the texts above the headers."""
    rows: list[_Row] = []
    titles: list[str] = []
    headerless: list[Sheet] = []
    found = False
    for sheet in read_workbook(data, plan.filename):
        plan.sheet_order[sheet.name] = len(plan.sheet_order)
        layout = find_layout(sheet, match, accept)
        if layout is None:
            if any(any(text_of(v) for v in row) for row in sheet.rows):
                headerless.append(sheet)
            continue
        found = True
        if "bad_month" in layout.columns:
            c = layout.columns["bad_month"]
            plan.errors.append(
                CellProblem(
                    sheet.name,
                    layout.header_row + 1,
                    column_letter(c),
                    text_of(sheet.rows[layout.header_row][c]),
                    "表头的月份应在 1-12 之间",
                    "月份",
                )
            )
        title_factor, _, _ = title_info(sheet, layout.first_row)
        titles += title_texts(sheet, layout.first_row)
        factors = layout.factors(title_factor or Decimal(1))
        for r in range(layout.header_row + 1, len(sheet.rows)):
            raw = sheet.rows[r]
            texts = [text_of(v) for v in raw]
            if not any(texts):
                continue
            cells = {f: (raw[c] if c < len(raw) else "") for f, c in layout.columns.items()}
            if not text_of(cells.get("code")) and not text_of(cells.get("name")):
                plan.skipped += 1  # a 合计 row, a group heading or a note under the table
                continue
            if subtotal_row([text_of(cells.get("code")), text_of(cells.get("name"))]):
                plan.skipped += 1
                continue
            rows.append(_Row(sheet, r + 1, cells, layout.columns, factors))
            plan.rows += 1
            if progress:
                progress(1)
    if not found:
        plan.errors += [
            CellProblem(s.name, 1, "", None, f"找不到表头: 需要{needs}") for s in headerless
        ] or [CellProblem(plan.filename, 1, "", None, f"找不到表头: 需要{needs}")]
    return rows, titles


class _Matcher:
    """The city's projects by code and by folded name (never a project of another city: no oracle)."""

    def __init__(self, city):
        from tuijin.progress.matching import NameIndex

        self.projects = Project.objects.filter(unit__path__startswith=city.path)
        self.by_code = {
            p.code: p for p in self.projects.only("pk", "code", "name", "owner", "unit_id")
        }
        self.by_pk = {p.pk: p for p in self.by_code.values()}
        self.names = NameIndex(self.projects)

    def find(self, plan: OutsidePlan, row: _Row, labels: dict) -> Project | None:
        code = text_of(row.cells.get("code")).upper()
        name = text_of(row.cells.get("name"))
        if code:
            project = self.by_code.get(code)
            if project is None:
                plan.notes.append(
                    f"工作表“{row.sheet.name}”第 {row.row} 行: 项目代码 {code} 不在本市项目库中, 已跳过"
                )
            return project
        found, reason = self.names.find(name)
        if found is None:
            if "多个项目" in reason:
                plan.errors.append(row.problem("name", reason, labels))
            else:
                plan.notes.append(
                    f"工作表“{row.sheet.name}”第 {row.row} 行: 项目名称 {name} 不在本市项目库中, 已跳过"
                )
            return None
        return self.by_pk[found.pk]


def _year(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    t = text_of(value).removesuffix("年").removesuffix("度")
    return int(t) if t.isascii() and t.isdigit() and 2000 <= int(t) <= 2100 else None


def _month(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    t = text_of(value).removesuffix("月份").removesuffix("月")
    return int(t) if t.isascii() and t.isdigit() and 1 <= int(t) <= 12 else None


def _status(plan: OutsidePlan, row: _Row) -> str | None:
    text = re.sub(r"\s", "", text_of(row.cells.get("status")))
    if not text:
        plan.errors.append(row.problem("status", "入库状态不能为空", STATS_LABELS))
        return None
    for status, words in STATUS_WORDS.items():
        if text in words:
            return status
    valid = "、".join(StatsStatus(s).label for s in StatsStatus)
    plan.errors.append(row.problem("status", f"入库状态无法识别, 应为: {valid}", STATS_LABELS))
    return None


def _amount(plan: OutsidePlan, row: _Row, f: str, labels: dict) -> Decimal | None | str:
    try:
        value = parse_amount(row.cells.get(f), row.factors.get(f, Decimal(1)))
    except ValueError as exc:
        plan.errors.append(row.problem(f, f"{labels[f]}{exc}", labels))
        return "error"
    if value is not None and value < 0:
        plan.errors.append(row.problem(f, f"{labels[f]}不能为负数", labels))
        return "error"
    return value


def _months_text(months: dict[int, Decimal]) -> str:
    return ", ".join(f"{m}月 {v:,.2f}" for m, v in sorted(months.items())) or "无月度数据"


# ---------------------------------------------------------------- 统计入库清单


def plan_statistics(
    *,
    user,
    data: bytes,
    filename: str,
    year: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> OutsidePlan:
    """What the statistics list would change for the city's projects, year by year. Nothing is written."""
    city = _city(user)
    plan = OutsidePlan(KIND_STATISTICS, filename, city)
    L = STATS_LABELS
    rows, titles = _rows(
        plan,
        data,
        match_stats_field,
        _accept_stats,
        "“项目代码”或“项目名称”列、“入库状态”列, 以及 1月…12月 的统计完成投资列 (或“年”“月”“金额”列)",
        progress,
    )
    if year is None:
        m = YEAR_RE.search(" ".join(titles))
        year = int(m.group(1)) if m else None
    matcher = _Matcher(city)
    wanted: dict[tuple[int, int], dict] = {}  # (project id, year) → record
    for row in rows:
        before = len(plan.errors)
        for f in ("code", "name"):
            problem = text_problem(text_of(row.cells.get(f)), L[f], 40 if f == "code" else 200)
            if problem:
                plan.errors.append(row.problem(f, problem, L))
        row_year = year
        if "year" in row.columns and text_of(row.cells.get("year")):
            row_year = _year(row.cells["year"])
            if row_year is None:
                plan.errors.append(row.problem("year", "年度应为 2000-2100 的年份", L))
        status = _status(plan, row)
        months: dict[int, Decimal] = {}
        if "month" in row.columns:
            month = _month(row.cells.get("month"))
            if month is None:
                plan.errors.append(row.problem("month", "月份应为 1-12", L))
            value = _amount(plan, row, "amount", L)
            if month is not None and isinstance(value, Decimal):
                months[month] = value
        for m in range(1, 13):
            if f"m{m}" in row.columns:
                value = _amount(plan, row, f"m{m}", L)
                if isinstance(value, Decimal):
                    months[m] = value
        if row_year is None and len(plan.errors) == before:
            plan.errors.append(
                row.problem(
                    "year",
                    "无法确定年度: 请填写“年度”列, 或在标题中写明“YYYY年”, 或在导入时选择",
                    L,
                )
            )
        if len(plan.errors) > before:
            continue
        project = matcher.find(plan, row, L)
        if project is None:
            plan.skipped += 1
            continue
        key = (project.pk, row_year)
        record = wanted.get(key)
        if record is None:
            wanted[key] = {
                "project": project,
                "year": row_year,
                "status": status,
                "status_text": text_of(row.cells.get("status"))[:30],
                "code_given": text_of(row.cells.get("code"))[:40],
                "name_given": text_of(row.cells.get("name"))[:200],
                "months": months,
                "sheet": row.sheet.name,
                "row": row.row,
            }
            continue
        if "month" not in row.columns:
            plan.errors.append(
                row.problem(
                    "code" if "code" in row.columns else "name",
                    f"项目 {project.name} 的 {row_year} 年数据在第 {record['row']} 行已出现",
                    L,
                )
            )
            continue
        if record["status"] != status:
            plan.errors.append(
                row.problem(
                    "status", f"入库状态与第 {record['row']} 行 ({record['status_text']}) 不同", L
                )
            )
            continue
        again = set(months) & set(record["months"])
        if again:
            m = min(again)
            plan.errors.append(
                row.problem("month", f"项目 {project.name} {row_year}年{m}月的数据已出现过", L)
            )
            continue
        record["months"].update(months)
    plan.years = sorted({y for _, y in wanted})
    if plan.errors:
        plan.sort_errors()
        return plan
    existing: dict[tuple[int, int], StatisticsEntry] = {
        (e.project_id, e.year): e
        for e in StatisticsEntry.objects.filter(city=city, year__in=plan.years)
        .select_related("project")
        .prefetch_related("months")
    }
    for key, record in wanted.items():
        entry = existing.get(key)
        record["entry"] = entry
        plan.records.append(record)
        after = f"{StatsStatus(record['status']).label}; {_months_text(record['months'])}"
        if entry is None:
            plan.changes.append(
                Change(
                    record["sheet"],
                    record["row"],
                    record["project"],
                    "新增",
                    f"{record['year']}年: {after}",
                )
            )
            continue
        old = {m.month: m.amount for m in entry.months.all()}
        if (
            entry.status == record["status"]
            and old == record["months"]
            and entry.status_text == record["status_text"]
        ):
            plan.unchanged += 1
            continue
        before = f"{entry.get_status_display()}; {_months_text(old)}"
        plan.changes.append(
            Change(
                record["sheet"],
                record["row"],
                record["project"],
                "修改",
                f"{record['year']}年: {before} → {after}",
            )
        )
    for key, entry in existing.items():
        if key not in wanted:
            plan.changes.append(
                Change(
                    "",
                    0,
                    entry.project,
                    "删除",
                    f"{entry.year}年: 不在本次清单中, 删除原入库记录 ({entry.get_status_display()})",
                )
            )
            plan.records.append({"delete": entry})
    plan.changes.sort(key=lambda c: (c.action == "删除", plan.sheet_order.get(c.sheet, 0), c.row))
    return plan


def _entry_snapshot(entry: StatisticsEntry, months: dict[int, Decimal]) -> dict:
    return {
        "city": entry.city_id,
        "year": entry.year,
        "project": entry.project_id,
        "status": entry.status,
        "status_text": entry.status_text,
        "months": {str(m): str(v) for m, v in sorted(months.items())},
    }


def commit_statistics(
    *, user, plan: OutsidePlan, progress: Callable[[int], None] | None = None
) -> int:
    """Write the planned statistics (the file's years replace what was imported for them), all or nothing."""
    require_actor(user, CONFIGURE)  # the one policy: an actor whose role may do this at all
    city = _city(user)
    if plan.kind != KIND_STATISTICS or plan.city is None or plan.city.pk != city.pk:
        raise InputError("导入计划与当前城市不符, 请重新预览", field="file")
    if not plan.ok:
        raise InputError(f"文件有 {len(plan.errors)} 处错误, 未导入任何数据", field="file")
    reason = f"导入统计入库清单: {plan.filename}"
    audit: list[AuditEntry] = []
    changed = 0
    with transaction.atomic():
        for record in plan.records:
            if "delete" in record:
                entry = record["delete"]
                before = _entry_snapshot(entry, {m.month: m.amount for m in entry.months.all()})
                audit.append(
                    change_entry(
                        actor=user,
                        action="delete",
                        obj=entry,
                        before=before,
                        after=None,
                        reason=reason,
                        project_id=entry.project_id,
                    )
                )
                entry.delete()
                changed += 1
                continue
            entry = record["entry"]
            old_months = {m.month: m.amount for m in entry.months.all()} if entry else {}
            before = _entry_snapshot(entry, old_months) if entry else None
            if (
                entry is not None
                and entry.status == record["status"]
                and old_months == record["months"]
                and entry.status_text == record["status_text"]
            ):
                continue
            if entry is None:
                entry = StatisticsEntry(city=city, year=record["year"], project=record["project"])
            entry.status, entry.status_text = record["status"], record["status_text"]
            entry.code_given, entry.name_given = record["code_given"], record["name_given"]
            entry.source, entry.imported_by = (
                plan.filename[:200],
                user if getattr(user, "pk", None) else None,
            )
            entry.save()
            StatisticsMonth.objects.filter(entry=entry).delete()
            StatisticsMonth.objects.bulk_create(
                [
                    StatisticsMonth(entry=entry, month=m, amount=v)
                    for m, v in sorted(record["months"].items())
                ]
            )
            audit.append(
                change_entry(
                    actor=user,
                    action="update" if before else "create",
                    obj=entry,
                    before=before,
                    after=_entry_snapshot(entry, record["months"]),
                    reason=reason,
                    project_id=entry.project_id,
                )
            )
            changed += 1
            if progress:
                progress(1)
        AuditEntry.objects.bulk_create(audit, batch_size=1000)
    return changed


# ---------------------------------------------------------------- 审批平台导出


def _date(plan: OutsidePlan, row: _Row, f: str) -> datetime.date | None | str:
    value = row.cells.get(f)
    label = APPROVAL_LABELS[f]
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        t = text_of(value)
        if not t:
            return None
        m = DATE_TEXT_RE.fullmatch(t)
        try:
            value = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            value = None
        if value is None:
            plan.errors.append(
                row.problem(f, f"{label}不是有效日期 (应如 2024-03-15)", APPROVAL_LABELS)
            )
            return "error"
    today = timezone.localdate()
    if value > today:
        plan.errors.append(
            row.problem(f, f"{label} {value} 在未来 (今天是 {today})", APPROVAL_LABELS)
        )
        return "error"
    return value


def _kind(plan: OutsidePlan, row: _Row) -> str | None:
    text = re.sub(r"\s", "", text_of(row.cells.get("kind")))
    for kind, words in KIND_WORDS.items():
        if text in words:
            return kind
    plan.errors.append(
        row.problem(
            "kind",
            "审批类型" + ("不能为空" if not text else "无法识别") + ", 应为: 审批、核准、备案",
            APPROVAL_LABELS,
        )
    )
    return None


def plan_approvals(
    *, user, data: bytes, filename: str, progress: Callable[[int], None] | None = None
) -> OutsidePlan:
    """What the approval export would change: the city's approval records become the file's. Nothing is written."""
    city = _city(user)
    plan = OutsidePlan(KIND_APPROVALS, filename, city)
    L = APPROVAL_LABELS
    rows, _ = _rows(
        plan,
        data,
        match_approval_field,
        _accept_approvals,
        "“项目代码”或“项目名称”列, 以及“审批类型”和“审批日期”列 (或“审批日期”“核准日期”“备案日期”列)",
        progress,
    )
    matcher = _Matcher(city)
    wanted: dict[tuple, dict] = {}
    for row in rows:
        before = len(plan.errors)
        doc = text_of(row.cells.get("document_no"))
        problem = text_problem(doc, L["document_no"], 100)
        if problem:
            plan.errors.append(row.problem("document_no", problem, L))
        found: list[tuple[str, datetime.date]] = []
        if "kind" in row.columns:
            date_field = "date" if "date" in row.columns else "date_approval"
            kind = _kind(plan, row)
            date = _date(plan, row, date_field)
            if date is None:
                plan.errors.append(row.problem(date_field, f"{L[date_field]}不能为空", L))
            elif kind and date != "error":
                found.append((kind, date))
        else:
            for f, kind in KIND_DATE_FIELDS.items():
                if f in row.columns:
                    date = _date(plan, row, f)
                    if isinstance(date, datetime.date):
                        found.append((kind, date))
            if not found and len(plan.errors) == before:
                plan.errors.append(
                    row.problem(
                        next(f for f in KIND_DATE_FIELDS if f in row.columns),
                        "审批、核准、备案日期至少填写一个",
                        L,
                    )
                )
        if len(plan.errors) > before:
            continue
        project = matcher.find(plan, row, L)
        if project is None:
            plan.skipped += 1
            continue
        for kind, date in found:
            key = (project.pk, kind, date, doc)
            if key in wanted:
                plan.errors.append(
                    row.problem(
                        "document_no" if doc else "code", f"与第 {wanted[key]['row']} 行重复", L
                    )
                )
                continue
            wanted[key] = {
                "project": project,
                "kind": kind,
                "approved_on": date,
                "document_no": doc,
                "code_given": text_of(row.cells.get("code"))[:40],
                "sheet": row.sheet.name,
                "row": row.row,
            }
    if plan.errors:
        plan.sort_errors()
        return plan
    existing = {
        (r.project_id, r.kind, r.approved_on, r.document_no): r
        for r in ApprovalRecord.objects.filter(city=city).select_related("project")
    }
    for key, record in wanted.items():
        if key in existing:
            plan.unchanged += 1
            continue
        plan.records.append(record)
        plan.changes.append(
            Change(
                record["sheet"],
                record["row"],
                record["project"],
                "新增",
                f"{ApprovalKind(record['kind']).label} {record['approved_on']} "
                f"{record['document_no'] or '(无文号)'}",
            )
        )
    for key, old in existing.items():
        if key not in wanted:
            plan.records.append({"delete": old})
            plan.changes.append(
                Change(
                    "",
                    0,
                    old.project,
                    "删除",
                    f"{old.get_kind_display()} {old.approved_on} {old.document_no or '(无文号)'}: "
                    "不在本次导出中",
                )
            )
    plan.changes.sort(key=lambda c: (c.action == "删除", plan.sheet_order.get(c.sheet, 0), c.row))
    return plan


APPROVAL_FIELDS = ["city", "project", "kind", "approved_on", "document_no", "code_given"]


def commit_approvals(
    *, user, plan: OutsidePlan, progress: Callable[[int], None] | None = None
) -> int:
    """Write the planned approval records (the file replaces the city's), all or nothing, audited."""
    require_actor(user, CONFIGURE)  # the one policy: an actor whose role may do this at all
    from tuijin.audit.services import snapshot

    city = _city(user)
    if plan.kind != KIND_APPROVALS or plan.city is None or plan.city.pk != city.pk:
        raise InputError("导入计划与当前城市不符, 请重新预览", field="file")
    if not plan.ok:
        raise InputError(f"文件有 {len(plan.errors)} 处错误, 未导入任何数据", field="file")
    reason = f"导入审批平台导出: {plan.filename}"
    audit: list[AuditEntry] = []
    with transaction.atomic():
        for record in plan.records:
            if "delete" in record:
                old = record["delete"]
                audit.append(
                    change_entry(
                        actor=user,
                        action="delete",
                        obj=old,
                        before=snapshot(old, APPROVAL_FIELDS),
                        after=None,
                        reason=reason,
                    )
                )
                old.delete()
                continue
            made = ApprovalRecord.objects.create(
                city=city,
                project=record["project"],
                kind=record["kind"],
                approved_on=record["approved_on"],
                document_no=record["document_no"],
                code_given=record["code_given"],
                source=plan.filename[:200],
                imported_by=user if getattr(user, "pk", None) else None,
            )
            audit.append(
                change_entry(
                    actor=user,
                    action="create",
                    obj=made,
                    before=None,
                    after=snapshot(made, APPROVAL_FIELDS),
                    reason=reason,
                )
            )
            if progress:
                progress(1)
        AuditEntry.objects.bulk_create(audit, batch_size=1000)
    return len(plan.records)


def plan_file(
    *,
    user,
    data: bytes,
    filename: str,
    kind: str | None = None,
    year: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> OutsidePlan:
    """Either kind, by the caller's choice or the file's headers."""
    kind = kind or detect_kind(data, filename) or KIND_STATISTICS
    if kind == KIND_APPROVALS:
        return plan_approvals(user=user, data=data, filename=filename, progress=progress)
    return plan_statistics(user=user, data=data, filename=filename, year=year, progress=progress)


def commit_file(*, user, plan: OutsidePlan, progress: Callable[[int], None] | None = None) -> int:
    commit = commit_approvals if plan.kind == KIND_APPROVALS else commit_statistics
    return commit(user=user, plan=plan, progress=progress)
