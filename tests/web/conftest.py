"""A small hand-made city for the web tests, with every figure the overview should print worked out by hand.

测试市 (amounts in 万元; 省重大项目 rank 1, 市重大项目 rank 2; 2024 reports accepted unless noted):

  P1 甲区  total 30000  产业 光伏链   省重大 2024 plan 10000, 计划新开工 3月   signed 2023-12-01, started 2024-03-15
         reports 1-5月 500, 500, 1000, 1000, 1500                  (1-5月 4500)
  P2 甲区  total 50000  产业 新能源集群 省重大 2024 plan 20000, 续建; 市重大 2024 plan 25000
         signed 2023-04-01, started 2023-05-10; reports 1-5月 2000 each (10000), 6月 3000 submitted only
  P3 乙区  total  8000  基础设施      省重大 2024 plan 6000, 计划新开工 4月       signed 2024-02-01
         reports 1-4月 300 each (1200), 5月 300 submitted only
  P4 乙区  total  1250  社会民生      on no list (legacy code)
  丙区     no project at all

2024 1-5月, all lists (P2 once, under 省重大项目): plan 36000, completed 15700 → 3.6 / 1.6 亿 (1.57 half up),
rate 43.6111% → 43.6%, schedule 5/12 = 41.6667% → 41.7%, variance +1.9444 → 超 1.9; starts 2 planned, 1 started.
  甲区 plan 30000 completed 14500 → 3.0 / 1.5 (1.45 half up, not 1.4), 48.3%, 超 6.7, starts 1/1 100.0%
  乙区 plan 6000 completed 1200 → 0.6 / 0.1, 20.0%, 欠 21.7, starts 1/0 0.0%
  丙区 nothing: 0 projects, rate — (no plan: the rate does not exist, never 0%)
新签约 1-5月: 2024 P3 (1, 0.8 亿) vs 2023 P2 (1, 5.0 亿) → 个数同比 0.0%, 投资同比 -84.0%
新开工 1-5月: 2024 P1 (1, 3.0 亿) vs 2023 P2 (1, 5.0 亿) → 0.0%, -40.0%;  新投产: 0 vs 0 → —
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tests.worlds import fresh, module_world
from tuijin.accounts.models import Role
from tuijin.industry.services import add_node, create_taxonomy
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import save_report

D = datetime.date


@dataclass
class City:
    city: object
    jia: object
    yi: object
    bing: object
    sheng: object
    shi: object
    cluster: object
    chain: object
    p1: object
    p2: object
    p3: object
    p4: object
    admin: object
    leader: object
    jia_admin: object
    reporter: object
    other_city_project: object


def build_city() -> City:
    c, districts = f.city_tree(districts=("甲区", "乙区", "丙区"))
    jia, yi, bing = districts["甲区"], districts["乙区"], districts["丙区"]
    tax = create_taxonomy(city=c, name="四群八链", level_names=["产业集群", "产业链"], is_primary=True, actor=SYSTEM)
    cluster = add_node(taxonomy=tax, name="新能源集群", actor=SYSTEM)
    chain = add_node(taxonomy=tax, name="光伏链", parent=cluster, actor=SYSTEM)
    sheng = f.annual_list(c, "省重大项目", rank=1)
    shi = f.annual_list(c, "市重大项目", rank=2)

    p1 = f.project(jia, name="甲区光伏组件项目", total=Decimal(30000), industry_node=chain,
                   stages={"signed": D(2023, 12, 1), "started": D(2024, 3, 15)})
    p2 = f.project(jia, name="甲区储能电站项目", total=Decimal(50000), industry_node=cluster,
                   stages={"signed": D(2023, 4, 1), "started": D(2023, 5, 10)})
    p3 = f.project(yi, name="乙区快速路工程", total=Decimal(8000), category_name="基础设施",
                   stages={"signed": D(2024, 2, 1)})
    p4 = f.project(yi, name="乙区社区养老中心", total=Decimal(1250), category_name="社会民生", code="ZJ-2019-0042")

    f.entry(sheng, p1, year=2024, plan=Decimal(10000), planned_new_start=True, planned_start_month=3)
    f.entry(sheng, p2, year=2024, plan=Decimal(20000), continuing=True)
    f.entry(shi, p2, year=2024, plan=Decimal(25000), continuing=True)
    f.entry(sheng, p3, year=2024, plan=Decimal(6000), planned_new_start=True, planned_start_month=4)

    f.reports(p1, 2024, [500, 500, 1000, 1000, 1500])
    f.reports(p2, 2024, [2000] * 5)
    save_report(project=p2, year=2024, month=6, amount=3000, status=ReportStatus.SUBMITTED, actor=SYSTEM)
    f.reports(p3, 2024, [300] * 4)
    save_report(project=p3, year=2024, month=5, amount=300, status=ReportStatus.SUBMITTED, actor=SYSTEM)

    # Another city in the same province: nothing of it may ever show up for 测试市's users.
    other, other_districts = f.city_tree(city="外市", districts=("外区",))
    other_project = f.project(other_districts["外区"], name="外市机密项目", total=Decimal(90000))

    admin = f.user("city_admin", c, Role.CITY_ADMIN)
    leader = f.user("leader", c, Role.CITY_LEADER)
    jia_admin = f.user("jia_admin", jia, Role.DISTRICT_ADMIN)
    reporter = f.user("reporter", jia, Role.REPORTER)
    p1.reporters.add(reporter)
    return City(c, jia, yi, bing, sheng, shi, cluster, chain, p1, p2, p3, p4, admin, leader, jia_admin, reporter,
                other_project)


city_built_once = module_world(build_city)


@pytest.fixture
def city(city_built_once, db) -> City:
    return fresh(city_built_once)


def login(client, user):
    client.force_login(user)
    return client


class _Tables(HTMLParser):
    """Collects the text of every table's rows: {table id: [[cell text, …], …]}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._count = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._count += 1
            self._table = attrs.get("id") or attrs.get("class") or f"table{self._count}"
            self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def row_for(rows: list[list[str]], first_cell: str) -> list[str]:
    found = [r for r in rows if r and r[0] == first_cell]
    assert found, f"no row {first_cell!r} in {[r[0] for r in rows if r]}"
    return found[0]


def more_projects(unit, n: int, lst=None, year=2024):
    """n more listed projects with a report each (to show that a page's query count does not grow)."""
    out = []
    for _ in range(n):
        p = f.project(unit, total=Decimal(10000))
        if lst is not None:
            f.entry(lst, p, year=year, plan=Decimal(100))
            f.reports(p, year, [10])
        out.append(p)
    return out
