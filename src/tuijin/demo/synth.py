"""Province-scale synthetic data (`tuijin synth`): a Jiangsu-like province of up to 13 cities and about 100
districts, with taxonomies, projects across the whole lifecycle, annual lists, a monthly report for every
listed project and month, and enterprises with monthly sales.

The small demo (builder.py) goes through the services one object at a time; that is far too slow for
100,000 projects, so this module writes with bulk inserts in batches, assigning primary keys itself (so
children are built without a round trip, and the materialised paths are known before the insert). It
produces only data the services would accept:

- project codes are well-formed 24-character codes (GB/T 40058) with the region of the project's unit;
- stages are entered in lifecycle order with non-decreasing dates, none after the data's last day, and a
  project's `stage` is the last event's (终止 may follow any stage);
- a list entry is 计划新开工 (with a planned month) or 续建, never both, and only on its own city's lists;
- every listed project has a report for every month of the year up to the data's last month, and
  `ytd` = previous `ytd` + `amount` (months before an actual start carry 0);
- amounts are in 万元 with two decimals, never above the project's total investment.

Deterministic for a given seed and size. Marked `is_demo` (演示数据) like the demo."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tuijin.industry.models import Enterprise, MonthlySales, Taxonomy, TaxonomyNode
from tuijin.orgs.models import Conventions, OrgUnit, UnitKind
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.projects.models import (
    STAGE_ORDER,
    AnnualList,
    Category,
    EntryMonthlyPlan,
    ListEntry,
    Milestone,
    MilestoneKind,
    Project,
    Stage,
    StageEvent,
)
from tuijin.projects.services import ensure_categories

from .allocate import month_weights
from .builder import (
    DEPARTMENTS,
    ECOLOGY,
    INFRA,
    PRODUCTS,
    SOCIAL,
    SUFFIXES,
    SUZHOU_1030,
    WORDS,
    ZHENJIANG_CHAINS,
)

D = datetime.date
CHECK_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# 江苏省: 13 cities and their county-level units (区 / 县级市 / 县 / 开发区), with region codes: 98 in all.
JIANGSU = [
    ("南京市", "320100", 1.5, [
        ("玄武区", "district", "320102"), ("秦淮区", "district", "320104"), ("建邺区", "district", "320105"),
        ("鼓楼区", "district", "320106"), ("浦口区", "district", "320111"), ("栖霞区", "district", "320113"),
        ("雨花台区", "district", "320114"), ("江宁区", "district", "320115"), ("六合区", "district", "320116"),
        ("溧水区", "district", "320117"), ("高淳区", "district", "320118")]),
    ("无锡市", "320200", 1.2, [
        ("锡山区", "district", "320205"), ("惠山区", "district", "320206"), ("滨湖区", "district", "320211"),
        ("梁溪区", "district", "320213"), ("新吴区", "district", "320214"), ("江阴市", "county_city", "320281"),
        ("宜兴市", "county_city", "320282")]),
    ("徐州市", "320300", 1.0, [
        ("鼓楼区", "district", "320302"), ("云龙区", "district", "320303"), ("贾汪区", "district", "320305"),
        ("泉山区", "district", "320311"), ("铜山区", "district", "320312"), ("丰县", "county", "320321"),
        ("沛县", "county", "320322"), ("睢宁县", "county", "320324"), ("新沂市", "county_city", "320381"),
        ("邳州市", "county_city", "320382")]),
    ("常州市", "320400", 1.0, [
        ("天宁区", "district", "320402"), ("钟楼区", "district", "320404"), ("新北区", "district", "320411"),
        ("武进区", "district", "320412"), ("金坛区", "district", "320413"), ("溧阳市", "county_city", "320481")]),
    ("苏州市", "320500", 2.0, [
        ("张家港市", "county_city", "320582"), ("常熟市", "county_city", "320581"),
        ("太仓市", "county_city", "320585"), ("昆山市", "county_city", "320583"), ("吴江区", "district", "320509"),
        ("吴中区", "district", "320506"), ("相城区", "district", "320507"), ("姑苏区", "district", "320508"),
        ("苏州工业园区", "zone", "320571"), ("苏州高新区", "zone", "320505")]),
    ("南通市", "320600", 1.1, [
        ("通州区", "district", "320612"), ("崇川区", "district", "320613"), ("海门区", "district", "320614"),
        ("如东县", "county", "320623"), ("启东市", "county_city", "320681"), ("如皋市", "county_city", "320682"),
        ("海安市", "county_city", "320685")]),
    ("连云港市", "320700", 0.6, [
        ("连云区", "district", "320703"), ("海州区", "district", "320706"), ("赣榆区", "district", "320707"),
        ("东海县", "county", "320722"), ("灌云县", "county", "320723"), ("灌南县", "county", "320724")]),
    ("淮安市", "320800", 0.6, [
        ("淮安区", "district", "320803"), ("淮阴区", "district", "320804"), ("清江浦区", "district", "320812"),
        ("洪泽区", "district", "320813"), ("涟水县", "county", "320826"), ("盱眙县", "county", "320830"),
        ("金湖县", "county", "320831")]),
    ("盐城市", "320900", 0.8, [
        ("亭湖区", "district", "320902"), ("盐都区", "district", "320903"), ("大丰区", "district", "320904"),
        ("响水县", "county", "320921"), ("滨海县", "county", "320922"), ("阜宁县", "county", "320923"),
        ("射阳县", "county", "320924"), ("建湖县", "county", "320925"), ("东台市", "county_city", "320981")]),
    ("扬州市", "321000", 0.7, [
        ("广陵区", "district", "321002"), ("邗江区", "district", "321003"), ("江都区", "district", "321012"),
        ("宝应县", "county", "321023"), ("仪征市", "county_city", "321081"), ("高邮市", "county_city", "321084")]),
    ("镇江市", "321100", 0.6, [
        ("京口区", "district", "321102"), ("润州区", "district", "321111"), ("丹徒区", "district", "321112"),
        ("丹阳市", "county_city", "321181"), ("句容市", "county_city", "321183"),
        ("扬中市", "county_city", "321182"), ("镇江新区", "zone", "321191"), ("镇江高新区", "zone", "321192")]),
    ("泰州市", "321200", 0.6, [
        ("海陵区", "district", "321202"), ("高港区", "district", "321203"), ("姜堰区", "district", "321204"),
        ("兴化市", "county_city", "321281"), ("靖江市", "county_city", "321282"),
        ("泰兴市", "county_city", "321283")]),
    ("宿迁市", "321300", 0.5, [
        ("宿城区", "district", "321302"), ("宿豫区", "district", "321311"), ("沭阳县", "county", "321322"),
        ("泗阳县", "county", "321323"), ("泗洪县", "county", "321324")]),
]

GENERIC_TAXONOMY = {
    "高端装备": ["智能制造装备", "轨道交通装备", "节能环保装备"],
    "新一代信息技术": ["集成电路", "软件和信息服务", "物联网"],
    "新能源": ["光伏", "储能", "氢能"],
    "新材料": ["先进金属材料", "化工新材料"],
    "生物医药": ["创新药", "医疗器械"],
    "汽车及零部件": ["新能源汽车", "汽车零部件"],
}

# How far projects have come: the last stage a project reaches (before the data's last day), with weights.
FINAL_STAGES = [(Stage.PLANNING, 6), (Stage.NEGOTIATING, 6), (Stage.SIGNED, 14), (Stage.STARTED, 42),
                (Stage.COMPLETED, 10), (Stage.OPERATING, 14), (Stage.AT_CAPACITY, 5)]
# Days from one stage to the next (min, max).
GAPS = {Stage.NEGOTIATING: (20, 200), Stage.SIGNED: (30, 240), Stage.STARTED: (20, 200),
        Stage.COMPLETED: (300, 1000), Stage.OPERATING: (20, 200), Stage.AT_CAPACITY: (120, 600)}
CATEGORY_MIX = [("industry", 0.62), ("infrastructure", 0.2), ("social", 0.11), ("ecology", 0.07)]
LISTS = [("省重大项目", 1, "省重大"), ("市重大项目", 2, "市重大"), ("县区重点项目", 3, "县区重点"),
         ("智能化数字化技改项目", 5, "智改数转")]
PROGRESS_TEXT = ["主体结构施工中", "设备安装调试", "厂房封顶", "基础施工", "室内装修", "道路管网施工",
                 "桩基施工完成", "钢结构吊装", "试生产准备", "前期手续办理中"]
LAST_MONTH_STATUSES = [ReportStatus.ACCEPTED.value, ReportStatus.DISTRICT_ACCEPTED.value, ReportStatus.SUBMITTED.value,
                       ReportStatus.RETURNED.value]
LAST_MONTH_WEIGHTS = [60, 15, 20, 5]
LEADERS = ["张副市长", "李副市长", "王副市长", "陈副市长", "刘副市长", "周副市长"]


@dataclass
class SynthConfig:
    cities: int = 13
    projects: int = 100_000
    years: int = 2
    seed: int = 1
    last_year: int = 2024
    last_month: int = 6  # the data's last reported month of `last_year`
    chunk: int = 2000  # projects generated and inserted per transaction
    batch: int = 5000  # rows per INSERT statement (lowered by Django where the backend needs it)

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def last_day(self) -> datetime.date:
        if self.last_month == 12:
            return D(self.last_year, 12, 31)
        return D(self.last_year, self.last_month + 1, 1) - datetime.timedelta(days=1)


@dataclass
class SynthResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    province: OrgUnit | None = None


class _Writer:
    """Bulk rows into one table, fast: PostgreSQL's COPY, executemany elsewhere (SQLite). Rows are tuples of
    database-ready values for the columns named; every other column gets its model default (auto_now fields
    the load's time), so a column another module adds with a default does not break the load."""

    def __init__(self, model, columns: tuple[str, ...], now):
        self.model, self.table = model, model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{self.table}: unknown columns {sorted(unknown)}")
        rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        self.columns = [fields[c].column for c in columns] + [f.column for f in rest]
        self.extra = tuple(self._default(f, now) for f in rest)

    @staticmethod
    def _default(f, now):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            return None
        else:
            raise ValueError(f"{f.model._meta.db_table}.{f.column} has no default: give it in the rows")
        return f.get_db_prep_save(value, connection)

    def write(self, rows: list[tuple]) -> int:
        if not rows:
            return 0
        extra = self.extra
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {connection.ops.quote_name(self.table)} ({cols}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r + extra)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({cols}) VALUES ({marks})"
                for i in range(0, len(rows), 5000):
                    cur.executemany(sql, [r + extra for r in rows[i: i + 5000]])
        return len(rows)


class _Ids:
    """Primary keys handed out by us: the next free id of each table (read once at the start)."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def take(self, model, n: int = 1) -> int:
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        first = self.next[model]
        self.next[model] += n
        return first


def project_code(year: int, region: str, sector: str, ptype: str, serial: int) -> str:
    """A well-formed 24-character code with its check character (the demo builder's rule)."""
    body = f"{year}{region}{sector}{ptype}{serial:05d}"
    check = CHECK_CHARS[sum((i + 1) * int(c) for i, c in enumerate(body)) % 31]
    return f"{year}-{region}-{sector}-{ptype}-{serial:05d}{check}"


def _wan(cents: int) -> Decimal:
    """An amount in 万元 from an integer number of hundredths of 万元."""
    return Decimal(cents).scaleb(-2)


class Synth:
    def __init__(self, config: SynthConfig, progress: Callable[[int], None] | None = None,
                 say: Callable[[str], None] | None = None):
        self.cfg = config
        self.rng = random.Random(config.seed)
        self.ids = _Ids()
        self.progress = progress or (lambda n: None)
        self.say = say or (lambda msg: None)
        self.counts: dict[str, int] = {}
        self.serial: dict[tuple[str, int], int] = {}
        self.now = timezone.now()
        self.now_db = connection.ops.adapt_datetimefield_value(self.now)
        self.writers: dict = {}

    # ------------------------------------------------------------------ helpers

    def write(self, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
        key = (model, columns)
        if key not in self.writers:
            self.writers[key] = _Writer(model, columns, self.now)
        n = self.writers[key].write(rows)
        self.counts[model._meta.db_table] = self.counts.get(model._meta.db_table, 0) + n

    def insert(self, model, rows: list) -> None:
        if rows:
            model.objects.bulk_create(rows, batch_size=self.cfg.batch)
            key = model._meta.db_table
            self.counts[key] = self.counts.get(key, 0) + len(rows)

    def day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def code(self, region: str, year: int) -> str:
        key = (region, year)
        n = self.serial[key] = self.serial.get(key, 0) + 1
        if n > 99_999:
            raise ValueError(f"more than 99,999 projects registered in {region} in {year}")
        return project_code(year, region, self.rng.choice(["34", "35", "39", "44", "48"]),
                            self.rng.choice(["01", "02", "03"]), n)

    # ------------------------------------------------------------------ organisation

    def city_specs(self):
        specs = list(JIANGSU[: self.cfg.cities])
        for i in range(len(specs), self.cfg.cities):  # beyond 13: more cities of the same shape
            n = i + 1
            region = f"33{n:02d}00"
            specs.append((f"合成{n}市", region, 0.8,
                          [(f"合成{n}市第{j}区", "district", f"33{n:02d}{j:02d}") for j in range(1, 9)]))
        return specs

    def organisation(self):
        """江苏省 → cities → districts (+ one park under each city's first district) and departments."""
        units, configs = [], []
        pid = self.ids.take(OrgUnit)
        province = OrgUnit(id=pid, name="江苏省", kind=UnitKind.PROVINCE, path=f"/{pid}/", depth=0,
                           region_code="320000")
        units.append(province)
        self.cities = []  # (city unit, [places], [departments], weight)
        for ci, (name, region, weight, districts) in enumerate(self.city_specs()):
            cid = self.ids.take(OrgUnit)
            city = OrgUnit(id=cid, name=name, kind=UnitKind.CITY, parent_id=pid, path=f"{province.path}{cid}/",
                           depth=1, region_code=region, sort_order=ci + 1)
            units.append(city)
            configs.append(Conventions(unit_id=cid, year=self.cfg.first_year))
            places = []
            for di, (dname, kind, code) in enumerate(districts):
                did = self.ids.take(OrgUnit)
                d = OrgUnit(id=did, name=dname, kind=kind, parent_id=cid, path=f"{city.path}{did}/", depth=2,
                            region_code=code, sort_order=di + 1)
                units.append(d)
                places.append(d)
            first = places[0]
            kid = self.ids.take(OrgUnit)
            park = OrgUnit(id=kid, name=f"{first.name}经济开发区", kind=UnitKind.PARK, parent_id=first.id,
                           path=f"{first.path}{kid}/", depth=3, region_code=first.region_code, sort_order=1)
            units.append(park)
            places.append(park)
            depts = []
            for dept in DEPARTMENTS:
                xid = self.ids.take(OrgUnit)
                x = OrgUnit(id=xid, name=f"{name}{dept}", kind=UnitKind.DEPARTMENT, parent_id=cid,
                            path=f"{city.path}{xid}/", depth=2, sort_order=100)
                units.append(x)
                depts.append(x)
            self.cities.append((city, places, depts, weight))
        self.insert(OrgUnit, units)
        self.insert(Conventions, configs)
        self.province = province

    def taxonomies(self):
        """Each city's primary industry tree (镇江 四群八链, 苏州 1030, the others a common shape)."""
        taxes, nodes = [], []
        self.chains: dict[int, list[TaxonomyNode]] = {}
        for city, _, _, _ in self.cities:
            if city.name == "镇江市":
                name, tree = "四群八链", ZHENJIANG_CHAINS
            elif city.name == "苏州市":
                name, tree = "1030产业体系", SUZHOU_1030
            else:
                name, tree = "重点产业链", GENERIC_TAXONOMY
            tid = self.ids.take(Taxonomy)
            taxes.append(Taxonomy(id=tid, city_id=city.id, name=name, level_names=["产业集群", "产业链"],
                                  is_primary=True))
            chains = []
            for i, (cluster, children) in enumerate(tree.items()):
                nid = self.ids.take(TaxonomyNode)
                c = TaxonomyNode(id=nid, taxonomy_id=tid, name=cluster, depth=1, path=f"/{nid}/", sort_order=i)
                nodes.append(c)
                for j, chain in enumerate(children):
                    hid = self.ids.take(TaxonomyNode)
                    h = TaxonomyNode(id=hid, taxonomy_id=tid, parent_id=nid, name=chain, depth=2,
                                     path=f"{c.path}{hid}/", sort_order=j)
                    nodes.append(h)
                    chains.append(h)
            self.chains[city.id] = chains
        self.insert(Taxonomy, taxes)
        self.insert(TaxonomyNode, nodes)

    def lists(self):
        rows = []
        self.city_lists: dict[int, list[AnnualList]] = {}
        for city, _, _, _ in self.cities:
            made = []
            for name, rank, short in LISTS:
                lst = AnnualList(id=self.ids.take(AnnualList), city_id=city.id, name=name, rank=rank,
                                 short_name=short)
                made.append(lst)
            rows.extend(made)
            self.city_lists[city.id] = made
        self.insert(AnnualList, rows)

    # ------------------------------------------------------------------ projects

    def lifecycle(self, registered: datetime.date) -> dict[str, datetime.date]:
        """Stage dates in lifecycle order from registration, none after the data's last day."""
        final = self.rng.choices([s for s, _ in FINAL_STAGES], weights=[w for _, w in FINAL_STAGES])[0]
        dates = {Stage.PLANNING: registered}
        last = registered
        for stage in STAGE_ORDER[1: STAGE_ORDER.index(final) + 1]:
            if stage == Stage.NEGOTIATING and self.rng.random() < 0.4:
                continue  # many projects are signed without a recorded negotiation
            lo, hi = GAPS[stage]
            when = last + datetime.timedelta(days=self.rng.randint(lo, hi))
            if when > self.cfg.last_day:
                break
            dates[stage] = last = when
        if self.rng.random() < 0.03:
            when = last + datetime.timedelta(days=self.rng.randint(30, 400))
            if when <= self.cfg.last_day:
                dates[Stage.TERMINATED] = when
        return dates

    def total_investment(self) -> int:
        """计划总投资 in 万元: log-normal around 2亿, from 500万 to 300亿, in steps of 100万."""
        x = self.rng.lognormvariate(9.9, 1.1)
        return int(min(max(x, 500), 3_000_000) // 100 * 100)

    def project_chunk(self, city, places, depts, n: int, cats: dict[str, Category]):
        cfg, rng = self.cfg, self.rng
        projects, events, milestones = [], [], []
        first_id = self.ids.take(Project, n)
        event_id = self.ids.take(StageEvent, 0)
        chains = self.chains[city.id]
        early = D(cfg.first_year - 4, 1, 1)
        cat_codes, cat_weights = [c for c, _ in CATEGORY_MIX], [w for _, w in CATEGORY_MIX]
        made = []
        for k in range(n):
            pid = first_id + k
            unit = rng.choice(places)
            cat_code = rng.choices(cat_codes, weights=cat_weights)[0]
            registered = self.day(early, cfg.last_day - datetime.timedelta(days=10))
            stages = self.lifecycle(registered)
            final = max((s for s in stages if s != Stage.TERMINATED), key=STAGE_ORDER.index)
            stage = Stage.TERMINATED if Stage.TERMINATED in stages else final
            total = self.total_investment()
            short = unit.name[:-1] if len(unit.name) > 2 else unit.name
            if cat_code == "industry":
                body = f"{rng.choice(WORDS)}{rng.choice(PRODUCTS)}{rng.choice(SUFFIXES)}"
            else:
                body = rng.choice({"infrastructure": INFRA, "social": SOCIAL, "ecology": ECOLOGY}[cat_code])
            projects.append((
                pid, self.code(unit.region_code, registered.year), False, f"{short}{body}（合成{pid}）",
                f"{short}{rng.choice(WORDS)}科技有限公司", unit.id, cats[cat_code].id,
                rng.choice(chains).id if cat_code == "industry" else None, Decimal(total), unit.name,
                "合成数据, 不对应真实项目。", rng.choice(LEADERS),
                rng.choice(depts).id if rng.random() < 0.3 else None, "", str(stage), True,
            ))
            for s, when in stages.items():
                events.append((event_id, pid, str(s), when, "", None))
                event_id += 1
            if Stage.STARTED in stages:
                start = stages[Stage.STARTED]
                milestones.append((pid, MilestoneKind.LAND.value, None,
                                   start - datetime.timedelta(days=rng.randint(20, 180)), ""))
                milestones.append((pid, MilestoneKind.PERMIT.value, None, start - datetime.timedelta(days=5), ""))
            made.append((pid, cats[cat_code].id, stages, total))
        self.ids.next[StageEvent] = event_id
        self.write(Project, ("id", "code", "code_is_legacy", "name", "owner", "unit_id", "category_id",
                             "industry_node_id", "total_investment", "location", "description",
                             "responsible_leader", "responsible_department_id", "service_contact", "stage",
                             "is_demo"), projects)
        self.write(StageEvent, ("id", "project_id", "stage", "date", "note", "recorded_by_id"), events)
        self.write(Milestone, ("project_id", "kind", "planned_date", "actual_date", "note"), milestones)
        return made

    # ------------------------------------------------------------------ lists and reports

    def listing(self, city, made):
        """Each year: the projects active that year go on lists (by size; 智改数转 as a second list for some
        industrial ones), with a report for every month through the data's last month."""
        cfg, rng = self.cfg, self.rng
        lists = {lst.rank: lst for lst in self.city_lists[city.id]}
        entries, plans, reports = [], [], []
        for year in range(cfg.first_year, cfg.last_year + 1):
            months = 12 if year < cfg.last_year else cfg.last_month
            y0, y1 = D(year, 1, 1), D(year, 12, 31)
            for pid, category_id, stages, total in made:
                started = stages.get(Stage.STARTED)
                completed = stages.get(Stage.COMPLETED)
                ended = stages.get(Stage.TERMINATED)
                signed = stages.get(Stage.SIGNED)
                if ended and ended < y0:
                    continue
                continuing = started is not None and started < y0 and (completed is None or completed >= y0)
                new_start = (started is not None and y0 <= started <= y1) or (
                    started is None and signed is not None and signed < y1 and rng.random() < 0.5)
                if not (continuing or new_start) or rng.random() < 0.15:
                    continue
                if new_start:
                    if started is not None and started.year == year:
                        # Planned for the month it started, or (a late one) a month or two before.
                        planned_month = max(1, started.month - rng.choice([0, 0, 0, 1, 2]))
                    else:
                        planned_month = rng.randint(1, 12)
                else:
                    planned_month = None
                share = rng.uniform(0.15, 0.4) if continuing else rng.uniform(0.08, 0.3)
                plan = max(int(total * share) // 10 * 10, 50)
                rank = 1 if total >= 200_000 else 2 if total >= 30_000 else 3
                on = [lists[rank]]
                if category_id == self.industry_id and rng.random() < 0.12:
                    on.append(lists[5])
                operating = stages.get(Stage.OPERATING)
                planned_completion = bool(completed and completed.year == year) or (
                    continuing and completed is None and rng.random() < 0.15)
                planned_operation = bool(operating and operating.year == year)
                first_entry = None
                for lst in on:
                    eid = self.ids.take(ListEntry)
                    entries.append((eid, lst.id, pid, year, Decimal(plan), new_start, planned_month, continuing,
                                    planned_completion, planned_operation))
                    first_entry = first_entry or eid
                if rank == 1:  # 省重大: a monthly plan (分月计划), cumulative, reaching the annual plan in December
                    acc = 0
                    weights = month_weights(list(range(1, 13)), rng)
                    scale = sum(weights)
                    for m in range(1, 13):
                        acc = plan if m == 12 else min(plan, acc + int(plan * weights[m - 1] / scale))
                        plans.append((first_entry, m, Decimal(acc)))
                self.month_reports(reports, pid, year, months, plan, total, started, ended)
        self.write(ListEntry, ("id", "annual_list_id", "project_id", "year", "annual_plan", "planned_new_start",
                               "planned_start_month", "continuing", "planned_completion", "planned_operation"),
                   entries)
        self.write(EntryMonthlyPlan, ("entry_id", "month", "cumulative_plan"), plans)
        self.write(MonthlyReport, ("project_id", "year", "month", "amount", "ytd", "progress_text", "problems_text",
                                   "status", "return_reason", "submitted_by_id", "submitted_at"), reports)

    def month_reports(self, out, pid, year, months, plan, total, started, ended):
        """当月完成投资 around plan ÷ 12 by season, 0 before an actual start or after termination; the last
        month of the data is partly still in review."""
        cfg, rng = self.cfg, self.rng
        ytd = 0
        cap = total * 100
        weights = month_weights(list(range(1, months + 1)), rng)
        pace = rng.uniform(0.55, 1.25)
        now = self.now_db
        for m in range(1, months + 1):
            active = (started is not None and started < (D(year, m + 1, 1) if m < 12 else D(year + 1, 1, 1))
                      and not (ended is not None and ended < D(year, m, 1)))
            amount = int(plan * 100 * pace * weights[m - 1] / 12) if active else 0
            amount = max(0, min(amount, cap - ytd))
            ytd += amount
            if year == cfg.last_year and m == months:
                status = rng.choices(LAST_MONTH_STATUSES, weights=LAST_MONTH_WEIGHTS)[0]
            else:
                status = ReportStatus.ACCEPTED.value
            out.append((pid, year, m, _wan(amount), _wan(ytd),
                        rng.choice(PROGRESS_TEXT) if active else "前期手续办理中", "", status,
                        "数据与现场不符, 请核实" if status == ReportStatus.RETURNED else "", None, now))

    # ------------------------------------------------------------------ enterprises

    def enterprises(self, city, places, n: int):
        cfg, rng = self.cfg, self.rng
        chains = self.chains[city.id]
        clusters = sorted({c.parent_id for c in chains})
        ents, links, sales = [], [], []
        first = self.ids.take(Enterprise, n)
        for k in range(n):
            eid = first + k
            ents.append((eid, rng.choice(places).id, f"{city.name}合成规上企业{k + 1:05d}", "", True))
            r = rng.random()
            if r < 0.55:
                links.append((eid, rng.choice(chains).id))
            elif r < 0.65:
                links.append((eid, rng.choice(clusters)))
            base = rng.lognormvariate(7.5, 1.0)
            for year in range(cfg.first_year, cfg.last_year + 1):
                months = 12 if year < cfg.last_year else cfg.last_month
                growth = 1 + 0.08 * (year - cfg.first_year) + rng.uniform(-0.1, 0.1)
                for m, w in zip(range(1, months + 1), month_weights(list(range(1, months + 1)), rng), strict=True):
                    sales.append((eid, year, m, _wan(int(base * growth * w * 100))))
        self.write(Enterprise, ("id", "unit_id", "name", "credit_code", "above_scale"), ents)
        self.write(Enterprise.nodes.through, ("enterprise_id", "taxonomynode_id"), links)
        self.write(MonthlySales, ("enterprise_id", "year", "month", "invoiced_sales"), sales)

    # ------------------------------------------------------------------ all

    def run(self) -> SynthResult:
        started = time.monotonic()
        ensure_categories()
        cats = {c.code: c for c in Category.objects.all()}
        self.industry_id = cats["industry"].id
        with transaction.atomic():
            self.organisation()
            self.taxonomies()
            self.lists()
        self.say(f"{len(self.cities)} 个城市, {sum(len(p) for _, p, _, _ in self.cities)} 个板块与园区")
        weights = [w for *_, w in self.cities]
        scale = sum(weights)
        shares = [int(self.cfg.projects * w / scale) for w in weights]
        shares[0] += self.cfg.projects - sum(shares)
        for (city, places, depts, _), share in zip(self.cities, shares, strict=True):
            left = share
            while left > 0:
                n = min(self.cfg.chunk, left)
                with transaction.atomic():
                    made = self.project_chunk(city, places, depts, n, cats)
                    self.listing(city, made)
                left -= n
                self.progress(n)
            with transaction.atomic():
                self.enterprises(city, places, max(share // 10, 5))
        self._reset_sequences()
        self._analyze()
        return SynthResult(counts=dict(self.counts), seconds=time.monotonic() - started, province=self.province)

    def _reset_sequences(self) -> None:
        """We chose the ids: move PostgreSQL's sequences past them (SQLite needs nothing)."""
        from django.core.management.color import no_style

        models = [OrgUnit, Conventions, Taxonomy, TaxonomyNode, AnnualList, Project, StageEvent, Milestone,
                  ListEntry, EntryMonthlyPlan, MonthlyReport, Enterprise, Enterprise.nodes.through, MonthlySales]
        sql = connection.ops.sequence_reset_sql(no_style(), models)
        if sql:
            with connection.cursor() as cur:
                for stmt in sql:
                    cur.execute(stmt)

    def _analyze(self) -> None:
        """Fresh planner statistics after a bulk load (the planner otherwise guesses from empty tables)."""
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def registry_is_empty() -> bool:
    return not OrgUnit.objects.exists() and not Project.objects.exists()


def synthesize(config: SynthConfig, progress=None, say=None) -> SynthResult:
    return Synth(config, progress, say).run()
