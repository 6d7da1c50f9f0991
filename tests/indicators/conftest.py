"""A small city for the engine's tests: 测试市 with 甲区 (and its park 甲园) and 乙区, and two annual lists."""

import pytest

from tests.worlds import fresh, module_world

from .helpers import Town, make_town

town_built_once = module_world(make_town)


@pytest.fixture
def town(town_built_once, db) -> Town:
    return fresh(town_built_once)
