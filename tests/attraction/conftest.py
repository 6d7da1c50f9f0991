"""A small city for the attraction tests: 测试市 with 甲区 and 乙区."""

import datetime
import itertools
from dataclasses import dataclass

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.attraction.services import (
    create_lead,
    record_funds_arrival,
    record_milestone_reached,
    sign_lead,
)
from tuijin.projects.models import Stage
from tuijin.projects.services import record_stage

_serial = itertools.count(1)
D = datetime.date


@dataclass
class Town:
    city: object
    jia: object
    yi: object


@pytest.fixture
def town(db) -> Town:
    city, d = f.city_tree(city="招商市", districts=("甲区", "乙区"))
    return Town(city, d["甲区"], d["乙区"])


def code() -> str:
    n = next(_serial)
    return f"2024-{321000 + n:06d}-34-03-{n:05d}1"


def lead(unit, *, investor="星河科技有限公司", title=None, amount=10000, when=None, **kw):
    return create_lead(unit=unit, title=title or f"{investor}项目{next(_serial)}", investor=investor,
                       investor_kind="private", source="visit", intended_investment=amount, stage_date=when or D(2024, 1, 5), **{"actor": SYSTEM, **kw})


def contract(unit, investor, signed_on, investment, milestones=None, instalments=()):
    return sign_lead(lead=lead(unit, investor=investor, when=signed_on), signed_on=signed_on,
                     investment=investment, code=code(), category=f.category(), milestones=milestones,
                     instalments=instalments, actor=SYSTEM)


@pytest.fixture
def book(town):
    """Hand-made contracts (see test_performance.py for the hand computation)."""
    c1 = contract(town.jia, "甲一公司", D(2024, 1, 10), 10000,
                  {"registered": D(2024, 2, 1), "started": D(2024, 5, 1)},
                  [(D(2024, 3, 31), 5000), (D(2024, 12, 31), 5000)])
    record_milestone_reached(contract=c1, kind="registered", actual_date=D(2024, 1, 25), actor=SYSTEM)  # on time
    record_stage(project=c1.project, stage=Stage.STARTED, date=D(2024, 4, 20), actor=SYSTEM)  # 开工 before its agreed date
    record_stage(project=c1.project, stage=Stage.OPERATING, date=D(2024, 6, 10), actor=SYSTEM)
    record_funds_arrival(contract=c1, date=D(2024, 3, 20), amount=4000, source="domestic", actor=SYSTEM)
    record_funds_arrival(contract=c1, date=D(2024, 5, 10), amount=2000, source="foreign", actor=SYSTEM)
    c2 = contract(town.yi, "乙二公司", D(2024, 2, 1), 20000,
                  {"land": D(2024, 4, 30), "operating": D(2025, 6, 30)}, [(D(2024, 6, 30), 8000)])
    record_milestone_reached(contract=c2, kind="land", actual_date=D(2024, 5, 15), actor=SYSTEM)  # late
    record_funds_arrival(contract=c2, date=D(2024, 6, 1), amount=2000, source="province", actor=SYSTEM)
    c3 = contract(town.jia, "甲三公司", D(2023, 6, 1), 15000, {"started": D(2024, 3, 1)})  # never started: late
    c4 = contract(town.yi, "乙四公司", D(2024, 3, 15), 9000, {"started": D(2025, 3, 1)})  # nothing due yet
    record_stage(project=c4.project, stage=Stage.STARTED, date=D(2024, 5, 1), actor=SYSTEM)
    return c1, c2, c3, c4
