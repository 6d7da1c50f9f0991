"""招商引资 figures over the caller's scope: 到位资金 by the city's funds sources (shares, targets per source,
超/欠进度, 三次产业, 亿元以上, 履约项目) and cohorts of signed projects (one event or one year) followed to a date.

The JSON is exactly that of `tuijin attraction --by-source --format json` and `tuijin attraction --cohort-event ID
/ --cohort-year YEAR --as-of DATE --format json` (indicators.attraction_present): nothing is recomputed here. The scope is
passed through `restrict_scope`; a district user who names no unit gets its own district."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Query, Router

from tuijin.attraction.selectors import events_for
from tuijin.core.periods import Period
from tuijin.core.policy import READ, requires
from tuijin.indicators.attraction_present import cohort_report, funds_by_source_report, parse_as_of
from tuijin.indicators.scope import build_scope, restrict_scope

from .common import (
    Name,
    QueryId,
    QueryYear,
    Through,
    city_in_reach,
    invalid,
    not_found,
    responses,
)
from .figures import _own_unit_below

router = Router(tags=["招商引资 attraction"])

AsOf = Annotated[
    str,
    Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="跟踪截至日期 YYYY-MM-DD",
        examples=["2024-12-31"],
    ),
]


def _scope(user, city: str | None, unit: str | None):
    city_obj = city_in_reach(user, city)
    scope = build_scope(city=city_obj.name, unit=unit)
    if unit is None:
        own = _own_unit_below(user, city_obj)
        if own is not None:
            scope = scope.with_unit(own)
    return restrict_scope(user, scope)


@router.get(
    "/attraction/funds-by-source",
    response=responses({200: dict[str, Any]}),
    summary="到位资金分来源 (占比、目标、超/欠进度)、三次产业、亿元以上、履约项目",
)
@requires(READ)
def funds_by_source(request, through: Through, city: Name = None, unit: Name = None):
    """到位资金 1-N月 through `through` by the city's funds sources, each with its share of the total and the
    unit's target (万元) with progress and 超/欠进度 against the city's schedule; by 三次产业 (一产/二产/三产) and of
    亿元以上 projects with shares; 履约项目 (registered, funds arrived or started) ÷ 签约项目 of the year, beside
    the milestone-based 履约率. Amounts 亿元, rates % rounded once by the city's rule."""
    user = request.auth
    return funds_by_source_report(_scope(user, city, unit), Period.parse(through))


@router.get(
    "/attraction/cohort",
    response=responses({200: dict[str, Any]}),
    summary="签约批次 (一场招商活动 / 签约仪式, 或某年) 跟踪至某日: 履约率、开工率、投产率、资金到位率",
)
@requires(READ)
def cohort(
    request,
    as_of: AsOf,
    event: QueryId = None,
    year: QueryYear = None,
    city: Name = None,
    unit: Name = None,
):
    """The projects signed at one event (`event`: an id among the events the caller sees) or in one year
    (`year`), followed to `as_of`: 履约率, 开工率, 投产率 over the signed projects and 资金到位率 (Σ arrived ÷ Σ
    contracted). Give exactly one of `event` and `year`."""
    user = request.auth
    if (event is None) == (year is None):
        raise invalid("event", "请指定 event (招商活动编号) 或 year (签约年份) 之一")
    event_obj = None
    if event is not None:
        event_obj = events_for(user).filter(pk=event).select_related("city").first()
        if event_obj is None:
            raise not_found("招商活动", "event")
        city = city or event_obj.city.name
    scope = _scope(user, city, unit)
    return cohort_report(scope, parse_as_of(as_of, "as_of"), event=event_obj, year=year)
