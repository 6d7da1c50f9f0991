"""Importing the project registry (项目库) and a year's annual list (年度重大项目清单) from a spreadsheet, with
the monthly import's machinery (spreadsheets.py: any format, tolerant headers, units, blank and subtotal rows).

As for monthly reports: plan first (nothing written, every problem listed with sheet, row, column, field and
value), then commit all or nothing, each row through the projects services (their validation and audit trail).
Rows are matched by project code, loaded in one query; the same file twice changes nothing; a row for a
project or a unit outside the user's scope is an error; only users who may write projects import."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.core.errors import InputError
from tuijin.core.policy import require_actor
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.projects.codes import check_project_code
from tuijin.projects.models import (
    STAGE_ORDER,
    AnnualList,
    Category,
    ListEntry,
    Project,
    Stage,
    StageEvent,
)
from tuijin.projects.scoping import OUT_OF_REACH, READ, WRITE, can, projects_for, units_for

from .importer import unit_header
from .spreadsheets import (
    SUBTOTAL_RE,
    CellProblem,
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
    title_info,
    title_texts,
)

KIND_REPORTS, KIND_PROJECTS, KIND_LIST = "reports", "projects", "list"
KIND_UNITS, KIND_LISTS = "units", "lists"
KIND_LABELS = {KIND_REPORTS: "月报", KIND_PROJECTS: "项目库", KIND_LIST: "年度清单", KIND_UNITS: "组织单元",
               KIND_LISTS: "清单设置"}

PROJECT_LABELS = {"code": "项目代码", "name": "项目名称", "owner": "项目业主", "unit": "所属单位",
                  "category": "项目类别", "industry_node": "产业链", "total_investment": "计划总投资",
                  "stage": "当前阶段", "location": "建设地点", "description": "建设内容",
                  "responsible_leader": "责任领导", "service_contact": "服务专员",
                  "responsible_department": "责任部门", "sector": "行业领域", "nature": "建设性质",
                  "signed_on": "签约日期", "started_on": "开工日期",
                  "completed_on": "竣工日期", "operating_on": "投产日期", "longitude": "经度", "latitude": "纬度"}
# The optional past stage dates of the registry import (keyword → stage), in lifecycle order.
DATE_FIELDS = {"signed_on": Stage.SIGNED, "started_on": Stage.STARTED, "completed_on": Stage.COMPLETED,
               "operating_on": Stage.OPERATING}
PROJECT_TEXT_FIELDS = ("name", "owner", "location", "description", "responsible_leader", "service_contact")
LIST_LABELS = {"code": "项目代码", "name": "项目名称", "unit": "县（市、区）", "annual_plan": "年度计划投资",
               "planned_new_start": "计划新开工", "planned_start_month": "计划开工月份", "continuing": "续建",
               "planned_completion": "计划竣工", "planned_operation": "计划投产", "nature": "建设性质"}
FLAGS = ("planned_new_start", "continuing", "planned_completion", "planned_operation")
TRUE_WORDS = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "●", "★"}
FALSE_WORDS = {"否", "×", "n", "no", "false", "0", "无", "-", "—", "/"}
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


# ---------------------------------------------------------------- headers


def match_project_field(header: str) -> str | None:
    """Which registry field a header names, in the variants people use."""
    t = normalise(header)
    if not t:
        return None
    if "代码" in t or "编码" in t:
        return "code"
    if "经度" in t and "纬度" not in t:  # 经度 / 纬度: the map's position (one column each, decimal degrees)
        return "longitude"
    if "纬度" in t and "经度" not in t:
        return "latitude"
    if "%" in t or "率" in t:
        return None
    if ("日期" in t or "时间" in t) and "计划" not in t:
        for word, f in (("签约", "signed_on"), ("开工", "started_on"), ("竣工", "completed_on"),
                        ("投产", "operating_on")):
            if word in t:
                return f
    if "业主" in t or "建设单位" in t or "建设主体" in t or "实施主体" in t or "项目法人" in t:
        return "owner"
    if "名称" in t:
        return "name"
    if "总投资" in t:
        return "total_investment"
    if "年度" in t or "当月" in t or "本月" in t or "累计" in t:
        return None
    if "部门" in t:  # 责任部门 / 牵头部门, before 单位 (a 责任单位 is the project's unit)
        return "responsible_department"
    if "单位" in t or "板块" in t or "县市区" in t or "属地" in t or t in ("地区", "区县", "县区"):
        return "unit"
    if "类别" in t or "类型" in t or "分类" in t:
        return "category"
    if "领域" in t:
        return "sector"
    if "性质" in t:
        return "nature"
    if "产业链" in t or "产业" in t or "行业" in t:
        return "industry_node"
    if "阶段" in t or "状态" in t:
        return "stage"
    if "地点" in t or "地址" in t or "选址" in t:
        return "location"
    if "建设内容" in t or "建设规模" in t or "规模及内容" in t:
        return "description"
    if "领导" in t:
        return "responsible_leader"
    if "专员" in t or "联络员" in t:
        return "service_contact"
    return None


def match_list_field(header: str) -> str | None:
    """Which annual-list field a header names."""
    t = normalise(header)
    if not t:
        return None
    if "代码" in t or "编码" in t:
        return "code"
    if "名称" in t:
        return "name"
    if "%" in t or "率" in t or "累计" in t or "当月" in t or "本月" in t:
        return None
    if unit_header(t):
        return "unit"
    if "开工" in t and ("月份" in t or "时间" in t or "日期" in t):
        return "planned_start_month"
    if "新开工" in t:
        return "planned_new_start"
    if "续建" in t:
        return "continuing"
    if "竣工" in t:
        return "planned_completion"
    if "投产" in t or "投用" in t:
        return "planned_operation"
    if "性质" in t:
        return "nature"
    if "总投资" in t:
        return None
    if ("年度" in t or "本年" in t or "当年" in t or "全年" in t or re.search(r"\d{4}年", t)) and (
            "计划" in t or "投资" in t):
        return "annual_plan"
    return None


def _accept_projects(columns: dict[str, int]) -> bool:
    return "code" in columns and len({"name", "unit", "category", "total_investment"} & columns.keys()) >= 2


def _accept_list(columns: dict[str, int]) -> bool:
    """项目代码 or, in the clerk's own table, 项目名称 (matched by name), and 年度计划投资."""
    return bool({"code", "name"} & columns.keys()) and "annual_plan" in columns


def _kind_layouts(sheet: Sheet) -> list[tuple[str, list[str]]]:
    """Every kind whose header a sheet carries, in the order a file is taken for one (分月计划: its 1月…12月
    columns; 月报: the progress table carries 计划总投资 and 年度计划投资 too; 年度清单; 项目库), each with the
    headers found."""
    from .importer import FIELD_LABELS, _find_layout
    from .setup_imports import (
        LISTS_LABELS,
        UNIT_LABELS,
        _accept_lists,
        _accept_units,
        match_lists_field,
        match_unit_field,
    )

    found = []
    for kind, layout, labels in (
            (KIND_PLANS, lambda: find_layout(sheet, match_plan_field, _accept_plans), PLAN_LABELS),
            (KIND_REPORTS, lambda: _find_layout(sheet), FIELD_LABELS),
            (KIND_LIST, lambda: find_layout(sheet, match_list_field, _accept_list), LIST_LABELS),
            (KIND_LISTS, lambda: find_layout(sheet, match_lists_field, _accept_lists), LISTS_LABELS),
            (KIND_UNITS, lambda: find_layout(sheet, match_unit_field, _accept_units), UNIT_LABELS),
            (KIND_PROJECTS, lambda: find_layout(sheet, match_project_field, _accept_projects), PROJECT_LABELS)):
        lay = layout()
        if lay:
            found.append((kind, [labels.get(f, f) for f in lay.columns]))
    return found


def detect_kind(data: bytes, filename: str = "") -> str | None:
    """分月计划 / 月报 / 年度清单 / 项目库 from the headers of the first sheet that has a table."""
    for sheet in read_workbook(data, filename):
        found = _kind_layouts(sheet)
        if found:
            return found[0][0]
    return None


KIND_OPTIONS = {KIND_REPORTS: "--kind reports (网页: 月报)", KIND_PROJECTS: "--kind projects (网页: 项目库)",
                KIND_LIST: "--kind list (网页: 年度清单)", "plans": "--kind plans (网页: 分月计划)"}


def kind_hint(plan, data: bytes, filename: str, kind: str) -> list:
    """The plan's errors, or, when the kind was not chosen, no row of the file could be read as `kind` and
    its headers look like another kind that would take them (项目库: new codes; any kind: a sheet without
    this kind's header), one problem saying which kind the headers looked like instead of “项目代码不在您的
    范围内” on every row."""
    errors = plan.errors
    if not errors or plan.changes or plan.unchanged:
        return errors
    try:
        sheets = read_workbook(data, filename)
    except InputError:
        return errors
    for sheet in sheets:
        others = [(k, cols) for k, cols in _kind_layouts(sheet) if k != kind]
        if not others:
            continue
        no_header = any("找不到表头" in e.reason for e in errors)
        others = [(k, cols) for k, cols in others if no_header or k == KIND_PROJECTS]
        if not others:
            continue
        other, cols = others[0]
        label = KIND_LABELS[other]
        message = (f"表头看起来是{label} (识别到的列: {'、'.join(cols)}), 不是{KIND_LABELS[kind]}; "
                   f"如果这是{label}, 请选择“{label}”导入 ({KIND_OPTIONS[other]})")
        row_errors = all(OUT_OF_REACH in e.reason or "找不到表头" in e.reason or "缺少项目代码" in e.reason
                         for e in errors)
        hint = CellProblem(sheet.name, 1, "", None, message)
        return [hint] if row_errors else [hint, *errors]
    return errors


# ---------------------------------------------------------------- plans


@dataclass
class RecordChange:
    """One row that will create or change a record: `after` holds what the preview shows, `kwargs` what the
    service receives."""

    sheet: str
    row: int
    code: str
    name: str
    before: dict | None
    after: dict
    kwargs: dict
    target: object = None  # the Project or ListEntry to update; None: create
    labels: dict = field(default_factory=dict)

    @property
    def created(self) -> bool:
        return self.target is None

    @property
    def changed_fields(self) -> list[str]:
        before = self.before or {}
        return [k for k, v in self.after.items() if before.get(k) != v]

    @property
    def diffs(self) -> list[tuple[str, object, object]]:
        from .importer import MONEY_FIELDS, format_value

        before = self.before or {}
        return [(self.labels.get(k, k), format_value(before.get(k), k in MONEY_FIELDS),
                 format_value(self.after[k], k in MONEY_FIELDS)) for k in self.changed_fields]

    @property
    def text(self) -> str:
        """“年度计划投资: 空 → 25,000.00 万元, …”"""
        return ", ".join(f"{label}: {old} → {new}" for label, old, new in self.diffs)


@dataclass
class RegistryPlan:
    kind: str
    filename: str
    errors: list[CellProblem] = field(default_factory=list)
    changes: list[RecordChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # 小计/合计 that do not add up: shown, never blocking
    unchanged: int = 0
    skipped: int = 0
    annual_list: AnnualList | None = None
    year: int | None = None
    sheet_order: dict[str, int] = field(default_factory=dict)

    def sort_errors(self) -> None:
        """Problems in the order of the file (sheet, then row), as the user reads it."""
        self.errors.sort(key=lambda e: (self.sheet_order.get(e.sheet, 0), e.row))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.created)

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if not c.created)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class _Row:
    sheet: Sheet
    row: int  # 1-based
    cells: dict[str, object]
    columns: dict[str, int]
    factors: dict[str, Decimal]

    def problem(self, f: str, reason: str, labels: dict) -> CellProblem:
        """A problem in field f's cell (the project's name cell for its code in a table without codes)."""
        if f == "code" and "code" not in self.columns:
            f = "name"
        col = self.columns.get(f)
        return CellProblem(self.sheet.name, self.row, column_letter(col) if col is not None else "",
                           self.cells.get(f) if col is not None else None, reason, labels.get(f, f))


def _require_writer(user) -> None:
    if not can(user, WRITE):
        raise PermissionDenied("您的账号没有新增和修改项目的权限, 不能导入项目库或年度清单")


def _read_rows(plan: RegistryPlan, data: bytes, match, accept, labels: dict, needs: str, progress,
               key: str = "code", missing: str = "缺少项目代码") -> tuple[list[_Row], list[str]]:
    """The data rows of every sheet with a recognisable header (blank, subtotal and group rows skipped),
    and the texts above the headers (titles: year, list name)."""
    rows: list[_Row] = []
    titles: list[str] = []
    headerless: list[Sheet] = []
    found = False
    for sheet in read_workbook(data, plan.filename):
        plan.sheet_order[sheet.name] = len(plan.sheet_order)
        layout = find_layout(sheet, match, accept)
        if layout is None:
            if sheet.name != "选项" and any(any(text_of(v) for v in row) for row in sheet.rows):
                headerless.append(sheet)  # notes or option lists beside the table; an error if no table at all
            continue
        found = True
        title_factor, _, _ = title_info(sheet, layout.first_row)
        titles += title_texts(sheet, layout.first_row)
        factors = layout.factors(title_factor or Decimal(1))
        sums = SubtotalCheck(sheet.name, {f: labels[f] for f in MONEY_COLUMNS if f in layout.columns})
        by_name = key == "code" and "code" not in layout.columns
        for r in range(layout.header_row + 1, len(sheet.rows)):
            raw = sheet.rows[r]
            texts = [text_of(v) for v in raw]
            if not any(texts):
                continue
            cells = {f: (raw[c] if c < len(raw) else "") for f, c in layout.columns.items()}
            row = _Row(sheet, r + 1, cells, layout.columns, factors)
            if not text_of(cells.get(key)) and subtotal_row(texts):
                plan.skipped += 1  # 小计 / 合计: checked against the rows, never imported
                plan.notes += sums.check(r + 1, texts, cells, factors)
                continue
            if by_name:
                others = [f for f in layout.columns if f not in ("name", "unit") and text_of(cells.get(f))]
                if not text_of(cells.get("name")) or not others:
                    plan.skipped += 1  # a group heading (一、甲区) or a name-only line
                    continue
                rows.append(row)
                sums.add({f: _quiet_amount(cells.get(f), factors.get(f)) for f in sums.labels})
                if progress:
                    progress(1)
                continue
            if not text_of(cells.get(key)):
                others = [f for f in layout.columns if f not in (key, "code", "name") and text_of(cells.get(f))]
                if any(SUBTOTAL_RE.search(t) for t in texts) or not others:
                    plan.skipped += 1  # a subtotal, total or group heading row
                    continue
                plan.errors.append(row.problem(key, missing, labels))
                continue
            rows.append(row)
            sums.add({f: _quiet_amount(cells.get(f), factors.get(f)) for f in sums.labels})
            if progress:
                progress(1)
    if not found:
        plan.errors += [CellProblem(s.name, 1, "", None, f"找不到表头: 需要{needs}") for s in headerless]
    return rows, titles


MONEY_COLUMNS = ("total_investment", "annual_plan")


def _quiet_amount(value, factor) -> Decimal | None:
    """An amount for the subtotal check only (its errors are reported where the row is planned)."""
    try:
        return parse_amount(value, factor or Decimal(1))
    except ValueError:
        return None


def _code(plan: RegistryPlan, row: _Row, labels: dict) -> str | None:
    try:
        checked = check_project_code(text_of(row.cells["code"]))
    except ValueError as exc:
        plan.errors.append(row.problem("code", str(exc), labels))
        return None
    if checked.warning:
        plan.warnings.append(f"{row.sheet.name} 第 {row.row} 行: {checked.warning}")
    return checked.code


def _amount(plan: RegistryPlan, row: _Row, f: str, labels: dict) -> Decimal | None | str:
    """The cell as 万元, None when blank, 'error' (with the problem listed) when it is not a valid amount."""
    if f not in row.cells:
        return None
    try:
        value = parse_amount(row.cells[f], row.factors[f])
    except ValueError as exc:
        plan.errors.append(row.problem(f, f"{labels[f]}{exc}", labels))
        return "error"
    if value is not None and value < 0:
        plan.errors.append(row.problem(f, f"{labels[f]}不能为负数", labels))
        return "error"
    return value


def _duplicate(plan: RegistryPlan, row: _Row, code: str, seen: dict[str, int], labels: dict) -> bool:
    if code in seen:
        plan.errors.append(row.problem("code", f"项目代码 {code} 在第 {seen[code]} 行已出现", labels))
        return True
    seen[code] = row.row
    return False


# ---------------------------------------------------------------- 项目库


DATE_TEXT_RE = re.compile(r"(\d{4})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})\s*日?")


def _date(plan: RegistryPlan, row: _Row, f: str) -> datetime.date | None | str:
    """A date cell (an Excel date, or 2024-03-15 / 2024/3/15 / 2024.3.15 / 2024年3月15日): None when blank,
    'error' (listed, naming the cell and value) when it is not a real date or is in the future."""
    value = row.cells.get(f)
    label = PROJECT_LABELS[f]
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
            plan.errors.append(row.problem(f, f"{label}不是有效日期 (应如 2024-03-15)", PROJECT_LABELS))
            return "error"
    today = timezone.localdate()
    if value > today:
        plan.errors.append(row.problem(f, f"{label} {value} 在未来 (今天是 {today})", PROJECT_LABELS))
        return "error"
    return value


def _stage_dates(plan: RegistryPlan, row: _Row, events: dict[str, datetime.date]) -> dict[str, datetime.date] | None:
    """The row's 签约/开工/竣工/投产 dates not yet recorded, as {keyword: date}, checked in lifecycle order
    against each other and the project's recorded events (`events`: stage → date); None when a cell is wrong."""
    L = PROJECT_LABELS
    given = {f: _date(plan, row, f) for f in DATE_FIELDS if f in row.cells}
    if "error" in given.values():
        return None
    new: dict[str, datetime.date] = {}
    previous: tuple[str, datetime.date] | None = None
    for stage in STAGE_ORDER:
        keyword = next((k for k, s in DATE_FIELDS.items() if s == stage), None)
        date = given.get(keyword) if keyword else None
        recorded = events.get(stage)
        if recorded is not None and date is not None and date != recorded:
            plan.errors.append(row.problem(keyword, f"已记录{Stage(stage).label}日期 {recorded}, 导入不能修改; "
                                                    "请在项目页更正阶段事件", L))
            return None
        date = date or recorded
        if date is None:
            continue
        label = f"{Stage(stage).label}日期" if keyword else f"{Stage(stage).label}阶段日期"
        if previous and date < previous[1]:
            plan.errors.append(row.problem(keyword or "code", f"{label} {date} 早于{previous[0]} {previous[1]}", L))
            return None
        previous = (label, date)
        if keyword and recorded is None:
            new[keyword] = date
    return new


def _position(plan: RegistryPlan, row: _Row, project: Project | None) -> dict[str, Decimal] | None:
    """The row's 经度 / 纬度 cells as {field: Decimal} (blank cells left out); a cell that is not a number, is
    outside China's extent (a swapped pair is named) or is given without the other is listed as a problem."""
    from tuijin.core.bounds import CN_LATITUDE, CN_LONGITUDE, parse_number

    found: dict[str, Decimal] = {}
    bad = False
    for f, bounds, other in (("longitude", CN_LONGITUDE, CN_LATITUDE), ("latitude", CN_LATITUDE, CN_LONGITUDE)):
        if f not in row.cells:
            continue
        try:
            value = parse_number(row.cells[f], bounds, label=PROJECT_LABELS[f], field=f)
        except InputError as exc:
            text = exc.text
            try:
                if parse_number(row.cells[f], other, label="") is not None:
                    text += " (是否经度和纬度填反了?)"
            except InputError:
                pass
            plan.errors.append(row.problem(f, text, PROJECT_LABELS))
            bad = True
            continue
        if value is not None:
            found[f] = value
    if bad:
        return None
    has_position = project is not None and project.longitude is not None
    if len(found) == 1 and not has_position:
        given = next(iter(found))
        missing = "latitude" if given == "longitude" else "longitude"
        plan.errors.append(row.problem(missing if missing in row.cells else given,
                                       f"经度和纬度应同时填写: 缺少{PROJECT_LABELS[missing]}", PROJECT_LABELS))
        return None
    return found


def _city_of(unit: OrgUnit, city_ids: set[int]) -> int | None:
    return next((i for i in reversed(unit.ancestor_ids) if i in city_ids), None)


def plan_projects(*, user, data: bytes, filename: str, progress: Callable[[int], None] | None = None
                  ) -> RegistryPlan:
    """Work out which projects the file creates and which it changes. Nothing is written. Blank cells of an
    existing project leave its value as it is."""
    _require_writer(user)
    plan = RegistryPlan(KIND_PROJECTS, filename)
    L = PROJECT_LABELS
    rows, _ = _read_rows(plan, data, match_project_field, _accept_projects, L,
                         "“项目代码”列和“项目名称”“所属单位”“项目类别”“计划总投资”中至少两列", progress)
    parsed: list[tuple[_Row, str]] = []
    seen: dict[str, int] = {}
    for row in rows:
        code = _code(plan, row, L)
        if code and not _duplicate(plan, row, code, seen, L):
            parsed.append((row, code))
    codes = [c for _, c in parsed]
    # Bulk look-ups: one query each, never one per row.
    known = {p.code: p for p in Project.objects.filter(code__in=codes).select_related(
        "unit", "category", "industry_node", "sector", "nature")}
    writable = set(projects_for(user, WRITE).filter(code__in=codes).values_list("code", flat=True))
    visible = writable | set(projects_for(user, READ).filter(code__in=codes).values_list("code", flat=True))
    unit_names = {text_of(r.cells.get("unit")) for r, _ in parsed} - {""}
    in_scope: dict[str, list[OrgUnit]] = {}
    for u in units_for(user).filter(name__in=unit_names).exclude(kind__in=[UnitKind.DEPARTMENT, UnitKind.PROVINCE]):
        in_scope.setdefault(u.name, []).append(u)
    categories = {}
    for c in Category.objects.all():
        categories[c.name] = categories[c.code] = c
    category_names = "、".join(dict.fromkeys(c.name for c in categories.values() if c.active))
    stages = {s.label: s.value for s in Stage} | {s.value: s.value for s in Stage}
    node_names = {text_of(r.cells.get("industry_node")) for r, _ in parsed} - {""}
    from tuijin.industry.models import TaxonomyNode

    nodes: dict[tuple[int, str], list] = {}
    for n in TaxonomyNode.objects.filter(name__in=node_names).select_related("taxonomy").order_by(
            "-taxonomy__is_primary", "taxonomy_id", "depth"):
        nodes.setdefault((n.taxonomy.city_id, n.name), []).append(n)
    # 责任部门: the departments the user may assign (web.selectors.visible_departments), by full name or by the
    # name without the city's prefix (发展和改革委员会 → 镇江市发展和改革委员会) within the project's city.
    from tuijin.accounts.selectors import visible_departments

    departments = list(visible_departments(user)) if any(
        text_of(r.cells.get("responsible_department")) for r, _ in parsed) else []
    unit_ids = {i for us in in_scope.values() for u in us for i in u.ancestor_ids} | {
        i for p in known.values() for i in p.unit.ancestor_ids} | {i for d in departments for i in d.ancestor_ids}
    city_names = dict(OrgUnit.objects.filter(pk__in=unit_ids, kind=UnitKind.CITY).values_list("pk", "name"))
    city_ids = set(city_names)
    # 行业领域 / 建设性质: the city's values in use, by name or code (one query each).
    from tuijin.projects.models import BuildNature, Sector

    dims: dict[str, dict[int, dict[str, object]]] = {"sector": {}, "nature": {}}
    for f, model in (("sector", Sector), ("nature", BuildNature)):
        if any(text_of(r.cells.get(f)) for r, _ in parsed):
            for d in model.objects.filter(city_id__in=city_ids, active=True):
                dims[f].setdefault(d.city_id, {}).update({d.name: d, d.code: d})
    events: dict[int, dict[str, datetime.date]] = {}
    if any(f in r.columns for r, _ in parsed for f in DATE_FIELDS):
        for pid, stage, date in StageEvent.objects.filter(project__in=known.values()).values_list(
                "project_id", "stage", "date"):
            events.setdefault(pid, {})[stage] = date

    for row, code in parsed:
        project = known.get(code)
        if project is not None and code not in writable:
            plan.errors.append(row.problem("code", "该项目不在您的权限范围内" if code in visible
                                           else f"项目代码{OUT_OF_REACH}", L))
            continue
        errors_before = len(plan.errors)
        values: dict[str, object] = {f: text_of(row.cells[f]) for f in PROJECT_TEXT_FIELDS if f in row.cells}
        for f, text in values.items():
            problem = text_problem(text, L[f], Project._meta.get_field(f).max_length)
            if problem:
                plan.errors.append(row.problem(f, problem, L))
        total = _amount(plan, row, "total_investment", L)
        position = _position(plan, row, project)
        unit = None
        unit_name = text_of(row.cells.get("unit"))
        if unit_name:
            found = in_scope.get(unit_name, [])
            if len(found) == 1:
                unit = found[0]
            elif len(found) > 1:
                plan.errors.append(row.problem("unit", f"单位名称 {unit_name} 不唯一, 请在系统中修改后再导入", L))
            else:  # one message whether it is another district's, another city's or no unit at all
                plan.errors.append(row.problem("unit", f"所属单位 {unit_name} {OUT_OF_REACH} (部门不能作为所属单位)", L))
            if unit is not None and not unit.active and (project is None or project.unit_id != unit.pk):
                plan.errors.append(row.problem("unit", f"所属单位 {unit_name} 已于 {unit.retired_on} 撤销", L))
                unit = None
        category = None
        cat_name = text_of(row.cells.get("category"))
        if cat_name:
            category = categories.get(cat_name)
            if category is None or (not category.active and (project is None or project.category_id != category.pk)):
                plan.errors.append(row.problem("category", f"项目类别 {cat_name} 未知, 应为: {category_names}", L))
                category = None
        stage = None
        stage_name = text_of(row.cells.get("stage"))
        if stage_name:
            stage = stages.get(stage_name)
            if stage is None:
                plan.errors.append(row.problem("stage", f"阶段 {stage_name} 未知", L))
        node = None
        node_name = text_of(row.cells.get("industry_node"))
        target_unit = unit or (project.unit if project else None)
        if node_name and target_unit is not None:
            city_id = _city_of(target_unit, city_ids)
            found_nodes = nodes.get((city_id, node_name), [])
            if not found_nodes:
                plan.errors.append(row.problem("industry_node", f"产业链 {node_name} 不在本市产业体系中", L))
            else:
                node = found_nodes[0]
        picked = {}
        for f in ("sector", "nature"):
            dim_name = text_of(row.cells.get(f))
            if not dim_name or target_unit is None:
                continue
            offered = dims[f].get(_city_of(target_unit, city_ids), {})
            picked[f] = offered.get(dim_name)
            if picked[f] is None:
                valid = "、".join(dict.fromkeys(d.name for d in offered.values())) or "(本市尚未设置)"
                plan.errors.append(row.problem(f, f"{L[f]} {dim_name} 未知, 应为: {valid}", L))
        department = None
        dept_name = text_of(row.cells.get("responsible_department"))
        if dept_name and target_unit is not None:
            city_id = _city_of(target_unit, city_ids)
            city_name = city_names.get(city_id)
            same_city = [d for d in departments if _city_of(d, city_ids) == city_id]
            department = next((d for d in same_city if d.name == dept_name), None) or next(
                (d for d in same_city if city_name and d.name == city_name + dept_name), None)
            if department is None:
                plan.errors.append(row.problem("responsible_department",
                                               f"责任部门 {dept_name} 不存在, 或不在您可指定的部门中", L))
        project_events = events.get(project.pk, {}) if project else {}
        if project is not None and project.stage == Stage.TERMINATED:
            project_events = {}
        dates = _stage_dates(plan, row, project_events) if any(f in row.cells for f in DATE_FIELDS) else {}
        if dates and project is not None and project.stage == Stage.TERMINATED:
            plan.errors.append(row.problem(next(iter(dates)), f"项目 {project.name} 已终止, 不能再记录阶段", L))
        reached = max((DATE_FIELDS[f] for f in dates or {}), key=STAGE_ORDER.index, default=None)
        if project is None:
            for f, present in (("name", values.get("name")), ("unit", unit_name), ("category", cat_name),
                               ("total_investment", total is not None)):
                if not present:
                    plan.errors.append(row.problem(f, f"新项目{L[f]}不能为空", L))
            if stage not in (None, Stage.PLANNING, reached):
                plan.errors.append(row.problem("stage", "新项目登记为谋划阶段, 其后的阶段由签约/开工/竣工/投产日期"
                                                        "列决定; 请填写这些日期", L))
        elif stage is not None and stage != project.stage and stage != reached:
            plan.errors.append(row.problem(
                "stage", f"阶段不能在项目库导入中修改 (当前 {Stage(project.stage).label}); 请按阶段事件录入日期", L))
        if len(plan.errors) > errors_before:
            continue
        new = {f: v for f, v in values.items() if v}
        if total is not None:
            new["total_investment"] = total
        new.update(position or {})
        if project is None:
            kwargs = dict(new, code=code, unit=unit, category=category, industry_node=node,
                          responsible_department=department, **picked, **dates)
            after = dict(new, code=code, unit=unit.name, category=category.name,
                         industry_node=node.name if node else None,
                         responsible_department=department.name if department else None,
                         **{f: d.name for f, d in picked.items()}, **dates)
            plan.changes.append(RecordChange(row.sheet.name, row.row, code, new["name"], None, after, kwargs,
                                             None, L))
            continue
        kwargs, before, after = {}, {}, {}
        for f, v in new.items():
            current = getattr(project, f)
            if v != current:
                kwargs[f], before[f], after[f] = v, current, v
        for f, obj in (("unit", unit), ("category", category), ("industry_node", node),
                       ("responsible_department", department), ("sector", picked.get("sector")),
                       ("nature", picked.get("nature"))):
            current = getattr(project, f)
            if obj is not None and obj != current:
                kwargs[f], before[f], after[f] = obj, current.name if current else None, obj.name
        for f, date in dates.items():  # past stages not yet recorded: stage events, in order, at commit
            kwargs[f], before[f], after[f] = date, None, date
        if not kwargs:
            plan.unchanged += 1
            continue
        plan.changes.append(RecordChange(row.sheet.name, row.row, code, project.name, before, after, kwargs,
                                         project, L))
    plan.sort_errors()
    return plan


def _commit(plan: RegistryPlan, write: Callable[[RecordChange], None], progress) -> int:
    if not plan.ok:
        raise InputError(f"文件有 {len(plan.errors)} 处错误, 未导入任何数据", field="file")
    with transaction.atomic():
        for change in plan.changes:
            try:
                write(change)
            except InputError as exc:
                # Raised inside the transaction: everything written so far is rolled back.
                raise InputError(f"工作表“{change.sheet}”第 {change.row} 行 ({change.code}): {exc.text}; "
                                 f"未导入任何数据", field="file") from None
            if progress:
                progress(1)
    return len(plan.changes)


def commit_projects(*, user, plan: RegistryPlan, progress: Callable[[int], None] | None = None) -> int:
    """Create and update the planned projects through the projects services, all or nothing."""
    require_actor(user, WRITE)  # the one policy: an actor whose role may do this at all
    from tuijin.projects.services import create_project, record_stage, update_project

    _require_writer(user)
    reason = f"Excel 导入项目库: {plan.filename}"

    def write(change: RecordChange) -> None:
        if change.target is None:
            create_project(actor=user, reason=reason, **change.kwargs)
            return
        fields = {f: v for f, v in change.kwargs.items() if f not in DATE_FIELDS}
        if fields:
            update_project(project=change.target, actor=user, reason=reason, **fields)
        for f, stage in DATE_FIELDS.items():  # in lifecycle order
            if f in change.kwargs:
                record_stage(project=change.target, stage=stage, date=change.kwargs[f], actor=user, reason=reason)

    return _commit(plan, write, progress)


# ---------------------------------------------------------------- 年度清单


def lists_for(user):
    """The annual lists a user may import into: those of the user's city (all, for a superuser without unit)."""
    if user.is_superuser and not user.unit_id:
        return AnnualList.objects.select_related("city")
    city = user.unit.city() if user.unit_id else None
    return AnnualList.objects.filter(city=city).select_related("city") if city else AnnualList.objects.none()


def _flag(plan: RegistryPlan, row: _Row, f: str) -> bool | None | str:
    """A 是/否 cell: True, False, None when the column is absent, 'error' when it is neither."""
    if f not in row.cells:
        return None
    value = row.cells[f]
    if isinstance(value, bool):
        return value
    t = text_of(value).lower()
    if t in TRUE_WORDS:
        return True
    if t == "" or t in FALSE_WORDS:
        return False
    plan.errors.append(row.problem(f, f"{LIST_LABELS[f]}应填“是”或“否”", LIST_LABELS))
    return "error"


def _month(plan: RegistryPlan, row: _Row, year: int) -> int | None | str:
    if "planned_start_month" not in row.cells:
        return None
    value = row.cells["planned_start_month"]
    if isinstance(value, datetime.date):
        if value.year != year:
            plan.errors.append(row.problem("planned_start_month", f"计划开工时间不在 {year} 年", LIST_LABELS))
            return "error"
        return value.month
    t = text_of(value)
    if not t:
        return None
    m = re.fullmatch(r"(?:(\d{4})\s*(?:年|-|\.|/)\s*)?(\d{1,2})\s*(?:月份?)?", t)
    if not m or not 1 <= int(m.group(2)) <= 12:
        plan.errors.append(row.problem("planned_start_month", "计划开工月份应为 1-12 的月份", LIST_LABELS))
        return "error"
    if m.group(1) and int(m.group(1)) != year:
        plan.errors.append(row.problem("planned_start_month", f"计划开工时间不在 {year} 年", LIST_LABELS))
        return "error"
    return int(m.group(2))


def plan_list(*, user, data: bytes, filename: str, annual_list: AnnualList | str | None = None,
              year: int | None = None, progress: Callable[[int], None] | None = None) -> RegistryPlan:
    """Work out which entries of a year's list the file creates and changes. The list and year come from the
    arguments or from the title (“2024年省重大项目清单”). Nothing is written."""
    _require_writer(user)
    plan = RegistryPlan(KIND_LIST, filename, year=year)
    L = LIST_LABELS
    rows, titles = _read_rows(plan, data, match_list_field, _accept_list, L, "“项目代码”列和“年度计划投资”列",
                              progress)
    lists = list(lists_for(user))
    if isinstance(annual_list, str):
        named = [x for x in lists if annual_list in (x.name, x.short_name)]
        if not named:
            raise InputError(f"清单不存在或不在您的城市: {annual_list}", field="annual_list")
        annual_list = named[0]
    if annual_list is not None and annual_list not in lists:
        raise InputError(f"清单 {annual_list} 不在您的城市", field="annual_list")
    title = " ".join(titles)
    if annual_list is None:
        named = sorted((x for x in lists if x.name in title or (x.short_name and x.short_name in title)),
                       key=lambda x: -len(x.name))
        annual_list = named[0] if named else None
    if plan.year is None:
        m = YEAR_RE.search(title)
        plan.year = int(m.group(1)) if m else None
    plan.annual_list = annual_list
    if annual_list is None or plan.year is None:
        if not plan.errors:
            plan.errors.append(CellProblem(filename, 1, "", None,
                                           "无法确定清单或年度: 请在标题中写明“YYYY年…清单”, 或在导入时选择清单和年度"))
        return plan
    year = plan.year
    parsed: list[tuple[_Row, str]] = []
    seen: dict[str, int] = {}
    index = None
    for row in rows:
        if "code" in row.columns:
            code = _code(plan, row, L)
        else:  # the clerk's table: the project named, within the user's reach in the list's city
            if index is None:
                from .matching import NameIndex

                scope = projects_for(user, WRITE).filter(unit__path__startswith=annual_list.city.path)
                listed = set(ListEntry.objects.filter(annual_list=annual_list, year=year, project__in=scope)
                             .values_list("project_id", flat=True))
                index = NameIndex(scope, listed)
            found, reason = index.find(text_of(row.cells["name"]), text_of(row.cells.get("unit")))
            code = found.code if found else None
            if found is None:
                plan.errors.append(row.problem("name", reason, L))
        if code and not _duplicate(plan, row, code, seen, L):
            parsed.append((row, code))
    codes = [c for _, c in parsed]
    known = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("unit")}
    writable = set(projects_for(user, WRITE).filter(code__in=codes).values_list("code", flat=True))
    visible = writable | set(projects_for(user, READ).filter(code__in=codes).values_list("code", flat=True))
    entries = {e.project_id: e for e in ListEntry.objects.filter(annual_list=annual_list, year=year,
                                                                 project__code__in=codes)}
    city_path = annual_list.city.path
    for row, code in parsed:
        project = known.get(code)
        if project is None or code not in visible:  # one message: no oracle for others' codes
            plan.errors.append(row.problem("code", f"项目代码{OUT_OF_REACH} (新项目请先导入项目库)", L))
            continue
        if code not in writable:
            plan.errors.append(row.problem("code", "该项目不在您的权限范围内", L))
            continue
        if not project.unit.path.startswith(city_path):
            plan.errors.append(row.problem("code", f"该项目不属于 {annual_list.city.name}", L))
            continue
        errors_before = len(plan.errors)
        amount = _amount(plan, row, "annual_plan", L)
        flags = {f: _flag(plan, row, f) for f in FLAGS}
        nature = text_of(row.cells.get("nature"))
        if nature:
            if "新开工" in nature or nature in ("新建", "新开"):
                flags["planned_new_start"] = True
            elif "续建" in nature:
                flags["continuing"] = True
            elif "竣工" in nature:
                flags["planned_completion"] = True
            elif "投产" in nature:
                flags["planned_operation"] = True
            elif nature not in ("预备", "前期", "储备"):
                plan.errors.append(row.problem("nature", "建设性质应为新开工、续建、竣工或投产", L))
        month = _month(plan, row, year)
        if len(plan.errors) > errors_before:
            continue
        entry = entries.get(project.pk)
        if entry is None and amount is None and not any(flags.values()) and month is None:
            plan.skipped += 1  # a pre-listed project left blank: not on the list
            continue
        state = {f: flags[f] if flags[f] is not None else (getattr(entry, f) if entry else False) for f in FLAGS}
        state["planned_start_month"] = month if "planned_start_month" in row.cells else (
            entry.planned_start_month if entry else None)
        if state["planned_new_start"] and state["continuing"]:
            plan.errors.append(row.problem("continuing", "计划新开工与续建不能同时为“是”", L))
            continue
        if state["planned_new_start"] and not state["planned_start_month"]:
            plan.errors.append(row.problem("planned_start_month" if "planned_start_month" in row.columns
                                           else "planned_new_start", "计划新开工须填写计划开工月份", L))
            continue
        if state["planned_start_month"] and not state["planned_new_start"]:
            plan.errors.append(row.problem("planned_start_month", "填写了计划开工月份, 但计划新开工不是“是”", L))
            continue
        if entry is None:
            if amount is None:
                plan.errors.append(row.problem("annual_plan", "新列入清单的项目须填写年度计划投资", L))
                continue
            kwargs = dict(state, annual_plan=amount)
            plan.changes.append(RecordChange(row.sheet.name, row.row, code, project.name, None, dict(kwargs),
                                             dict(kwargs, project=project), None, L))
            continue
        new = dict(state)
        if amount is not None:
            new["annual_plan"] = amount
        kwargs = {f: v for f, v in new.items() if getattr(entry, f) != v}
        if not kwargs:
            plan.unchanged += 1
            continue
        plan.changes.append(RecordChange(row.sheet.name, row.row, code, project.name,
                                         {f: getattr(entry, f) for f in kwargs}, dict(kwargs), kwargs, entry, L))
    plan.sort_errors()
    return plan


def commit_list(*, user, plan: RegistryPlan, progress: Callable[[int], None] | None = None) -> int:
    """Create and update the planned list entries through the projects services, all or nothing."""
    require_actor(user, WRITE)  # the one policy: an actor whose role may do this at all
    from tuijin.projects.services import add_list_entry, update_list_entry

    _require_writer(user)
    reason = f"Excel 导入年度清单: {plan.filename}"

    def write(change: RecordChange) -> None:
        if change.target is None:
            add_list_entry(annual_list=plan.annual_list, year=plan.year, actor=user, reason=reason,
                           **change.kwargs)
        else:
            update_list_entry(entry=change.target, actor=user, reason=reason, **change.kwargs)

    return _commit(plan, write, progress)


# ---------------------------------------------------------------- 分月计划

KIND_PLANS = "plans"
KIND_LABELS[KIND_PLANS] = "分月计划"
PLAN_LABELS = {"code": "项目代码", "name": "项目名称", "unit": "县（市、区）", "list": "清单", "year": "年度",
               **{f"m{m}": f"{m}月" for m in range(1, 13)}}
PLAN_MONTH_RE = re.compile(r"^(?:1[-—~至到])?(\d{1,2})月(?:末|底)?(?:累计)?(?:计划)?(?:投资)?$")


def match_plan_field(header: str) -> str | None:
    """Which 分月计划 field a header names: 项目代码/项目名称, 清单, 年度, and 1月 … 12月 (1-3月累计计划 …)."""
    t = normalise(header)
    if not t:
        return None
    if "代码" in t or "编码" in t:
        return "code"
    if "清单" in t:
        return "list"
    if "名称" in t:
        return "name"
    if t in ("年度", "年份", "计划年度", "年"):
        return "year"
    if "完成" in t or "当月" in t or "本月" in t:
        return None  # actual figures (a report), never a plan
    m = PLAN_MONTH_RE.match(re.sub(r"[()]|单位|万元|亿元", "", t))
    if m and 1 <= int(m.group(1)) <= 12:
        return f"m{int(m.group(1))}"
    if unit_header(t):
        return "unit"
    return None


def _accept_plans(columns: dict[str, int]) -> bool:
    return bool({"code", "name"} & columns.keys()) and sum(1 for f in columns if f.startswith("m")) >= 3


@dataclass
class PlanChange:
    """One list entry's 分月计划 as the file gives it (month → cumulative 万元)."""

    sheet: str
    row: int
    code: str
    name: str
    entry: ListEntry
    before: dict[int, Decimal]
    after: dict[int, Decimal]
    created: bool = False

    @property
    def changed_months(self) -> list[int]:
        return [m for m, v in sorted(self.after.items()) if self.before.get(m) != v]

    @property
    def diffs(self) -> list[tuple[str, str, str]]:
        from .importer import format_value

        return [(f"{m}月累计计划", format_value(self.before.get(m), True), format_value(self.after[m], True))
                for m in self.changed_months]

    @property
    def text(self) -> str:
        return ", ".join(f"{label}: {old} → {new}" for label, old, new in self.diffs)


def plan_plans(*, user, data: bytes, filename: str, annual_list: AnnualList | str | None = None,
               year: int | None = None, progress: Callable[[int], None] | None = None) -> RegistryPlan:
    """Work out the 分月计划 the file sets: one row per listed project (by code, or by name within the user's
    reach), its list and year from the 清单/年度 columns, the arguments or the title; cumulative 万元 that
    never decrease. Nothing is written."""
    _require_writer(user)
    plan = RegistryPlan(KIND_PLANS, filename, year=year)
    L = PLAN_LABELS
    rows, titles = _read_rows(plan, data, match_plan_field, _accept_plans, L,
                              "“项目代码”或“项目名称”列和 1月…12月 的累计计划列", progress)
    lists = list(lists_for(user))
    if isinstance(annual_list, str):
        named = [x for x in lists if annual_list in (x.name, x.short_name)]
        if not named:
            raise InputError(f"清单不存在或不在您的城市: {annual_list}", field="annual_list")
        annual_list = named[0]
    title = " ".join(titles)
    if annual_list is None:
        named = sorted((x for x in lists if x.name in title or (x.short_name and x.short_name in title)),
                       key=lambda x: -len(x.name))
        annual_list = named[0] if named else None
    if plan.year is None:
        m = YEAR_RE.search(title)
        plan.year = int(m.group(1)) if m else None
    plan.annual_list = annual_list
    by_list_name = {x.name: x for x in lists} | {x.short_name: x for x in lists if x.short_name}
    scope = projects_for(user, WRITE)
    index = None
    wanted: list[tuple[_Row, str, AnnualList, int, dict[int, Decimal]]] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        errors_before = len(plan.errors)
        lst = annual_list
        if "list" in row.columns and text_of(row.cells["list"]):
            lst = by_list_name.get(text_of(row.cells["list"]))
            if lst is None:
                plan.errors.append(row.problem("list", f"清单 {text_of(row.cells['list'])} 不存在或不在您的城市", L))
                continue
        row_year = plan.year
        if "year" in row.columns and text_of(row.cells["year"]):
            from tuijin.core.params import parse_year

            row_year = parse_year(text_of(row.cells["year"]).removesuffix("年"))
            if row_year is None:
                plan.errors.append(row.problem("year", "年度应为 4 位年份", L))
                continue
        if lst is None or row_year is None:
            plan.errors.append(row.problem("list" if lst is None else "year",
                                           "无法确定清单或年度: 请填写“清单”“年度”列, 或在标题中写明, 或在导入时选择", L))
            continue
        if "code" in row.columns:
            code = _code(plan, row, L)
        else:
            if index is None:
                from .matching import NameIndex

                index = NameIndex(scope)
            found, reason = index.find(text_of(row.cells["name"]), text_of(row.cells.get("unit")))
            code = found.code if found else None
            if found is None:
                plan.errors.append(row.problem("name", reason, L))
        months: dict[int, Decimal] = {}
        for m in range(1, 13):
            f = f"m{m}"
            if f in row.cells:
                value = _amount(plan, row, f, L)
                if isinstance(value, Decimal):
                    months[m] = value
        previous = None
        for m in sorted(months):
            if previous and months[m] < previous[1]:
                plan.errors.append(row.problem(f"m{m}", f"{m}月累计计划 {months[m]:,.2f} 万元小于{previous[0]}月的 "
                                                        f"{previous[1]:,.2f} 万元 (累计计划不能减少)", L))
                break
            previous = (m, months[m])
        if len(plan.errors) > errors_before or code is None:
            continue
        key = (code, lst.pk, row_year)
        if key in seen:
            plan.errors.append(row.problem("code", f"项目 {code} 的 {row_year} 年{lst.name}计划在第 {seen[key]} 行已出现", L))
            continue
        seen[key] = row.row
        if not months:
            plan.skipped += 1
            continue
        wanted.append((row, code, lst, row_year, months))
    codes = {c for _, c, _, _, _ in wanted}
    writable = {p.code: p for p in scope.filter(code__in=codes)}
    entries = {(e.project.code, e.annual_list_id, e.year): e for e in ListEntry.objects.filter(
        project__code__in=writable, annual_list__in=lists).select_related("project", "annual_list")}
    existing: dict[int, dict[int, Decimal]] = {}
    from tuijin.projects.models import EntryMonthlyPlan

    for entry_id, month, amount in EntryMonthlyPlan.objects.filter(entry__in=entries.values()).values_list(
            "entry_id", "month", "cumulative_plan"):
        existing.setdefault(entry_id, {})[month] = amount
    for row, code, lst, row_year, months in wanted:
        if code not in writable:  # one message: no oracle for others' codes
            plan.errors.append(row.problem("code", f"项目代码{OUT_OF_REACH}", L))
            continue
        entry = entries.get((code, lst.pk, row_year))
        if entry is None:
            plan.errors.append(row.problem("code", f"项目 {writable[code].name} 不在 {row_year} 年{lst.name}中 "
                                                   "(请先导入年度清单)", L))
            continue
        before = existing.get(entry.pk, {})
        merged = before | months
        previous = None
        bad = False
        for m in sorted(merged):
            if previous and merged[m] < previous[1]:
                # a month of the file below a month already stored (or the other way round)
                f = f"m{m}" if m in months else f"m{previous[0]}"
                plan.errors.append(row.problem(f, f"{m}月累计计划 {merged[m]:,.2f} 万元小于{previous[0]}月的 "
                                                  f"{previous[1]:,.2f} 万元 (含已保存的月份; 累计计划不能减少)", L))
                bad = True
                break
            previous = (m, merged[m])
        if bad:
            continue
        change = PlanChange(row.sheet.name, row.row, code, entry.project.name, entry, before, months,
                            created=not before)
        if not change.changed_months:
            plan.unchanged += 1
            continue
        if 12 in merged and merged[12] != entry.annual_plan:
            plan.notes.append(f"{row.sheet.name} 第 {row.row} 行 {entry.project.name}: 12月累计计划 "
                              f"{merged[12]:,.2f} 万元与年度计划投资 {entry.annual_plan:,.2f} 万元不一致")
        plan.changes.append(change)
    plan.sort_errors()
    return plan


def commit_plans(*, user, plan: RegistryPlan, progress: Callable[[int], None] | None = None) -> int:
    """Write the planned 分月计划 through projects.services.set_monthly_plan, all or nothing."""
    require_actor(user, WRITE)  # the one policy: an actor whose role may do this at all
    from tuijin.projects.services import set_monthly_plan

    _require_writer(user)
    reason = f"Excel 导入分月计划: {plan.filename}"

    def write(change: PlanChange) -> None:
        set_monthly_plan(entry=change.entry, cumulative=change.after, actor=user, reason=reason)

    return _commit(plan, write, progress)
