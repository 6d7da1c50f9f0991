"""Helpers for the engine's tests: the small city they run on and the calls that compute and print figures."""

from dataclasses import dataclass

from tests import factories as f
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
    park = create_unit(name="甲园", kind="park", parent=d["甲区"])
    return Town(city, d["甲区"], d["乙区"], park, f.annual_list(city, "省重大项目", rank=1),
                f.annual_list(city, "市重大项目", rank=2))


def figures(through="2024-05", kind="ytd", basis="accepted", breakdown=True, city="测试市", **scope):
    """The engine's unrounded figures, through the same name resolution as the CLI."""
    return compute(build_scope(city=city, **scope), Period.parse(through, kind), basis=basis, breakdown=breakdown)


def printed(through="2024-05", kind="ytd", basis="accepted", city="测试市", **scope) -> dict:
    """The figures as the CLI's JSON prints them (rounded once by the city's rule)."""
    return present(figures(through, kind, basis, city=city, **scope))
