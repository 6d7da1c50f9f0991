"""Importing a city's own set-up from a spreadsheet: its org tree (组织单元) and its annual lists (清单设置), with
the registry import's machinery (registry.py, spreadsheets.py): any format, tolerant headers, blank rows
skipped, a plan first (nothing written, every problem named by sheet, row, column, field and value), then a
commit all or nothing through the orgs and projects services (their validation, scope and audit trail).

Only the city's administrator (市管理员 holding the city) imports them, into their own city."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from tuijin.accounts import scoping
from tuijin.core.errors import InputError
from tuijin.core.policy import CONFIGURE, require_actor
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.services import ADMIN_KINDS, REGION_CODE_RE, check_unit_fields

from .registry import (
    FALSE_WORDS,
    KIND_LISTS,
    KIND_UNITS,
    TRUE_WORDS,
    RecordChange,
    RegistryPlan,
    _commit,
    _read_rows,
    _Row,
)
from .spreadsheets import normalise, text_of, text_problem

UNIT_LABELS = {"name": "单位名称", "kind": "类型", "parent": "上级单位", "short_name": "简称",
               "region_code": "行政区划代码"}
LISTS_LABELS = {"name": "清单名称", "year": "年度", "rank": "级别/排序", "counts_in_total": "是否计入全部",
                "short_name": "简称"}


def _city(user):
    city = scoping.administered_city(user)
    if city is None:
        raise PermissionDenied("只有市管理员可以导入本市的组织单元和清单设置")
    return city


# ---------------------------------------------------------------- headers


# The headers are matched whole (after dropping spaces and a bracketed note), not by the words they contain: a
# unit or list row has no number to tell it from a second header row, so a loose match would swallow the first
# row of the table as a header.
UNIT_HEADERS = {
    "name": {"单位名称", "单位", "名称", "单位全称"},
    "kind": {"类型", "单位类型", "级别", "单位级别"},
    "parent": {"上级单位", "上级", "隶属单位", "上级单位名称"},
    "short_name": {"简称", "单位简称"},
    "region_code": {"行政区划代码", "区划代码", "行政区划"},
}
LISTS_HEADERS = {
    "name": {"清单名称", "清单"},
    "year": {"年度", "年份", "使用年度"},
    "rank": {"级别/排序", "级别", "排序", "层级", "层级顺序", "顺序", "级别排序"},
    "counts_in_total": {"是否计入全部", "计入全部", "是否计入"},
    "short_name": {"简称", "清单简称"},
}


def _whole(header: str, table: dict[str, set[str]]) -> str | None:
    t = re.sub(r"\(.*?\)", "", normalise(header))
    return next((f for f, names in table.items() if t in names), None)


def match_unit_field(header: str) -> str | None:
    return _whole(header, UNIT_HEADERS)


def _accept_units(columns: dict[str, int]) -> bool:
    return {"name", "kind"} <= columns.keys()


def match_lists_field(header: str) -> str | None:
    return _whole(header, LISTS_HEADERS)


def _accept_lists(columns: dict[str, int]) -> bool:
    return {"name", "year"} <= columns.keys() and ("rank" in columns or "counts_in_total" in columns)


def _int(value) -> int | None:
    """An integer cell (1, 1.0, '1'); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    t = text_of(value).removesuffix("年")
    return int(t) if t.isascii() and t.isdigit() and len(t) <= 6 else None


# ---------------------------------------------------------------- 组织单元


def plan_units(*, user, data: bytes, filename: str, progress: Callable[[int], None] | None = None
               ) -> RegistryPlan:
    """Which units of the user's city the file adds and which it changes (short name, kind, region code).
    A unit is matched by its name under its parent; 上级单位 empty means the city. A row may name a parent
    that appears later in the file: rows are ordered parents first. Moves are not imported (the units page
    moves a unit); nothing is written."""
    city = _city(user)
    plan = RegistryPlan(KIND_UNITS, filename)
    L = UNIT_LABELS
    rows, _ = _read_rows(plan, data, match_unit_field, _accept_units, L, "“单位名称”列和“类型”列", progress,
                         key="name", missing="缺少单位名称")
    existing = list(OrgUnit.objects.subtree(city).exclude(pk=city.pk))
    by_name: dict[str, list[OrgUnit]] = {}
    for u in existing:
        by_name.setdefault(u.name, []).append(u)
    kinds = {UnitKind(k).label: k for k in ADMIN_KINDS} | {k: k for k in ADMIN_KINDS}
    parsed: dict[str, tuple[_Row, dict]] = {}
    for row in rows:
        before = len(plan.errors)
        values = {f: text_of(row.cells.get(f)) for f in L if f in row.cells}
        name = values["name"]
        for f in ("name", "short_name", "parent"):
            problem = text_problem(values.get(f, ""), L[f], 100 if f != "short_name" else 50)
            if problem:
                plan.errors.append(row.problem(f, problem, L))
        kind = kinds.get(values.get("kind", ""))
        if kind is None:
            valid = "、".join(UnitKind(k).label for k in ADMIN_KINDS)
            plan.errors.append(row.problem("kind", f"类型{'不能为空' if not values.get('kind') else '未知'}, "
                                                   f"应为: {valid}", L))
        code = values.get("region_code", "")
        if code and not REGION_CODE_RE.fullmatch(code):
            plan.errors.append(row.problem("region_code", "行政区划代码应为 6 位数字", L))
        if name in parsed:
            plan.errors.append(row.problem("name", f"单位 {name} 在第 {parsed[name][0].row} 行已出现", L))
            continue
        if name == city.name:
            plan.errors.append(row.problem("name", f"{city.name} 是本市自身, 不能作为下级单位导入", L))
            continue
        if len(plan.errors) == before:
            parsed[name] = (row, dict(values, kind=kind, region_code=code))
    # Order: a row comes after the row of its parent (parents may be listed later in the file).
    ordered: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        row, values = parsed[name]
        if state.get(name) == "visiting":
            plan.errors.append(row.problem("parent", f"上级单位形成循环: {' → '.join([*trail, name])}", L))
            return
        state[name] = "visiting"
        parent = values.get("parent", "")
        if parent and parent in parsed and parent != city.name:
            visit(parent, [*trail, name])
        state[name] = "done"
        ordered.append(name)

    for name in parsed:
        visit(name, [])
    if plan.errors:
        plan.sort_errors()
        return plan
    planned: dict[str, OrgUnit] = {}  # the units the file adds, unsaved stand-ins for later rows' checks
    for name in ordered:
        row, values = parsed[name]
        parent_name = values.get("parent", "")
        if not parent_name or parent_name == city.name:
            parent = city
        elif parent_name in planned:
            parent = planned[parent_name]
        else:
            found = [u for u in by_name.get(parent_name, []) if u.active]
            if len(found) != 1:
                plan.errors.append(row.problem(
                    "parent", f"上级单位 {parent_name} " + ("在本市不唯一, 请在单位页面修改后再导入" if found
                                                         else "在本市和本文件中都不存在 (或已撤销)"), L))
                continue
            parent = found[0]
        current = next((u for u in by_name.get(name, []) if u.parent_id == parent.pk), None) if parent.pk else None
        try:
            check_unit_fields(name=name, kind=values["kind"], parent=parent, city=city,
                              short_name=values.get("short_name", ""), region_code=values["region_code"],
                              unit=current)
        except InputError as exc:
            plan.errors.append(row.problem(exc.field if exc.field in L else "name", exc.text, L))
            continue
        if current is None:
            stand_in = OrgUnit(name=name, kind=values["kind"], parent=None, path=f"{parent.path}new-{name}/",
                               depth=parent.depth + 1)
            planned[name] = stand_in
            after = {"kind": UnitKind(values["kind"]).label, "parent": parent.name,
                     "short_name": values.get("short_name", ""), "region_code": values["region_code"]}
            kwargs = {"name": name, "kind": values["kind"], "parent_name": parent.name,
                      "parent": parent if parent.pk else None, "short_name": values.get("short_name", ""),
                      "region_code": values["region_code"], "sort_order": row.row}
            plan.changes.append(RecordChange(row.sheet.name, row.row, after["kind"], name, None, after, kwargs,
                                             None, {"kind": "类型", "parent": "上级单位", "short_name": "简称",
                                                    "region_code": "行政区划代码"}))
            continue
        kwargs, before, after = {}, {}, {}
        for f in ("kind", "short_name", "region_code"):
            if f in values and values[f] != getattr(current, f) and (f == "kind" or values[f]):
                kwargs[f] = values[f]
                show = (lambda v: UnitKind(v).label) if f == "kind" else (lambda v: v)
                before[f], after[f] = show(getattr(current, f)), show(values[f])
        if not kwargs:
            plan.unchanged += 1
            continue
        plan.changes.append(RecordChange(row.sheet.name, row.row, UnitKind(current.kind).label, name, before,
                                         after, kwargs, current, {"kind": "类型", "short_name": "简称",
                                                                  "region_code": "行政区划代码"}))
    plan.sort_errors()
    return plan


def commit_units(*, user, plan: RegistryPlan, progress: Callable[[int], None] | None = None) -> int:
    """Add and change the planned units through orgs.services, parents first, all or nothing."""
    require_actor(user, CONFIGURE)  # the one policy: an actor whose role may do this at all
    from tuijin.orgs.services import add_unit, update_unit

    city = _city(user)
    reason = f"Excel 导入组织单元: {plan.filename}"
    made: dict[str, OrgUnit] = {}

    def write(change: RecordChange) -> None:
        if change.target is None:
            kw = dict(change.kwargs)
            parent_name = kw.pop("parent_name")
            parent = kw.pop("parent") or made[parent_name]
            made[kw["name"]] = add_unit(actor=user, city=city, parent=parent, reason=reason, **kw)
        else:
            update_unit(actor=user, unit=change.target, reason=reason, **change.kwargs)

    return _commit(plan, write, progress)


# ---------------------------------------------------------------- 清单设置


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    t = text_of(value).lower()
    if t in TRUE_WORDS or t == "计入":
        return True
    if t in FALSE_WORDS or t == "不计入":
        return False
    return None


def plan_lists(*, user, data: bytes, filename: str, progress: Callable[[int], None] | None = None
               ) -> RegistryPlan:
    """Which of the city's annual lists the file creates and changes. One row per list and year: the list is
    created if the city has none of that name (its rank is then required), its rank / 计入全部 / 简称 updated
    otherwise, and the year recorded as one in which the city uses the list (projects.ListYear). A list's
    rows must agree on its rank and 计入全部. Nothing is written."""
    from tuijin.projects.models import AnnualList, ListYear
    from tuijin.projects.services import RANK_MAX

    city = _city(user)
    plan = RegistryPlan(KIND_LISTS, filename)
    L = LISTS_LABELS
    rows, _ = _read_rows(plan, data, match_lists_field, _accept_lists, L,
                         "“清单名称”“年度”两列和“级别/排序”或“是否计入全部”列", progress,
                         key="name", missing="缺少清单名称")
    lists = {x.name: x for x in AnnualList.objects.filter(city=city)}
    used = set(ListYear.objects.filter(annual_list__city=city).values_list("annual_list_id", "year"))
    wanted: dict[str, dict] = {}
    for row in rows:
        before = len(plan.errors)
        name = text_of(row.cells.get("name"))
        problem = text_problem(name, L["name"], 60)
        if problem:
            plan.errors.append(row.problem("name", problem, L))
        year = _int(row.cells.get("year"))
        if not text_of(row.cells.get("year")):
            plan.errors.append(row.problem("year", "年度不能为空", L))
        elif year is None or not 2000 <= year <= 2100:
            plan.errors.append(row.problem("year", "年度应为 2000-2100 的年份", L))
        rank = None
        if text_of(row.cells.get("rank")):
            rank = _int(row.cells.get("rank"))
            if rank is None or not 1 <= rank <= RANK_MAX:
                plan.errors.append(row.problem("rank", f"级别/排序应为 1-{RANK_MAX} 的整数 (1 最高)", L))
        counts = None
        if text_of(row.cells.get("counts_in_total")) or isinstance(row.cells.get("counts_in_total"), bool):
            counts = _yes_no(row.cells.get("counts_in_total"))
            if counts is None:
                plan.errors.append(row.problem("counts_in_total", "是否计入全部应填“是”或“否”", L))
        short = text_of(row.cells.get("short_name"))
        problem = text_problem(short, L["short_name"], 30)
        if problem:
            plan.errors.append(row.problem("short_name", problem, L))
        if len(plan.errors) > before:
            continue
        w = wanted.setdefault(name, {"row": row, "years": {}, "rank": None, "counts": None, "short": ""})
        if year in w["years"]:
            plan.errors.append(row.problem("year", f"{name} {year} 年在第 {w['years'][year]} 行已出现", L))
            continue
        w["years"][year] = row.row
        for key, f, value in (("rank", "rank", rank), ("counts", "counts_in_total", counts),
                              ("short", "short_name", short)):
            if value is None or value == "":
                continue
            if w[key] not in (None, "") and w[key] != value:
                plan.errors.append(row.problem(f, f"{name} 的{L[f]}与第 {w['row'].row} 行不同; 清单的{L[f]}"
                                                  f"不分年度", L))
            else:
                w[key] = value
    if plan.errors:
        plan.sort_errors()
        return plan
    labels = {"rank": "级别/排序", "counts_in_total": "计入全部", "short_name": "简称", "years": "使用年度"}
    for name, w in wanted.items():
        row, lst = w["row"], lists.get(name)
        if lst is None and w["rank"] is None:
            plan.errors.append(row.problem("rank", f"新清单 {name} 须填写级别/排序", L))
            continue
        new_years = sorted(y for y in w["years"] if lst is None or (lst.pk, y) not in used)
        fields = {"rank": w["rank"], "counts_in_total": w["counts"], "short_name": w["short"] or None}
        if lst is None:
            kwargs = {"name": name, "rank": w["rank"], "counts_in_total": w["counts"] is not False,
                      "short_name": w["short"], "years": new_years}
            after = {"rank": w["rank"], "counts_in_total": kwargs["counts_in_total"], "short_name": w["short"],
                     "years": "、".join(map(str, new_years))}
            plan.changes.append(RecordChange(row.sheet.name, row.row, name, "", None, after, kwargs, None, labels))
            continue
        kwargs = {f: v for f, v in fields.items() if v is not None and getattr(lst, f) != v}
        before = {f: getattr(lst, f) for f in kwargs}
        after = dict(kwargs)
        if new_years:
            before["years"], after["years"] = "", "、".join(map(str, new_years))
        if not kwargs and not new_years:
            plan.unchanged += 1
            continue
        plan.changes.append(RecordChange(row.sheet.name, row.row, name, "", before, after,
                                         dict(kwargs, years=new_years), lst, labels))
    plan.sort_errors()
    return plan


def commit_lists(*, user, plan: RegistryPlan, progress: Callable[[int], None] | None = None) -> int:
    """Create and change the planned lists and record their years through projects.services, all or nothing."""
    require_actor(user, CONFIGURE)  # the one policy: an actor whose role may do this at all
    from tuijin.projects.services import add_list_year, create_list, update_list

    city = _city(user)
    reason = f"Excel 导入清单设置: {plan.filename}"

    def write(change: RecordChange) -> None:
        kw = dict(change.kwargs)
        years = kw.pop("years")
        if change.target is None:
            lst = create_list(city=city, actor=user, reason=reason, **kw)
        else:
            lst = update_list(actor=user, annual_list=change.target, reason=reason, **kw) if kw else change.target
        for year in years:
            add_list_year(actor=user, annual_list=lst, year=year, reason=reason)

    return _commit(plan, write, progress)

