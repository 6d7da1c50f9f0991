"""Importing monthly reports from a spreadsheet: find the header, match rows by project code and period,
show a preview of what will change, then commit all or nothing through save_report (same checks, same
audit). Importing the same file twice changes nothing; every problem names sheet, row, column and value."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuijin.accounts.models import Role
from tuijin.core.errors import InputError
from tuijin.core.policy import require_actor
from tuijin.projects.models import Project
from tuijin.projects.scoping import OUT_OF_REACH, READ, REPORT, projects_for

from .checks import History, evaluate, load_history
from .models import MonthlyReport, ReportingPeriod, ReportStatus
from .spreadsheets import (
    SUBTOTAL_RE,
    YTD_MONTH_RE,
    CellProblem,
    Layout,
    Sheet,
    SubtotalCheck,
    column_letter,
    find_layout,
    normalise,
    parse_amount,
    read_workbook,
    subtotal_row,
    text_of,
    text_problem,
)
from .spreadsheets import title_info as _title_info

FIELD_LABELS = {"code": "项目代码", "name": "项目名称", "amount": "当月完成投资", "ytd": "1-N月累计完成投资",
                "progress_text": "形象进度", "problems_text": "存在问题", "unit": "县（市、区）",
                "funds_secured": "当月落实资金"}
MONEY_FIELDS = {"amount", "ytd", "annual_plan", "total_investment", "cumulative_plan", "funds_secured"}


def match_field(header: str) -> str | None:
    """Which report field a header names, in the variants people use (a merged two-row header arrives
    joined: “1-4月完成投资” over “本月” and “累计” → “1-4月完成投资本月”, “1-4月完成投资累计”)."""
    t = normalise(header)
    if not t:
        return None
    if "代码" in t or "编码" in t:
        return "code"
    if "名称" in t:
        return "name"
    if "资金" in t and "落实" in t and not ("%" in t or "率" in t or "累计" in t or "计划" in t):
        return "funds_secured"  # 当月落实资金 / 资金落实 (optional; a cumulative or a rate is not this month's)
    if "%" in t or "率" in t or "比例" in t or "参考" in t or "上月" in t or "计划" in t:
        return None  # ratios, and the template's reference columns (上月累计, 年度计划): never this month's figures
    if "累计" in t and ("完成" in t or "投资" in t or "月" in t):
        return "ytd"
    if ("当月" in t or "本月" in t) and ("完成" in t or "投资" in t):
        return "amount"
    if "形象进度" in t or "进展情况" in t or t in ("进度", "项目进展", "形象进展"):
        return "progress_text"
    if "问题" in t:
        return "problems_text"
    if unit_header(t):
        return "unit"
    return None


def unit_header(t: str) -> bool:
    """县（市、区）, 所属县（市、区）, 属地, 所在地, 所属单位, 板块 (already normalised)."""
    bare = re.sub(r"[()、,，]", "", t)
    return "县市区" in bare or "市县区" in bare or "属地" in t or t in ("所在地", "地区", "区县", "县区") or (
        "单位" in t and "建设" not in t and "责任" not in t) or "板块" in t


def format_value(value, money: bool = False) -> str:
    """A value as the preview shows it: 空 for nothing, amounts as “25,000.00 万元”, 是/否, dates ISO."""
    if value is None or value == "":
        return "空"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, Decimal | int) and money:
        return f"{value:,.2f} 万元"
    return str(value)


@dataclass
class RowChange:
    project: Project
    sheet: str
    row: int
    before: dict | None
    after: dict
    warnings: list[str] = field(default_factory=list)
    warning_codes: list[str] = field(default_factory=list)
    correction: bool = False  # a change in a locked period

    @property
    def changed_fields(self) -> list[str]:
        before = self.before or {}
        return [k for k, v in self.after.items() if before.get(k) != v]

    @property
    def diffs(self) -> list[tuple[str, object, object]]:
        """(label, before, after) of each changed field, for the preview."""
        before = self.before or {}
        shown = [(FIELD_LABELS.get(k, k), format_value(before.get(k), k in MONEY_FIELDS),
                  format_value(self.after[k], k in MONEY_FIELDS)) for k in self.changed_fields]
        return [(label, old, new) for label, old, new in shown if old != new]  # 空 → 空 is no change

    @property
    def text(self) -> str:
        """“当月完成投资: 空 → 25,000.00 万元, …”"""
        return ", ".join(f"{label}: {old} → {new}" for label, old, new in self.diffs)


@dataclass
class ImportPlan:
    filename: str
    year: int | None = None
    month: int | None = None
    errors: list[CellProblem] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    reason: str = ""  # 更正原因, for changes in a locked period
    notes: list[str] = field(default_factory=list)  # 小计/合计 that do not add up: shown, not confirmed

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warnings(self) -> list[str]:
        """The checks' findings the user must confirm before the import is written."""
        return [w for c in self.changes for w in c.warnings]


def _accept(columns: dict[str, int]) -> bool:
    return bool({"code", "name"} & columns.keys()) and bool({"amount", "ytd"} & columns.keys())


def _find_layout(sheet: Sheet) -> Layout | None:
    return find_layout(sheet, match_field, _accept)


NEEDS = "找不到表头: 需要“项目代码”或“项目名称”列, 以及“当月完成投资”或“累计完成投资”列"


def plan_import(*, user, data: bytes, filename: str, year: int | None = None, month: int | None = None,
                reason: str = "", progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Read the file and work out what would change. Nothing is written. In a locked period a change is a
    correction: it needs `reason` and goes back to review. A table without a code column (the clerk's own)
    is matched by project name within the user's scope (matching.NameIndex)."""
    plan = ImportPlan(filename, year, month, reason=reason.strip())
    sheets = read_workbook(data, filename)
    parsed: list[tuple[Sheet, int, dict]] = []  # (sheet, excel row, values with cells)
    for sheet in sheets:
        layout = _find_layout(sheet)
        if layout is None:
            if sheet.name != "选项" and any(any(text_of(v) for v in row) for row in sheet.rows):
                plan.errors.append(CellProblem(sheet.name, 1, "", None, NEEDS))
            continue
        title_factor, title_period, title = _title_info(sheet, layout.first_row)
        factors = layout.factors(title_factor or Decimal(1))
        letters = {f: column_letter(c) for f, c in layout.columns.items()}
        by_name = "code" not in layout.columns
        free_text = {layout.columns[f] for f in ("progress_text", "problems_text") if f in layout.columns}
        if title_period:
            if plan.year is None:
                plan.year, plan.month = title_period
            elif (plan.year, plan.month) != title_period:
                plan.errors.append(CellProblem(sheet.name, 1, "", title,
                                               f"表格标题的期间与所选期间 {plan.year}年{plan.month}月 不一致"))
        if "ytd" in layout.columns and plan.month is not None:
            head = " ".join(text_of(sheet.rows[r][layout.columns["ytd"]])
                            for r in range(layout.first_row, layout.header_row + 1)
                            if layout.columns["ytd"] < len(sheet.rows[r]))
            m = YTD_MONTH_RE.search(head)
            if m and int(m.group(1)) != plan.month:
                plan.errors.append(CellProblem(sheet.name, layout.header_row + 1, letters["ytd"], head,
                                               f"累计列的月份与期间 {plan.month}月 不一致", FIELD_LABELS["ytd"]))
        sums = SubtotalCheck(sheet.name, {f: FIELD_LABELS[f] for f in ("amount", "ytd") if f in layout.columns})
        for r in range(layout.header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]
            cells = {f: (row[c] if c < len(row) else "") for f, c in layout.columns.items()}
            texts = [text_of(v) for v in row]
            if not any(texts):
                continue
            code = text_of(cells.get("code")).upper()
            name = text_of(cells.get("name"))
            has_figures = any(text_of(cells.get(f)) for f in ("amount", "ytd"))
            labels = [t for c, t in enumerate(texts) if c not in free_text]  # not 形象进度 / 存在问题
            if by_name:
                if subtotal_row(labels):
                    plan.skipped += 1
                    plan.notes += sums.check(r + 1, labels, cells, factors)
                    continue
                if not name or not has_figures and not any(
                        text_of(cells.get(f)) for f in ("progress_text", "problems_text")):
                    plan.skipped += 1  # a group heading (一、甲区) or a blank line
                    continue
            elif not code:
                if any(SUBTOTAL_RE.search(t) for t in texts) or not has_figures:
                    plan.skipped += 1  # a subtotal, total or group heading row
                    if subtotal_row(labels):
                        plan.notes += sums.check(r + 1, labels, cells, factors)
                    continue
                plan.errors.append(CellProblem(sheet.name, r + 1, letters["code"], "", "缺少项目代码",
                                               FIELD_LABELS["code"]))
                continue
            values = {"code": code, "name": name, "unit": text_of(cells.get("unit")), "_cols": letters,
                      "_cells": cells}
            for f in ("amount", "ytd", "funds_secured"):
                if f in cells:
                    try:
                        values[f] = parse_amount(cells[f], factors[f])
                    except ValueError as exc:
                        plan.errors.append(CellProblem(sheet.name, r + 1, letters[f], cells[f],
                                                       f"{FIELD_LABELS[f]}{exc}", FIELD_LABELS[f]))
                        values[f] = "error"
                    else:
                        if values[f] is not None and values[f] < 0:
                            plan.errors.append(CellProblem(sheet.name, r + 1, letters[f], cells[f],
                                                           f"{FIELD_LABELS[f]}不能为负数", FIELD_LABELS[f]))
            sums.add(values)
            for f in ("progress_text", "problems_text"):
                if f in cells:
                    values[f] = text_of(cells[f])
                    problem = text_problem(values[f], FIELD_LABELS[f])
                    if problem:
                        plan.errors.append(CellProblem(sheet.name, r + 1, letters[f], values[f][:40], problem,
                                                       FIELD_LABELS[f]))
            parsed.append((sheet, r + 1, values))
    if plan.year is None or plan.month is None:
        if not plan.errors:
            plan.errors.append(CellProblem(sheets[0].name if sheets else filename, 1, "", None,
                                           "无法确定期间: 请在标题中写明“YYYY年1-N月”(或一季度、上半年、前三季度), "
                                           "或在导入时选择期间"))
        return plan
    if not 1 <= plan.month <= 12:
        plan.errors.append(CellProblem(sheets[0].name, 1, "", plan.month, "月份应在 1-12 之间"))
        return plan
    _by_name(plan, user, parsed)
    _resolve(plan, user, parsed, progress)
    order = {sheet.name: i for i, sheet in enumerate(sheets)}
    plan.errors.sort(key=lambda e: (order.get(e.sheet, 0), e.row))  # as the user reads the file
    return plan


def _by_name(plan: ImportPlan, user, parsed) -> None:
    """Give the rows of a table without codes the code of the project their name stands for, within the
    projects the user reports on (those on a list this year first); an unknown or ambiguous name is an
    error on the name's cell, and the row is dropped."""
    if not any(not v["code"] for _, _, v in parsed):
        return
    from tuijin.projects.models import ListEntry

    from .matching import NameIndex

    scope = projects_for(user, REPORT)
    listed = set(ListEntry.objects.filter(year=plan.year, project__in=scope).values_list("project_id", flat=True))
    index = NameIndex(scope.select_related(None), listed)
    kept = []
    for sheet, row, values in parsed:
        if not values["code"]:
            found, reason = index.find(values["name"], values["unit"])
            if found is None:
                plan.errors.append(CellProblem(sheet.name, row, values["_cols"]["name"], values["name"], reason,
                                               FIELD_LABELS["name"]))
                continue
            values["code"] = found.code
        kept.append((sheet, row, values))
    parsed[:] = kept


def _resolve(plan: ImportPlan, user, parsed, progress) -> None:
    year, month = plan.year, plan.month
    codes = [v["code"] for _, _, v in parsed]
    known = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("unit")}
    allowed = set(projects_for(user, REPORT).filter(code__in=codes).values_list("code", flat=True))
    visible = allowed | set(projects_for(user, READ).filter(code__in=codes).values_list("code", flat=True))
    current = {r.project_id: r for r in MonthlyReport.objects.filter(project__code__in=codes, year=year, month=month)}
    prev_ytd: dict[int, tuple[int, Decimal]] = {}
    for pid, m, ytd in MonthlyReport.objects.filter(project__code__in=codes, year=year, month__lt=month
                                                    ).values_list("project_id", "month", "ytd"):
        if pid not in prev_ytd or m > prev_ytd[pid][0]:
            prev_ytd[pid] = (m, ytd)
    history = load_history([p.pk for p in known.values()], year, month) if known else {}
    from .services import may_correct_history, month_lock, open_boundary

    today = timezone.localdate()
    accepted_from_here = set(MonthlyReport.objects.filter(
        project__code__in=codes, year=year, month__gte=month, status=ReportStatus.ACCEPTED,
    ).values_list("project_id", flat=True)) if year < today.year else set()
    cities: dict[int | None, tuple] = {}  # unit id → (city, boundary)
    seen: dict[str, int] = {}
    for sheet, row, values in parsed:
        if progress:
            progress(1)
        code = values["code"]
        where = _cell(sheet, row, values, "code")
        if code in seen:
            plan.errors.append(_at(where, f"项目代码 {code} 在第 {seen[code]} 行已出现"))
            continue
        seen[code] = row
        project = known.get(code)
        if project is None or code not in visible:  # one message: no oracle for others' codes
            plan.errors.append(_at(where, f"项目代码{OUT_OF_REACH}"))
            continue
        if code not in allowed:
            plan.errors.append(_at(where, "该项目不在您的填报范围内"))
            continue
        if project.unit_id not in cities:
            city = project.unit.city()
            period = ReportingPeriod.objects.filter(city=city, year=year, month=month).first() if city else None
            cities[project.unit_id] = (city, open_boundary(city, today), period)
        city, boundary, period = cities[project.unit_id]
        lock = month_lock(project=project, year=year, month=month, today=today, city=city, boundary=boundary,
                          period=period, accepted_from_here=project.pk in accepted_from_here)
        locked = lock is not None
        if "error" in (values.get("amount"), values.get("ytd"), values.get("funds_secured")):
            continue
        cur = current.get(project.pk)
        prev = prev_ytd.get(project.pk, (0, Decimal(0)))[1]
        figures = _cell(sheet, row, values, "ytd" if values.get("ytd") is not None else "amount")
        try:
            amount, ytd = _decide(values.get("amount"), values.get("ytd"), cur, prev)
        except ValueError as exc:
            plan.errors.append(_at(figures, str(exc)))
            continue
        before = None if cur is None else {"amount": cur.amount, "ytd": cur.ytd, "progress_text": cur.progress_text,
                                           "problems_text": cur.problems_text, "funds_secured": cur.funds_secured}
        after = dict(before or {"amount": None, "ytd": None, "progress_text": "", "problems_text": "",
                                "funds_secured": None})
        if amount is not None:
            after["amount"], after["ytd"] = amount, ytd
        if values.get("funds_secured") is not None:  # optional: a blank cell keeps the stored value
            after["funds_secured"] = values["funds_secured"]
        for f in ("progress_text", "problems_text"):
            if values.get(f):
                after[f] = values[f]
        if after == before or (before is None and amount is None):
            plan.unchanged += 1
            continue
        if locked and not plan.reason:
            plan.errors.append(_at(where, f"{lock.message} (更正后重新审核)"))
            continue
        if locked and lock.history and not may_correct_history(user):
            plan.errors.append(_at(where, lock.role_message))
            continue
        change = RowChange(project, sheet.name, row, before, after, correction=locked)
        if amount is not None:
            findings = evaluate(project=project, year=year, month=month, amount=amount, ytd=ytd,
                                history=history.get(project.pk, History()))
            errors = [x for x in findings if x.level == "error"]
            if errors:
                plan.errors.append(_at(figures, "; ".join(x.message for x in errors)))
                continue
            change.warnings = [f"{sheet.name} 第 {row} 行 {project.name}: {x.message}" for x in findings]
            change.warning_codes = [x.code for x in findings]
        plan.changes.append(change)


def _at(where: CellProblem, reason: str) -> CellProblem:
    return CellProblem(where.sheet, where.row, where.column, where.value, reason, where.field)


def _cell(sheet: Sheet, row: int, values: dict, f: str) -> CellProblem:
    """Where a problem about field f is shown: its cell, or the name's cell for a code matched by name."""
    cols = values["_cols"]
    if f == "code" and "code" not in cols:
        f = "name"
    if f not in cols:
        f = next(k for k in ("ytd", "amount") if k in cols)
    return CellProblem(sheet.name, row, cols[f], values["_cells"].get(f), "", FIELD_LABELS[f])


def _decide(amount: Decimal | None, ytd: Decimal | None, cur: MonthlyReport | None, prev: Decimal
            ) -> tuple[Decimal | None, Decimal | None]:
    """This month's (amount, cumulative) from a row that may give either or both. When both are given and
    the report exists, the one the user changed wins (editing 当月 in an exported table leaves 累计 stale)."""
    if amount is None and ytd is None:
        return None, None
    if amount is not None and ytd is not None:
        if cur is not None:
            a_changed, y_changed = amount != cur.amount, ytd != cur.ytd
            if a_changed and not y_changed:
                return amount, prev + amount
            if y_changed and not a_changed:
                ytd_only = ytd
                if ytd_only < prev:
                    raise ValueError(f"1-N月累计 {ytd_only} 低于上月累计 {prev} (万元)")
                return ytd_only - prev, ytd_only
            if not a_changed and not y_changed:
                return amount, ytd
        if prev + amount != ytd:
            raise ValueError(f"当月 {amount} + 上月累计 {prev} ≠ 累计 {ytd} (万元)")
        return amount, ytd
    if amount is not None:
        return amount, prev + amount
    if ytd < prev:
        raise ValueError(f"1-N月累计 {ytd} 低于上月累计 {prev} (万元)")
    return ytd - prev, ytd


def status_for(user) -> str:
    """An import by the acceptor counts as accepted at that level; a reporter's import is submitted."""
    if user.is_superuser or user.role == Role.CITY_ADMIN:
        return ReportStatus.ACCEPTED
    if user.role == Role.DISTRICT_ADMIN:
        return ReportStatus.DISTRICT_ACCEPTED
    return ReportStatus.SUBMITTED


def commit_import(*, user, plan: ImportPlan, confirm_warnings: bool = False,
                  progress: Callable[[int], None] | None = None) -> int:
    """Write the planned changes in one transaction, in bulk; any failure writes nothing. The rows were
    validated by plan_import with the same rules as a form (consistency, checks, scope, locked periods)."""
    require_actor(user, REPORT)  # the one policy: an actor whose role may do this at all
    if not plan.ok:
        raise InputError(f"文件有 {len(plan.errors)} 处错误, 未导入任何数据", field="file")
    if plan.warnings and not confirm_warnings:
        raise InputError(f"有 {len(plan.warnings)} 条提示需要确认后才能导入", field="confirm_warnings")
    from tuijin.audit.models import AuditEntry
    from tuijin.audit.services import change_entry, snapshot

    from .services import shift_later_months

    status = status_for(user)
    now = timezone.now()
    reason = f"Excel 导入: {plan.filename}" + (f"; 更正原因: {plan.reason}" if plan.reason else "")
    with transaction.atomic():
        ids = [c.project.pk for c in plan.changes]
        existing = {r.project_id: r for r in MonthlyReport.objects.select_for_update().filter(
            project_id__in=ids, year=plan.year, month=plan.month)}
        later = set(MonthlyReport.objects.filter(project_id__in=ids, year=plan.year, month__gt=plan.month)
                    .values_list("project_id", flat=True))
        created, updated, befores, shifts = [], [], {}, []
        for change in plan.changes:
            a = change.after
            report = existing.get(change.project.pk)
            figures_changed = "amount" in change.changed_fields or "ytd" in change.changed_fields
            if report is None:
                report = MonthlyReport(project=change.project, year=plan.year, month=plan.month,
                                       submitted_by=user if getattr(user, "pk", None) else None, submitted_at=now)
                created.append(report)
            else:
                befores[report.pk] = snapshot(report)
                if a["amount"] != report.amount and report.project_id in later:
                    shifts.append((report.project_id, a["amount"] - report.amount))
                updated.append(report)
            report.amount, report.ytd = a["amount"], a["ytd"]
            report.progress_text, report.problems_text = a["progress_text"], a["problems_text"]
            report.funds_secured = a.get("funds_secured")
            report.confirmed_warnings = change.warning_codes
            report.updated_at = now
            if figures_changed or report.pk is None:
                report.status = ReportStatus.SUBMITTED if change.correction else status
                report.submitted_at = now
                report.submitted_by = user if getattr(user, "pk", None) else None
            if progress:
                progress(1)
        MonthlyReport.objects.bulk_create(created, batch_size=1000)
        MonthlyReport.objects.bulk_update(updated, ["amount", "ytd", "progress_text", "problems_text", "funds_secured",
                                                    "status",
                                                    "confirmed_warnings", "submitted_at", "submitted_by",
                                                    "updated_at"], batch_size=1000)
        for project_id, delta in shifts:  # later cumulatives follow, each change audited with the import's reason
            shift_later_months(project_id=project_id, year=plan.year, month=plan.month, delta=delta, actor=user,
                               reason=reason)
        if created and created[0].pk is None:  # a backend that does not return ids from bulk inserts
            created = list(MonthlyReport.objects.filter(project_id__in=[r.project_id for r in created],
                                                        year=plan.year, month=plan.month))
        AuditEntry.objects.bulk_create(
            [change_entry(actor=user, action="create", obj=r, before=None, after=snapshot(r), reason=reason)
             for r in created]
            + [change_entry(actor=user, action="update", obj=r, before=befores[r.pk], after=snapshot(r),
                            reason=reason) for r in updated], batch_size=1000)
        from tuijin.core.derived import bump_projects

        bump_projects(ids, plan.year)
        from tuijin.core.derived import refresh_facts

        refresh_facts(ids, [plan.year])  # the figure store, in the import's transaction
    return len(plan.changes)
