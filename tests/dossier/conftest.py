"""A small hand-made city for the dossier (一项目一档) tests, every figure worked out by hand.

档案市 (amounts in 万元):

  P 东区 "东区新材料产业园项目", total 30000
     lists: 2023 市重大项目 plan 6000; 2024 省重大项目 (rank 1) plan 12000 and 市重大项目 (rank 2) plan 9000
            (the 2024 figures use 省重大项目 only: a project counts once, under its highest list)
     分月计划 2024 省重大项目 (cumulative): 3月 2000, 6月 5000, 9月 8000, 12月 12000; 市重大项目 6月 9999 (ignored)
     reports 2024 accepted: 1-5月 500, 700, 800, 1000, 2100 → cumulative 500, 1200, 2000, 3000, 5100
             6月 1500 submitted only (not counted: the figures are 市级确认数)
     1-5月: completed 5100; rate 5100/12000 = 42.5%; 序时 5/12 = 41.6667% → 41.7%; 超 0.8333 → 0.8 个百分点;
            同期计划: no plan at 5月 → 同期计划完成率 —;
            at 3月: 2000/2000 = 100.0%; 亿元: plan 1.2, completed 0.51 → 0.5 (one place, half up)
     stages: 签约 2023-12-01 (through the attraction contract), 开工 2024-03-15; planned 竣工 2026-06-30
     contract: 首次签约 2023-12-01, 20000; agreed 开工 2024-03-01 (reached 2024-03-15), 投产 2026-12-31;
               funds arrived 2024-02-01 3000 (省外), 2024-04-01 2000 (境外) → 5000
     problems: one open (交办 to 发改委), one closed
  Q 西区 "西区港口物流项目": another district's, on no list.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories as f
from tests.factories import SYSTEM
from tests.worlds import fresh, module_world
from tuijin.accounts.models import Role
from tuijin.orgs.services import create_unit
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import save_report

D = datetime.date


@dataclass
class Town:
    city: object
    east: object
    west: object
    dept: object
    sheng: object
    shi: object
    p: object
    q: object
    contract: object
    admin: object
    leader: object
    east_admin: object
    west_admin: object
    reporter: object
    problem_open: object
    problem_closed: object


def build_town() -> Town:
    from tuijin.attraction.services import (
        create_lead,
        record_funds_arrival,
        record_milestone_reached,
        sign_lead,
    )
    from tuijin.problems import services as problems
    from tuijin.problems.models import ProblemCategory
    from tuijin.projects.models import StagePlan
    from tuijin.projects.services import record_stage

    city, districts = f.city_tree("档案市", ("东区", "西区"), province="档案省")
    east, west = districts["东区"], districts["西区"]
    dept = create_unit(name="档案市发展和改革委员会", kind="department", parent=city, actor=SYSTEM)
    sheng = f.annual_list(city, "省重大项目", rank=1)
    shi = f.annual_list(city, "市重大项目", rank=2)
    admin = f.user("d_admin", city, Role.CITY_ADMIN)
    leader = f.user("d_leader", city, Role.CITY_LEADER)
    east_admin = f.user("d_east", east, Role.DISTRICT_ADMIN)
    west_admin = f.user("d_west", west, Role.DISTRICT_ADMIN)
    reporter = f.user("d_reporter", east, Role.REPORTER)

    p = f.project(
        east,
        name="东区新材料产业园项目",
        total=Decimal(30000),
        owner="东区新材料有限公司",
        location="东区滨江路 1 号",
    )
    q = f.project(west, name="西区港口物流项目", total=Decimal(40000))
    p.reporters.add(reporter)
    lead = create_lead(
        unit=east,
        title="新材料产业园",
        investor="新材料集团",
        investor_kind="private",
        source="visit",
        intended_investment=Decimal(20000),
        stage_date=D(2023, 10, 1), actor=SYSTEM,
    )
    contract = sign_lead(
        lead=lead,
        signed_on=D(2023, 12, 1),
        investment=Decimal(20000),
        project=p,
        milestones={"started": D(2024, 3, 1), "operating": D(2026, 12, 31)}, actor=SYSTEM,
    )
    record_stage(project=p, stage="started", date=D(2024, 3, 15), actor=SYSTEM)
    StagePlan.objects.create(project=p, stage="completed", planned_date=D(2026, 6, 30))
    record_milestone_reached(contract=contract, kind="started", actual_date=D(2024, 3, 15), actor=SYSTEM)
    record_funds_arrival(
        contract=contract, date=D(2024, 2, 1), amount=Decimal(3000), source="domestic", actor=SYSTEM,
    )
    record_funds_arrival(
        contract=contract, date=D(2024, 4, 1), amount=Decimal(2000), source="foreign", actor=SYSTEM,
    )

    f.entry(shi, p, year=2023, plan=Decimal(6000), planned_new_start=True, planned_start_month=3)
    e_sheng = f.entry(sheng, p, year=2024, plan=Decimal(12000), continuing=True)
    e_shi = f.entry(shi, p, year=2024, plan=Decimal(9000), continuing=True)
    f.monthly_plan(e_sheng, {3: 2000, 6: 5000, 9: 8000, 12: 12000})
    f.monthly_plan(e_shi, {6: 9999})
    f.reports(p, 2024, [500, 700, 800, 1000])
    save_report(
        project=p,
        year=2024,
        month=5,
        amount=2100,
        status=ReportStatus.ACCEPTED,
        progress_text="主厂房钢结构吊装完成 80%, 设备基础浇筑中", actor=SYSTEM,
    )
    save_report(
        project=p,
        year=2024,
        month=6,
        amount=1500,
        status=ReportStatus.SUBMITTED,
        progress_text="六月(未确认)的形象进度", actor=SYSTEM,
    )

    problems.ensure_categories()
    land = ProblemCategory.objects.get(code="land")
    now = timezone.now()
    open_ = problems.raise_problem(
        actor=east_admin, project=p, category=land, title="新增建设用地指标未落实", now=now
    )
    problems.assign(
        actor=admin,
        problem=open_,
        lead_department=dept,
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        now=now,
    )
    closed = problems.raise_problem(
        actor=east_admin, project=p, category=land, title="临时用电接入", now=now
    )
    closed = _close(problems, closed, admin=admin, east_admin=east_admin, dept=dept, now=now)
    return Town(
        city,
        east,
        west,
        dept,
        sheng,
        shi,
        p,
        q,
        contract,
        admin,
        leader,
        east_admin,
        west_admin,
        reporter,
        open_,
        closed,
    )


def _close(problems, problem, *, admin, east_admin, dept, now):
    from tuijin.problems.models import Problem

    handler = f.user("d_dept", dept, Role.DEPARTMENT)
    problem = problems.assign(
        actor=admin,
        problem=problem,
        lead_department=dept,
        deadline=timezone.localdate() + datetime.timedelta(days=5),
        now=now,
    )
    problem = problems.sign(actor=handler, problem=problem, now=now)
    problem = problems.start(actor=handler, problem=problem, now=now)
    problem = problems.answer(actor=handler, problem=problem, text="已接入临时用电", now=now)
    problems.close(actor=east_admin, problem=problem, now=now)
    return Problem.objects.get(pk=problem.pk)


town_built_once = module_world(build_town, media=True)


@pytest.fixture
def town(town_built_once, db, settings) -> Town:
    return fresh(town_built_once)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
