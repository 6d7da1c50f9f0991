"""Helpers for the engine's tests: the small city they run on and the calls that compute and print figures."""

import datetime
from dataclasses import dataclass

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.present import present
from tuijin.indicators.scope import build_scope
from tuijin.orgs.services import create_unit


@dataclass
class Town:
    city: object
    jia: object
    yi: object
    park: object
    prov: object  # 省重大项目 (rank 1)
    muni: object  # 市重大项目 (rank 2)


def make_town() -> Town:
    city, d = f.city_tree(city="测试市", districts=("甲区", "乙区"))
    park = create_unit(name="甲园", kind="park", parent=d["甲区"], actor=SYSTEM)
    return Town(city, d["甲区"], d["乙区"], park, f.annual_list(city, "省重大项目", rank=1),
                f.annual_list(city, "市重大项目", rank=2))


def figures(through="2024-05", kind="ytd", basis="accepted", breakdown=True, city="测试市", **scope):
    """The engine's unrounded figures, through the same name resolution as the CLI."""
    return compute(build_scope(city=city, **scope), Period.parse(through, kind), basis=basis, breakdown=breakdown)


def printed(through="2024-05", kind="ytd", basis="accepted", city="测试市", **scope) -> dict:
    """The figures as the CLI's JSON prints them (rounded once by the city's rule)."""
    return present(figures(through, kind, basis, city=city, **scope))


def issue20_data(town):
    """The data of tests/indicators/test_breakdown_and_list_figures.py (its docstring tabulates it)."""
    from decimal import Decimal as D

    from tuijin.progress.services import save_report
    from tuijin.projects.models import BuildNature, Sector, Stage

    day = datetime.date
    sector = {s.name: s for s in Sector.objects.filter(city=town.city)}
    nature = {n.name: n for n in BuildNature.objects.filter(city=town.city)}
    p1 = f.project(town.jia, total=D(50000), sector=sector["交通"], nature=nature["续建"],
                   stages={Stage.STARTED: day(2022, 5, 1), Stage.COMPLETED: day(2024, 4, 1)})
    p2 = f.project(town.yi, total=D(30000), sector=sector["交通"], nature=nature["新建"],
                   stages={Stage.STARTED: day(2024, 3, 10)})
    p3 = f.project(town.park, total=D(20000), sector=sector["能源"], nature=nature["新建"])
    p4 = f.project(town.yi, total=D(10000), stages={Stage.STARTED: day(2021, 1, 1), Stage.COMPLETED: day(2024, 2, 1),
                                                   Stage.OPERATING: day(2024, 5, 1)})
    f.project(town.jia, total=D(8000), stages={Stage.STARTED: day(2023, 4, 1)})
    f.entry(town.prov, p1, plan=D(1000), continuing=True, planned_completion=True, planned_operation=True)
    f.entry(town.prov, p2, plan=D(2000), planned_new_start=True, planned_start_month=3)
    f.entry(town.muni, p3, plan=D(1000), planned_new_start=True, planned_start_month=5)
    f.entry(town.prov, p4, plan=D(400))
    f.entry(town.muni, p4, plan=D(500))
    f.entry(town.muni, p4, year=2023, plan=D(999))
    f.entry(town.prov, p1, year=2023, plan=D(800), continuing=True)
    f.reports(p1, 2024, [100] * 5)
    save_report(project=p1, year=2024, month=6, amount=100, funds_secured=D(500), status="accepted", actor=SYSTEM)
    save_report(project=p2, year=2024, month=3, amount=200, funds_secured=D(300), status="accepted", actor=SYSTEM)
    f.reports(p2, 2024, [200] * 3, first_month=4)
    f.reports(p4, 2024, [50] * 6)
    f.reports(p1, 2023, [50] * 6)
    return town


def queries_on_every_alias(fn):
    """Call fn and count the queries it sent to every database alias: under the replica router (tests/replica)
    the figures and their data version are read on the replica, not on the primary's connection."""
    from contextlib import ExitStack

    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with ExitStack() as stack:
        contexts = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
        value = fn()
    return value, sum(len(ctx.captured_queries) for ctx in contexts)
