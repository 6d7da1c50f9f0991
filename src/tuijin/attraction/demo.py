"""The attraction part of the demo (演示数据): the pipeline that signs the demo's projects, events, the
performance of the contracts, leads still in the pipeline, and 苏州市's published 2024 targets (B6 张家港市,
B7 吴中区), all through the services.

Every demo project signed in 2023 or 2024 (镇江市 and 苏州市) is signed through the pipeline (`Pipeline.sign`,
called by the builder): a lead (招商线索) for its investor (the project's owner), with a kind, a source, the
project's industry node, unit and team (小分队) and sometimes a city leader, moves through one or two stages
with dated contact-log entries and is signed with `services.sign_lead(project=None, ...)`, which creates the
project in the registry with its 签约 stage event and the contract (kind 首次签约); the builder then enters the
later stages (开工, 竣工, 投产). So every new-signing figure (A1/A2, B1–B4) counts exactly the contracts of its
window. Nothing here draws from the builder's random sequence: the pipeline's choices come from counters.
Projects signed before 2023 (the continuing projects of the annual lists, the 2021 signings that are in
production in 2024) were entered before the pipeline existed: they have no lead or contract.

An investor whose name (normalised) already signed a project in the city signs a new project with
`confirm_new_project` (the demo's owner names, drawn by the builder, repeat now and then).

Performance (履约): every 40th industrial signing of a city, 16 at most, agrees milestones (注册, 拿地, 开工 after
a year: 一年内开工) and an instalment of funds at signing, and is signed at the city's event of the previous 120
days when there is one (`event=`; of the signed leads, exactly these have the source 招商活动). The city's four
events (two led by a city leader) are made at its first signing. `build_city` then records the milestones
reached, the funds arrived (by the city's funds sources: 境外 for foreign capital, else 省内市外 / 国内省外, one in
four of those 市内县际) and one capital increase (增资) per city, dated where no published figure reads it
(镇江市 after June 2024; 苏州市 after the first quarter), and adds the leads still in the pipeline: one per unit,
at every stage before 签约, the last one given up (放弃), all met at the city's last event. 镇江市 gets its 2024
targets per funds source (SOURCE_TARGETS), so its bulletin's 招商引资 paragraph prints funds by source against
them."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import AnnualList, Category, ListEntry, Project, Stage
from tuijin.projects.services import add_list_entry

from .models import AttractionEvent, Contract, ContractKind, InvestorKind, LeadSource, LeadStage
from .services import (
    create_event,
    create_lead,
    investor_key,
    move_lead,
    record_capital_increase,
    record_funds_arrival,
    record_milestone_reached,
    set_target,
    sign_lead,
)


def _demo_actor():
    """The named system actor the demo writes as (services refuse a write without an actor)."""
    from tuijin.accounts.services import system_actor

    return system_actor("演示数据")

D = datetime.date
KINDS = ["fortune500", "central_soe", "listed", "foreign", "private"]
SOURCES = ["event", "delegation", "agency", "visit", "referral"]
INVESTORS = ["华瑞", "东晟", "凯邦", "中科远", "博维", "新锐", "恒拓", "金岭", "海蓝", "德林", "长风", "锦程",
             "启明", "同创", "鼎盛", "云帆"]
LEADERS = ["市委书记", "市长", "常务副市长", "分管副市长"]
EVENTS = [("赴深圳招商推介会", "promotion", D(2023, 5, 18), "深圳"),
          ("德国经贸交流团组", "delegation", D(2023, 9, 12), "慕尼黑"),
          ("长三角产业链对接会", "fair", D(2024, 3, 22), "上海"),
          ("重点产业链招商周", "promotion", D(2024, 5, 16), None)]
# The stages a lead goes through before signing (one path per lead, in turn), with the contact-log note.
PATHS = [(LeadStage.CONTACT, LeadStage.NEGOTIATION), (LeadStage.NEGOTIATION,),
         (LeadStage.VISIT, LeadStage.PRE_SIGNING), (LeadStage.PRE_SIGNING,)]
NOTES = {LeadStage.CONTACT: "首次接洽, 介绍投资环境与政策", LeadStage.VISIT: "投资方实地考察",
         LeadStage.NEGOTIATION: "项目洽谈, 明确投资规模", LeadStage.PRE_SIGNING: "合同文本审定, 拟签约"}
PIPELINE_YEARS = (2023, 2024)
PERFORMANCE_WINDOW = (D(2023, 1, 1), D(2024, 6, 30))
PERFORMANCE_EVERY, PERFORMANCE_MAX = 40, 16


def _districts(city: OrgUnit) -> list[OrgUnit]:
    return list(city.children.exclude(kind="department").order_by("sort_order", "id"))


def _wan(x) -> Decimal:
    return Decimal(x).quantize(Decimal("0.01"))


class Pipeline:
    """Signs the builder's projects through the pipeline (see the module docstring). Deterministic: every choice
    comes from a counter (`n` over all signings, and per city over its industrial signings)."""

    def __init__(self):
        self.n = 0
        self.cities: dict[int, OrgUnit] = {}  # unit id → its city
        self.events: dict[int, list[AttractionEvent]] = {}  # city id → its events
        self.industrial: dict[int, int] = {}  # city id → industrial signings in the performance window so far
        self.with_terms: dict[int, int] = {}  # city id → contracts signed with agreed milestones
        self.investors: set[tuple[int, str]] = set()  # (city id, investor key) that signed already

    @staticmethod
    def applies(stages: dict) -> bool:
        signed = stages.get(Stage.SIGNED)
        return signed is not None and signed.year in PIPELINE_YEARS

    def city(self, unit: OrgUnit) -> OrgUnit:
        if unit.pk not in self.cities:
            self.cities[unit.pk] = unit.city()
        return self.cities[unit.pk]

    def city_events(self, city: OrgUnit) -> list[AttractionEvent]:
        """The city's four events (two led by a city leader), made at its first signing."""
        if city.pk not in self.events:
            units = _districts(city)
            self.events[city.pk] = [
                create_event(city=city, name=f"{city.name}{name}", kind=kind, date=when, place=place or city.name,
                             leader=LEADERS[i % 4] if i % 2 == 0 else "", units=units[i % len(units):][:3] or units[:3],
                             is_demo=True, actor=_demo_actor())
                for i, (name, kind, when, place) in enumerate(EVENTS)]
        return self.events[city.pk]

    def sign(self, *, unit: OrgUnit, code: str, name: str, category: Category, total, industry_node, owner: str,
             registered: datetime.date, signed_on: datetime.date, project_fields: dict) -> Project:
        """A lead for the project, moved through its stages from `registered` to `signed_on`, then signed: the
        project (with exactly these fields) and its 签约 stage event come out of `sign_lead`."""
        n = self.n
        self.n += 1
        city = self.city(unit)
        investment = Decimal(total)
        terms = self._terms(city, category, signed_on, investment)
        kind = KINDS[terms["index"] % 5] if terms else KINDS[n % 5]
        foreign = kind == InvestorKind.FOREIGN
        # 招商活动 is the source of exactly the leads whose contract is signed at an event.
        source = LeadSource.EVENT if terms and terms["contract"]["event"] else SOURCES[1 + n // 5 % 4]
        lead = create_lead(unit=unit, title=name, investor=owner, investor_kind=kind, source=source,
                           intended_investment=investment, stage_date=registered,
                           investor_region="德国" if foreign else "中国", industry_node=industry_node,
                           team=f"{unit.name}招商小分队", city_leader=LEADERS[n % 4] if n % 3 == 0 else "",
                           is_demo=True, actor=_demo_actor())
        path = PATHS[n % len(PATHS)]
        span = (signed_on - registered).days
        for k, stage in enumerate(path, start=1):
            when = registered + datetime.timedelta(days=span * k // (len(path) + 1))
            lead = move_lead(lead=lead, stage=stage, date=when, note=NOTES[stage], actor=_demo_actor())
        key = (city.pk, investor_key(owner))
        contract = sign_lead(
            lead=lead, signed_on=signed_on, investment=investment, code=code, category=category,
            registered_capital=_wan(investment / 5),
            foreign_capital=_wan(investment / 4) if foreign else 0, foreign_currency="EUR" if foreign else "",
            fx_rate="7.8" if foreign else None,
            foreign_amount=_wan(investment / 4 / Decimal("7.8")) if foreign else None,
            confirm_new_project=key in self.investors, project_fields=project_fields, is_demo=True,
            actor=_demo_actor(), **(terms["contract"] if terms else {}))
        self.investors.add(key)
        return contract.project

    def _terms(self, city: OrgUnit, category: Category, signed_on: datetime.date, investment: Decimal) -> dict | None:
        """Agreed milestones, an instalment and the event for every 40th industrial signing of the city."""
        events = self.city_events(city)
        if category.name != "产业" or not PERFORMANCE_WINDOW[0] <= signed_on <= PERFORMANCE_WINDOW[1]:
            return None
        c = self.industrial[city.pk] = self.industrial.get(city.pk, -1) + 1
        made = self.with_terms.get(city.pk, 0)
        if c % PERFORMANCE_EVERY or made >= PERFORMANCE_MAX:
            return None
        self.with_terms[city.pk] = made + 1
        event = next((e for e in events if signed_on - datetime.timedelta(days=120) <= e.date <= signed_on), None)
        return {"index": made, "contract": {
            "milestones": {"registered": signed_on + datetime.timedelta(days=30),
                           "land": signed_on + datetime.timedelta(days=60),
                           "started": signed_on + datetime.timedelta(days=365)},  # 签约后一年内开工
            "instalments": [(signed_on + datetime.timedelta(days=180), _wan(investment * Decimal("0.3")))],
            "event": event}}


def build_city(city: OrgUnit, rng: random.Random, *, increase_on: datetime.date) -> None:
    """Performance of the contracts signed with agreed milestones (milestones reached, funds arrived, one
    capital increase), and the leads still in the pipeline: one per unit, at every stage, the last one given up."""
    units = _districts(city)
    contracts = list(Contract.objects.filter(unit__path__startswith=city.path, kind=ContractKind.FIRST,
                                             milestones__kind="registered")
                     .select_related("project", "project__unit").order_by("id"))
    for i, contract in enumerate(contracts):
        signed_on, investment = contract.signed_on, contract.investment
        record_milestone_reached(contract=contract, kind="registered",
                                 actual_date=signed_on + datetime.timedelta(days=rng.choice([20, 25, 28, 45])), actor=_demo_actor())
        if i % 4:
            record_milestone_reached(contract=contract, kind="land",
                                     actual_date=signed_on + datetime.timedelta(days=50), actor=_demo_actor())
        # Funds arrive shortly before the instalment (+180 days) is due, 25% of the investment against 30% due,
        # for two contracts in three and every contract with foreign capital (实际到位外资).
        # Every fourth domestic arrival comes from within the city (市内县际); the draw is kept, so the random
        # sequence (and every figure read from it) is what it was.
        if i % 3 or contract.foreign_capital:
            drawn = "foreign" if contract.foreign_capital else rng.choice(["province", "domestic"])
            record_funds_arrival(contract=contract, date=signed_on + datetime.timedelta(days=175),
                                 amount=_wan(investment * Decimal("0.25")),
                                 source="county" if drawn != "foreign" and i % 4 == 1 else drawn, actor=_demo_actor())
        if i == 0:
            record_capital_increase(project=contract.project, signed_on=increase_on, increment=Decimal(5000),
                                    is_demo=True, actor=_demo_actor())
    # Leads still in the pipeline, one per stage and unit group, and one given up.
    last_event = AttractionEvent.objects.filter(city=city).order_by("-date", "-id").first()
    stages = [LeadStage.LEAD, LeadStage.CONTACT, LeadStage.VISIT, LeadStage.NEGOTIATION, LeadStage.PRE_SIGNING]
    for i, unit in enumerate(units):
        lead = create_lead(unit=unit, title=f"{unit.name}意向产业项目{i + 1}", investor=f"{INVESTORS[-1 - i % 8]}控股集团",
                           investor_kind=KINDS[(i + 2) % 5], source=SOURCES[(i + 1) % 5],
                           intended_investment=Decimal(rng.randrange(20000, 200000, 1000)),
                           stage_date=D(2024, 3, 1), city_leader=LEADERS[i % 4], is_demo=True, actor=_demo_actor())
        target = stages[i % len(stages)]
        if target != LeadStage.LEAD:
            move_lead(lead=lead, stage=target, date=D(2024, 5, 10), note="按计划推进", actor=_demo_actor())
        if i == len(units) - 1:
            move_lead(lead=lead, stage=LeadStage.ABANDONED, date=D(2024, 6, 20), reason="投资方调整战略布局", actor=_demo_actor())
        if last_event is not None:
            last_event.leads.add(lead)


def suzhou_targets(city: OrgUnit) -> None:
    """B6 张家港市: start rate of its 2024 major industrial projects over 90% by mid-year; 86 新增长点 projects
    into production. B7 吴中区: every provincial and every municipal major project started by mid-year."""
    zjg = OrgUnit.objects.get(parent=city, name="张家港市")
    wz = OrgUnit.objects.get(parent=city, name="吴中区")
    industry = Category.objects.get(name="产业")
    lists = {lst.name: lst for lst in AnnualList.objects.filter(city=city)}
    growth = lists["新增长点项目"]
    # 新增长点 projects of 张家港市: those in production in 2024, then others under way, 86 + a few in all.
    operating = list(Project.objects.filter(unit=zjg, stage_events__stage=Stage.OPERATING,
                                            stage_events__date__year=2024).order_by("id"))
    others = list(Project.objects.filter(unit=zjg, stage=Stage.STARTED).exclude(
        list_entries__annual_list=growth).order_by("id")[: max(0, 90 - len(operating))])
    for p in operating + others:
        if not ListEntry.objects.filter(annual_list=growth, project=p, year=2024).exists():
            add_list_entry(annual_list=growth, project=p, year=2024, annual_plan=Decimal(0), planned_operation=True, actor=_demo_actor())
    set_target(unit=zjg, year=2024, indicator="start_rate", value=90, strictly_above=True, due_month=6,
               category=industry, description="2024年重大产业项目上半年开工率超过90% (B6)", actor=_demo_actor())
    set_target(unit=zjg, year=2024, indicator="operations_done", value=86, annual_list=growth,
               steps={6: 43, 12: 86}, description="86个新增长点项目投产 (B6)", actor=_demo_actor())
    for name in ("省重大项目", "市重大项目"):
        set_target(unit=wz, year=2024, indicator="start_rate", value=100, due_month=6, annual_list=lists[name],
                   description=f"{name}上半年全部开工 (B7)", actor=_demo_actor())


# 镇江市's 2024 targets for funds arrived by source (分来源到位资金, 万元 as the city hands them down, any decimals);
# 市内县际 with a quarterly breakdown, the others against the city's schedule (序时进度).
SOURCE_TARGETS = [("foreign", "25000.5", None), ("domestic", "8000", None), ("province", "12000.25", None),
                  ("county", "20000", {3: 4000, 6: 9000, 9: 14500, 12: 20000})]


def source_targets(city: OrgUnit) -> None:
    """The city's yearly targets per funds source, through the service a user's target form calls."""
    for code, value, steps in SOURCE_TARGETS:
        set_target(unit=city, year=2024, indicator="source_funds_arrived", source=code, value=value, steps=steps,
                   description="2024年分来源到位资金目标", actor=_demo_actor())


def build_attraction_demo(*, zhenjiang: OrgUnit, suzhou: OrgUnit) -> None:
    rng = random.Random(11)
    build_city(zhenjiang, rng, increase_on=D(2024, 8, 15))
    build_city(suzhou, rng, increase_on=D(2024, 5, 8))
    suzhou_targets(suzhou)
    source_targets(zhenjiang)
