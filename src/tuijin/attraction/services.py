"""Writes of 招商引资 and 目标任务. Each function takes keyword arguments, validates (a clear Chinese message naming
the field and value, nothing written), runs in one transaction and writes the audit trail. Signing goes
through the projects services, so a signed lead becomes a registry project with its 签约 stage event."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from tuijin.accounts.scoping import WRITE, can
from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import FX_RATE, MONEY, SALES, Bounds, check_finite_below
from tuijin.core.errors import InputError
from tuijin.core.numbers import to_decimal
from tuijin.core.policy import require_actor
from tuijin.orgs.models import UnitKind
from tuijin.projects.models import Project, Stage, StageEvent
from tuijin.projects.services import create_project, record_stage

from .models import (
    DEFAULT_FUNDS_SOURCES,
    LEAD_STAGE_ORDER,
    AgreedMilestone,
    AttractionEvent,
    ContactLog,
    Contract,
    ContractKind,
    ContractMilestone,
    EventKind,
    FundsArrival,
    FundsInstalment,
    FundsSource,
    IndustryTier,
    InvestorKind,
    Lead,
    LeadSource,
    LeadStage,
    Target,
    TargetLevel,
    TargetStep,
)
from .selectors import events_for, may_edit_event
from .selectors import may_write_at as _reaches


def _money(value, field: str, label: str, *, positive: bool = False, allow_none: bool = False,
           bounds: Bounds = MONEY, places: int = 2) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        amount = to_decimal(value)
    except (ValueError, TypeError):
        raise InputError(f"{label}不是数字: {value!r}", field=field) from None
    check_finite_below(amount, bounds, label=label, value=value, field=field)
    if positive and amount <= 0:
        raise InputError(f"{label}必须大于 0: {value}", field=field)
    if amount < 0:
        raise InputError(f"{label}不能为负数: {value}", field=field)
    return amount.quantize(Decimal(1).scaleb(-places))


def _date(value, field: str, label: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise InputError(f"{label}无效: {value!r}", field=field)
    if value > timezone.localdate():
        raise InputError(f"{label} {value} 在未来", field=field)
    return value


def _check_reach(actor, unit, field: str, what: str) -> None:
    """A user may write only within its unit subtree (with the write right); None is the system (demo, CLI)."""
    if actor is None or getattr(actor, "is_superuser", False) and not getattr(actor, "unit_id", None):
        return
    if not can(actor, WRITE) or not actor.unit_id or not unit.is_within(actor.unit):
        raise InputError(f"{what} 不在您的权限范围内", field=field)


def _foreign(currency, amount, rate, prefix: str = "") -> tuple[str, Decimal | None, Decimal | None]:
    currency = (currency or "").strip().upper()
    amount = _money(amount, "foreign_amount", "外币金额", allow_none=True)
    if amount is None:
        return "", None, None
    if not currency:
        raise InputError(f"外币金额 {amount} 未填写币种", field="foreign_currency")
    if rate in (None, ""):
        raise InputError(f"外币金额 {amount} {currency} 未填写折算汇率", field="fx_rate")
    try:
        rate = to_decimal(rate)
    except (ValueError, TypeError):
        raise InputError(f"折算汇率不是数字: {rate!r}", field="fx_rate") from None
    check_finite_below(rate, FX_RATE, label="折算汇率", field="fx_rate")
    if rate < FX_RATE.low:
        raise InputError(f"折算汇率必须大于 0: {rate}", field="fx_rate")
    rate = rate.quantize(Decimal("0.0001"))
    return currency, amount, rate


def investor_key(name: str) -> str:
    """投资方名称归一: without spaces, brackets and the usual company suffixes, so one investor matches itself."""
    key = re.sub(r"[\s()（）·]", "", name or "")
    return re.sub(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$", "", key).lower()


LEAD_FIELDS = ["unit", "title", "investor", "investor_region", "investor_kind", "source", "industry_node",
               "intended_investment", "foreign_currency", "foreign_amount", "fx_rate", "team", "city_leader",
               "stage", "stage_date", "abandon_reason", "duplicate_of", "duplicate_decision"]


@transaction.atomic
def create_lead(*, unit, title: str, investor: str, investor_kind: str, source: str, intended_investment,
                stage_date: datetime.date, actor, investor_region: str = "", industry_node=None,
                foreign_currency: str = "", foreign_amount=None, fx_rate=None, team: str = "",
                city_leader: str = "", is_demo: bool = False) -> Lead:
    """Register a lead (线索). A foreign amount keeps its currency and the rate used; the 万元 amount is given.
    The same investor already followed by another unit of the city flags the new lead as 重复招商."""
    require_actor(actor, WRITE)
    if unit is None or unit.is_department:
        raise InputError(f"跟进单位无效: {getattr(unit, 'name', unit)!r}", field="unit")
    _check_reach(actor, unit, "unit", f"单位 {unit.name}")
    title, investor = (title or "").strip(), (investor or "").strip()
    if not title:
        raise InputError("项目名称不能为空", field="title")
    if not investor:
        raise InputError("投资方不能为空", field="investor")
    if investor_kind not in InvestorKind.values:
        raise InputError(f"投资方类型未知: {investor_kind!r}", field="investor_kind")
    if source not in LeadSource.values:
        raise InputError(f"线索来源未知: {source!r}", field="source")
    amount = _money(intended_investment, "intended_investment", "意向投资")
    currency, f_amount, rate = _foreign(foreign_currency, foreign_amount, fx_rate)
    city = unit.city()
    key = investor_key(investor)
    other = (Lead.objects.filter(city=city, investor_key=key).exclude(unit=unit)
             .exclude(stage=LeadStage.ABANDONED).order_by("id").first())
    lead = Lead.objects.create(
        city=city, unit=unit, title=title, investor=investor, investor_key=key, investor_region=investor_region,
        investor_kind=investor_kind, source=source, industry_node=industry_node, intended_investment=amount,
        foreign_currency=currency, foreign_amount=f_amount, fx_rate=rate, team=team, city_leader=city_leader,
        stage=LeadStage.LEAD, stage_date=_date(stage_date, "stage_date", "线索日期"), duplicate_of=other,
        is_demo=is_demo)
    record_change(actor=actor, action="create", obj=lead, before=None, after=snapshot(lead, LEAD_FIELDS))
    return lead


@transaction.atomic
def decide_duplicate(*, lead: Lead, owner_unit, decision: str, actor) -> Lead:
    """重复招商裁定: the city decides which unit owns the investor's lead; the other leads are closed (放弃)
    with the decision as their reason, and the decision is recorded on every one of them."""
    require_actor(actor, WRITE)
    decision = (decision or "").strip()
    if not decision:
        raise InputError("裁定说明不能为空", field="decision")
    _check_reach(actor, lead.city, "lead", f"线索 {lead}")
    group = list(Lead.objects.select_for_update().filter(city=lead.city, investor_key=lead.investor_key)
                 .exclude(stage__in=[LeadStage.ABANDONED, LeadStage.SIGNED]))
    if not any(g.unit_id == owner_unit.pk for g in group):
        raise InputError(f"{owner_unit.name} 没有跟进投资方 {lead.investor} 的线索", field="owner_unit")
    owner = next(g for g in group if g.unit_id == owner_unit.pk)
    for g in group:
        before = snapshot(g, LEAD_FIELDS)
        g.duplicate_decision = f"{decision} (由 {owner_unit.name} 跟进)"
        if g.pk != owner.pk:
            g.stage, g.abandon_reason = LeadStage.ABANDONED, f"重复招商: {g.duplicate_decision}"
            g.stage_date = timezone.localdate()
        else:
            g.duplicate_of = None
        g.save()
        record_change(actor=actor, action="update", obj=g, before=before, after=snapshot(g, LEAD_FIELDS),
                      reason="重复招商裁定")
    return owner


@transaction.atomic
def move_lead(*, lead: Lead, stage: str, date: datetime.date, actor, note: str = "",
              reason: str = "") -> Lead:
    """Move a lead to another pre-signing stage, or 放弃 with a reason (签约 goes through sign_lead)."""
    require_actor(actor, WRITE)
    lead = Lead.objects.select_for_update(of=("self",)).select_related("unit").get(pk=lead.pk)
    _check_reach(actor, lead.unit, "lead", f"线索 {lead}")
    if stage not in LeadStage.values:
        raise InputError(f"阶段未知: {stage!r}", field="stage")
    if stage == LeadStage.SIGNED:
        raise InputError("签约须填写合同 (签约)", field="stage")
    if lead.stage in (LeadStage.SIGNED, LeadStage.ABANDONED):
        raise InputError(f"线索 {lead.title} 已{lead.get_stage_display()}, 不能再变更阶段", field="stage")
    date = _date(date, "date", "日期")
    if date < lead.stage_date:
        raise InputError(f"日期 {date} 早于当前阶段日期 {lead.stage_date}", field="date")
    if stage == LeadStage.ABANDONED and not (reason or "").strip():
        raise InputError("放弃须填写原因", field="reason")
    before = snapshot(lead, LEAD_FIELDS)
    lead.stage, lead.stage_date = stage, date
    if stage == LeadStage.ABANDONED:
        lead.abandon_reason = reason.strip()
    lead.save()
    ContactLog.objects.create(lead=lead, date=date, note=note or f"进入{lead.get_stage_display()}",
                              stage_after=stage, recorded_by=actor if getattr(actor, "pk", None) else None)
    record_change(actor=actor, action="update", obj=lead, before=before, after=snapshot(lead, LEAD_FIELDS),
                  reason=reason)
    return lead


@transaction.atomic
def log_contact(*, lead: Lead, date: datetime.date, note: str, actor) -> ContactLog:
    """洽谈记录: a dated contact with the investor."""
    require_actor(actor, WRITE)
    _check_reach(actor, lead.unit, "lead", f"线索 {lead}")
    note = (note or "").strip()
    if not note:
        raise InputError("洽谈内容不能为空", field="note")
    entry = ContactLog.objects.create(lead=lead, date=_date(date, "date", "洽谈日期"), note=note,
                                      recorded_by=actor if getattr(actor, "pk", None) else None)
    record_change(actor=actor, action="create", obj=entry, before=None, after=snapshot(entry))
    return entry


def _milestones(contract: Contract, milestones: dict | None) -> None:
    for kind, due in (milestones or {}).items():
        if kind not in AgreedMilestone.values:
            raise InputError(f"约定节点未知: {kind!r}", field="milestones")
        if not isinstance(due, datetime.date):
            raise InputError(f"约定{AgreedMilestone(kind).label}日期无效: {due!r}", field=f"due_{kind}")
        ContractMilestone.objects.create(contract=contract, kind=kind, due_date=due)


def _instalments(contract: Contract, instalments) -> None:
    total = Decimal(0)
    for due, amount in instalments or ():
        if not isinstance(due, datetime.date):
            raise InputError(f"资金约定日期无效: {due!r}", field="instalments")
        amount = _money(amount, "instalments", "约定到位资金", positive=True)
        total += amount
        FundsInstalment.objects.create(contract=contract, due_date=due, amount=amount)
    if total > contract.investment:
        raise InputError(f"约定到位资金合计 {total} 万元超过合同投资 {contract.investment} 万元", field="instalments")


# Project record fields a signing may fill when it creates the project (the rest come from the lead and contract).
SIGNING_PROJECT_FIELDS = ("location", "description", "responsible_leader", "responsible_department",
                          "service_contact", "registered_on", "sector", "nature")

CONTRACT_FIELDS = ["project", "lead", "unit", "event", "kind", "industry_tier", "signed_on", "investment", "registered_capital",
                   "foreign_capital", "foreign_currency", "foreign_amount", "fx_rate"]


def _tier(value) -> str:
    """三次产业 by code (primary / secondary / tertiary) or name (一产 / 二产 / 三产, also 第一/二/三产业)."""
    text = str(value or "").strip()
    names = {label: code for code, label in IndustryTier.choices}
    names.update({"第一产业": IndustryTier.PRIMARY, "第二产业": IndustryTier.SECONDARY, "第三产业": IndustryTier.TERTIARY})
    if text in IndustryTier.values:
        return text
    if text in names:
        return names[text]
    raise InputError(f"三次产业未知: {value!r} (可选: 一产、二产、三产)", field="industry_tier")


@transaction.atomic
def sign_lead(*, lead: Lead, signed_on: datetime.date, investment, actor, project: Project | None = None,
              code: str = "", category=None, registered_capital=0, foreign_capital=0, foreign_currency: str = "",
              foreign_amount=None, fx_rate=None, milestones: dict | None = None, instalments=(), event=None,
              confirm_new_project: bool = False, project_fields: dict | None = None,
              industry_tier: str = IndustryTier.SECONDARY, is_demo: bool = False) -> Contract:
    """签约: sign a lead. Without `project`, the project is created in the registry (code, category; its name,
    owner and industry node are the lead's, its total planned investment the contracted investment, its
    registration date the lead's date or the signing date if earlier; `project_fields` may give its location,
    description, responsible leader / department, service contact and registration date, not after signing)
    and enters 签约 on the signing date: the first signing, counted once as a new signing. With `project`, the
    contract is linked to it: if that project was never signed it enters 签约 now (first signing); if it was,
    this is a re-signing (再签约) by whatever unit or under whatever name, which counts nothing again. When the
    same investor already signed a project in the city, a new project must be confirmed (or the existing one
    linked), so nothing is counted twice by mistake. `industry_tier`: 三次产业 (一产 / 二产 / 三产, default 二产)."""
    require_actor(actor, WRITE)
    # The unit, city and industry node come with the lead (one query; only the lead's row is locked).
    lead = (Lead.objects.select_for_update(of=("self",)).select_related("unit", "city", "industry_node__taxonomy")
            .get(pk=lead.pk))
    _check_reach(actor, lead.unit, "lead", f"线索 {lead}")
    if lead.stage == LeadStage.SIGNED:
        raise InputError(f"线索 {lead.title} 已签约, 不能重复签约", field="lead")
    if lead.stage == LeadStage.ABANDONED:
        raise InputError(f"线索 {lead.title} 已放弃, 不能签约", field="lead")
    signed_on = _date(signed_on, "signed_on", "签约日期")
    industry_tier = _tier(industry_tier)
    amount = _money(investment, "investment", "合同投资", positive=True)
    currency, f_amount, rate = _foreign(foreign_currency, foreign_amount, fx_rate)
    if event is not None and event.city_id != lead.city_id:
        raise InputError(f"签约活动 {event.name} 不是 {lead.city.name} 的招商活动", field="event")
    extra = dict(project_fields or {})
    unknown = sorted(set(extra) - set(SIGNING_PROJECT_FIELDS))
    if unknown:
        raise InputError(f"签约时不能填写的项目字段: {', '.join(unknown)}", field=unknown[0])
    if project is not None and extra:
        raise InputError(f"关联已有项目 {project.name} 时不能填写项目字段", field=sorted(extra)[0])
    registered_on = extra.pop("registered_on", None) or min(lead.stage_date, signed_on)
    if not isinstance(registered_on, datetime.date):
        raise InputError(f"登记日期无效: {registered_on!r}", field="registered_on")
    if registered_on > signed_on:
        raise InputError(f"登记日期 {registered_on} 晚于签约日期 {signed_on}", field="registered_on")
    created = project is None
    if created:
        earlier = None if confirm_new_project else (
            Contract.objects.filter(lead__city_id=lead.city_id, lead__investor_key=lead.investor_key)
            .select_related("project").order_by("signed_on").first())
        if earlier is not None:
            raise InputError(
                f"投资方 {lead.investor} 已于 {earlier.signed_on} 签约项目 {earlier.project.name}: 同一项目请关联已有"
                f"项目 (不重复统计); 确为新项目请确认", field="project")
        if category is None:
            raise InputError("新建项目须选择项目类别", field="category")
        project, _ = create_project(code=code, name=lead.title, unit=lead.unit, category=category,
                                    total_investment=amount, owner=lead.investor, industry_node=lead.industry_node,
                                    actor=actor, registered_on=registered_on, is_demo=is_demo, **extra)
    elif project.unit.city() != lead.city:
        raise InputError(f"项目 {project.name} 不属于 {lead.city.name}", field="project")
    already = None if created else StageEvent.objects.filter(project=project, stage=Stage.SIGNED).first()
    if already is None:
        record_stage(project=project, stage=Stage.SIGNED, date=signed_on, actor=actor,
                     note=f"签约: {lead.investor}")
        kind = ContractKind.FIRST
    elif project.contracts.exists():
        kind = ContractKind.RESIGNED
    elif already.date != signed_on:
        # The registry already holds this project's signing (entered before its contract): the contract is
        # that first signing, on the same date, and adds nothing to the count.
        raise InputError(f"项目 {project.name} 已于 {already.date} 登记签约, 合同签约日期应为 {already.date}, "
                         f"收到 {signed_on}", field="signed_on")
    else:
        kind = ContractKind.FIRST
    contract = Contract.objects.create(
        project=project, lead=lead, unit=lead.unit, event=event, kind=kind, industry_tier=industry_tier,
        signed_on=signed_on, investment=amount,
        registered_capital=_money(registered_capital, "registered_capital", "注册资本"),
        foreign_capital=_money(foreign_capital, "foreign_capital", "外资"), foreign_currency=currency,
        foreign_amount=f_amount, fx_rate=rate, is_demo=is_demo)
    _milestones(contract, milestones)
    _instalments(contract, instalments)
    before = snapshot(lead, LEAD_FIELDS)
    lead.stage, lead.stage_date = LeadStage.SIGNED, signed_on
    lead.save()
    ContactLog.objects.create(lead=lead, date=signed_on, note=f"签约: {project.name} ({contract.get_kind_display()})",
                              stage_after=LeadStage.SIGNED, recorded_by=actor if getattr(actor, "pk", None) else None)
    if event is not None:
        event.leads.add(lead)
    record_change(actor=actor, action="update", obj=lead, before=before, after=snapshot(lead, LEAD_FIELDS))
    record_change(actor=actor, action="create", obj=contract, before=None, after=snapshot(contract, CONTRACT_FIELDS))
    return contract


@transaction.atomic
def record_capital_increase(*, project: Project, signed_on: datetime.date, increment, unit=None, actor,
                            milestones: dict | None = None, instalments=(), event=None,
                            is_demo: bool = False) -> Contract:
    """增资: a signed project's capital increase. Only the increment enters the new-signing amount (in the
    period of the increase); the project is not counted again. Its 三次产业 is the project's first contract's."""
    require_actor(actor, WRITE)
    unit = unit or project.unit
    _check_reach(actor, unit, "project", f"项目 {project.name}")
    amount = _money(increment, "increment", "增资额", positive=True)
    signed_on = _date(signed_on, "signed_on", "增资签约日期")
    first = StageEvent.objects.filter(project=project, stage=Stage.SIGNED).first()
    if first is None:
        raise InputError(f"项目 {project.name} 尚未签约, 不能增资", field="project")
    if signed_on < first.date:
        raise InputError(f"增资日期 {signed_on} 早于首次签约日期 {first.date}", field="signed_on")
    tier = (Contract.objects.filter(project=project).exclude(kind=ContractKind.INCREASE).order_by("signed_on", "id")
            .values_list("industry_tier", flat=True).first() or IndustryTier.SECONDARY)
    contract = Contract.objects.create(project=project, unit=unit, event=event, kind=ContractKind.INCREASE,
                                       industry_tier=tier, signed_on=signed_on, investment=amount, is_demo=is_demo)
    _milestones(contract, milestones)
    _instalments(contract, instalments)
    record_change(actor=actor, action="create", obj=contract, before=None, after=snapshot(contract, CONTRACT_FIELDS))
    return contract


@transaction.atomic
def record_milestone_reached(*, contract: Contract, kind: str, actual_date: datetime.date,
                             actor) -> ContractMilestone:
    """履约: an agreed milestone reached on a date."""
    require_actor(actor, WRITE)
    _check_reach(actor, contract.project.unit, "contract", f"合同 {contract}")
    ms = ContractMilestone.objects.filter(contract=contract, kind=kind).first()
    if ms is None:
        raise InputError(f"合同未约定节点 {kind!r}", field="kind")
    before = snapshot(ms)
    ms.actual_date = _date(actual_date, "actual_date", f"{AgreedMilestone(kind).label}实际日期")
    ms.save()
    record_change(actor=actor, action="update", obj=ms, before=before, after=snapshot(ms))
    return ms


def ensure_funds_sources(city) -> None:
    """A city's default 资金来源 (境外, 国内省外, 省内市外, 市内县际; also seeded by migration for the cities that
    existed then). A city that already has a source of a default code keeps it as it is."""
    for order, (code, name, foreign) in enumerate(DEFAULT_FUNDS_SOURCES, start=1):
        if not FundsSource.objects.filter(city=city, code=code).exists() and \
                not FundsSource.objects.filter(city=city, name=name).exists():
            FundsSource.objects.create(city=city, code=code, name=name, sort_order=order, is_foreign=foreign)


def resolve_funds_source(city, source, field: str = "source") -> FundsSource:
    """The city's funds source named by a FundsSource, its code or its name (an import cell); else a message
    naming the value and the city's sources."""
    if isinstance(source, FundsSource):
        if source.city_id != city.pk:
            raise InputError(f"资金来源 {source.name} 不是 {city.name} 的资金来源", field=field)
        return source
    text = str(source or "").strip()
    found = FundsSource.objects.filter(city=city).filter(Q(code=text) | Q(name=text)).first() if text else None
    if found is None:
        names = "、".join(FundsSource.objects.filter(city=city).values_list("name", flat=True)) or "无"
        raise InputError(f"资金来源未知: {source!r} (可选: {names})", field=field)
    return found


SOURCE_CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,30}")


@transaction.atomic
def add_funds_source(*, city, code: str, name: str, actor, sort_order: int = 0, is_foreign: bool = False,
                     reason: str = "") -> FundsSource:
    """A city's own 资金来源 (the city administrator's): a code, a name, an order and whether it counts as
    实际到位外资."""
    from tuijin.projects.services import _require_city_admin

    _require_city_admin(actor, city)
    code, name = (code or "").strip(), (name or "").strip()
    if not name or len(name) > 30:
        raise InputError(f"资金来源名称应为 1-30 字: {name[:40]!r}", field="name")
    if not SOURCE_CODE_RE.fullmatch(code):
        raise InputError(f"代码应为 1-30 位字母、数字、下划线或连字符: {code[:40]!r}", field="code")
    if isinstance(sort_order, bool) or not isinstance(sort_order, int) or not 0 <= sort_order <= 9999:
        raise InputError(f"排序应为 0-9999 的整数: {sort_order!r}", field="sort_order")
    if FundsSource.objects.filter(city=city, code=code).exists():
        raise InputError(f"已有代码为 {code} 的资金来源", field="code")
    if FundsSource.objects.filter(city=city, name=name).exists():
        raise InputError(f"已有名为 {name} 的资金来源", field="name")
    source = FundsSource.objects.create(city=city, code=code, name=name, sort_order=sort_order,
                                        is_foreign=bool(is_foreign))
    record_change(actor=actor, action="create", obj=source, before=None, after=snapshot(source), reason=reason)
    return source


@transaction.atomic
def record_funds_arrival(*, contract: Contract, date: datetime.date, amount, source, actor,
                         confirm_over: bool = False) -> FundsArrival:
    """到位资金: funds arrived on a date, from one of the city's sources (a FundsSource, its code or its name).
    Funds above the contracted investment are refused unless confirmed."""
    require_actor(actor, WRITE)
    _check_reach(actor, contract.project.unit, "contract", f"合同 {contract}")
    amount = _money(amount, "amount", "到位资金", positive=True)
    source = resolve_funds_source(contract.project.unit.city(), source)
    date = _date(date, "date", "到位日期")
    arrived = contract.arrivals.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if arrived + amount > contract.investment and not confirm_over:
        raise InputError(f"到位资金累计 {arrived + amount} 万元将超过合同投资 {contract.investment} 万元, 请确认",
                         field="amount")
    arrival = FundsArrival.objects.create(contract=contract, date=date, amount=amount, source=source)
    record_change(actor=actor, action="create", obj=arrival, before=None, after=snapshot(arrival))
    return arrival


EVENT_FIELDS = ["city", "name", "kind", "date", "place", "leader"]


def _event_snapshot(event: AttractionEvent) -> dict:
    """The event's fields with its participating units and leads met (ids, sorted): what the audit trail keeps."""
    return {**snapshot(event, EVENT_FIELDS), "units": sorted(event.units.values_list("pk", flat=True)),
            "leads": sorted(event.leads.values_list("pk", flat=True))}


def _event_input(*, name, kind, date, place, leader) -> dict:
    name, place, leader = (name or "").strip(), (place or "").strip(), (leader or "").strip()
    if not name:
        raise InputError("活动名称不能为空", field="name")
    if len(name) > 200:
        raise InputError(f"活动名称超过 200 字: {name[:20]}…", field="name")
    if kind not in EventKind.values:
        raise InputError(f"活动类型未知: {kind!r}", field="kind")
    if date in (None, ""):
        raise InputError("活动日期不能为空", field="date")
    if not place:
        raise InputError("活动地点不能为空", field="place")
    if len(place) > 100:
        raise InputError(f"活动地点超过 100 字: {place[:20]}…", field="place")
    if len(leader) > 50:
        raise InputError(f"带队领导超过 50 字: {leader[:20]}…", field="leader")
    # An event may be planned ahead (下月赴深圳招商), up to a year; leads are recorded once it has taken place.
    if not isinstance(date, datetime.date):
        raise InputError(f"活动日期无效: {date!r}", field="date")
    if date > timezone.localdate() + datetime.timedelta(days=366):
        raise InputError(f"活动日期 {date} 超过一年以后", field="date")
    return {"name": name, "kind": kind, "date": date, "place": place, "leader": leader}


def _event_units(actor, city, units) -> list:
    """参加单位: at least one, all of the city; a city-level writer may name any unit of its city, anyone else only
    units within its own."""
    units = list(units or ())
    if not units:
        raise InputError("参加单位不能为空: 至少选择一个单位", field="units")
    city_wide = _reaches(actor, city)
    for u in units:
        if not u.is_within(city):
            raise InputError(f"参加单位 {u.name} 不属于 {city.name}", field="units")
        if not city_wide and not _reaches(actor, u):
            raise InputError(f"参加单位 {u.name} 不在您的权限范围内", field="units")
    return units


def _event_leads(actor, city, leads) -> list:
    leads = list(leads or ())
    for lead in leads:
        if lead.city_id != city.pk:
            raise InputError(f"线索 {lead.title} 不属于 {city.name}", field="leads")
        _check_reach(actor, lead.unit, "leads", f"线索 {lead.title}")
    return leads


@transaction.atomic
def create_event(*, city, name: str, kind: str, date: datetime.date, place: str, actor, leader: str = "",
                 units=(), leads=(), is_demo: bool = False) -> AttractionEvent:
    """招商活动: a delegation, trade fair or promotion of the city, with its participating units (at least one;
    a district's writer only its own units, a city's any unit of the city) and the leads met (within reach)."""
    require_actor(actor, WRITE)
    if city is None or city.kind != UnitKind.CITY:
        raise InputError(f"城市无效: {getattr(city, 'name', city)!r}", field="city")
    if actor is not None and not can(actor, WRITE):
        raise InputError("您的账号没有登记招商活动的权限", field="city")
    fields = _event_input(name=name, kind=kind, date=date, place=place, leader=leader)
    units = _event_units(actor, city, units)
    leads = _event_leads(actor, city, leads)
    event = AttractionEvent.objects.create(city=city, is_demo=is_demo, **fields)
    event.units.set(units)
    event.leads.set(leads)
    record_change(actor=actor, action="create", obj=event, before=None, after=_event_snapshot(event))
    return event


@transaction.atomic
def update_event(*, event: AttractionEvent, name: str, kind: str, date: datetime.date, place: str, units,
                 actor, leader: str = "") -> AttractionEvent:
    """Edit a 招商活动: its name, kind, date, place, leading official and participating units (checked as on
    creation; the units it had must all be within the actor's reach unless the actor writes for the city).
    The leads met stay as they are (add_lead_to_event)."""
    require_actor(actor, WRITE)
    event = AttractionEvent.objects.select_for_update().select_related("city").get(pk=event.pk)
    if not may_edit_event(actor, event):
        outside = [u.name for u in event.units.all() if not _reaches(actor, u)]
        raise InputError(f"活动 {event.name} 的参加单位 {'、'.join(outside) or '—'} 不在您的权限范围内, 须由市级修改",
                         field="units")
    fields = _event_input(name=name, kind=kind, date=date, place=place, leader=leader)
    units = _event_units(actor, event.city, units)
    before = _event_snapshot(event)
    for key, value in fields.items():
        setattr(event, key, value)
    event.save()
    event.units.set(units)
    record_change(actor=actor, action="update", obj=event, before=before, after=_event_snapshot(event))
    return event


@transaction.atomic
def add_lead_to_event(*, event: AttractionEvent, lead: Lead, actor) -> AttractionEvent:
    """对接线索: record that a lead was met at an event (a contact on the event's date in the lead's log).
    The lead must be within the actor's reach and of the event's city; the event one the actor sees."""
    require_actor(actor, WRITE)
    _check_reach(actor, lead.unit, "lead", f"线索 {lead.title}")
    if actor is not None and not events_for(actor).filter(pk=event.pk).exists():
        raise InputError(f"招商活动 {event.name} 不在您的权限范围内", field="event")
    if lead.city_id != event.city_id:
        raise InputError(f"线索 {lead.title} 不属于 {event.city.name}, 不能记录在活动 {event.name}", field="lead")
    if event.leads.filter(pk=lead.pk).exists():
        raise InputError(f"线索 {lead.title} 已记录在活动 {event.name}", field="event")
    if event.date > timezone.localdate():
        raise InputError(f"活动 {event.name} 尚未举行 ({event.date}), 举行后再记录对接的线索", field="event")
    before = _event_snapshot(event)
    event.leads.add(lead)
    ContactLog.objects.create(lead=lead, date=event.date, note=f"招商活动对接: {event.name} ({event.place})",
                              recorded_by=actor if getattr(actor, "pk", None) else None)
    record_change(actor=actor, action="update", obj=event, before=before, after=_event_snapshot(event),
                  reason=f"对接线索 {lead.title}")
    return event


@transaction.atomic
def set_target(*, unit, year: int, indicator: str, value, actor, level: str = TargetLevel.CITY,
               annual_list=None, category=None, due_month: int = 12, strictly_above: bool = False,
               steps: dict | None = None, description: str = "", source=None) -> Target:
    """目标任务: a unit's yearly target for an engine indicator (see targets.INDICATORS), in the indicator's
    unit (个, 亿元 or %; 万元 for 分来源到位资金, which names one of the city's funds sources: a FundsSource, its
    code or name), due by a month, with an optional cumulative monthly/quarterly breakdown. Values keep up to 4
    decimals."""
    require_actor(actor, WRITE)
    from .targets import INDICATORS, SOURCE_INDICATOR

    if indicator not in INDICATORS:
        raise InputError(f"指标未知: {indicator!r} (可选: {', '.join(INDICATORS)})", field="indicator")
    _check_reach(actor, unit, "unit", f"单位 {unit.name}")
    if indicator == SOURCE_INDICATOR:
        if source in (None, ""):
            raise InputError(f"{INDICATORS[indicator].label}目标须选择资金来源", field="source")
        source = resolve_funds_source(unit.city(), source)
    elif source not in (None, ""):
        raise InputError(f"只有{INDICATORS[SOURCE_INDICATOR].label}目标可以选择资金来源", field="source")
    else:
        source = None
    if level not in TargetLevel.values:
        raise InputError(f"下达层级未知: {level!r}", field="level")
    if not 1 <= int(due_month) <= 12:
        raise InputError(f"完成时限月份应在 1-12 之间: {due_month!r}", field="due_month")
    amount = _money(value, "value", "目标值", bounds=SALES, places=4)
    if Target.objects.filter(unit=unit, year=year, indicator=indicator, level=level, annual_list=annual_list,
                             category=category, source=source).exists():
        what = INDICATORS[indicator].label + (f"({source.name})" if source else "")
        raise InputError(f"{unit.name} {year} 年已有 {what} 目标", field="indicator")
    target = Target.objects.create(unit=unit, year=year, indicator=indicator, value=amount, level=level,
                                   annual_list=annual_list, category=category, source=source,
                                   due_month=due_month, strictly_above=strictly_above, description=description)
    for month, cum in sorted((steps or {}).items()):
        if not 1 <= int(month) <= 12:
            raise InputError(f"分月目标月份应在 1-12 之间: {month!r}", field="steps")
        TargetStep.objects.create(target=target, month=month, cumulative_value=_money(cum, "steps", "分月目标", bounds=SALES, places=4))
    record_change(actor=actor, action="create", obj=target, before=None, after=snapshot(target))
    return target


__all__ = ["LEAD_STAGE_ORDER", "create_lead", "decide_duplicate", "move_lead", "log_contact", "sign_lead",
           "record_capital_increase", "record_milestone_reached", "record_funds_arrival", "create_event",
           "update_event", "add_lead_to_event", "set_target", "investor_key", "ensure_funds_sources",
           "resolve_funds_source", "add_funds_source"]
