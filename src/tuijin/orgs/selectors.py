"""Reads of the org-unit tree: find units by name for forms and the CLI, with clear refusals."""

from tuijin.core.errors import InputError

from .models import DISTRICT_KINDS, OrgUnit, UnitKind


def city_by_name(name: str) -> OrgUnit:
    city = OrgUnit.objects.filter(kind=UnitKind.CITY, name=name).first()
    if city is None:
        raise InputError(f"城市不存在: {name!r}", field="city")
    return city


def unit_in_city(city: OrgUnit, name: str) -> OrgUnit:
    unit = OrgUnit.objects.subtree(city).filter(name=name).first()
    if unit is None:
        raise InputError(f"{city.name} 下没有单位 {name!r}", field="unit")
    return unit


def child_units(unit: OrgUnit):
    """The units a figure breaks down into: a city's 板块, a district's parks; departments excluded."""
    return list(unit.children.exclude(kind=UnitKind.DEPARTMENT).order_by("sort_order", "id"))


def districts(city: OrgUnit):
    return list(city.children.filter(kind__in=DISTRICT_KINDS).order_by("sort_order", "id"))
