"""Writes to the org-unit tree: create units with their materialised path, audited."""

from django.db import transaction

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError

from .models import CityConfig, OrgUnit, UnitKind


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
    record_change(actor=actor, action="create", obj=unit, before=None, after=snapshot(unit))
    return unit


def city_config(city: OrgUnit) -> CityConfig:
    """The city's conventions; a city without a stored row uses the defaults (not saved)."""
    try:
        return city.config
    except CityConfig.DoesNotExist:
        return CityConfig(city=city)
