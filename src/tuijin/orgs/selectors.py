"""Reads of the org-unit tree: find units by name for forms and the CLI, with clear refusals; a unit's
conventions (口径) for a year."""

from tuijin.core.errors import InputError
from tuijin.core.params import YEAR_MIN
from tuijin.core.policy import CONFIGURE, administers_city, can

from .models import DISTRICT_KINDS, Conventions, OrgUnit, UnitKind


def conventions_for(unit: OrgUnit, year: int) -> Conventions:
    """口径 of `unit`'s figures in `year`: the unit's own row for that year or the latest earlier one, else the
    nearest ancestor's (a county without its own uses its city's), else the defaults (unsaved). One query.
    Every figure, bulletin and page reads its conventions here, for the figure's year. Kept on the unit
    instance per year (as a one-to-one relation would be), so a page asking again costs no query."""
    memo = unit.__dict__.setdefault("_conventions_by_year", {})
    if year not in memo:
        memo[year] = _conventions_for(unit, year)
    return memo[year]


def forget_conventions(unit: OrgUnit) -> None:
    """Drop the conventions kept on this unit instance (after they were changed)."""
    unit.__dict__.pop("_conventions_by_year", None)


def _conventions_for(unit: OrgUnit, year: int) -> Conventions:
    ids = unit.ancestor_ids or [unit.pk]
    if unit.pk not in ids:
        ids.append(unit.pk)
    rows = list(Conventions.objects.filter(unit_id__in=ids, year__lte=year).order_by("-year"))
    depth = {pk: i for i, pk in enumerate(ids)}
    if rows:
        return max(rows, key=lambda r: (depth.get(r.unit_id, -1), r.year))
    return Conventions(unit=unit, year=year)


def stored_conventions(unit: OrgUnit) -> list[Conventions]:
    """The unit's own rows, by year (what it changed and when)."""
    return list(Conventions.objects.filter(unit=unit).order_by("year"))


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


def conventions_rows(conv: Conventions) -> list[dict]:
    """The conventions as rows to print: key (what --set takes), label, the value in words, the raw value."""
    from .services import CONVENTION_KEYS, curve_text

    rows = []
    for key, (field, label, _) in CONVENTION_KEYS.items():
        raw = getattr(conv, field)
        if key == "curve":
            text = curve_text(raw) or "无 (按序时进度口径计算)"
            raw = curve_text(raw)
        elif key == "wording":
            text = f"{conv.ahead_word} / {conv.behind_word}"
        elif key == "threshold":
            text = f"{raw:,.2f} 万元".replace(".00 ", " ")
            raw = str(raw)
        elif hasattr(conv, f"get_{field}_display"):
            text = getattr(conv, f"get_{field}_display")()
        else:
            text = str(raw)
        rows.append({"key": key, "label": label, "text": text, "value": raw})
    return rows


def conventions_source(unit: OrgUnit, year: int, conv: Conventions) -> str:
    """Where a year's conventions come from, in words: 本年设置 / 沿用 2024 年设置 / 沿用 镇江市 … / 默认值."""
    if conv.pk is None:
        return "默认值 (尚未设置)"
    since = "初始设置" if conv.year == YEAR_MIN else f"{conv.year}年起的设置"
    if conv.unit_id != unit.pk:
        return f"沿用 {conv.unit.name} 的{since}"
    return "本年设置" if conv.year == year else f"沿用{since}"


# ---------------------------------------------------------------- the city's own set-up (accounts.scoping re-exports)


def administered_city(user):
    """The city a user sets up (its own, for a 市管理员 holding a city); None for anyone else."""
    if not can(user, CONFIGURE) or not user.unit_id:
        return None
    return user.unit if user.unit.kind == UnitKind.CITY and administers_city(user, user.unit) else None
