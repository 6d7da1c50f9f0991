"""A hand-made city for the reconciliation's rules, every expected value computed by hand in the tests.

测试省 ─ 测试市 ─ 甲区, list 市重大项目 2024 (P1-P8), reports accepted, through 2024-03:
P1  1-3月 100, 200, 300 (ytd 600; 4月 999 is after the period)   统计 已入库 100, 200, 300 (4月 5)
P2  500, 500 (ytd 1000)                                            not in the statistics list
P3  400 (ytd 400)                                                  统计 待入库 400
P4  1000, 1000 (ytd 2000)                                          统计 已入库 1000, 900 (1900): +100, 5.26%
P5  1000, 1000 (ytd 2000)                                          统计 已入库 1000, 950 (1950): +50, 2.56%
P6  total 1000; 2023-12 600, 2024 300, 200 (开累 1100)            统计 已入库 300, 200
P7  重复项目 / 某公司 300;  P8 重复项目 / 某公司 (another code) 200  统计 已入库 300 / 200
P9, P10 (not listed): one 审批文号 测发改备〔2024〕1号; P9 approved 2024-03-15, started 2024-04-01 (after)
P11 (not listed): 备案 2024-03-01, started 2024-02-10 (before);  P12: 备案 2024-06-01, started 2024-05-01
    (after the period's end: not counted)
"""

import datetime
from decimal import Decimal

import pytest

from tests import factories
from tests.worlds import fresh, module_world
from tuijin.accounts.models import Role
from tuijin.projects.models import Stage

D = datetime.date


town_built_once = module_world(lambda: build_town())  # build_town is defined below


@pytest.fixture
def town(town_built_once, db):
    return fresh(town_built_once)


def build_town() -> dict:
    city, units = factories.city_tree()
    jia = units["甲区"]
    lst = factories.annual_list(city, "市重大项目")
    admin = factories.user("recon_admin", city, Role.CITY_ADMIN)
    leader = factories.user("recon_leader", city, Role.CITY_LEADER)
    district = factories.user("recon_district", jia, Role.DISTRICT_ADMIN)
    p = {}
    amounts = {
        1: [100, 200, 300, 999],
        2: [500, 500],
        3: [400],
        4: [1000, 1000],
        5: [1000, 1000],
        6: [300, 200],
        7: [300],
        8: [200],
    }
    for i in range(1, 9):
        kw = {"total": Decimal(1000)} if i == 6 else {}
        if i in (7, 8):
            kw.update(name="重复项目", owner="某公司")
        p[i] = factories.project(jia, **kw)
        factories.entry(lst, p[i])
        factories.reports(p[i], 2024, [Decimal(a) for a in amounts[i]])
    factories.reports(p[6], 2023, [Decimal(600)], first_month=12)
    p[9] = factories.project(
        jia, stages={Stage.SIGNED: D(2024, 1, 5), Stage.STARTED: D(2024, 4, 1)}
    )
    p[10] = factories.project(jia)
    p[11] = factories.project(
        jia, stages={Stage.SIGNED: D(2024, 1, 5), Stage.STARTED: D(2024, 2, 10)}
    )
    p[12] = factories.project(
        jia, stages={Stage.SIGNED: D(2024, 1, 5), Stage.STARTED: D(2024, 5, 1)}
    )
    return {
        "city": city,
        "jia": jia,
        "admin": admin,
        "leader": leader,
        "district": district,
        "p": p,
    }


def csv_bytes(rows) -> bytes:
    from tuijin.core.exports import csv_text

    return csv_text(rows).encode("utf-8")


def statistics_csv(p) -> bytes:
    """The town's statistics list, wide: one row per project, 1月…4月."""
    rows = [
        ["2024年测试市固定资产投资入库清单"],
        ["项目代码", "项目名称", "入库状态", "1月", "2月", "3月", "4月"],
        [p[1].code, p[1].name, "已入库", 100, 200, 300, 5],
        [p[3].code, p[3].name, "待入库", 400, "", "", ""],
        [p[4].code, p[4].name, "已入库", 1000, 900, "", ""],
        [p[5].code, p[5].name, "已入库", 1000, 950, "", ""],
        [p[6].code, p[6].name, "已入库", 300, 200, "", ""],
        [p[7].code, p[7].name, "已入库", 300, "", "", ""],
        [p[8].code, p[8].name, "已入库", 200, "", "", ""],
        ["合计", "", "", 3300, 2250, 300, 5],
    ]
    return csv_bytes(rows)


def approvals_csv(p) -> bytes:
    rows = [
        ["项目代码", "项目名称", "审批类型", "审批日期", "审批文号"],
        [p[9].code, p[9].name, "备案", "2024-03-15", "测发改备〔2024〕1号"],
        [p[10].code, p[10].name, "核准", "2024-01-20", "测发改备〔2024〕1号"],
        [p[11].code, p[11].name, "备案", "2024-03-01", "测发改备〔2024〕2号"],
        [p[12].code, p[12].name, "备案制", "2024年6月1日", "测发改备〔2024〕3号"],
    ]
    return csv_bytes(rows)


@pytest.fixture
def imported(town):
    return import_lists(town)


def import_lists(town: dict) -> dict:
    from tuijin.reconciliation import importer

    for kind, data in (
        (importer.KIND_STATISTICS, statistics_csv(town["p"])),
        (importer.KIND_APPROVALS, approvals_csv(town["p"])),
    ):
        plan = importer.plan_file(user=town["admin"], data=data, filename=f"{kind}.csv", kind=kind)
        assert plan.ok, [str(e) for e in plan.errors]
        importer.commit_file(user=town["admin"], plan=plan)
    return town
