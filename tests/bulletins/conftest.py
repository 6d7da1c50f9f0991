"""A hand-made city whose every bulletin figure is computed by hand in the tests (see test_generator.py).

    测试省 ─ 测试市 ─ 甲区   P1 省重大 (产业, plan 10000, 1-5月 1200 a month), P3 市重大 (plan 4000, no report)
                  └ 乙区   P2 省重大 (基础设施, plan 6000, planned start 3月, started 2024-03-10, 3-5月 500)
    signings (亿元以上 = total ≥ 10000 万元): S1 甲区 产业 20000 2024-02-01, S2 乙区 产业 10000 (the edge)
    2024-04-15, S3 乙区 产业 9999 (below) 2024-03-01, S4 甲区 基础设施 30000 2024-05-20,
    S5 甲区 产业 25000 2023-03-01 (last year)
    above-scale sales 1-5月 (2024 / 2023): A in chain a1 600 / 500, B in cluster X only 200 / 200, C untagged
    200 / 300
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from tests import factories
from tests.worlds import fresh, module_world
from tuijin.projects.models import Stage

D = datetime.date


@dataclass
class Town:
    city: object
    units: dict
    lists: dict
    projects: dict = field(default_factory=dict)


def build_town() -> Town:
    city, units = factories.city_tree("测试市", ("甲区", "乙区"))
    lists = {"省重大项目": factories.annual_list(city, "省重大项目", rank=1),
             "市重大项目": factories.annual_list(city, "市重大项目", rank=2)}
    t = Town(city, units, lists)
    jia, yi = units["甲区"], units["乙区"]
    p1 = factories.project(jia, name="甲区项目一", total=Decimal(50000), owner="甲区一号科技有限公司",
                           stages={Stage.SIGNED: D(2021, 5, 1), Stage.STARTED: D(2022, 1, 10)})
    factories.entry(lists["省重大项目"], p1, plan=Decimal(10000), continuing=True)
    factories.reports(p1, 2024, [Decimal(1200)] * 5)
    p2 = factories.project(yi, name="乙区项目二", total=Decimal(30000), category_name="基础设施",
                           stages={Stage.SIGNED: D(2023, 11, 1), Stage.STARTED: D(2024, 3, 10)})
    factories.entry(lists["省重大项目"], p2, plan=Decimal(6000), planned_new_start=True, planned_start_month=3)
    factories.reports(p2, 2024, [Decimal(500)] * 3, first_month=3)
    p3 = factories.project(jia, name="甲区项目三", total=Decimal(20000),
                           stages={Stage.SIGNED: D(2021, 6, 1), Stage.STARTED: D(2022, 6, 1)})
    factories.entry(lists["市重大项目"], p3, plan=Decimal(4000), continuing=True)
    t.projects.update(p1=p1, p2=p2, p3=p3)
    for key, unit, total, cat, day in (("s1", jia, 20000, "产业", D(2024, 2, 1)), ("s2", yi, 10000, "产业", D(2024, 4, 15)),
                                       ("s3", yi, 9999, "产业", D(2024, 3, 1)), ("s4", jia, 30000, "基础设施", D(2024, 5, 20)),
                                       ("s5", jia, 25000, "产业", D(2023, 3, 1))):
        t.projects[key] = factories.project(unit, name=f"签约项目{key}", total=Decimal(total), category_name=cat,
                                            stages={Stage.SIGNED: day})
    _, nodes = factories.taxonomy(city, {"集群X": ["链a1", "链a2"], "集群Y": ["链b1"]})
    factories.enterprise(jia, [nodes["链a1"]], {**{(2024, m): 120 for m in range(1, 6)},
                                               **{(2023, m): 100 for m in range(1, 6)}})
    factories.enterprise(yi, [nodes["集群X"]], {(y, m): 40 for y in (2023, 2024) for m in range(1, 6)})
    factories.enterprise(yi, [], {**{(2024, m): 40 for m in range(1, 6)}, **{(2023, m): 60 for m in range(1, 6)}})
    return t


town_built_once = module_world(build_town)


@pytest.fixture
def town(town_built_once, db):
    return fresh(town_built_once)


@pytest.fixture(scope="session")
def schema_server():
    """The OC4IDS schema folder on a loopback port, for libcoveoc4ids."""
    from .loopback import serve

    with serve() as url:
        yield url
