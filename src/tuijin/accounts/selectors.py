"""Reads for accounts: finding a unit by name (CLI, forms) and the users a user may manage."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from tuijin.core.errors import InputError
from tuijin.core.numbers import DEFAULT_STYLE, NumberStyle
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.selectors import conventions_for

from . import scoping
from .models import Role


def find_unit(name: str) -> OrgUnit:
    """A unit by its name; a name used by several units must be qualified by its city (or province), as
    `城市/单位` (`镇江市/发展和改革委员会`). Unknown or ambiguous names are refused, naming the candidates."""
    raw = (name or "").strip()
    if not raw:
        raise InputError("单位名称不能为空", field="unit")
    parts = [p.strip() for p in raw.split("/") if p.strip()]
    candidates = list(OrgUnit.objects.filter(name=parts[-1]).order_by("path"))
    if len(parts) > 1:
        qualifiers = parts[:-1]
        found = []
        for unit in candidates:
            ancestors = {a.name for a in OrgUnit.objects.filter(id__in=unit.ancestor_ids)}
            if all(q in ancestors for q in qualifiers):
                found.append(unit)
        candidates = found
    if not candidates:
        raise InputError(f"单位不存在: {raw!r}", field="unit")
    if len(candidates) > 1:
        names = ", ".join(qualified_name(u) for u in candidates)
        raise InputError(f"单位名称 {raw!r} 不唯一, 请写成 城市/单位: {names}", field="unit")
    return candidates[0]


def qualified_name(unit: OrgUnit) -> str:
    """`城市/单位` (or `省/市` for a city), the name `find_unit` accepts without ambiguity."""
    if unit.parent_id is None:
        return unit.name
    if unit.kind == UnitKind.CITY:
        return f"{unit.parent.name}/{unit.name}"
    city = unit.city()
    return f"{city.name}/{unit.name}" if city and city.pk != unit.pk else unit.name


def managed_users(user):
    """The users the user may see on the users page (its city's, for a city administrator)."""
    return scoping.users_for(user).select_related("unit").order_by("unit__path", "role", "username")


def assignable_units(user):
    """The units a user manager may put new users into: its own subtree, units in use (not 撤销)."""
    if not scoping.can(user, scoping.MANAGE_USERS):
        return OrgUnit.objects.none()
    return scoping.units_for(user).filter(active=True).order_by("path")


def role_table() -> list[dict]:
    """Each role with its Chinese name, what it may do and where (for `tuijin roles` and the users page)."""
    rows = []
    for role in Role:
        actions = scoping.ROLE_ACTIONS.get(role, frozenset())
        rows.append({
            "role": role.value,
            "label": role.label,
            "actions": [a for a in scoping.ACTION_LABELS if a in actions],
            "action_labels": [scoping.ACTION_LABELS[a] for a in scoping.ACTION_LABELS if a in actions],
            "reach": scoping.ROLE_REACH.get(role, ""),
            "unit_kinds": [UnitKind(k).label for k in ROLE_UNIT_KINDS[role]],
        })
    return rows


# Which kinds of unit each role may belong to: a 板块管理员 on a city unit would see the whole city.
_DISTRICT_LEVEL = (UnitKind.DISTRICT, UnitKind.COUNTY_CITY, UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK)
ROLE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    Role.CITY_ADMIN: (UnitKind.CITY,),
    Role.CITY_LEADER: (UnitKind.CITY,),
    Role.DISTRICT_ADMIN: _DISTRICT_LEVEL,
    Role.REPORTER: (UnitKind.CITY, *_DISTRICT_LEVEL),
    Role.DEPARTMENT: (UnitKind.DEPARTMENT,),
    Role.PROVINCE_READER: (UnitKind.PROVINCE,),
}


# ---------------------------------------------------------------- what the user may pick from (the pages')


def visible_cities(user):
    """The cities whose figures and lists the user may see: its own city; every city of its province for a
    province-level reader; all cities for a superuser without a unit."""
    if not scoping.can(user, scoping.READ):
        return OrgUnit.objects.none()
    if user.is_superuser and not user.unit_id:
        return OrgUnit.objects.cities().order_by("path")
    unit = user.unit
    if unit.kind == UnitKind.PROVINCE:
        return OrgUnit.objects.subtree(unit).cities().order_by("path")
    if unit.kind == UnitKind.CITY:
        return OrgUnit.objects.filter(pk=unit.pk)
    # A district, park or department: the city above it (one indexed lookup on the materialised path).
    return OrgUnit.objects.cities().filter(id__in=unit.ancestor_ids)


def visible_departments(user):
    """The departments (责任部门) a project of the user may be assigned to: those attached to the user's unit
    or one of its ancestors (the city's 自然资源和规划局 …) and those inside its subtree. A district never sees
    the departments of another district (their names would name that district)."""
    qs = OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT)
    if user.is_superuser and not user.unit_id:
        return qs.order_by("path")
    unit = user.unit
    return qs.filter(Q(parent_id__in=unit.ancestor_ids) | Q(path__startswith=unit.path)).order_by("path")


def number_style(user) -> NumberStyle:
    """How the user's pages print figures (tuijin.core.numbers): its city's 亿元 and % decimals and rounding
    rule; the platform's defaults for a reader of several cities (a province)."""
    cities = list(visible_cities(user)[:2])
    return NumberStyle.of(conventions_for(cities[0], timezone.localdate().year)) if len(cities) == 1 \
        else DEFAULT_STYLE
