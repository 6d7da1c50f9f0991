"""The demo: 江苏省 with 镇江市 and 苏州市, synthetic projects (marked 演示) built through the same services as user
input, so that the engine, computing from project-level records, prints the published figures of
shared/reference/bulletins-2024.md (A1–A9, B1–B4). Deterministic: a fixed seed.

How the published aggregates are met: each figure is a total over a set of projects; the builder creates
that set with amounts split exactly from the total (allocate.split_total), and places every other project's
dated events outside the figure's window or below its threshold, so filters matter and nothing leaks in.
No aggregate is stored anywhere.

Every project signed in 2023 or 2024 is signed through the attraction pipeline (attraction/demo.py `Pipeline`):
a lead moved through its stages and `sign_lead`, which creates the project and its 签约 event with the
contract, so the new-signing figures (A1/A2, B1–B4) count contracts. Projects signed earlier are created with
`create_project` and their stages entered directly. The pipeline draws nothing from `rng`."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from tuijin.attraction.demo import Pipeline
from tuijin.core import exports
from tuijin.indicators.store import deferred_refresh
from tuijin.industry.services import add_node, create_enterprise, create_taxonomy, record_sales
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.services import create_unit
from tuijin.projects.models import Category, Stage, stage_rank
from tuijin.projects.services import (
    add_list_entry,
    advance_to,
    create_list,
    create_project,
    ensure_categories,
    record_milestone,
)

from .allocate import month_weights, split_total


def _demo_actor():
    """The named system actor the demo writes as (services refuse a write without an actor)."""
    from tuijin.accounts.services import system_actor

    return system_actor("演示数据")

SEED = 20240701
D = datetime.date

# (name, kind, region code) — the units named in the reference file.
ZHENJIANG_UNITS = [
    ("京口区", "district", "321102"), ("润州区", "district", "321111"), ("丹徒区", "district", "321112"),
    ("丹阳市", "county_city", "321181"), ("句容市", "county_city", "321183"), ("扬中市", "county_city", "321182"),
    ("镇江新区", "zone", "321191"), ("镇江高新区", "zone", "321192"),
]
SUZHOU_UNITS = [
    ("张家港市", "county_city", "320582"), ("常熟市", "county_city", "320581"), ("太仓市", "county_city", "320585"),
    ("昆山市", "county_city", "320583"), ("吴江区", "district", "320509"), ("吴中区", "district", "320506"),
    ("相城区", "district", "320507"), ("姑苏区", "district", "320508"), ("苏州工业园区", "zone", "320571"),
    ("苏州高新区", "zone", "320505"),
]
DEPARTMENTS = ["发展和改革委员会", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "地方金融管理局",
               "工业和信息化局", "商务局"]

# 镇江 "四群八链": 4 clusters, 8 chains.
ZHENJIANG_CHAINS = {
    "高端装备": ["智能电气", "航空航天", "海工装备"],
    "新材料": ["高性能材料"],
    "新能源": ["新能源电池及储能", "光伏"],
    "生命健康": ["生物医药", "医疗器械"],
}
ZHENJIANG_876 = {
    "八大重点产业链": ["智能电气", "航空航天", "高性能材料", "新能源电池", "光伏", "生物医药", "医疗器械", "数字经济"],
    "七大未来产业": ["氢能", "合成生物", "低空经济", "人工智能", "第三代半导体", "商业航天", "前沿新材料"],
    "六大传统产业": ["化工", "造纸", "眼镜", "五金工具", "船舶", "建材"],
}
# 苏州 "1030产业体系": 10 industries, 30 chains.
SUZHOU_1030 = {
    "电子信息": ["集成电路", "新型显示", "网络通信"],
    "装备制造": ["高端装备", "智能制造装备", "机器人"],
    "生物医药": ["创新药", "医疗器械", "生物技术"],
    "先进材料": ["新型金属材料", "高性能纤维", "先进化工材料"],
    "新能源": ["光伏", "储能", "氢能"],
    "汽车及零部件": ["新能源汽车", "智能网联汽车", "汽车零部件"],
    "软件和信息服务": ["工业软件", "信息技术服务", "数字内容"],
    "航空航天": ["航空装备", "卫星应用", "低空经济"],
    "纺织服装": ["高端纺织", "品牌服装", "功能性纤维"],
    "现代服务业": ["现代物流", "科技服务", "金融科技"],
}

WORDS = ["智能", "高端", "绿色", "数字化", "精密", "新型", "先进", "零碳", "集成", "特种"]
PRODUCTS = ["电气设备", "储能系统", "动力电池", "光伏组件", "航空零部件", "复合材料", "医疗器械", "生物制剂",
            "海工装备", "数控机床", "半导体材料", "新能源汽车零部件", "工业机器人", "特种纤维", "精细化工"]
SUFFIXES = ["生产基地项目", "产业园项目", "扩建项目", "研发及产业化项目", "智能工厂项目", "技术改造项目"]
INFRA = ["快速路改造工程", "综合管廊工程", "污水处理厂扩建工程", "轨道交通配套工程", "港区码头工程", "综合交通枢纽"]
SOCIAL = ["人民医院新院区", "中小学新建工程", "养老服务中心", "保障性租赁住房", "体育中心", "文化艺术中心"]
ECOLOGY = ["生态修复工程", "河道综合整治工程", "湿地公园", "固废处置中心"]


@dataclass
class DemoResult:
    cities: dict[str, OrgUnit] = field(default_factory=dict)
    units: dict[str, OrgUnit] = field(default_factory=dict)
    projects: int = 0
    reports: int = 0
    logins: list[dict] = field(default_factory=list)
    reconciliation: dict[str, str] = field(default_factory=dict)  # planted differences: role → project code


class Builder:
    """Builds the demo through the services. One instance per build; `rng` makes it deterministic."""

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.rng = random.Random(SEED)
        self.progress = progress or (lambda msg: None)
        self.serial: dict[str, int] = {}
        self.result = DemoResult()
        self.pending_reports: dict[tuple[int, int], list[tuple[str, int, str]]] = {}
        self.categories: dict[str, Category] = {}
        self.sectors: dict = {}  # city id (or ('nature', city id)) → {name: 行业领域 / 建设性质}
        self.pipeline = Pipeline()

    # ------------------------------------------------------------ basics

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def code(self, unit: OrgUnit, year: int) -> str:
        """A well-formed 24-character code: year, region, sector, type, serial and a check character."""
        n = self.serial[unit.region_code] = self.serial.get(unit.region_code, 0) + 1
        sector = self.rng.choice(["34", "35", "39", "44", "48"])
        ptype = self.rng.choice(["01", "02", "03"])
        body = f"{year}{unit.region_code}{sector}{ptype}{n:05d}"
        check = "0123456789ABCDEFGHJKLMNPQRTUWXY"[sum((i + 1) * int(c) for i, c in enumerate(body)) % 31]
        return f"{year}-{unit.region_code}-{sector}-{ptype}-{n:05d}{check}"

    def name(self, unit: OrgUnit, category: str) -> str:
        short = unit.name.replace("市", "").replace("区", "") if len(unit.name) > 2 else unit.name
        if category == "产业":
            body = f"{self.rng.choice(WORDS)}{self.rng.choice(PRODUCTS)}{self.rng.choice(SUFFIXES)}"
        elif category == "基础设施":
            body = self.rng.choice(INFRA)
        elif category == "社会民生":
            body = self.rng.choice(SOCIAL)
        else:
            body = self.rng.choice(ECOLOGY)
        n = self.serial["names"] = self.serial.get("names", 0) + 1
        return f"{short}{body}（演示{n:04d}）"

    def sector_of(self, unit: OrgUnit, category: str):
        """The demo's 行业领域 of a project, from its category and a count (never a draw from `rng`, so every
        amount stays what it was): 产业 → 工业科技 (every fifth 商贸服务), 基础设施 → 交通 / 能源 / 农林水利 in
        turn, 社会民生 → 社会事业, 生态环保 → 城建环保. The city's own 行业领域 (ensure_dimensions)."""
        from tuijin.projects.models import Sector

        city = unit.city()
        if city.pk not in self.sectors:
            self.sectors[city.pk] = {s.name: s for s in Sector.objects.filter(city=city)}
        n = self.serial[f"sector:{category}"] = self.serial.get(f"sector:{category}", 0) + 1
        name = {"产业": "商贸服务" if n % 5 == 0 else "工业科技", "基础设施": ("交通", "能源", "农林水利")[n % 3],
                "社会民生": "社会事业", "生态环保": "城建环保"}.get(category)
        return self.sectors[city.pk].get(name)

    def nature_of(self, unit: OrgUnit, name: str):
        """建设性质 新建 / 续建 of the city (read once per city)."""
        from tuijin.projects.models import BuildNature

        city = unit.city()
        key = ("nature", city.pk)
        if key not in self.sectors:
            self.sectors[key] = {n.name: n for n in BuildNature.objects.filter(city=city)}
        return self.sectors[key].get(name)

    def project(self, unit: OrgUnit, *, total: int, category: str = "产业", stages: dict[str, datetime.date],
                chains: list | None = None, registered: datetime.date | None = None, nature: str | None = None):
        """One demo project. Signed in 2023 or 2024, it is signed through the attraction pipeline (a lead, its
        stages, `sign_lead`, which creates the project and its 签约 event); otherwise `create_project`. Either
        way the fields, and the draws from `self.rng`, are the same; the later stages are entered here."""
        first = min(stages.values()) if stages else D(2024, 1, 1)
        registered = registered or max(D(2019, 1, 1), first - datetime.timedelta(days=self.rng.randint(20, 200)))
        node = self.rng.choice(chains) if chains and category == "产业" else None
        # Drawn in this order (code, name, owner, leader): the sequence every synthetic amount depends on.
        code = self.code(unit, registered.year)
        name = self.name(unit, category)
        owner = f"{unit.name}演示企业{self.rng.randint(1, 999):03d}有限公司"
        fields = {"location": unit.name, "description": "演示数据: 合成项目, 不对应真实项目。",
                  "responsible_leader": self.rng.choice(["张副市长", "李副市长", "王副市长", "陈副市长"]),
                  "sector": self.sector_of(unit, category),
                  "nature": self.nature_of(unit, nature) if nature else None}
        if self.pipeline.applies(stages):
            if any(stage_rank(s) < stage_rank(Stage.SIGNED) for s in stages):
                raise AssertionError("a project signed through the pipeline has no stage before 签约")
            project = self.pipeline.sign(
                unit=unit, code=code, name=name, category=self.categories[category], total=total,
                industry_node=node, owner=owner, registered=registered, signed_on=stages[Stage.SIGNED],
                project_fields={**fields, "registered_on": registered})
            later = {s: d for s, d in stages.items() if s != Stage.SIGNED}
        else:
            project, _ = create_project(
                code=code, name=name, unit=unit, category=self.categories[category],
                total_investment=Decimal(total), industry_node=node, owner=owner, is_demo=True,
                registered_on=registered, actor=_demo_actor(), **fields)
            later = stages
        if later:
            advance_to(project=project, dates=later, actor=_demo_actor())
        self.result.projects += 1
        return project

    def reports(self, project, year: int, months: list[int], total: int) -> None:
        """Monthly reports whose amounts add up to `total` (万元) over `months`. They are kept until the city
        is built, then imported month by month (import_reports), as a city's 重大办 imports its reports."""
        amounts = split_total(total, len(months), self.rng, weights=month_weights(months, self.rng))
        for m, a in zip(months, amounts, strict=True):
            text = self.rng.choice(["主体结构施工中", "设备安装调试", "厂房封顶", "基础施工", "室内装修",
                                    "道路管网施工", "桩基施工完成"])
            self.pending_reports.setdefault((year, m), []).append((project.code, a, text))
            self.result.reports += 1

    def import_reports(self, city: OrgUnit) -> None:
        """The city's monthly reports through the spreadsheet import (progress.importer: the same checks as
        the report form, written in bulk), one CSV per month in order, by an import account of the city
        (市管理员, switched off afterwards: nobody logs in with it)."""
        import secrets

        from tuijin.accounts.models import Role
        from tuijin.accounts.services import create_user, set_user_active
        from tuijin.progress.importer import commit_import, plan_import

        loader = create_user(username=f"import_{city.region_code}", password=secrets.token_urlsafe(24) + "Aa1!",
                             unit=city, role=Role.CITY_ADMIN, first_name=f"{city.name}月报导入 (演示数据)", actor=_demo_actor())
        for (year, month), rows in sorted(self.pending_reports.items()):
            data = exports.csv_text([["项目代码", "当月完成投资(万元)", "形象进度"], *rows]).encode("utf-8")
            name = f"{city.name}{year}年{month}月重大项目进展.csv"
            plan = plan_import(user=loader, data=data, filename=name, year=year, month=month)
            if not plan.ok or plan.warnings:
                raise AssertionError(f"{name}: {[str(e) for e in plan.errors] + plan.warnings}")
            commit_import(user=loader, plan=plan)
        self.pending_reports.clear()
        set_user_active(user=loader, active=False, reason="演示数据导入完毕", actor=_demo_actor())

    def tree(self, province: OrgUnit, city_name: str, region: str, units) -> tuple[OrgUnit, dict[str, OrgUnit]]:
        city = create_unit(name=city_name, kind="city", parent=province, region_code=region, actor=_demo_actor())
        made = {}
        for i, (name, kind, code) in enumerate(units):
            made[name] = create_unit(name=name, kind=kind, parent=city, region_code=code, sort_order=i + 1, actor=_demo_actor())
        for dept in DEPARTMENTS:
            made[dept] = create_unit(name=f"{city_name}{dept}", kind="department", parent=city, actor=_demo_actor())
        self.result.cities[city_name] = city
        self.result.units.update({f"{city_name}/{k}": v for k, v in made.items()})
        return city, made

    def taxonomy(self, city, name: str, levels: list[str], tree: dict[str, list[str]], primary: bool):
        tax = create_taxonomy(city=city, name=name, level_names=levels, is_primary=primary, actor=_demo_actor())
        clusters, chains = {}, {}
        for i, (cluster, children) in enumerate(tree.items()):
            c = add_node(taxonomy=tax, name=cluster, sort_order=i, actor=_demo_actor())
            clusters[cluster] = c
            for j, chain in enumerate(children):
                chains[chain] = add_node(taxonomy=tax, name=chain, parent=c, sort_order=j, actor=_demo_actor())
        return clusters, chains

    # ------------------------------------------------------------ listed projects

    def listed(self, city, districts: list[OrgUnit], lst, *, n: int, plan_total: int, done_total: int,
               planned_starts: list[int], started_by: datetime.date, chains, report_months: list[int],
               done_months: list[int], category_mix: dict[str, float], prior_list=None,
               plan_min: int = 2000, avoid_signing: tuple[datetime.date, datetime.date] | None = None):
        """`n` projects on a 2024 list: plans add up to `plan_total`, completed over `done_months` to
        `done_total`. The first len(planned_starts) are planned new starts with those planned months; those
        whose planned month is on or before `started_by` have started; the rest are continuing (续建)."""
        plans = split_total(plan_total, n, self.rng, minimum=plan_min, step=100)
        weights = [p * self.rng.uniform(0.7, 1.3) for p in plans]
        done = split_total(done_total, n, self.rng, weights=weights)
        cats = list(category_mix)
        for i in range(n):
            unit = districts[i % len(districts)]
            category = self.rng.choices(cats, weights=[category_mix[c] for c in cats])[0]
            total = max(plans[i] * self.rng.randint(2, 6), 5000)
            total = (total // 100) * 100
            is_new = i < len(planned_starts)
            if is_new:
                month = planned_starts[i]
                signed = self.date_between(D(2023, 7, 1), D(2023, 12, 20))
                stages = {Stage.SIGNED: signed}
                if D(2024, month, 1) <= started_by:
                    stages[Stage.STARTED] = self.date_between(D(2024, month, 1), D(2024, month, 25))
            else:
                signed = self.date_between(D(2020, 3, 1), D(2022, 10, 1))
                stages = {Stage.SIGNED: signed,
                          Stage.STARTED: self.date_between(signed + datetime.timedelta(days=30), D(2022, 12, 20))}
            if avoid_signing and avoid_signing[0] <= stages[Stage.SIGNED] <= avoid_signing[1]:
                raise AssertionError("listed project signed inside a published window")
            p = self.project(unit, total=total, category=category, stages=stages, chains=chains,
                             nature="新建" if is_new else "续建")
            add_list_entry(annual_list=lst, project=p, year=2024, annual_plan=Decimal(plans[i]),
                           planned_new_start=is_new, planned_start_month=planned_starts[i] if is_new else None,
                           continuing=not is_new, planned_completion=(not is_new and i % 4 == 0),
                           planned_operation=(not is_new and i % 6 == 0), actor=_demo_actor())
            extra = [m for m in report_months if m not in done_months]
            self.reports(p, 2024, done_months, done[i])
            if extra:
                self.reports(p, 2024, extra, max(plans[i] // 12, 1) * len(extra))
            if not is_new and prior_list is not None:
                plan23 = (plans[i] * self.rng.randint(80, 120) // 100 // 100 + 1) * 100
                add_list_entry(annual_list=prior_list, project=p, year=2023, annual_plan=Decimal(plan23),
                               continuing=True, actor=_demo_actor())
                self.reports(p, 2023, list(range(1, 13)), plan23 * self.rng.randint(85, 110) // 100)
            if i % 9 == 0 and Stage.STARTED in stages:
                record_milestone(project=p, kind="land", actual_date=stages[Stage.SIGNED] + datetime.timedelta(days=20), actor=_demo_actor())
        self.progress(f"{lst.name} {n} 个项目")

    def signed_set(self, units: list[OrgUnit], *, n: int, total: int, window: tuple[datetime.date, datetime.date],
                   category: str = "产业", chains=None, then_start: bool = False, minimum: int = 10000,
                   start_limit: datetime.date | None = None):
        """`n` projects signed inside `window`, total planned investment adding up to `total` (万元)."""
        start_limit = start_limit or D(2024, 6, 30)
        if minimum < 10000:
            # Below the 亿元 threshold on purpose: every amount stays under 10000 万元 (`total` is ignored).
            totals = [self.rng.randrange(minimum, 10000, 100) for _ in range(n)]
        else:
            totals = split_total(total, n, self.rng, minimum=minimum, step=100)
        if n >= 3 and minimum == 10000:
            totals.sort()
            # Make sure the threshold's edge is exercised: one project at exactly 1亿 when possible.
            if totals[0] > minimum:
                diff = totals[0] - minimum
                totals[0], totals[-1] = minimum, totals[-1] + diff
            self.rng.shuffle(totals)
        for i, t in enumerate(totals):
            signed = self.date_between(*window)
            stages = {Stage.SIGNED: signed}
            if then_start and i % 3 == 0:
                start = signed + datetime.timedelta(days=self.rng.randint(20, 120))
                if start <= start_limit:
                    stages[Stage.STARTED] = start
            self.project(units[i % len(units)], total=t, category=category, stages=stages, chains=chains)

    # ------------------------------------------------------------ 镇江市

    def zhenjiang(self, province):
        city, u = self.tree(province, "镇江市", "321100", ZHENJIANG_UNITS)
        park = create_unit(name="丹阳经济开发区", kind="park", parent=u["丹阳市"], region_code="321181", actor=_demo_actor())
        self.result.units["镇江市/丹阳经济开发区"] = park
        districts = [u[n] for n, _, _ in ZHENJIANG_UNITS]
        places = districts + [park]
        _, chains = self.taxonomy(city, "四群八链", ["产业集群", "产业链"], ZHENJIANG_CHAINS, primary=True)
        self.taxonomy(city, "876创新体系", ["产业类别", "产业链"], ZHENJIANG_876, primary=False)
        chain_nodes = list(chains.values())
        self.progress("镇江市: 组织机构与产业体系")

        lists = {name: create_list(city=city, name=name, rank=rank, short_name=short, actor=_demo_actor()) for name, rank, short in [
            ("省重大项目", 1, "省重大"), ("市重大项目", 2, "市重大"), ("县区重点项目", 3, "县区重点"),
            ("智能化数字化技改项目", 5, "智改数转"), ("传统产业焕新升级项目", 6, "焕新升级")]}
        h1_2023, h1_2024 = (D(2023, 1, 1), D(2023, 6, 30)), (D(2024, 1, 1), D(2024, 6, 30))

        # A3, A4: 17 provincial major projects, 1-5月 completed 31.9亿 of a 70.7亿 plan; 10 planned starts, 9 started.
        self.listed(city, places, lists["省重大项目"], n=17, plan_total=707_000, done_total=319_000,
                    planned_starts=[1, 2, 2, 3, 3, 4, 4, 5, 5, 6], started_by=D(2024, 5, 31), chains=chain_nodes,
                    report_months=[1, 2, 3, 4, 5, 6], done_months=[1, 2, 3, 4, 5],
                    category_mix={"产业": 0.7, "基础设施": 0.2, "社会民生": 0.1}, prior_list=lists["省重大项目"],
                    plan_min=15_000)
        # A5: 310 municipal major projects, completed 268.4亿 of a 601.8亿 plan.
        starts = [self.rng.randint(1, 10) for _ in range(80)]
        self.listed(city, places, lists["市重大项目"], n=310, plan_total=6_018_000, done_total=2_684_000,
                    planned_starts=starts, started_by=D(2024, 5, 31), chains=chain_nodes,
                    report_months=[1, 2, 3, 4, 5, 6], done_months=[1, 2, 3, 4, 5],
                    category_mix={"产业": 0.6, "基础设施": 0.2, "社会民生": 0.12, "生态环保": 0.08},
                    prior_list=lists["市重大项目"])
        # A6, A7: 124 projects on each upgrading list.
        for name in ("智能化数字化技改项目", "传统产业焕新升级项目"):
            self.listed(city, places, lists[name], n=124, plan_total=124 * 2600, done_total=124 * 1100,
                        planned_starts=[], started_by=D(2024, 5, 31), chains=chain_nodes,
                        report_months=[1, 2, 3, 4, 5], done_months=[1, 2, 3, 4, 5],
                        category_mix={"产业": 1.0}, plan_min=500)
        # A1, A2: new industrial signings ≥ 1亿: 2024 H1 221 / 1094.6亿, 2023 H1 187 / 992.4亿.
        self.signed_set(places, n=221, total=10_946_000, window=h1_2024, chains=chain_nodes, then_start=True)
        self.signed_set(places, n=187, total=9_924_000, window=h1_2023, chains=chain_nodes, then_start=True)
        # Outside the figures: below the threshold, another category, or another half year.
        self.signed_set(places, n=40, total=40 * 5000, window=h1_2024, chains=chain_nodes, minimum=1000)
        self.signed_set(places, n=25, total=25 * 30000, window=h1_2024, category="基础设施", minimum=10000)
        self.signed_set(places, n=20, total=20 * 40000, window=(D(2023, 7, 1), D(2023, 12, 31)), chains=chain_nodes)
        self.signed_set(places, n=15, total=15 * 4000, window=h1_2023, chains=chain_nodes, minimum=1000)
        for i in range(30):
            stage = {Stage.NEGOTIATING: self.date_between(D(2024, 1, 1), D(2024, 6, 30))} if i % 2 else {}
            self.project(places[i % len(places)], total=self.rng.randint(1, 50) * 2000, stages=stage,
                         chains=chain_nodes, registered=D(2023, 12, 1))
        self.progress("镇江市: 签约、开工项目")
        self.import_reports(city)
        self.chains_sales(city, places, chains)
        return city, u

    def chains_sales(self, city, places, chains: dict):
        """A8, A9: above-scale industry 1-5月 invoiced sales; the chains' and clusters' shares and growth."""
        # 1-5月 totals (万元): chain enterprises, cluster-only enterprises, the rest of above-scale industry.
        groups = {"chain": (13_440_000, 13_035_887), "cluster_only": (1_380_000, 1_338_507),
                  "rest": (5_180_000, 5_585_686)}
        from tuijin.industry.models import TaxonomyNode

        cluster_nodes = list(TaxonomyNode.objects.filter(taxonomy__city=city, taxonomy__is_primary=True, depth=1))
        chain_nodes = list(chains.values())
        counts = {"chain": 96, "cluster_only": 16, "rest": 60}
        for group, n in counts.items():
            this_year = split_total(groups[group][0], n, self.rng, minimum=1000)
            last_year = [int(x * groups[group][1] / groups[group][0]) for x in this_year]
            last_year[0] += groups[group][1] - sum(last_year)
            for i in range(n):
                if group == "chain":
                    nodes = [chain_nodes[i % len(chain_nodes)]]
                    if i % 15 == 0:  # some enterprises belong to two chains; level totals count them once
                        nodes.append(chain_nodes[(i + 3) % len(chain_nodes)])
                elif group == "cluster_only":
                    nodes = [cluster_nodes[i % len(cluster_nodes)]]
                else:
                    nodes = []
                ent = create_enterprise(unit=places[i % len(places)], nodes=nodes,
                                        name=f"{city.name}演示规上企业{group}{i + 1:03d}", actor=_demo_actor())
                for year, total, months in ((2024, this_year[i], [1, 2, 3, 4, 5]),
                                            (2023, last_year[i], [1, 2, 3, 4, 5])):
                    parts = split_total(total, 5, self.rng, weights=month_weights(months, self.rng))
                    for m, a in zip(months, parts, strict=True):
                        record_sales(enterprise=ent, year=year, month=m, invoiced_sales=a, actor=_demo_actor())
                # Months outside 1-5月 exist too, and must not change A8/A9.
                record_sales(enterprise=ent, year=2024, month=6, invoiced_sales=this_year[i] // 5, actor=_demo_actor())
                record_sales(enterprise=ent, year=2023, month=6, invoiced_sales=last_year[i] // 5, actor=_demo_actor())
        self.progress("镇江市: 规上工业企业开票销售")

    # ------------------------------------------------------------ 苏州市

    def suzhou(self, province):
        city, u = self.tree(province, "苏州市", "320500", SUZHOU_UNITS)
        _, chains = self.taxonomy(city, "1030产业体系", ["重点产业", "产业链"], SUZHOU_1030, primary=True)
        chain_nodes = list(chains.values())
        districts = [u[n] for n, _, _ in SUZHOU_UNITS]
        q1 = (D(2024, 1, 1), D(2024, 3, 31))
        self.progress("苏州市: 组织机构与产业体系")

        # B2–B4: industrial ≥1亿 in 常熟市, 苏州工业园区, 苏州高新区: (count, total 万元) signed / started / operating.
        named = {
            "常熟市": ((45, 2_284_000), (20, 1_010_000), (22, 1_039_000)),
            "苏州工业园区": ((60, 4_666_000), (40, 6_465_000), (10, 644_000)),
            "苏州高新区": ((40, 2_288_000), (25, 1_650_000), (18, 1_230_000)),
        }
        counts = {"signed": 481, "started": 301, "operating": 248}
        for name, (signed, started, operating) in named.items():
            unit = [u[name]]
            self.signed_set(unit, n=signed[0], total=signed[1], window=q1, chains=chain_nodes)
            self.started_set(unit, n=started[0], total=started[1], window=q1, chains=chain_nodes)
            self.operating_set(unit, n=operating[0], total=operating[1], window=q1, chains=chain_nodes)
            # Non-industrial projects ≥1亿 in the same units count in B1, not in B2–B4.
            self.signed_set(unit, n=3, total=3 * 25_000, window=q1, category="基础设施")
            self.started_set(unit, n=2, total=2 * 40_000, window=q1, category="社会民生")
            self.operating_set(unit, n=2, total=2 * 30_000, window=q1, category="基础设施")
            counts["signed"] -= signed[0] + 3
            counts["started"] -= started[0] + 2
            counts["operating"] -= operating[0] + 2
        others = [u[n] for n, _, _ in SUZHOU_UNITS if n not in named]
        self.signed_set(others, n=counts["signed"], total=counts["signed"] * 42_000, window=q1, chains=chain_nodes)
        self.started_set(others, n=counts["started"], total=counts["started"] * 55_000, window=q1, chains=chain_nodes)
        self.operating_set(others, n=counts["operating"], total=counts["operating"] * 38_000, window=q1,
                           chains=chain_nodes)
        # Outside B1: below 1亿, or in April.
        self.signed_set(districts, n=50, total=50 * 4_000, window=q1, chains=chain_nodes, minimum=500)
        self.signed_set(districts, n=30, total=30 * 30_000, window=(D(2024, 4, 1), D(2024, 6, 30)), chains=chain_nodes)
        self.progress("苏州市: 一季度签约、开工、投产项目")

        lists = {name: create_list(city=city, name=name, rank=rank, short_name=short, actor=_demo_actor()) for name, rank, short in [
            ("省重大项目", 1, "省重大"), ("市重大项目", 2, "市重大"), ("新增长点项目", 7, "新增长点")]}
        self.listed(city, districts, lists["省重大项目"], n=30, plan_total=30 * 60_000, done_total=30 * 27_000,
                    planned_starts=[4, 4, 5, 5, 6, 6, 7, 8], started_by=D(2024, 6, 30), chains=chain_nodes,
                    report_months=[1, 2, 3, 4, 5, 6], done_months=[1, 2, 3, 4, 5, 6],
                    category_mix={"产业": 0.8, "基础设施": 0.2}, prior_list=lists["省重大项目"], plan_min=10_000)
        self.listed(city, districts, lists["市重大项目"], n=120, plan_total=120 * 18_000, done_total=120 * 8_800,
                    planned_starts=[self.rng.randint(4, 9) for _ in range(40)], started_by=D(2024, 6, 30),
                    chains=chain_nodes, report_months=[1, 2, 3, 4, 5, 6], done_months=[1, 2, 3, 4, 5, 6],
                    category_mix={"产业": 0.7, "基础设施": 0.2, "社会民生": 0.1}, prior_list=lists["市重大项目"])
        self.import_reports(city)
        self.progress("苏州市: 省市重大项目与月报")
        return city, u

    def started_set(self, units, *, n, total, window, category="产业", chains=None):
        """Projects signed in 2023 (after Q1, so no 2024 signing figure moves) and started inside `window`."""
        totals = split_total(total, n, self.rng, minimum=10000, step=100)
        for i, t in enumerate(totals):
            start = self.date_between(*window)
            signed = self.date_between(D(2023, 4, 1), D(2023, 11, 30))
            self.project(units[i % len(units)], total=t, category=category, chains=chains,
                         stages={Stage.SIGNED: signed, Stage.STARTED: start})

    def operating_set(self, units, *, n, total, window, category="产业", chains=None):
        """Projects signed and started in 2021-2022, completed in 2023, in production inside `window`."""
        totals = split_total(total, n, self.rng, minimum=10000, step=100)
        for i, t in enumerate(totals):
            signed = self.date_between(D(2021, 1, 1), D(2021, 12, 31))
            started = self.date_between(D(2022, 1, 1), D(2022, 9, 30))
            completed = self.date_between(D(2023, 5, 1), D(2023, 12, 20))
            self.project(units[i % len(units)], total=t, category=category, chains=chains,
                         stages={Stage.SIGNED: signed, Stage.STARTED: started, Stage.COMPLETED: completed,
                                 Stage.OPERATING: self.date_between(*window)})

    # ------------------------------------------------------------ all

    def build(self) -> DemoResult:
        ensure_categories()
        self.categories = {c.name: c for c in Category.objects.all()}
        province = create_unit(name="江苏省", kind="province", region_code="320000", actor=_demo_actor())
        self.result.units["江苏省"] = province
        zj, zj_units = self.zhenjiang(province)
        sz, sz_units = self.suzhou(province)
        self.extras(zj, zj_units, sz, sz_units, province)
        return self.result

    def extras(self, zj, zj_units, sz, sz_units, province):
        """Reporting periods, and modules that add to the demo (users, livelihood items …) when installed."""
        from django.utils import timezone

        # 1-6月 are closed and locked; 7月 is open (its deadline is kept ahead of today so the demo can be used).
        from tuijin.accounts.services import system_actor
        from tuijin.progress.services import open_period

        demo = system_actor("演示数据")  # the demo builder writes as the named system actor, audited as such
        for city in (zj, sz):
            for month in range(1, 7):
                open_period(city=city, year=2024, month=month, opens_on=D(2024, month, 1),
                            deadline=D(2024, month + 1, 5), actor=demo)
            open_period(city=city, year=2024, month=7, opens_on=D(2024, 7, 1),
                        deadline=timezone.localdate() + datetime.timedelta(days=365), actor=demo)
        # 镇江市's bulletin prints its tables' amounts at 2 decimals while its text keeps 1 (issue 20): the
        # 分行业领域 table shows it (the demo's listed projects carry 行业领域, see sector_of).
        from tuijin.bulletins.services import save_config

        save_config(city=zj, table_amount_places=2, reason="演示: 表格金额保留两位小数", actor=_demo_actor())
        from tuijin.livelihood.demo import build_livelihood_demo

        depts = {k.split("/", 1)[1]: v for k, v in self.result.units.items()
                 if k.startswith("镇江市/") and v.kind == "department"}
        build_livelihood_demo(city=zj, departments=depts)
        self.progress("镇江市: 民生实事")
        from tuijin.demo.users import create_demo_users

        jingkou = zj_units["京口区"]
        self.result.logins = create_demo_users(
            zhenjiang=zj, suzhou=sz, jingkou=jingkou, department=zj_units["发展和改革委员会"],
            reporter_projects=list(jingkou.projects.order_by("id")[:5]),
        )
        from tuijin.dashboard.demo import build_dashboard_demo

        build_dashboard_demo(zhenjiang=zj, suzhou=sz)
        self.progress("驾驶舱: 预警规则与双比双看")
        from tuijin.problems.demo import build_problems_demo

        build_problems_demo(zhenjiang=zj, suzhou=sz)
        self.progress("问题协调与周调度")
        from tuijin.attraction.demo import build_attraction_demo

        build_attraction_demo(zhenjiang=zj, suzhou=sz)
        self.progress("招商引资与目标任务")
        from tuijin.geo.demo import build_geo_demo

        build_geo_demo(zhenjiang=zj, suzhou=sz)
        self.progress("一张图: 示意边界与项目坐标")
        # The reconciliation last: its statistics repeat the accepted reports.
        from tuijin.reconciliation.demo import build_reconciliation_demo

        self.result.reconciliation = build_reconciliation_demo(zhenjiang=zj, suzhou=sz)
        self.progress("统计对账: 入库清单与审批平台导出")
        from tuijin.dossier.demo import build_dossier_demo

        build_dossier_demo(cities=[zj, sz])
        self.progress("一项目一档: 审批要件")


def build_demo(progress: Callable[[str], None] | None = None) -> DemoResult:
    """Build the whole demo in one transaction (fast on SQLite, and all or nothing)."""
    # Each project's figure-store rows are recomputed once, not after each of its dozen writes.
    with transaction.atomic(), deferred_refresh():
        return Builder(progress).build()
