"""Writes to the org-unit tree and its conventions: create units (a city with its province) with their
materialised path; the city administrator's add / rename / move / retire (撤销), each scoped to their own
city; and a unit's conventions (口径) for a year. Validated, scoped, audited, atomic."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.params import YEAR_MAX, YEAR_MIN
from tuijin.core.policy import CONFIGURE, require_actor

from .models import DISTRICT_KINDS, Conventions, OrgUnit, UnitKind
from .selectors import conventions_for, forget_conventions

REGION_CODE_RE = re.compile(r"[0-9]{6}")

# A new city's defaults kept by the apps above this one (projects: 行业领域 and 建设性质; attraction: 资金来源),
# each added by its app at start-up (AppConfig.ready) and run by create_unit in the city's transaction, in
# INSTALLED_APPS order. Late-bound because those apps sit above orgs (docs/architecture.md, "Layers").
CITY_DEFAULTS: list = []


@transaction.atomic
def create_unit(*, name: str, kind: str, parent: OrgUnit | None = None, actor, short_name: str = "",
                region_code: str = "", sort_order: int = 0) -> OrgUnit:
    require_actor(actor, CONFIGURE)
    # A province or a city is the platform operator's; a unit within a city, its administrator's.
    from .selectors import administers_city

    city = parent.city() if parent is not None else None
    if not actor.is_superuser and (city is None or not administers_city(actor, city)):
        raise PermissionDenied("只有本市的市管理员可以在本市新建单位")
    name = (name or "").strip()
    if not name:
        raise InputError("单位名称不能为空", field="name")
    if kind not in UnitKind.values:
        raise InputError(f"单位类型未知: {kind!r}", field="kind")
    if parent is None and kind not in (UnitKind.PROVINCE, UnitKind.CITY):
        raise InputError(f"{name}: 只有省或市可以没有上级", field="parent")
    if OrgUnit.objects.filter(parent=parent, name=name).exists():
        raise InputError(f"同一上级下已有单位 {name!r}", field="name")
    unit = OrgUnit(name=name, kind=kind, parent=parent, short_name=short_name, region_code=region_code,
                   sort_order=sort_order)
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = (parent.depth + 1) if parent else 0
    unit.save(update_fields=["path", "depth"])
    if kind == UnitKind.CITY:
        for ensure_defaults in CITY_DEFAULTS:  # the default breakdowns, 资金来源 …
            ensure_defaults(unit)
    record_change(actor=actor, action="create", obj=unit, before=None, after=snapshot(unit))
    if kind == UnitKind.CITY:
        # A new city starts from the default conventions, stored as its initial row (from the first year
        # the platform knows) so they can be shown; a change for a year then holds from that year on.
        conv = Conventions.objects.create(unit=unit, year=YEAR_MIN)
        record_change(actor=actor, action="create", obj=conv, before=None, after=snapshot(conv))
    return unit


@transaction.atomic
def create_city(*, name: str, actor, province: str = "", region_code: str = "") -> OrgUnit:
    """新建城市: the platform operator creates a city (and its province when new), with default conventions.
    A city administrator cannot create cities."""
    if actor is None or not getattr(actor, "is_superuser", False):
        raise PermissionDenied("只有平台运维人员可以新建城市")
    name = (name or "").strip()
    province = (province or "").strip()
    region_code = (region_code or "").strip()
    if not name:
        raise InputError("城市名称不能为空", field="name")
    if region_code and not REGION_CODE_RE.fullmatch(region_code):
        raise InputError(f"行政区划代码须为 6 位数字: {region_code!r}", field="region_code")
    if OrgUnit.objects.filter(kind=UnitKind.CITY, name=name).exists():
        raise InputError(f"城市已存在: {name}", field="name")
    if region_code and OrgUnit.objects.filter(kind=UnitKind.CITY, region_code=region_code).exists():
        other = OrgUnit.objects.filter(kind=UnitKind.CITY, region_code=region_code).first()
        raise InputError(f"行政区划代码 {region_code} 已属于 {other.name}", field="region_code")
    parent = None
    if province:
        parent = OrgUnit.objects.filter(parent__isnull=True, kind=UnitKind.PROVINCE, name=province).first()
        if parent is None:
            if OrgUnit.objects.filter(parent__isnull=True, name=province).exists():
                raise InputError(f"{province} 已存在, 但不是省", field="province")
            parent = create_unit(name=province, kind=UnitKind.PROVINCE, actor=actor,
                                 region_code=f"{region_code[:2]}0000" if region_code else "")
    elif OrgUnit.objects.filter(parent__isnull=True, name=name).exists():
        raise InputError(f"已有同名的顶级单位: {name}", field="name")
    return create_unit(name=name, kind=UnitKind.CITY, parent=parent, actor=actor, region_code=region_code)


# ---------------------------------------------------------------- conventions (口径)

# Units that publish their own bulletin and so may keep their own conventions.
CONVENTION_KINDS = (UnitKind.CITY, UnitKind.COUNTY_CITY, UnitKind.DISTRICT, UnitKind.COUNTY, UnitKind.ZONE,
                    UnitKind.PARK)


def _choice(field: str, aliases: dict[str, str]):
    def parse(key, label, text):
        value = aliases.get(text.strip())
        if value is None:
            allowed = " / ".join(dict.fromkeys(aliases))
            raise InputError(f"{label} ({key}) 不能取 {text!r}: 可选 {allowed}", field=key)
        return value
    return parse


def _integer(low: int, high: int):
    def parse(key, label, text):
        t = text.strip()
        if not t.isdigit() or not low <= int(t) <= high:
            raise InputError(f"{label} ({key}) 须为 {low}–{high} 的整数: {text!r}", field=key)
        return int(t)
    return parse


def _threshold(key, label, text):
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= Decimal("999999999999") \
            or value != value.quantize(Decimal("0.01")):
        raise InputError(f"{label} ({key}) 须为不小于 0 的万元金额 (最多两位小数): {text!r}", field=key)
    return value.quantize(Decimal("0.01"))


def parse_curve(key: str, label: str, text: str) -> list[list]:
    """'3:20,6:45,9:72.5,12:100' → [[3, '20'], [6, '45'], [9, '72.5'], [12, '100']]: months 1–12 with their
    cumulative share (%), strictly increasing in both, ending at 12:100. '' or 无 clears it."""
    t = text.strip().replace("，", ",").replace("：", ":")
    if t in ("", "无", "none", "-"):
        return []
    points: list[list] = []
    for part in t.split(","):
        m, sep, p = part.strip().partition(":")
        if not sep or not m.strip().isdigit():
            raise InputError(f"{label} ({key}) 每一项须写作 月:累计%, 如 3:20: {part.strip()!r}", field=key)
        month = int(m)
        if not 1 <= month <= 12:
            raise InputError(f"{label} ({key}) 的月份须在 1–12 之间: {part.strip()!r}", field=key)
        try:
            pct = Decimal(p.strip())
        except InvalidOperation:
            pct = None
        if pct is None or not pct.is_finite() or not 0 < pct <= 100 or pct.as_tuple().exponent < -3:
            raise InputError(f"{label} ({key}) 的累计进度须为 0–100 的百分数 (最多三位小数): {part.strip()!r}",
                             field=key)
        if points and (month <= points[-1][0] or pct <= Decimal(points[-1][1])):
            raise InputError(f"{label} ({key}) 须按月份逐项递增 (月份和累计进度都须增大): {text!r}", field=key)
        points.append([month, f"{pct.normalize():f}"])
    if points[-1] != [12, "100"]:
        raise InputError(f"{label} ({key}) 须以 12:100 结束: {text!r}", field=key)
    return points


def curve_text(points) -> str:
    return ",".join(f"{m}:{p}" for m, p in points or [])


# key → (model field, label, parser). The keys are what `--set KEY=VALUE` and the page's form use.
CONVENTION_KEYS: dict[str, tuple[str, str, object]] = {
    "schedule_basis": ("schedule_basis", "序时进度口径", _choice("schedule_basis", {
        "month": "month", "按月": "month", "day": "day", "按日": "day"})),
    "curve": ("schedule_curve", "序时进度曲线", parse_curve),
    "rounding": ("rounding", "取舍规则", _choice("rounding", {
        "half_up": "half_up", "四舍五入": "half_up", "truncate": "truncate", "截尾": "truncate"})),
    "rate_places": ("rate_places", "百分比小数位", _integer(0, 4)),
    "amount_places": ("amount_places", "金额(亿元)小数位", _integer(0, 4)),
    "variance_basis": ("variance_basis", "偏差口径", _choice("variance_basis", {
        "unrounded": "unrounded", "未取舍": "unrounded", "printed": "printed", "印出": "printed"})),
    "threshold": ("big_project_threshold_wan", "亿元以上门槛(万元)", _threshold),
    "start_deadline_days": ("start_deadline_days", "百日开工期限(天)", _integer(1, 3650)),
    "wording": ("wording", "超欠表述", _choice("wording", {
        "schedule": "schedule", "超序时": "schedule", "欠序时": "schedule", "time": "time", "快于": "time",
        "慢于": "time", "快于时间进度": "time", "progress": "progress", "超进度": "progress", "欠进度": "progress"})),
}
CONVENTION_FIELDS = [field for field, _, _ in CONVENTION_KEYS.values()]


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """['rate_places=2', 'curve=3:20,…'] → {'rate_places': '2', …}; refuses a pair without '='."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"设置须写作 KEY=VALUE: {pair!r}", field="set")
        out[key.strip()] = value
    return out


def _check_configure(actor, unit: OrgUnit) -> None:
    """Only the platform operator, or an administrator of the unit's own city (CONFIGURE, holding the city or
    an ancestor of the unit), may change a unit's conventions."""
    from tuijin.core import policy

    if actor is None:
        raise PermissionDenied("未指明操作人")
    if getattr(actor, "is_superuser", False):
        return
    if not policy.can(actor, policy.CONFIGURE) or actor.unit is None or not unit.is_within(actor.unit):
        raise PermissionDenied(f"只能修改本市的口径: {unit.name} 不在您的范围内")


@transaction.atomic
def set_conventions(*, unit: OrgUnit, year: int, values: dict[str, str], actor) -> Conventions:
    """口径设置: change `unit`'s conventions from `year` on (its row for that year; a new row starts from the
    conventions the year had). Earlier years keep theirs. `values` are texts by key (CONVENTION_KEYS);
    unchanged values are ignored. All or nothing; audited old → new."""
    _check_configure(actor, unit)
    if unit.kind not in CONVENTION_KINDS:
        raise InputError(f"{unit.name} ({unit.get_kind_display()}) 不单独设口径", field="unit")
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise InputError(f"年度须在 {YEAR_MIN}–{YEAR_MAX} 之间: {year!r}", field="year")
    unknown = [k for k in values if k not in CONVENTION_KEYS]
    if unknown:
        raise InputError(f"未知的口径项: {unknown[0]!r} (可设: {', '.join(CONVENTION_KEYS)})", field="set")
    parsed = {}
    for key, text in values.items():
        field, label, parse = CONVENTION_KEYS[key]
        parsed[field] = parse(key, label, str(text))
    row = Conventions.objects.select_for_update().filter(unit=unit, year=year).first()
    current = row or conventions_for(unit, year)
    changed = {f: v for f, v in parsed.items() if getattr(current, f) != v}
    if row is not None and not changed:
        return row
    if row is None:
        if not changed:
            return current
        before = snapshot(current, CONVENTION_FIELDS)
        row = Conventions(unit=unit, year=year, **{f: getattr(current, f) for f in CONVENTION_FIELDS})
        action = "create"
    else:
        before = snapshot(row, CONVENTION_FIELDS)
        action = "update"
    for f, v in changed.items():
        setattr(row, f, v)
    row.save()
    forget_conventions(unit)
    after = snapshot(row, CONVENTION_FIELDS)
    record_change(actor=actor, action=action, obj=row, before=before, after=after,
                  reason=f"{unit.name} {year}年起口径")
    return row


# ---------------------------------------------------------------- the city administrator's tree

KIND_BY_LABEL = {label: value for value, label in UnitKind.choices}
# What a city administrator may place under what (the city and its 板块; never a province or a city, and
# nothing under a department or a park).
CHILD_KINDS = {
    UnitKind.CITY: {*DISTRICT_KINDS, UnitKind.PARK, UnitKind.DEPARTMENT},
    **{k: {UnitKind.PARK, UnitKind.DEPARTMENT} for k in DISTRICT_KINDS},
}
ADMIN_KINDS = sorted({k for ks in CHILD_KINDS.values() for k in ks}, key=UnitKind.values.index)


def _require_admin(actor, city: OrgUnit | None) -> None:
    from .selectors import administers_city

    if actor is None or not administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以维护本市的组织单元")


def _city_of(unit: OrgUnit) -> OrgUnit | None:
    return unit.city()


def kind_label(kind: str) -> str:
    return UnitKind(kind).label if kind in UnitKind.values else str(kind)


def check_unit_fields(*, name: str, kind: str, parent: OrgUnit | None, city: OrgUnit, short_name: str = "",
                      region_code: str = "", unit: OrgUnit | None = None) -> str:
    """The rules of a unit inside a city; returns the cleaned name. Each refusal names the field."""
    name = (name or "").strip()
    if not name:
        raise InputError("单位名称不能为空", field="name")
    if len(name) > OrgUnit._meta.get_field("name").max_length:
        raise InputError(f"单位名称过长 (最多 {OrgUnit._meta.get_field('name').max_length} 字): {name[:20]}…",
                         field="name")
    if len(short_name or "") > OrgUnit._meta.get_field("short_name").max_length:
        raise InputError(f"简称过长 (最多 {OrgUnit._meta.get_field('short_name').max_length} 字)", field="short_name")
    if kind not in ADMIN_KINDS:
        raise InputError(f"单位类型 {kind_label(kind)!s} 不能由市管理员设置, 应为: "
                         f"{'、'.join(UnitKind(k).label for k in ADMIN_KINDS)}", field="kind")
    if region_code and not REGION_CODE_RE.fullmatch(region_code):
        raise InputError(f"行政区划代码应为 6 位数字: {region_code[:20]!r}", field="region_code")
    if parent is None:
        raise InputError("上级单位不能为空", field="parent")
    if parent.pk != city.pk and not parent.path.startswith(city.path):
        raise InputError(f"上级单位 {parent.name} 不在 {city.name}", field="parent")
    if not parent.active:
        raise InputError(f"上级单位 {parent.name} 已撤销", field="parent")
    if unit is not None and unit.pk and parent.path.startswith(unit.path):
        raise InputError(f"不能把 {unit.name} 移到它自己或它的下级单位 {parent.name} 之下", field="parent")
    allowed = CHILD_KINDS.get(parent.kind, set())
    if kind not in allowed:
        raise InputError(f"{kind_label(kind)}不能设在{kind_label(parent.kind)} {parent.name} 之下", field="kind")
    if unit is not None and unit.pk:
        for child in unit.children.all():
            if child.kind not in CHILD_KINDS.get(kind, set()):
                raise InputError(f"{name} 下有{kind_label(child.kind)} {child.name}, 不能改为{kind_label(kind)}",
                                 field="kind")
    twins = OrgUnit.objects.filter(parent=parent, name=name) if parent.pk else OrgUnit.objects.none()
    if unit is not None and unit.pk:
        twins = twins.exclude(pk=unit.pk)
    if twins.exists():
        raise InputError(f"{parent.name} 下已有单位 {name!r}", field="name")
    return name


@transaction.atomic
def add_unit(*, actor, city: OrgUnit, name: str, kind: str, parent: OrgUnit | None = None, short_name: str = "",
             region_code: str = "", sort_order: int = 0, reason: str = "") -> OrgUnit:
    """A city administrator adds a unit to their city's tree (parent None: directly under the city)."""
    _require_admin(actor, city)
    parent = parent or city
    short_name, region_code = (short_name or "").strip(), (region_code or "").strip()
    name = check_unit_fields(name=name, kind=kind, parent=parent, city=city, short_name=short_name,
                             region_code=region_code)
    unit = OrgUnit(name=name, kind=kind, parent=parent, short_name=short_name, region_code=region_code,
                   sort_order=sort_order)
    unit.save()
    unit.path = f"{parent.path}{unit.pk}/"
    unit.depth = parent.depth + 1
    unit.save(update_fields=["path", "depth"])
    record_change(actor=actor, action="create", obj=unit, before=None, after=snapshot(unit), reason=reason)
    return unit


UNIT_FIELDS = ["name", "short_name", "kind", "region_code", "sort_order", "parent", "path", "depth", "active",
               "retired_on"]


def _locked(unit: OrgUnit) -> tuple[OrgUnit, OrgUnit]:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    city = unit.city()
    if unit.kind in (UnitKind.CITY, UnitKind.PROVINCE) or city is None:
        raise InputError(f"{unit.name} 是{kind_label(unit.kind)}, 不能在此修改", field="unit")
    return unit, city


@transaction.atomic
def update_unit(*, actor, unit: OrgUnit, reason: str = "", **changes) -> OrgUnit:
    """Rename a unit or change its short name, kind, region code or display order."""
    unknown = set(changes) - {"name", "short_name", "kind", "region_code", "sort_order"}
    if unknown:
        raise InputError(f"不能修改的字段: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    unit, city = _locked(unit)
    _require_admin(actor, city)
    before = snapshot(unit, UNIT_FIELDS)
    for f in ("short_name", "region_code"):
        if f in changes:
            changes[f] = (changes[f] or "").strip()
    new = {f: changes.get(f, getattr(unit, f)) for f in ("name", "short_name", "kind", "region_code")}
    changes["name"] = check_unit_fields(unit=unit, parent=unit.parent, city=city, **new)
    for f, v in changes.items():
        setattr(unit, f, v)
    unit.save()
    record_change(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit, UNIT_FIELDS),
                  reason=reason)
    return unit


@transaction.atomic
def move_unit(*, actor, unit: OrgUnit, parent: OrgUnit, reason: str = "") -> OrgUnit:
    """Put a unit (with everything below it) under another parent of the same city; the paths and depths of
    the whole subtree are rebuilt, so every prefix filter follows the move."""
    unit, city = _locked(unit)
    _require_admin(actor, city)
    if parent is None:
        raise InputError("请选择新的上级单位", field="parent")
    parent = OrgUnit.objects.get(pk=parent.pk)
    check_unit_fields(name=unit.name, kind=unit.kind, parent=parent, city=city, short_name=unit.short_name,
                      region_code=unit.region_code, unit=unit)
    if parent.pk == unit.parent_id:
        return unit
    before = snapshot(unit, UNIT_FIELDS)
    old_path, new_path = unit.path, f"{parent.path}{unit.pk}/"
    shift = parent.depth + 1 - unit.depth
    subtree = list(OrgUnit.objects.select_for_update().filter(path__startswith=old_path))
    for u in subtree:
        u.path = new_path + u.path[len(old_path):]
        u.depth += shift
        if u.pk == unit.pk:
            u.parent = parent
    OrgUnit.objects.bulk_update(subtree, ["path", "depth", "parent"])
    unit.refresh_from_db()
    from tuijin.core.derived import refresh_subtree

    # The figure store keeps each project's unit path: the moved subtree's projects are rewritten.
    refresh_subtree(new_path)
    record_change(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit, UNIT_FIELDS),
                  reason=reason or f"移至 {parent.name} 之下")
    return unit


@transaction.atomic
def retire_unit(*, actor, unit: OrgUnit, on: datetime.date | None = None, reason: str = "") -> OrgUnit:
    """撤销: the unit stays with all its history (projects, reports, users) but is offered for nothing new.
    Never deleted. Its units below must be retired first."""
    unit, city = _locked(unit)
    _require_admin(actor, city)
    if not unit.active:
        raise InputError(f"{unit.name} 已于 {unit.retired_on} 撤销", field="unit")
    on = on or timezone.localdate()
    if not isinstance(on, datetime.date):
        raise InputError(f"撤销日期无效: {on!r}", field="retired_on")
    if on > timezone.localdate():
        raise InputError(f"撤销日期 {on} 在未来", field="retired_on")
    live = unit.children.filter(active=True).first()
    if live is not None:
        raise InputError(f"{unit.name} 下的 {live.name} 仍在用, 请先撤销或移走下级单位", field="unit")
    before = snapshot(unit, UNIT_FIELDS)
    unit.active, unit.retired_on = False, on
    unit.save(update_fields=["active", "retired_on"])
    record_change(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit, UNIT_FIELDS),
                  reason=reason or "撤销")
    return unit


@transaction.atomic
def restore_unit(*, actor, unit: OrgUnit, reason: str = "") -> OrgUnit:
    """恢复: a retired unit back in use (its parent must be in use)."""
    unit, city = _locked(unit)
    _require_admin(actor, city)
    if unit.active:
        return unit
    if not unit.parent.active:
        raise InputError(f"上级单位 {unit.parent.name} 已撤销, 请先恢复上级单位", field="unit")
    before = snapshot(unit, UNIT_FIELDS)
    unit.active, unit.retired_on = True, None
    unit.save(update_fields=["active", "retired_on"])
    record_change(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit, UNIT_FIELDS),
                  reason=reason or "恢复")
    return unit
