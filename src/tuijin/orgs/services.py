"""Writes to the org-unit tree and its conventions: create units (a city with its province) with their
materialised path, and set a unit's conventions (口径) for a year. Validated, scoped, audited, atomic."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.params import YEAR_MAX, YEAR_MIN

from .models import Conventions, OrgUnit, UnitKind
from .selectors import conventions_for, forget_conventions

REGION_CODE_RE = re.compile(r"[0-9]{6}")


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
    from tuijin.accounts import scoping

    if actor is None:
        raise PermissionDenied("未指明操作人")
    if getattr(actor, "is_superuser", False):
        return
    if not scoping.can(actor, scoping.CONFIGURE) or actor.unit is None or not unit.is_within(actor.unit):
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
