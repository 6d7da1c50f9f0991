"""Writes to the org-unit tree: create units with their materialised path, and the city administrator's
add / rename / move / retire (撤销), each scoped to their own city, in a transaction, audited."""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError

from .models import DISTRICT_KINDS, CityConfig, OrgUnit, UnitKind


@transaction.atomic
def create_unit(*, name: str, kind: str, parent: OrgUnit | None = None, actor=None, short_name: str = "",
                region_code: str = "", sort_order: int = 0) -> OrgUnit:
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
        CityConfig.objects.create(city=unit)
        from tuijin.projects.services import (
            ensure_dimensions,  # a new city starts with the default breakdowns
        )

        ensure_dimensions(unit)
    record_change(actor=actor, action="create", obj=unit, before=None, after=snapshot(unit))
    return unit


def city_config(city: OrgUnit) -> CityConfig:
    """The city's conventions; a city without a stored row uses the defaults (not saved)."""
    try:
        return city.config
    except CityConfig.DoesNotExist:
        return CityConfig(city=city)


# ---------------------------------------------------------------- the city administrator's tree

REGION_CODE_RE = re.compile(r"\d{6}")
KIND_BY_LABEL = {label: value for value, label in UnitKind.choices}
# What a city administrator may place under what (the city and its 板块; never a province or a city, and
# nothing under a department or a park).
CHILD_KINDS = {
    UnitKind.CITY: {*DISTRICT_KINDS, UnitKind.PARK, UnitKind.DEPARTMENT},
    **{k: {UnitKind.PARK, UnitKind.DEPARTMENT} for k in DISTRICT_KINDS},
}
ADMIN_KINDS = sorted({k for ks in CHILD_KINDS.values() for k in ks}, key=UnitKind.values.index)


def _require_admin(actor, city: OrgUnit | None) -> None:
    from tuijin.accounts import scoping

    if actor is None or not scoping.administers_city(actor, city):
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
