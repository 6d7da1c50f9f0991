"""The dashboard's part of the demo (called by tuijin.demo.builder after the projects, reports and users exist):

- two cities' different traffic-light rule sets (镇江市: absolute gap, missed start, consecutive months, overdue problems;
  苏州市: relative gap, missed start red at once, consecutive months for districts only);
- later lifecycle steps (竣工, 投产, 达产) for some projects, so the funnel and the 竣工率 / 投产率 figures are not
  empty. Dated so that no published figure moves: 镇江市 in January-May 2024 (A1-A9 count signings, starts,
  investment and sales, none of these), 苏州市 in April-June 2024 (B1-B4 are first-quarter figures);
- 苏州市's 2024 "双比双看" competition (B5): a first-quarter round and the second-quarter round with the 10
  districts, weighted indicators, bonuses and deductions and 27 highlight projects whose photos are placeholder
  images drawn on request (marked 演示; no file is written).

Everything goes through the services, so the audit trail records it like any user's change. Deterministic."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef

from tuijin.orgs.models import DISTRICT_KINDS, OrgUnit
from tuijin.projects.models import ListEntry, Project, Stage, StageEvent
from tuijin.projects.services import record_stage

from . import services


def _demo_actor():
    """The named system actor the demo writes as (services refuse a write without an actor)."""
    from tuijin.accounts.services import system_actor

    return system_actor("演示数据")

SEED = 20240630
D = datetime.date

ZHENJIANG_RULES = [
    dict(name="欠序时差距", kind="absolute_gap", yellow=10, red=30, applies_to="both",
         note="欠序时 10-30 个百分点黄灯, 30 个百分点以上红灯"),
    dict(name="计划开工逾期", kind="missed_start", yellow=1, red=3, applies_to="project",
         note="计划开工月份过后 1 个月未开工黄灯, 3 个月红灯"),
    dict(name="连续欠序时", kind="consecutive_months", yellow=4, red=None, applies_to="both",
         note="连续 4 个月末累计完成率低于序时进度黄灯"),
    dict(name="问题逾期", kind="overdue_problem", yellow=1, red=3, applies_to="project",
         note="有问题逾期未办结黄灯, 3 个以上红灯"),
]
SUZHOU_RULES = [
    dict(name="完成率低于序时", kind="relative_gap", yellow=80, red=60, applies_to="both",
         note="完成率低于序时进度的 80% 黄灯, 60% 红灯"),
    dict(name="开工逾期即红灯", kind="missed_start", yellow=None, red=1, applies_to="project"),
    dict(name="板块欠序时", kind="absolute_gap", yellow=2, red=10, applies_to="unit",
         note="板块欠序时 2 个百分点黄灯, 10 个百分点红灯"),
]

INDICATORS = [
    dict(name="投资强度 (完成投资)", kind="completed", weight=30, method="best"),
    dict(name="年度投资完成率", kind="completion_rate", weight=20, method="best"),
    dict(name="项目推进赋分", kind="project_points", weight=20, method="best", params={}),
    dict(name="新签约项目投资", kind="new_signed_total", weight=10, method="best"),
    dict(name="新开工项目投资", kind="new_started_total", weight=10, method="best"),
    dict(name="落地产出 (新投产项目投资)", kind="new_operating_total", weight=10, method="best"),
]
HIGHLIGHTS_PER_DISTRICT = [3, 3, 3, 3, 3, 3, 3, 2, 2, 2]  # 27 in all (B5)
ADJUSTMENTS = [("昆山市", Decimal("2"), "重大项目服务专班获省级表彰"),
               ("相城区", Decimal("1"), "引进百亿级产业项目"),
               ("吴江区", Decimal("-1.5"), "月报数据报送逾期被通报")]


def _districts(city: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(parent=city, kind__in=DISTRICT_KINDS).order_by("sort_order", "pk"))


def _last_event(project: Project) -> datetime.date:
    return StageEvent.objects.filter(project=project).order_by("-date").values_list("date", flat=True).first()


def _advance(rng: random.Random, project: Project, steps: list[str], start: datetime.date, end: datetime.date
             ) -> int:
    """Record the next lifecycle steps in order, each after the last, all inside [start, end]. Returns how many."""
    done = 0
    for stage in steps:
        after = max(_last_event(project) + datetime.timedelta(days=10), start)
        if after > end:
            break
        record_stage(project=project, stage=stage, date=after + datetime.timedelta(
            days=rng.randint(0, max(0, min(40, (end - after).days)))), note="演示", actor=_demo_actor())
        done += 1
    return done


def _later_stages(rng: random.Random, city: OrgUnit, start: datetime.date, end: datetime.date) -> None:
    """竣工 / 投产 / 达产 for some projects of the city, dated inside [start, end]."""
    in_city = Project.objects.filter(unit__path__startswith=city.path)
    # The 2023 signing cohort: started projects, some of which complete, go into production and reach capacity.
    cohort = list(in_city.filter(
        stage=Stage.STARTED,
        stage_events__stage=Stage.SIGNED, stage_events__date__year=2023,
    ).filter(Exists(StageEvent.objects.filter(project=OuterRef("pk"), stage=Stage.STARTED,
                                              date__lte=start - datetime.timedelta(days=60)))).order_by("pk"))
    for i, p in enumerate(cohort):
        if i % 5 in (0, 1):
            steps = [Stage.COMPLETED, Stage.OPERATING] + ([Stage.AT_CAPACITY] if i % 10 == 0 else [])
            _advance(rng, p, steps, start, end)
    # Listed projects planned to complete or go into production this year: about half have done so.
    entries = ListEntry.objects.filter(annual_list__city=city, year=2024, project__stage=Stage.STARTED).filter(
        planned_completion=True) | ListEntry.objects.filter(annual_list__city=city, year=2024,
                                                            project__stage=Stage.STARTED, planned_operation=True)
    seen = set()
    for i, e in enumerate(entries.select_related("project").order_by("project_id")):
        if e.project_id in seen or i % 2:
            continue
        seen.add(e.project_id)
        steps = [Stage.COMPLETED] + ([Stage.OPERATING] if e.planned_operation else [])
        _advance(rng, e.project, steps, start, end)


def _rules(city: OrgUnit, rules: list[dict]) -> None:
    for i, r in enumerate(rules):
        services.save_rule(city=city, sort_order=(i + 1) * 10, reason="演示: 本市预警规则", actor=_demo_actor(), **r)


def _highlights(rng: random.Random, campaign, districts: list[OrgUnit]) -> int:
    n = 0
    for unit, count in zip(districts, HIGHLIGHTS_PER_DISTRICT, strict=False):
        picks = list(Project.objects.filter(
            unit__path__startswith=unit.path, list_entries__year=2024, category__code="industry",
        ).distinct().order_by("-total_investment", "pk")[:count])
        for i, p in enumerate(picks):
            yi = (p.total_investment / Decimal(10000)).quantize(Decimal("0.1"))
            services.add_highlight(
                campaign=campaign, unit=unit, project=p, title=p.name, sort_order=i, is_demo=True,
                summary=f"计划总投资 {yi} 亿元。{rng.choice(['主体结构全面封顶', '首批设备进场安装', '生产线试运行', '当年拿地当年开工'])},"
                        f" 二季度进度领先 (演示数据)。", actor=_demo_actor())
            n += 1
    return n


@transaction.atomic
def build_dashboard_demo(*, zhenjiang: OrgUnit, suzhou: OrgUnit, progress=None) -> dict:
    """Add the dashboard's demo data to the built demo; returns what it made."""
    say = progress or (lambda msg: None)
    rng = random.Random(SEED)
    _rules(zhenjiang, ZHENJIANG_RULES)
    _rules(suzhou, SUZHOU_RULES)
    _later_stages(rng, zhenjiang, D(2024, 1, 10), D(2024, 5, 28))
    _later_stages(rng, suzhou, D(2024, 4, 2), D(2024, 6, 28))
    say("驾驶舱: 红黄绿灯规则与竣工、投产、达产节点")

    districts = _districts(suzhou)
    q1 = services.create_campaign(
        city=suzhou, name="2024年一季度重大项目“双比双看”", year=2024, first_month=1, last_month=3, units=districts,
        indicators=INDICATORS, description="比投资强度、比落地产出, 看项目进度、看服务实效 (演示)。", is_demo=True, actor=_demo_actor())
    q2 = services.create_campaign(
        city=suzhou, name="2024年二季度重大项目“双比双看”", year=2024, first_month=4, last_month=6, units=districts,
        indicators=INDICATORS, previous=q1, is_demo=True,
        description="十个板块现场展示亮点项目, 比投资强度、比落地产出, 看项目进度、看服务实效 (演示)。", actor=_demo_actor())
    by_name = {u.name: u for u in districts}
    for name, points, reason in ADJUSTMENTS:
        if name in by_name:
            services.add_adjustment(campaign=q2, unit=by_name[name], points=points, reason=reason, actor=_demo_actor())
    highlights = _highlights(rng, q2, districts)
    for c in (q1, q2):
        services.set_published(campaign=c, published=True, reason="演示: 发布红黑榜", actor=_demo_actor())
    say(f"苏州市: 双比双看 {len(districts)} 个板块, {highlights} 个亮点项目")
    return {"campaigns": [q1, q2], "highlights": highlights}
