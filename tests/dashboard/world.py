"""A small hand-made city for the dashboard tests (and the browser test), with each light worked out by hand.

测试市 (amounts 万元; 省重大项目 rank 1, 市重大项目 rank 2; reports accepted; rules: the defaults, i.e. 欠序时
≥ 10 points yellow, ≥ 30 red; a planned start missed 1 month yellow, 3 months red). Through 2024-05 the schedule
share is 5/12 = 41.67%:

  P1 甲区      产业 光伏链   省重大 plan 10000 续建      1-5月 800 each = 4000  → 40.0%, 1.7 behind → green
  P2 甲区园区  产业 储能链   市重大 plan 20000 计划新开工 2月, not started, no reports → missed 4 months → red
  P3 乙区      基础设施      省重大 plan 30000 续建      1-5月 3000 each = 15000 → 50.0% → green
  P4 乙区      社会民生      市重大 plan 5000 计划新开工 3月, started 2024-03-20, 3-5月 500 = 1500 → 30%,
                             11.7 behind → yellow
  P5 丙区      产业 机器人链 市重大 plan 6000 续建       1-5月 200 each = 1000 → 16.7%, 25.0 behind → yellow
  P6 丙区      生态环保      市重大 plan 3000 计划竣工 (竣工 2024-04-10), 1-5月 300 each = 1500 → 50% → green

Also on the 2023 lists (for year on year): P1 plan 8000 and P3 plan 20000, 2023 reports 600 / 1500 a month.
Signings: S1 甲区 2024-01-15 (started 2024-03-01), S2 乙区 2024-02-10, S4 甲区 2023-03-01; S3 丙区 signed
2023-05-01 → started → 竣工 2024-01-20 → 投产 2024-03-01 → 达产 2024-05-01.
Enterprises (开票销售 a month, 2024 / 2023, 1-5月): E1 甲区 光伏链 1000 / 900; E2 乙区 储能链+光伏链 500 / 520;
E3 丙区 untagged 2000 / 1900; E4 丙区 新能源 (cluster only) 300 / 250.
外市 holds a project no user of 测试市 may ever see named.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.orgs.services import create_unit
from tuijin.projects.services import record_stage

D = datetime.date
PASSWORD = "Tuijin-test-2024!"


@dataclass
class Town:
    city: object
    jia: object
    yi: object
    bing: object
    park: object
    sheng: object
    shi: object
    nodes: dict
    p: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    secret: object = None


def build_town() -> Town:
    c, d = f.city_tree(districts=("甲区", "乙区", "丙区"))
    jia, yi, bing = d["甲区"], d["乙区"], d["丙区"]
    park = create_unit(name="甲区园区", kind="park", parent=jia, actor=SYSTEM)
    _tax, nodes = f.taxonomy(c, {"新能源": ["光伏链", "储能链"], "装备": ["机器人链"]})
    sheng, shi = f.annual_list(c, "省重大项目", rank=1), f.annual_list(c, "市重大项目", rank=2)
    t = Town(c, jia, yi, bing, park, sheng, shi, nodes)
    P = t.p
    P[1] = f.project(jia, name="甲区光伏组件项目", total=Decimal(30000), industry_node=nodes["光伏链"],
                     stages={"signed": D(2021, 3, 1), "started": D(2022, 3, 1)})
    P[2] = f.project(park, name="园区储能电站项目", total=Decimal(50000), industry_node=nodes["储能链"],
                     stages={"signed": D(2023, 11, 1)})
    P[3] = f.project(yi, name="乙区快速路工程", total=Decimal(80000), category_name="基础设施",
                     stages={"signed": D(2021, 5, 1), "started": D(2022, 1, 10)})
    P[4] = f.project(yi, name="乙区养老服务中心", total=Decimal(12000), category_name="社会民生",
                     stages={"signed": D(2023, 12, 1), "started": D(2024, 3, 20)})
    P[5] = f.project(bing, name="丙区工业机器人项目", total=Decimal(15000), industry_node=nodes["机器人链"],
                     stages={"signed": D(2021, 6, 1), "started": D(2022, 6, 1)})
    P[6] = f.project(bing, name="丙区河道整治工程", total=Decimal(9000), category_name="生态环保",
                     stages={"signed": D(2021, 7, 1), "started": D(2022, 7, 1), "completed": D(2024, 4, 10)})
    f.entry(sheng, P[1], plan=Decimal(10000), continuing=True)
    f.entry(shi, P[2], plan=Decimal(20000), planned_new_start=True, planned_start_month=2)
    f.entry(sheng, P[3], plan=Decimal(30000), continuing=True)
    f.entry(shi, P[4], plan=Decimal(5000), planned_new_start=True, planned_start_month=3)
    f.entry(shi, P[5], plan=Decimal(6000), continuing=True)
    f.entry(shi, P[6], plan=Decimal(3000), continuing=True, planned_completion=True)
    f.entry(sheng, P[1], year=2023, plan=Decimal(8000), continuing=True)
    f.entry(sheng, P[3], year=2023, plan=Decimal(20000), continuing=True)
    f.reports(P[1], 2024, [800] * 5)
    f.reports(P[3], 2024, [3000] * 5)
    f.reports(P[4], 2024, [500] * 3, first_month=3)
    f.reports(P[5], 2024, [200] * 5)
    f.reports(P[6], 2024, [300] * 5)
    f.reports(P[1], 2023, [600] * 12)
    f.reports(P[3], 2023, [1500] * 12)
    P["S1"] = f.project(jia, name="甲区新签约智能装备项目", total=Decimal(25000), industry_node=nodes["光伏链"],
                        stages={"signed": D(2024, 1, 15), "started": D(2024, 3, 1)})
    P["S2"] = f.project(yi, name="乙区新签约物流项目", total=Decimal(18000), stages={"signed": D(2024, 2, 10)})
    P["S3"] = f.project(bing, name="丙区达产新材料项目", total=Decimal(40000), industry_node=nodes["机器人链"],
                        stages={"signed": D(2023, 5, 1), "started": D(2023, 9, 1), "completed": D(2024, 1, 20),
                                "operating": D(2024, 3, 1)})
    record_stage(project=P["S3"], stage="at_capacity", date=D(2024, 5, 1), actor=SYSTEM)
    P["S4"] = f.project(jia, name="甲区去年签约项目", total=Decimal(30000), stages={"signed": D(2023, 3, 1)})
    months = [(y, m) for y in (2023, 2024) for m in range(1, 6)]
    f.enterprise(jia, [nodes["光伏链"]], {k: Decimal(1000 if k[0] == 2024 else 900) for k in months}, name="光伏企业甲")
    f.enterprise(yi, [nodes["储能链"], nodes["光伏链"]], {k: Decimal(500 if k[0] == 2024 else 520) for k in months},
                 name="储能企业乙")
    f.enterprise(bing, [], {k: Decimal(2000 if k[0] == 2024 else 1900) for k in months}, name="传统企业丙")
    f.enterprise(bing, [nodes["新能源"]], {k: Decimal(300 if k[0] == 2024 else 250) for k in months}, name="集群企业丁")
    other, od = f.city_tree(city="外市", districts=("外区",))
    t.secret = f.project(od["外区"], name="外市机密项目", total=Decimal(90000))
    sec_list = f.annual_list(other, "省重大项目", rank=1)
    f.entry(sec_list, t.secret, plan=Decimal(1000), continuing=True)
    f.reports(t.secret, 2024, [100] * 5)
    t.users = {
        "admin": f.user("town_admin", c, Role.CITY_ADMIN, password=PASSWORD),
        "leader": f.user("town_leader", c, Role.CITY_LEADER, password=PASSWORD),
        "jia_admin": f.user("jia_admin", jia, Role.DISTRICT_ADMIN, password=PASSWORD),
        "reporter": f.user("jia_reporter", jia, Role.REPORTER, password=PASSWORD),
        "outsider": f.user("out_admin", other, Role.CITY_ADMIN, password=PASSWORD),
    }
    P[1].reporters.add(t.users["reporter"])
    return t
