"""Indicators (the engine's JSON, as the CLI prints it) and industrial chains, over the caller's scope only.

The figures are `present(compute(scope, period))` for a scope passed through `restrict_scope`: nothing is
recomputed here. A district user who names no unit gets its own district; naming another unit answers 404."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from ninja import Query, Router

from tuijin.accounts.models import Role
from tuijin.core.periods import Period
from tuijin.core.policy import READ, requires
from tuijin.indicators.chains import chain_report, present_chains
from tuijin.indicators.engine import breakdown_table, compute, dimension_key
from tuijin.indicators.present import present, present_breakdown
from tuijin.indicators.scope import build_scope, restrict_scope
from tuijin.orgs.selectors import unit_in_city

from .common import Name, Through, city_in_reach, not_found, responses

router = Router(tags=["指标 indicators"])

MinTotal = Annotated[str | None, Query(pattern=r"^\d{1,8}(\.\d{1,4})?$", description="计划总投资下限 (亿元, 含)")]

# Roles whose reach is a unit subtree (the others reach projects one by one).
SUBTREE_ROLES = (Role.CITY_ADMIN, Role.CITY_LEADER, Role.DISTRICT_ADMIN, Role.PROVINCE_READER)
RESTRICTED_ROLES = (Role.REPORTER, Role.DEPARTMENT)  # dashboard.selectors.is_restricted: no chain section


def _own_unit_below(user, city, roles=SUBTREE_ROLES):
    """A district user's own unit, used when no unit is named (so it sees its district, not a 404)."""
    if user.unit_id and (roles is None or user.role in roles) and user.unit.is_within(city) \
            and user.unit.pk != city.pk:
        return user.unit
    return None


@router.get("/indicators", response=responses({200: dict[str, Any]}), summary="指标 (引擎 JSON)")
@requires(READ)
def indicators(request, through: Through, city: Name = None,
               period: Literal["ytd", "quarter", "half", "month"] = "ytd", list: Name = None,  # noqa: A002
               unit: Name = None, category: Name = None, industry: Name = None, min_total_yi: MinTotal = None,
               basis: Literal["accepted", "submitted"] = "accepted", by: Name = None):
    """Every indicator of the period (1-N月 `ytd`, the `quarter`, `half` or `month` of `through`; `through` is
    a month YYYY-MM, a quarter YYYY-Q1…Q4 or a half year YYYY-H1/H2) for the scope: `city`, `unit`, `list`,
    `category`, `industry` by name, `min_total_yi` in 亿元. Amounts are 亿元 and rates % rounded once by the
    city's rule; `by_unit` breaks the figures down by child unit. `by` (sector 行业领域, nature 建设性质,
    category 项目类别, list 清单, unit 单位, industry 产业链) adds `breakdown`: projects, plan, completed, rate
    and 超/欠序时 of each slice and the 合计, as `tuijin indicators --by` prints them."""
    user = request.auth
    city_obj = city_in_reach(user, city)
    the_period = Period.parse(through, period)
    scope = build_scope(city=city_obj.name, unit=unit, annual_list=list, category=category, industry=industry,
                        min_total_yi=min_total_yi)
    if unit is None:
        own = _own_unit_below(user, city_obj)
        if own is not None:
            scope = scope.with_unit(own)
    scope = restrict_scope(user, scope)
    dimension = dimension_key(by) if by else None
    data = present(compute(scope, the_period, basis=basis))
    if dimension is not None:
        data["breakdown"] = present_breakdown(breakdown_table(scope, the_period, dimension, basis), scope,
                                              the_period)
    return data


@router.get("/chains", response=responses({200: dict[str, Any]}), summary="产业链开票销售占比与增速")
@requires(READ)
def chains(request, through: Through, city: Name = None, unit: Name = None):
    """Invoiced sales of above-scale industry by cluster and chain: share, growth and the gap to the total's
    growth, for the city or one of its units in the caller's reach (year to date through `through`). Enterprises
    are counted by unit, so a user sees the units of its own subtree: a district user its district. A 填报员 or
    部门经办 reaches projects one by one, not a unit: refused (403), as the dashboard shows them no chain section."""
    user = request.auth
    if not user.is_superuser and user.role in RESTRICTED_ROLES:
        raise PermissionDenied("产业链数据按单位统计, 您的账号按负责的项目查看, 无此数据")
    city_obj = city_in_reach(user, city)
    unit_obj = unit_in_city(city_obj, unit) if unit else _own_unit_below(user, city_obj, roles=None)
    root = unit_obj or city_obj
    if user.unit_id and not user.is_superuser and not root.is_within(user.unit):
        raise not_found("单位", "unit")
    return present_chains(chain_report(city_obj, Period.parse(through), unit_obj))
