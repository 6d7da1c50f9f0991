"""Writes for 民生实事: programmes, categories, items with their targets (事项) and deliverables, milestone
plans (节点计划, or 倒排 from a deadline), monthly progress by the lead unit and its review. Keyword-argument
functions that validate everything first, run in one transaction and record every change in the audit trail:
bad input raises InputError naming the field and the value, and nothing is half-written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import MONEY, QUANTITY, Bounds
from tuijin.core.errors import InputError
from tuijin.core.files import check_photo
from tuijin.core.numbers import to_decimal
from tuijin.core.policy import OUT_OF_REACH, REPORT, REVIEW, WRITE, require_actor
from tuijin.orgs.models import OrgUnit, UnitKind

from .models import (
    POLICY_TARGET,
    POLICY_UNIT,
    Category,
    Deliverable,
    Item,
    ItemPhoto,
    ItemReport,
    Milestone,
    PlanKind,
    Programme,
    ReportStatus,
    Target,
    TargetKind,
    TargetProgress,
)

PROGRAMME_LEVELS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.DISTRICT, UnitKind.COUNTY_CITY, UnitKind.COUNTY,
                    UnitKind.ZONE)
CENT = Decimal("0.01")


# ---------------------------------------------------------------- helpers


def _number(value, *, field: str, label: str, allow_none: bool = False, bounds: Bounds = QUANTITY
            ) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise InputError(f"{label}不能为空", field=field)
    try:
        number = to_decimal(value)
    except ValueError:
        raise InputError(f"{label}不是数字: {value!r}", field=field) from None
    if not number.is_finite():
        raise InputError(f"{label}不是数字: {value!r}", field=field)
    if number < 0:
        raise InputError(f"{label}不能为负数: {value}", field=field)
    if number > bounds.high:
        raise InputError(f"{label}：{value} 超出允许范围（{bounds.describe()}）", field=field)
    return number


def _month(value, *, field: str = "month", label: str = "月份") -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        month = value
    elif isinstance(value, str) and value.strip().isdigit():
        month = int(value.strip())
    else:
        raise InputError(f"{label}应为 1-12 的整数, 收到 {value!r}", field=field)
    if not 1 <= month <= 12:
        raise InputError(f"{label}应在 1-12 之间, 收到 {value!r}", field=field)
    return month


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _check_item(actor, item, action: str) -> None:
    """The actor reaches the item for the action (scoping.livelihood_item_q: a lead unit reports on its items, a
    programme's level reviews and edits them); refused in the same words whether it exists elsewhere or not."""
    from . import scoping

    if not scoping.livelihood_items_for(actor, action).filter(pk=item.pk).exists():
        raise PermissionDenied(f"民生实事项目{OUT_OF_REACH}")


def _check_unit(actor, unit) -> None:
    """A programme belongs to a level in the actor's subtree (a city's administrator: not another city's)."""
    from tuijin.accounts import scoping

    if not scoping.units_for(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"民生实事计划{OUT_OF_REACH}")


def _programme_city(programme: Programme) -> OrgUnit | None:
    return programme.unit.city() if programme.unit.kind != UnitKind.PROVINCE else None


# ---------------------------------------------------------------- programme, categories, items


@transaction.atomic
def create_programme(*, unit: OrgUnit, year: int, name: str = "", tolerance_pp=None, actor,
                     is_demo: bool = False) -> Programme:
    """民生实事年度计划 of a level (省 / 市 / 县区) for a year: one per unit and year."""
    require_actor(actor, WRITE)
    if unit is None or unit.kind not in PROGRAMME_LEVELS:
        raise InputError(f"民生实事年度计划应属于省、市或县区, 收到 {getattr(unit, 'name', unit)!r}", field="unit")
    _check_unit(actor, unit)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InputError(f"年度应为整数, 收到 {year!r}", field="year") from None
    if not 2000 <= year <= 2200:
        raise InputError(f"年度超出范围: {year}", field="year")
    tolerance = Decimal(5) if tolerance_pp is None else _number(tolerance_pp, field="tolerance_pp",
                                                                label="按序时容差")
    if tolerance > 100:
        raise InputError(f"按序时容差应在 0-100 个百分点之间, 收到 {tolerance_pp}", field="tolerance_pp")
    if Programme.objects.filter(unit=unit, year=year).exists():
        raise InputError(f"{unit.name} 已有 {year} 年民生实事计划", field="year")
    name = (name or "").strip() or f"{year}年{unit.name}民生实事项目"
    programme = Programme.objects.create(unit=unit, year=year, name=name, tolerance_pp=tolerance, is_demo=is_demo)
    record_change(actor=actor, action="create", obj=programme, before=None, after=snapshot(programme))
    return programme


@transaction.atomic
def update_programme(*, programme: Programme, tolerance_pp=None, name: str | None = None, actor,
                     reason: str = "") -> Programme:
    """Change the name or the tolerance (按序时容差, percentage points) of a programme."""
    require_actor(actor, WRITE)
    _check_unit(actor, programme.unit)
    before = snapshot(programme)
    if tolerance_pp is not None:
        tolerance = _number(tolerance_pp, field="tolerance_pp", label="按序时容差")
        if tolerance > 100:
            raise InputError(f"按序时容差应在 0-100 个百分点之间, 收到 {tolerance_pp}", field="tolerance_pp")
        programme.tolerance_pp = tolerance
    if name is not None:
        if not name.strip():
            raise InputError("名称不能为空", field="name")
        programme.name = name.strip()
    programme.save()
    record_change(actor=actor, action="update", obj=programme, before=before, after=snapshot(programme),
                  reason=reason)
    return programme


@transaction.atomic
def add_category(*, programme: Programme, name: str, sort_order: int | None = None, actor) -> Category:
    require_actor(actor, WRITE)
    _check_unit(actor, programme.unit)
    name = (name or "").strip()
    if not name:
        raise InputError("类别名称不能为空", field="name")
    if programme.categories.filter(name=name).exists():
        raise InputError(f"{programme.name} 已有类别 {name!r}", field="name")
    if sort_order is None:
        sort_order = programme.categories.count() + 1
    category = Category.objects.create(programme=programme, name=name, sort_order=sort_order)
    record_change(actor=actor, action="create", obj=category, before=None, after=snapshot(category))
    return category


def _target_specs(*, quantity, unit, deliverables, kind, sub_items) -> list[dict]:
    """Normalise the ways an item's target can be given into a list of target specs."""
    plain = [x for x in (quantity, deliverables) if x not in (None, "", [], ())]
    if sub_items:
        if plain or kind:
            raise InputError("分事项的实事, 目标在各事项中填写", field="sub_items")
        specs = [dict(s) for s in sub_items]
        for s in specs:
            s["name"] = (s.get("name") or "").strip()
            if not s["name"]:
                raise InputError("事项名称不能为空", field="sub_items")
        names = [s["name"] for s in specs]
        if len(set(names)) != len(names):
            raise InputError(f"事项名称重复: {names}", field="sub_items")
        return specs
    return [{"name": "", "quantity": quantity, "unit": unit, "deliverables": deliverables, "kind": kind}]


def _clean_target(spec: dict, item_name: str) -> dict:
    label = f"{item_name}{(' ' + spec['name']) if spec.get('name') else ''}"
    listed = spec.get("deliverables") is not None  # a list given, even an empty one, makes a deliverables target
    deliverables = [str(d).strip() for d in (spec.get("deliverables") or [])]
    kind = spec.get("kind") or (TargetKind.DELIVERABLES if listed else TargetKind.QUANTITY)
    if kind not in TargetKind.values:
        raise InputError(f"{label}: 目标类型未知 {kind!r}", field="kind")
    unit = (spec.get("unit") or "").strip()
    if kind == TargetKind.QUANTITY:
        quantity = _number(spec.get("quantity"), field="quantity", label=f"{label} 年度目标")
        if quantity == 0:
            raise InputError(f"{label}: 年度目标应大于 0, 收到 {spec.get('quantity')!r}", field="quantity")
        if not unit:
            raise InputError(f"{label}: 请填写计量单位 (如 个, 万人)", field="unit")
        if deliverables:
            raise InputError(f"{label}: 数量指标不列建设内容", field="deliverables")
        return {"name": spec.get("name", ""), "kind": kind, "quantity": quantity.quantize(CENT), "unit": unit,
                "deliverables": []}
    if kind == TargetKind.DELIVERABLES:
        if spec.get("quantity") not in (None, ""):
            raise InputError(f"{label}: 建设内容清单的目标是所列内容的个数, 不另填数量", field="quantity")
        if not deliverables or any(not d for d in deliverables):
            raise InputError(f"{label}: 请列出建设内容 (如平台的各项功能)", field="deliverables")
        if len(set(deliverables)) != len(deliverables):
            raise InputError(f"{label}: 建设内容重复", field="deliverables")
        return {"name": spec.get("name", ""), "kind": kind, "quantity": None, "unit": unit or "项",
                "deliverables": deliverables}
    if spec.get("quantity") not in (None, "") or deliverables:
        raise InputError(f"{label}: 政策类实事按工作进度 (%) 填报, 不填数量或建设内容", field="quantity")
    return {"name": spec.get("name", ""), "kind": kind, "quantity": Decimal(POLICY_TARGET), "unit": POLICY_UNIT,
            "deliverables": []}


def _check_lead(unit, programme: Programme, field: str, label: str) -> OrgUnit:
    if not isinstance(unit, OrgUnit):
        raise InputError(f"{label}无效: {unit!r}", field=field)
    if not unit.is_within(programme.unit) and not programme.unit.is_within(unit):
        raise InputError(f"{label} {unit.name} 不在 {programme.unit.name} 范围内", field=field)
    return unit


@transaction.atomic
def add_item(*, programme: Programme, category: Category | str, name: str, lead_unit: OrgUnit, actor,
             seq: int | None = None, description: str = "", cooperating_units: Iterable[OrgUnit] = (),
             responsible_leader: str = "", planned_investment=None, quantity=None, unit: str = "",
             deliverables: Iterable[str] | None = None, kind: str | None = None,
             sub_items: list[dict] | None = None, start_month: int = 1, deadline_month: int = 12,
             is_demo: bool = False) -> Item:
    """件: an item with its target, given as one of
    - `quantity` and `unit` (2000 个);
    - `deliverables` (names of the functions of a platform …; the target is their number);
    - `kind="policy"` (a policy, no construction: progress is reported in %);
    - `sub_items` (事项): a list of {name, quantity, unit} / {name, deliverables} / {name, kind: "policy"}.
    Without a milestone plan the item's plan is linear from `start_month` to `deadline_month`."""
    require_actor(actor, WRITE)
    _check_unit(actor, programme.unit)
    name = (name or "").strip()
    if not name:
        raise InputError("实事名称不能为空", field="name")
    if isinstance(category, str):
        category = programme.categories.filter(name=category).first() or add_category(
            programme=programme, name=category, actor=actor)
    if category.programme_id != programme.pk:
        raise InputError(f"类别 {category.name} 不属于 {programme.name}", field="category")
    if programme.items.filter(name=name).exists():
        raise InputError(f"{programme.name} 已有实事 {name!r}", field="name")
    lead_unit = _check_lead(lead_unit, programme, "lead_unit", "牵头单位")
    cooperating = [_check_lead(u, programme, "cooperating_units", "配合单位") for u in cooperating_units]
    if lead_unit in cooperating:
        raise InputError(f"{lead_unit.name} 已是牵头单位, 不再列为配合单位", field="cooperating_units")
    investment = _number(planned_investment, field="planned_investment", label="计划投资(万元)", allow_none=True,
                         bounds=MONEY)
    start = _month(start_month, field="start_month", label="开始月份")
    deadline = _month(deadline_month, field="deadline_month", label="完成时限")
    if start > deadline:
        raise InputError(f"开始月份 {start} 晚于完成时限 {deadline}", field="deadline_month")
    specs = [_clean_target(s, name) for s in _target_specs(quantity=quantity, unit=unit, deliverables=deliverables,
                                                          kind=kind, sub_items=sub_items)]
    if seq is None:
        seq = (programme.items.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    elif programme.items.filter(seq=seq).exists():
        raise InputError(f"{programme.name} 已有序号 {seq}", field="seq")

    item = Item.objects.create(
        programme=programme, category=category, seq=seq, name=name, description=description.strip(),
        lead_unit=lead_unit, responsible_leader=responsible_leader.strip(),
        planned_investment=investment.quantize(CENT) if investment is not None else None,
        start_month=start, deadline_month=deadline, is_demo=is_demo)
    item.cooperating_units.set(cooperating)
    for i, spec in enumerate(specs, start=1):
        target = Target.objects.create(item=item, seq=i, name=spec["name"], kind=spec["kind"],
                                       quantity=spec["quantity"], unit=spec["unit"])
        Deliverable.objects.bulk_create(Deliverable(target=target, seq=j, name=d)
                                        for j, d in enumerate(spec["deliverables"], start=1))
    after = snapshot(item)
    after["cooperating_units"] = [u.pk for u in cooperating]
    after["targets"] = [{"name": s["name"], "kind": s["kind"], "quantity": str(s["quantity"]),
                         "unit": s["unit"], "deliverables": s["deliverables"]} for s in specs]
    record_change(actor=actor, action="create", obj=item, before=None, after=after)
    return item


@transaction.atomic
def share_item(*, item: Item, programme: Programme, actor) -> Item:
    """同时计入: a higher level's item counts in a lower level's programme of the same year too (a province
    item in the city's list)."""
    require_actor(actor, WRITE)
    _check_unit(actor, programme.unit)  # the programme it is shared into; the item may be a higher level's
    if programme.pk == item.programme_id:
        raise InputError(f"{item.name} 本就属于 {programme.name}", field="programme")
    if programme.year != item.programme.year:
        raise InputError(f"{item.name} 属于 {item.programme.year} 年, {programme.name} 属于 {programme.year} 年",
                         field="programme")
    if not programme.unit.is_within(item.programme.unit):
        raise InputError(f"{programme.unit.name} 不是 {item.programme.unit.name} 的下级, 不能计入",
                         field="programme")
    if item.shared_with.filter(pk=programme.pk).exists():
        raise InputError(f"{item.name} 已计入 {programme.name}", field="programme")
    item.shared_with.add(programme)
    record_change(actor=actor, action="update", obj=item, before={"shared_with": []},
                  after={"shared_with": [programme.pk]}, reason=f"同时计入 {programme.name}")
    return item


# ---------------------------------------------------------------- milestone plan


def _single_quantity_target(item: Item) -> Target | None:
    targets = list(item.targets.all())
    if len(targets) == 1 and targets[0].kind in (TargetKind.QUANTITY, TargetKind.DELIVERABLES):
        return targets[0]
    return None


def target_quantity(target: Target) -> Decimal:
    """The annual target of a target: its quantity, or the number of its deliverables."""
    if target.kind == TargetKind.DELIVERABLES:
        return Decimal(target.deliverables.count())
    return target.quantity


@transaction.atomic
def set_milestones(*, item: Item, points: Mapping, by: str = "month", basis: str = "pct", actor,
                   reason: str = "", notes: Mapping | None = None) -> list[Milestone]:
    """节点计划: planned cumulative progress per month ({5: 40, 12: 100}, by="month") or per quarter
    ({1: 20, 2: 50, 3: 75, 4: 100}, by="quarter"), as percentages of the target (basis="pct") or, for an item
    with one quantity target, as quantities (basis="quantity"). The plan may not decrease, may not exceed the
    target, and replaces the item's previous plan; empty points go back to the linear plan."""
    require_actor(actor, WRITE)
    _check_item(actor, item, WRITE)
    if by not in ("month", "quarter"):
        raise InputError(f"节点计划应按月或按季度, 收到 {by!r}", field="by")
    if basis not in ("pct", "quantity"):
        raise InputError(f"节点计划应填百分比或数量, 收到 {basis!r}", field="basis")
    target = _single_quantity_target(item) if basis == "quantity" else None
    if basis == "quantity" and target is None:
        raise InputError(f"{item.name} 有多个事项或为政策类, 节点计划请填百分比", field="basis")
    limit = target_quantity(target) if target else Decimal(100)
    unit = target.unit if target else "%"
    cleaned: dict[int, Decimal] = {}
    for key, value in points.items():
        if by == "quarter":
            try:
                q = int(key)
            except (TypeError, ValueError):
                q = 0
            if q not in (1, 2, 3, 4):
                raise InputError(f"{item.name}: 季度应为 1-4, 收到 {key!r}", field="points")
            month, where = 3 * q, f"第{q}季度"
        else:
            month = _month(key, field="points", label=f"{item.name}: 节点月份")
            where = f"{month}月"
        if month in cleaned:
            raise InputError(f"{item.name}: {where} 重复", field="points")
        amount = _number(value, field="points", label=f"{item.name}: {where}累计计划")
        if amount > limit:
            raise InputError(f"{item.name}: {where}累计计划 {value}{unit} 超过年度目标 {limit.normalize():f}{unit}",
                             field="points")
        cleaned[month] = amount
    previous = None
    for month in sorted(cleaned):
        if previous is not None and cleaned[month] < cleaned[previous]:
            raise InputError(
                f"{item.name}: 节点计划不能减少: {month}月累计 {cleaned[month]:f}{unit} "
                f"低于 {previous}月累计 {cleaned[previous]:f}{unit}", field="points")
        previous = month
    before = {"plan_kind": item.plan_kind, "milestones": _plan_snapshot(item)}
    item.milestones.all().delete()
    notes = notes or {}
    made = [Milestone.objects.create(
        item=item, month=m, note=str(notes.get(m, ""))[:200],
        planned_pct=v if basis == "pct" else None, planned_quantity=v if basis == "quantity" else None)
        for m, v in sorted(cleaned.items())]
    item.plan_kind = (PlanKind.LINEAR if not made else PlanKind.QUARTERLY if by == "quarter" else PlanKind.MONTHLY)
    item.save(update_fields=["plan_kind", "updated_at"])
    record_change(actor=actor, action="update", obj=item, before=before,
                  after={"plan_kind": item.plan_kind, "milestones": _plan_snapshot(item)}, reason=reason)
    return made


def _plan_snapshot(item: Item) -> dict:
    return {str(m.month): str(m.planned_pct if m.planned_pct is not None else m.planned_quantity)
            for m in item.milestones.all()}


@transaction.atomic
def schedule_backwards(*, item: Item, deadline_month: int, start_month: int = 1, actor, reason: str = ""
                       ) -> Item:
    """倒排: plan the item evenly from `start_month` to the deadline (完成时限); replaces any node plan."""
    require_actor(actor, WRITE)
    _check_item(actor, item, WRITE)
    start = _month(start_month, field="start_month", label="开始月份")
    deadline = _month(deadline_month, field="deadline_month", label="完成时限")
    if start > deadline:
        raise InputError(f"开始月份 {start} 晚于完成时限 {deadline}", field="deadline_month")
    before = {"plan_kind": item.plan_kind, "start_month": item.start_month, "deadline_month": item.deadline_month,
              "milestones": _plan_snapshot(item)}
    item.milestones.all().delete()
    item.plan_kind, item.start_month, item.deadline_month = PlanKind.LINEAR, start, deadline
    item.save(update_fields=["plan_kind", "start_month", "deadline_month", "updated_at"])
    record_change(actor=actor, action="update", obj=item, before=before,
                  after={"plan_kind": item.plan_kind, "start_month": start, "deadline_month": deadline,
                         "milestones": {}}, reason=reason)
    return item


# ---------------------------------------------------------------- monthly progress


def month_locked(programme: Programme, year: int, month: int, today: datetime.date) -> tuple[bool, object]:
    """The city's reporting month (填报期) locks livelihood progress too, once its deadline has passed."""
    from tuijin.progress.models import ReportingPeriod

    city = _programme_city(programme)
    period = ReportingPeriod.objects.filter(city=city, year=year, month=month).first() if city else None
    return (period is not None and period.is_locked(today)), period


def _year_progress(item: Item, year: int) -> dict[int, dict[int, tuple[Decimal, set[int], TargetProgress]]]:
    """{month: {target id: (done, {deliverable ids}, row)}} for every report of the item's year (3 queries)."""
    rows = (TargetProgress.objects.filter(report__item=item, report__year=year).select_related("report")
            .prefetch_related("delivered"))
    out: dict[int, dict] = {}
    for row in rows:
        out.setdefault(row.report.month, {})[row.target_id] = (row.done, {d.pk for d in row.delivered.all()}, row)
    return out


def _progress_snapshot(values: dict[int, tuple]) -> dict:
    return {str(tid): {"done": str(v[0]), "delivered": sorted(v[1])} for tid, v in sorted(values.items())}


@transaction.atomic
def save_progress(*, item: Item, year: int, month: int, done=None, delivered=None, investment_ytd=None,
                  progress_text: str = "", status: str = ReportStatus.SUBMITTED, actor, reason: str = "",
                  today: datetime.date | None = None) -> ItemReport:
    """月度进展 of an item for a month of its programme year, by the lead unit. `done`: the cumulative
    quantity, or {target (or its id or 事项 name): cumulative} for an item split into 事项; `delivered`: the
    names or ids of the deliverables done so far (a deliverables target's done is their number). Above the
    target is accepted (shown as over 100%); a cumulative below the previous month's (or a deliverable taken
    back) needs a reason, and so does a change of a locked month (更正, which goes back to review)."""
    require_actor(actor)
    _check_item(actor, item, REPORT)
    today = today or timezone.localdate()
    programme = item.programme
    if status not in ReportStatus.values or status == ReportStatus.RETURNED:
        raise InputError(f"状态未知或不可直接设置: {status!r}", field="status")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InputError(f"年度应为整数, 收到 {year!r}", field="year") from None
    month = _month(month)
    if year != programme.year:
        raise InputError(f"{year}年{month}月 不在 {programme.name} 的年度 ({programme.year}年) 内", field="month")
    if datetime.date(year, month, 1) > today:
        raise InputError(f"{year}年{month}月 尚未开始, 不能填报", field="month")
    investment = _number(investment_ytd, field="investment_ytd", label="1-N月累计完成投资(万元)", allow_none=True,
                         bounds=MONEY)

    targets = list(item.targets.prefetch_related("deliverables"))
    values = _resolve_done(item, targets, done, delivered)

    report = ItemReport.objects.select_for_update().filter(item=item, year=year, month=month).first()
    history = _year_progress(item, year)
    earlier = [m for m in history if m < month]
    later = [m for m in history if m > month]
    prev_values = history[max(earlier)] if earlier else {}
    next_values = history[min(later)] if later else {}
    problems = []
    for t in targets:
        new_done, new_set = values[t.pk]
        label = t.name or item.name
        if t.pk in prev_values:
            old_done, old_set, _ = prev_values[t.pk]
            if new_done < old_done:
                problems.append(f"{label} 累计 {new_done:f} 低于上月累计 {old_done:f}")
            if t.kind == TargetKind.DELIVERABLES and not old_set <= new_set:
                gone = [d.name for d in t.deliverables.all() if d.pk in old_set - new_set]
                problems.append(f"{label} 已完成的建设内容被撤回: {'、'.join(gone)}")
        if t.pk in next_values and new_done > next_values[t.pk][0]:
            problems.append(f"{label} 累计 {new_done:f} 高于以后月份已报的累计 {next_values[t.pk][0]:f}")
    reason = (reason or "").strip()
    if problems and not reason:
        raise InputError("累计完成数减少须说明原因: " + "; ".join(problems), field="reason")
    locked, period = month_locked(programme, year, month, today)
    if locked:
        if not reason:
            raise InputError(f"{year}年{month}月已锁定 (截止 {period.deadline}), 更正须填写原因", field="reason")
        if status != ReportStatus.DRAFT:
            status = ReportStatus.SUBMITTED

    current = history.get(month, {})
    before = None
    if report is not None:
        before = snapshot(report)
        before["progress"] = _progress_snapshot(current)
    else:
        report = ItemReport(item=item, year=year, month=month)
    report.investment_ytd = investment.quantize(CENT) if investment is not None else None
    report.progress_text = (progress_text or "").strip()
    report.status = status
    report.decrease_reason = reason[:500] if problems else ""
    if status != ReportStatus.DRAFT:
        report.submitted_by, report.submitted_at = _actor(actor), timezone.now()
    report.save()
    for t in targets:
        new_done, new_set = values[t.pk]
        row = current[t.pk][2] if t.pk in current else None
        if row is None:
            row = TargetProgress.objects.create(report=report, target=t, done=new_done)
        elif row.done != new_done:
            row.done = new_done
            row.save(update_fields=["done"])
        if t.kind == TargetKind.DELIVERABLES and (t.pk not in current or current[t.pk][1] != new_set):
            row.delivered.set(new_set)
    after = snapshot(report)
    after["progress"] = _progress_snapshot(values)
    record_change(actor=actor, action="update" if before else "create", obj=report, before=before, after=after,
                  reason=reason)
    return report


def _resolve_done(item: Item, targets: list[Target], done, delivered) -> dict[int, tuple[Decimal, set[int]]]:
    """{target id: (cumulative done, {deliverable ids})} from the caller's forms of `done` / `delivered`."""
    by_key: dict = {}
    for t in targets:
        by_key[t] = by_key[t.pk] = by_key[str(t.pk)] = t
        if t.name:
            by_key[t.name] = t

    def per_target(value, label: str) -> dict[int, object]:
        if value is None:
            return {}
        if isinstance(value, Mapping):
            out = {}
            for key, v in value.items():
                t = by_key.get(key)
                if t is None:
                    raise InputError(f"{item.name} 没有事项 {key!r}", field=label)
                out[t.pk] = v
            return out
        if len(targets) != 1:
            raise InputError(f"{item.name} 分 {len(targets)} 个事项, 请逐项填写", field=label)
        return {targets[0].pk: value}

    done_map, delivered_map = per_target(done, "done"), per_target(delivered, "delivered")
    out = {}
    for t in targets:
        label = t.name or item.name
        if t.kind == TargetKind.DELIVERABLES:
            if t.pk in done_map and done_map[t.pk] not in (None, ""):
                raise InputError(f"{label}: 建设内容类目标请勾选已完成的内容, 不填数量", field="done")
            names = delivered_map.get(t.pk) or []
            if isinstance(names, str):
                names = [names]
            known = {d.name: d.pk for d in t.deliverables.all()}
            ids = set()
            for n in names:
                if isinstance(n, Deliverable):
                    n = n.pk
                if n in known.values() or (isinstance(n, str) and n.isdigit() and int(n) in known.values()):
                    ids.add(int(n))
                elif n in known:
                    ids.add(known[n])
                else:
                    raise InputError(f"{label}: 没有建设内容 {n!r}", field="delivered")
            out[t.pk] = (Decimal(len(ids)), ids)
        else:
            if t.pk in delivered_map and delivered_map[t.pk]:
                raise InputError(f"{label}: 数量类目标填写累计完成数, 不勾选建设内容", field="delivered")
            value = _number(done_map.get(t.pk), field="done", label=f"{label} 累计完成")
            if t.kind == TargetKind.POLICY and value > POLICY_TARGET:
                raise InputError(f"{label}: 政策类工作进度不超过 100%, 收到 {value}", field="done")
            if value != value.quantize(CENT):
                raise InputError(f"{label} 累计完成最多两位小数, 收到 {value}", field="done")
            out[t.pk] = (value.quantize(CENT), set())
    return out


@transaction.atomic
def review_progress(*, report: ItemReport, accept: bool, actor, reason: str = "") -> ItemReport:
    """审核: the programme's level confirms a submitted report (已确认) or returns it (退回) with a reason."""
    require_actor(actor, REVIEW)
    _check_item(actor, report.item, REVIEW)
    report = ItemReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise InputError(f"{report} 当前状态为 {report.get_status_display()}, 不能审核", field="status")
    if not accept and not (reason or "").strip():
        raise InputError("退回必须填写原因", field="reason")
    before = snapshot(report)
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.return_reason = "" if accept else reason.strip()[:500]
    report.reviewed_by, report.reviewed_at = _actor(actor), timezone.now()
    report.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
    record_change(actor=actor, action="update", obj=report, before=before, after=snapshot(report), reason=reason)
    return report


@transaction.atomic
def add_photo(*, report: ItemReport, upload, actor) -> ItemPhoto:
    """现场照片 of a monthly report (at most 15 MB, an image), keeping its EXIF time and place."""
    require_actor(actor)
    _check_item(actor, report.item, REPORT)
    from tuijin.progress.photos import exif_facts

    if getattr(upload, "size", 0) > 15 * 1024 * 1024:
        raise InputError(f"照片 {upload.name} 超过 15 MB", field="photos")
    check_photo(upload, field="photos")  # by its bytes, not the declared type
    photo = ItemPhoto(report=report, image=upload, uploaded_by=_actor(actor), **exif_facts(upload))
    photo.save()
    after = snapshot(photo, fields=[f.name for f in ItemPhoto._meta.concrete_fields if f.name != "image"])
    after["image"] = photo.image.name  # a file field is not JSON: its stored name is
    record_change(actor=actor, action="create", obj=photo, before=None, after=after)
    return photo
