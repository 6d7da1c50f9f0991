"""A small city for the attraction tests: 测试市 with 甲区 and 乙区."""

import datetime
import itertools
from dataclasses import dataclass

import pytest

from tests import factories as f
from tuijin.attraction.services import create_lead

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
                       investor_kind="private", source="visit", intended_investment=amount, stage_date=when or D(2024, 1, 5), **kw)
