"""Writes for bulletins: a city's sentence overrides and its settings. Validated, in a transaction, audited."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction

from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import MONEY, POINTS, parse_number
from tuijin.core.errors import InputError
from tuijin.core.policy import CONFIGURE, require_actor
from tuijin.core.text import check_text
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.projects.models import AnnualList, Category

from .models import BulletinConfig, Section, SentenceTemplate
from .selectors import ensure_default_templates
from .sentences import check_template

_KEY_RE = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
TEMPLATE_FIELDS = ["city", "key", "section", "order", "text", "enabled", "note"]



def _check_admin(actor, city) -> None:
    """The one policy's reach for the city's own settings: its administrator (or the system actor of a command,
    an operator import or the demo), not another city's."""
    from django.core.exceptions import PermissionDenied

    from tuijin.accounts.scoping import administers_city

    if not administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以修改本市的设置")


def _check_city(city: OrgUnit) -> None:
    if city is None or city.kind != UnitKind.CITY:
        raise InputError("句式只能按城市设置", field="city")


@transaction.atomic
def save_template(*, city: OrgUnit, key: str, text: str, enabled: bool = True, order: int | None = None,
                  section: str | None = None, note: str = "", actor, reason: str = "") -> SentenceTemplate:
    """Write the city's version of a sentence (an override of the default with the same key, or a new
    sentence of the city's own when `key` is new and `section` is given)."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    _check_city(city)
    ensure_default_templates()
    key = check_text((key or "").strip(), "句式键", max_length=60)
    default = SentenceTemplate.objects.filter(city__isnull=True, key=key).first()
    row = SentenceTemplate.objects.select_for_update().filter(city=city, key=key).first()
    if default is None and row is None:
        if not _KEY_RE.match(key):
            raise InputError(f"句式键应形如 段落.名称 (小写字母、数字、下划线), 收到 {key!r}", field="key")
        if section not in Section.values:
            raise InputError(f"新增句式须选择段落, 收到 {section!r}", field="section")
    section = (row or default).section if (row or default) else section
    if order is not None:
        try:
            order = int(order)
        except (TypeError, ValueError):
            raise InputError(f"顺序应为整数, 收到 {order!r}", field="order") from None
        if not 0 <= order <= 10000:
            raise InputError(f"顺序应在 0-10000 之间, 收到 {order}", field="order")
    text = check_text((text or "").strip(), "句式", max_length=2000)
    check_template(section, text)
    before = snapshot(row, TEMPLATE_FIELDS) if row else None
    if row is None:
        row = SentenceTemplate(city=city, key=key, section=section,
                               order=order if order is not None else (default.order if default else 100))
    elif order is not None:
        row.order = order
    row.text, row.enabled, row.note = text, bool(enabled), (note or "")[:200]
    row.save()
    record_change(actor=actor, action="update" if before else "create", obj=row, before=before,
                  after=snapshot(row, TEMPLATE_FIELDS), reason=reason)
    return row


@transaction.atomic
def reset_template(*, city: OrgUnit, key: str, actor, reason: str = "") -> bool:
    """Drop the city's override so the default applies again. Returns whether there was one."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    _check_city(city)
    row = SentenceTemplate.objects.filter(city=city, key=key).first()
    if row is None:
        return False
    before = snapshot(row, TEMPLATE_FIELDS)
    record_change(actor=actor, action="delete", obj=row, before=before, after=None, reason=reason)
    row.delete()
    return True


CONFIG_FIELDS = ["heading", "issuer", "threshold_wan", "signing_category", "include_ranking", "include_unit_events",
                 "include_lagging", "include_chains", "include_targets", "include_livelihood", "include_problems",
                 "lagging_limit",
                 "lag_threshold_pp", "include_sectors", "table_amount_places", "table_rate_places",
                 "start_rate_places", "total_as_sum"]
PLACES_FIELDS = {"table_amount_places": "表格金额小数位", "table_rate_places": "表格百分比小数位",
                 "start_rate_places": "开工率小数位"}


@transaction.atomic
def save_config(*, city: OrgUnit, actor, reason: str = "", lists=None, lagging_lists=None,
                **changes) -> BulletinConfig:
    """Change a city's bulletin settings (threshold in 万元; lists as AnnualList objects of the city)."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    _check_city(city)
    unknown = set(changes) - set(CONFIG_FIELDS)
    if unknown:
        raise InputError(f"不能修改的设置: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    cfg, created = BulletinConfig.objects.select_for_update().get_or_create(city=city)
    before = None if created else {**snapshot(cfg, CONFIG_FIELDS), "lists": _ids(cfg.lists),
                                   "lagging_lists": _ids(cfg.lagging_lists)}
    for name in ("threshold_wan", "lag_threshold_pp"):
        if name in changes and changes[name] not in (None, ""):
            bounds, label = (MONEY, "招引门槛") if name == "threshold_wan" else (POINTS, "滞后判定")
            changes[name] = parse_number(changes[name], bounds, label=label, field=name)
        elif name in changes:
            changes[name] = None if name == "threshold_wan" else Decimal(0)
    if "signing_category" in changes and changes["signing_category"] is not None and \
            not isinstance(changes["signing_category"], Category):
        raise InputError("项目类别无效", field="signing_category")
    if "lagging_limit" in changes:
        try:
            changes["lagging_limit"] = int(changes["lagging_limit"])
        except (TypeError, ValueError):
            raise InputError(f"点名项目数上限应为整数, 收到 {changes['lagging_limit']!r}",
                             field="lagging_limit") from None
        if not 1 <= changes["lagging_limit"] <= 100:
            raise InputError("点名项目数上限应在 1-100 之间", field="lagging_limit")
    for name, label in PLACES_FIELDS.items():
        if name in changes:
            value = changes[name]
            if value in (None, ""):
                changes[name] = None
                continue
            if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > 4:
                raise InputError(f"{label}应为 0-4 的整数, 收到 {value!r}", field=name)
            changes[name] = int(value)
    for name, value in changes.items():
        setattr(cfg, name, value)
    cfg.save()
    for name, chosen in (("lists", lists), ("lagging_lists", lagging_lists)):
        if chosen is None:
            continue
        chosen = list(chosen)
        foreign = [lst.name for lst in chosen if not isinstance(lst, AnnualList) or lst.city_id != city.pk]
        if foreign:
            raise InputError(f"清单不属于 {city.name}: {', '.join(map(str, foreign))}", field=name)
        getattr(cfg, name).set(chosen)
    after = {**snapshot(cfg, CONFIG_FIELDS), "lists": _ids(cfg.lists), "lagging_lists": _ids(cfg.lagging_lists)}
    record_change(actor=actor, action="create" if created else "update", obj=cfg, before=before, after=after,
                  reason=reason)
    return cfg


def _ids(manager) -> list[int]:
    return sorted(manager.values_list("id", flat=True))


@transaction.atomic
def issue_bulletin(*, actor, city: OrgUnit, year: int, month: int, note: str = ""):
    """签发: mark the city's bulletin through year-month as issued. Refused when the city requires its statistics
    reconciliation (对账) to be clear or explained first and it is not (reconciliation.rules.gate_problem: the
    message says how many findings are open), or when it was issued already."""
    from tuijin.accounts.scoping import administers_city
    from tuijin.core.periods import Period
    from tuijin.reconciliation.rules import gate_problem

    from .models import BulletinIssue

    _check_city(city)
    if not administers_city(actor, city):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有本市的市管理员可以签发通报")
    Period.year_to_date(year, month)
    note = check_text((note or "").strip(), "备注", max_length=300)
    if BulletinIssue.objects.filter(city=city, year=year, month=month).exists():
        raise InputError(f"{city.name} {year}年1-{month}月通报已签发", field="through")
    problem = gate_problem(city, year, month)
    if problem:
        raise InputError(f"不能签发: {problem}", field="through")
    issue = BulletinIssue.objects.create(city=city, year=year, month=month, issued_by=actor, note=note)
    record_change(actor=actor, action="create", obj=issue, before=None,
                  after=snapshot(issue, ["city", "year", "month", "note"]), reason=f"签发 {year}年1-{month}月通报")
    return issue
