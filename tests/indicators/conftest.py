"""A small city for the engine's tests: 测试市 with 甲区 (and its park 甲园) and 乙区, and two annual lists."""

import pytest

from .helpers import Town, make_town


@pytest.fixture
def town(db) -> Town:
    return make_town()
