"""The attraction part of the demo (演示数据): leads, events and contracts of 镇江市 and 苏州市 in 2023–2024, and
苏州市's published 2024 targets (B6 张家港市, B7 吴中区), all through the services.

The demo's signings were built before the pipeline: its contracts are linked to existing signed projects, on
their signing date (kind 首次签约), so no new-signing figure (A1/A2, B1–B4) moves. The capital increases are
dated where no published figure reads them (镇江市 after June 2024; 苏州市 after the first quarter)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import AnnualList, Category, ListEntry, Project, Stage, StageEvent
from tuijin.projects.services import add_list_entry

from .models import LeadStage
from .services import (
    create_event,
    create_lead,
    move_lead,
    record_capital_increase,
    record_funds_arrival,
    record_milestone_reached,
    set_target,
    sign_lead,
)

D = datetime.date
KINDS = ["fortune500", "central_soe", "listed", "foreign", "private"]
SOURCES = ["event", "delegation", "agency", "visit", "referral"]
INVESTORS = ["华瑞", "东晟", "凯邦", "中科远", "博维", "新锐", "恒拓", "金岭", "海蓝", "德林", "长风", "锦程",
             "启明", "同创", "鼎盛", "云帆"]
LEADERS = ["市委书记", "市长", "常务副市长", "分管副市长"]


def _districts(city: OrgUnit) -> list[OrgUnit]:
    return list(city.children.exclude(kind="department").order_by("sort_order", "id"))


def build_city(city: OrgUnit, rng: random.Random, *, increase_on: datetime.date) -> None:
    units = _districts(city)
    signed = list(StageEvent.objects.filter(project__unit__path__startswith=city.path, stage=Stage.SIGNED,
                                            date__gte=D(2023, 1, 1), date__lte=D(2024, 6, 30),
                                            project__category__name="产业")
                  .select_related("project", "project__unit").order_by("id")[:: 40][:16])
    events = []
    for i, (name, kind, when, place) in enumerate([
            ("赴深圳招商推介会", "promotion", D(2023, 5, 18), "深圳"),
            ("德国经贸交流团组", "delegation", D(2023, 9, 12), "慕尼黑"),
            ("长三角产业链对接会", "fair", D(2024, 3, 22), "上海"),
            ("重点产业链招商周", "promotion", D(2024, 5, 16), city.name)]):
        events.append(create_event(city=city, name=f"{city.name}{name}", kind=kind, date=when, place=place,
                                   leader=LEADERS[i % 4] if i % 2 == 0 else "",
                                   units=units[i % len(units):][:3] or units[:3], is_demo=True))
    for i, ev in enumerate(signed):
        p = ev.project
        investor = f"{INVESTORS[i % len(INVESTORS)]}{p.unit.name[:2]}实业有限公司"
        foreign = i % 5 == 3
        lead = create_lead(unit=p.unit, title=p.name, investor=investor, investor_kind=KINDS[i % 5],
                           source=SOURCES[i % 5], intended_investment=p.total_investment,
                           stage_date=ev.date - datetime.timedelta(days=90), investor_region="德国" if foreign else "中国",
                           industry_node=p.industry_node, team=f"{p.unit.name}招商小分队",
                           city_leader=LEADERS[i % 4], is_demo=True)
        move_lead(lead=lead, stage=LeadStage.NEGOTIATION, date=ev.date - datetime.timedelta(days=30),
                  note="项目洽谈, 明确投资规模")
        investment = p.total_investment
        due_start = ev.date + datetime.timedelta(days=100)  # 百日开工
        contract = sign_lead(
            lead=lead, signed_on=ev.date, investment=investment, project=p,
            registered_capital=(investment / 5).quantize(Decimal("0.01")),
            foreign_capital=(investment / 4).quantize(Decimal("0.01")) if foreign else 0,
            foreign_currency="EUR" if foreign else "", fx_rate="7.8" if foreign else None,
            foreign_amount=(investment / 4 / Decimal("7.8")).quantize(Decimal("0.01")) if foreign else None,
            milestones={"registered": ev.date + datetime.timedelta(days=30),
                        "land": ev.date + datetime.timedelta(days=60), "started": due_start},
            instalments=[(ev.date + datetime.timedelta(days=180), (investment * Decimal("0.3")).quantize(Decimal("0.01")))],
            event=next((e for e in events if e.date <= ev.date and e.date >= ev.date - datetime.timedelta(days=120)),
                       None), is_demo=True)
        record_milestone_reached(contract=contract, kind="registered",
                                 actual_date=ev.date + datetime.timedelta(days=rng.choice([20, 25, 28, 45])))
        if i % 4:
            record_milestone_reached(contract=contract, kind="land", actual_date=ev.date + datetime.timedelta(days=50))
        if i % 3:
            record_funds_arrival(contract=contract, date=ev.date + datetime.timedelta(days=150),
                                 amount=(investment * Decimal("0.2")).quantize(Decimal("0.01")),
                                 source="foreign" if foreign else rng.choice(["province", "domestic"]))
        if i == 0:
            record_capital_increase(project=p, signed_on=increase_on, increment=Decimal(5000), is_demo=True)
    # Leads still in the pipeline, one per stage and unit group, and one given up.
    stages = [LeadStage.LEAD, LeadStage.CONTACT, LeadStage.VISIT, LeadStage.NEGOTIATION, LeadStage.PRE_SIGNING]
    for i, unit in enumerate(units):
        lead = create_lead(unit=unit, title=f"{unit.name}意向产业项目{i + 1}", investor=f"{INVESTORS[-1 - i % 8]}控股集团",
                           investor_kind=KINDS[(i + 2) % 5], source=SOURCES[(i + 1) % 5],
                           intended_investment=Decimal(rng.randrange(20000, 200000, 1000)),
                           stage_date=D(2024, 3, 1), city_leader=LEADERS[i % 4], is_demo=True)
        target = stages[i % len(stages)]
        if target != LeadStage.LEAD:
            move_lead(lead=lead, stage=target, date=D(2024, 5, 10), note="按计划推进")
        if i == len(units) - 1:
            move_lead(lead=lead, stage=LeadStage.ABANDONED, date=D(2024, 6, 20), reason="投资方调整战略布局")
        events[-1].leads.add(lead)


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
            add_list_entry(annual_list=growth, project=p, year=2024, annual_plan=Decimal(0), planned_operation=True)
    set_target(unit=zjg, year=2024, indicator="start_rate", value=90, strictly_above=True, due_month=6,
               category=industry, description="2024年重大产业项目上半年开工率超过90% (B6)")
    set_target(unit=zjg, year=2024, indicator="operations_done", value=86, annual_list=growth,
               steps={6: 43, 12: 86}, description="86个新增长点项目投产 (B6)")
    for name in ("省重大项目", "市重大项目"):
        set_target(unit=wz, year=2024, indicator="start_rate", value=100, due_month=6, annual_list=lists[name],
                   description=f"{name}上半年全部开工 (B7)")


def build_attraction_demo(*, zhenjiang: OrgUnit, suzhou: OrgUnit) -> None:
    rng = random.Random(11)
    build_city(zhenjiang, rng, increase_on=D(2024, 8, 15))
    build_city(suzhou, rng, increase_on=D(2024, 5, 8))
    suzhou_targets(suzhou)
