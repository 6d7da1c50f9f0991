"""Writes of the dashboard app: traffic-light rules, campaigns, adjustments, highlights, red/black list
publication. Each validates, runs in one transaction and writes the audit trail (record_change); the pages,
the admin and the demo all call these same functions."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import SCORE, parse_number
from tuijin.core.errors import InputError
from tuijin.core.files import check_photo, check_video
from tuijin.core.policy import CONFIGURE, require_actor
from tuijin.indicators import competition, lights
from tuijin.orgs.models import DISTRICT_KINDS, OrgUnit, UnitKind

from .models import Campaign, CampaignAdjustment, CampaignIndicator, Highlight, LightRule

RULE_FIELDS = ["name", "kind", "yellow_threshold", "red_threshold", "applies_to", "active", "sort_order", "note"]



def _check_admin(actor, city) -> None:
    """The one policy's reach for the city's own settings: its administrator (or the system actor of a command,
    an operator import or the demo), not another city's."""
    from django.core.exceptions import PermissionDenied

    from tuijin.accounts.scoping import administers_city

    if not administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以修改本市的设置")


def _decimal_or_none(value, field: str, label: str) -> Decimal | None:
    """A threshold, weight or score: a finite number inside SCORE (the columns' constraint), or None."""
    if value in (None, ""):
        return None
    return parse_number(value, SCORE, label=label, field=field)


def _check_city(city: OrgUnit) -> None:
    if city is None or city.kind != UnitKind.CITY:
        raise InputError("规则和竞赛按城市设置", field="city")


# ---------------------------------------------------------------- traffic-light rules


@transaction.atomic
def save_rule(*, city: OrgUnit, actor, rule: LightRule | None = None, name: str, kind: str, yellow=None,
              red=None, applies_to: str = lights.BOTH, active: bool = True, sort_order: int | None = None,
              note: str = "", reason: str = "") -> LightRule:
    """Create a rule for the city, or change `rule` (which must be the city's)."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    _check_city(city)
    name = (name or "").strip()
    if not name:
        raise InputError("请填写规则名称", field="name")
    y = _decimal_or_none(yellow, "yellow_threshold", "黄灯阈值")
    r = _decimal_or_none(red, "red_threshold", "红灯阈值")
    errors = lights.validate_rule(kind, y, r, applies_to)
    if errors:
        field = "red_threshold" if any("红灯" in e for e in errors) else "kind"
        raise InputError("; ".join(errors), field=field)
    if rule is not None and rule.city_id != city.pk:
        raise InputError("规则不属于本市", field="name")
    clash = LightRule.objects.filter(city=city, name=name)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise InputError(f"已有同名规则: {name}", field="name")
    before = snapshot(rule, RULE_FIELDS) if rule is not None else None
    if rule is None:
        rule = LightRule(city=city)
        if sort_order is None:
            last = LightRule.objects.filter(city=city).order_by("-sort_order").values_list("sort_order", flat=True)
            sort_order = (last.first() or 0) + 10
    rule.name, rule.kind, rule.yellow_threshold, rule.red_threshold = name, kind, y, r
    rule.applies_to, rule.active, rule.note = applies_to, bool(active), (note or "").strip()
    if sort_order is not None:
        rule.sort_order = int(sort_order)
    rule.full_clean(exclude=["city"])
    rule.save()
    record_change(actor=actor, action="update" if before else "create", obj=rule, before=before,
                  after=snapshot(rule, RULE_FIELDS), reason=reason)
    return rule


@transaction.atomic
def delete_rule(*, rule: LightRule, actor, reason: str = "") -> None:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, rule.city)
    before = snapshot(rule, RULE_FIELDS)
    record_change(actor=actor, action="delete", obj=rule, before=before, after=None, reason=reason)
    rule.delete()


@transaction.atomic
def install_default_rules(*, city: OrgUnit, actor) -> list[LightRule]:
    """Write DOMAIN.md's default rules as the city's own (only when it has none)."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    _check_city(city)
    if LightRule.objects.filter(city=city).exists():
        raise InputError(f"{city.name} 已有规则", field="name")
    return [save_rule(city=city, actor=actor, name=r.name, kind=r.kind, yellow=r.yellow, red=r.red,
                      applies_to=r.applies_to, sort_order=(i + 1) * 10, reason="采用默认规则")
            for i, r in enumerate(lights.DEFAULT_RULES)]


# ---------------------------------------------------------------- campaigns


CAMPAIGN_FIELDS = ["name", "year", "first_month", "last_month", "previous", "description", "red_count",
                   "black_count", "published_at"]


def _competing_units(city: OrgUnit, units) -> list[OrgUnit]:
    units = list(units)
    if len(units) < 2:
        raise InputError("参赛单位至少两个", field="units")
    for u in units:
        if u.parent_id != city.pk or u.kind not in DISTRICT_KINDS:
            raise InputError(f"{u.name} 不是 {city.name} 的板块", field="units")
    return units


@transaction.atomic
def create_campaign(*, city: OrgUnit, name: str, year: int, first_month: int, last_month: int, units,
                    indicators: list[dict], previous: Campaign | None = None, description: str = "",
                    red_count: int = 3, black_count: int = 3, actor, is_demo: bool = False) -> Campaign:
    """A campaign with its competing units and indicators ({name, kind, weight, method, params})."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, city)
    _check_city(city)
    if not (name or "").strip():
        raise InputError("请填写竞赛名称", field="name")
    if Campaign.objects.filter(city=city, name=name.strip()).exists():
        raise InputError(f"已有同名竞赛: {name}", field="name")
    if not (1 <= int(first_month) <= int(last_month) <= 12):
        raise InputError(f"月份区间无效: {first_month}-{last_month}", field="last_month")
    if previous is not None and previous.city_id != city.pk:
        raise InputError("上一期竞赛不属于本市", field="previous")
    units = _competing_units(city, units)
    if not indicators:
        raise InputError("至少设置一个竞赛指标", field="indicators")
    campaign = Campaign.objects.create(city=city, name=name.strip(), year=int(year), first_month=int(first_month),
                                       last_month=int(last_month), previous=previous, description=description,
                                       red_count=red_count, black_count=black_count, is_demo=is_demo)
    campaign.units.set(units)
    record_change(actor=actor, action="create", obj=campaign, before=None,
                  after={**snapshot(campaign, CAMPAIGN_FIELDS), "units": [u.pk for u in units]})
    for i, spec in enumerate(indicators):
        add_indicator(campaign=campaign, actor=actor, sort_order=(i + 1) * 10, **spec)
    return campaign


@transaction.atomic
def add_indicator(*, campaign: Campaign, name: str, kind: str, weight, method: str = competition.BEST,
                  params: dict | None = None, sort_order: int = 0, actor) -> CampaignIndicator:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, campaign.city)
    w = _decimal_or_none(weight, "weight", "权重")
    errors = competition.validate_spec(kind, w, method)
    if errors:
        raise InputError("; ".join(errors), field="kind")
    if params is not None and not isinstance(params, dict):
        raise InputError("计分参数应为 JSON 对象", field="params")
    errors = competition.validate_params(kind, params)
    if errors:
        raise InputError(f"竞赛指标 {name}: {'; '.join(errors)}", field="params")
    ind = CampaignIndicator.objects.create(campaign=campaign, name=name, kind=kind, weight=w, method=method,
                                           params=params or {}, sort_order=sort_order)
    record_change(actor=actor, action="create", obj=ind, before=None, after=snapshot(ind))
    return ind


@transaction.atomic
def add_adjustment(*, campaign: Campaign, unit: OrgUnit, points, reason: str, actor) -> CampaignAdjustment:
    """加分 (positive) or 扣分 (negative) for a competing unit, with its reason."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, campaign.city)
    pts = _decimal_or_none(points, "points", "分值")
    if pts is None or pts == 0:
        raise InputError("请填写非零分值 (加分为正, 扣分为负)", field="points")
    if abs(pts) > 1000:
        raise InputError(f"分值过大: {pts}", field="points")
    if not campaign.units.filter(pk=unit.pk).exists():
        raise InputError(f"{unit.name} 不是本竞赛的参赛单位", field="unit")
    if not (reason or "").strip():
        raise InputError("请填写加减分事由", field="reason")
    adj = CampaignAdjustment.objects.create(campaign=campaign, unit=unit, points=pts, reason=reason.strip(),
                                            created_by=actor if getattr(actor, "pk", None) else None)
    record_change(actor=actor, action="create", obj=adj, before=None, after=snapshot(adj))
    return adj


@transaction.atomic
def delete_adjustment(*, adjustment: CampaignAdjustment, actor, reason: str = "") -> None:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, adjustment.campaign.city)
    record_change(actor=actor, action="delete", obj=adjustment, before=snapshot(adjustment), after=None,
                  reason=reason)
    adjustment.delete()


@transaction.atomic
def add_highlight(*, campaign: Campaign, unit: OrgUnit, title: str, project=None, summary: str = "", photo=None,
                  video=None, sort_order: int = 0, actor, is_demo: bool = False) -> Highlight:
    require_actor(actor, CONFIGURE)
    _check_admin(actor, campaign.city)
    if not campaign.units.filter(pk=unit.pk).exists():
        raise InputError(f"{unit.name} 不是本竞赛的参赛单位", field="unit")
    if project is not None and not project.unit.path.startswith(unit.path):
        raise InputError(f"项目 {project.name} 不属于 {unit.name}", field="project")
    if not (title or "").strip():
        raise InputError("请填写亮点项目标题", field="title")
    if photo is not None and getattr(photo, "size", 0) > 10 * 1024 * 1024:
        raise InputError("照片不能超过 10 MB", field="photo")
    if video is not None and getattr(video, "size", 0) > 200 * 1024 * 1024:
        raise InputError("视频不能超过 200 MB", field="video")
    if photo is not None:
        check_photo(photo, field="photo")
    if video is not None:
        check_video(video, field="video")
    h = Highlight(campaign=campaign, unit=unit, project=project, title=title.strip(), summary=summary,
                  sort_order=sort_order, is_demo=is_demo)
    if photo is not None:
        h.photo = photo
    if video is not None:
        h.video = video
    h.save()
    after = snapshot(h, ["campaign", "unit", "project", "title", "summary", "is_demo"])
    after.update(photo=h.photo.name or "", video=h.video.name or "")
    record_change(actor=actor, action="create", obj=h, before=None, after=after,
                  project_id=project.pk if project is not None else None)
    return h


@transaction.atomic
def set_published(*, campaign: Campaign, published: bool, actor, reason: str = "") -> Campaign:
    """发布 (or withdraw) the campaign's red and black lists."""
    require_actor(actor, CONFIGURE)
    _check_admin(actor, campaign.city)
    before = snapshot(campaign, ["published_at"])
    campaign.published_at = timezone.now() if published else None
    campaign.save(update_fields=["published_at"])
    record_change(actor=actor, action="update", obj=campaign, before=before,
                  after=snapshot(campaign, ["published_at"]), reason=reason or ("发布红黑榜" if published else "撤回红黑榜"))
    return campaign
