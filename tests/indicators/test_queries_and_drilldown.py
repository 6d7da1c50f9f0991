"""The engine aggregates in the database (its query count does not grow with the projects), and every figure
can be opened into the projects behind it, whose totals equal the figure."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute, drilldown
from tuijin.indicators.present import present
from tuijin.indicators.scope import build_scope
from tuijin.progress.models import MonthlyReport, ReportStatus

day = datetime.date


def _add_projects(town, n, offset=0):
    """n projects spread over both districts and the park, on both lists, with reports, stages and plans."""
    units = [town.jia, town.yi, town.park]
    for i in range(offset, offset + n):
        started = day(2024, 2 + i % 4, 1) if i % 2 else None
        p = f.project(units[i % 3], total=8000 + 1000 * i,
                      stages={"signed": day(2024, 1, 1 + i % 28), **({"started": started} if started else {})})
        e = f.entry(town.prov if i % 2 else town.muni, p, plan=1000 + i, planned_new_start=True,
                    planned_start_month=1 + i % 12, planned_completion=i % 4 == 0)
        if i % 3 == 0:  # also on the other list: still one project
            f.entry(town.muni if i % 2 else town.prov, p, plan=700)
        f.entry(town.prov, p, year=2023, plan=500)
        f.monthly_plan(e, {5: 100 + i})
        f.reports(p, 2024, [10 + i] * 5)
        f.reports(p, 2023, [5] * 5)


def _count_queries(**scope) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        data = present(compute(build_scope(city="测试市", **scope), Period.parse("2024-05")))
    return len(ctx.captured_queries), data


@pytest.mark.parametrize("scope", [{}, {"annual_list": "省重大项目"}, {"unit": "甲区", "min_total_yi": "1"}])
def test_query_count_does_not_grow_with_projects(town, scope):
    f.curve(town.city, {6: 50})
    _add_projects(town, 3)
    few, small = _count_queries(**scope)
    _add_projects(town, 27, offset=3)
    many, large = _count_queries(**scope)
    assert large["projects"] > small["projects"]
    assert few == many, f"{few} queries for the first projects, {many} with ten times as many"
    assert many <= 20  # a handful: one per figure family, the breakdown costs nothing extra


def test_drilldown_totals_equal_the_figures(town):
    _add_projects(town, 12)
    scope = build_scope(city="测试市")
    period = Period.parse("2024-05")
    fig = compute(scope, period)

    projects = drilldown(scope, period, "projects")
    assert projects.count() == fig.projects == 12
    completed = MonthlyReport.objects.filter(
        project__in=drilldown(scope, period, "completed"), year=2024, month__lte=5, status=ReportStatus.ACCEPTED,
    ).aggregate(s=Sum("amount"))["s"]
    assert completed == fig.completed

    started = drilldown(scope, period, "planned_new_starts_started").count()
    not_started = drilldown(scope, period, "planned_new_starts_not_started").count()
    assert started == fig.planned_new_starts_started
    assert started + not_started == drilldown(scope, period, "planned_new_starts").count() == fig.planned_new_starts

    for key in ("new_signed", "new_started"):
        rows = drilldown(scope, period, key)
        ev = fig.events[key]
        assert rows.count() == ev.count
        assert (rows.aggregate(s=Sum("total_investment"))["s"] or Decimal(0)) == ev.total

    with pytest.raises(KeyError):
        drilldown(scope, period, "no_such_figure")


def test_drilldown_follows_the_list_and_threshold(town):
    _add_projects(town, 12)
    scope = build_scope(city="测试市", annual_list="省重大项目", min_total_yi="1")
    period = Period.parse("2024-06")
    fig = compute(scope, period)
    rows = drilldown(scope, period, "new_signed")
    assert rows.count() == fig.new_signed.count
    assert all(p.total_investment >= 10000 for p in rows)
    assert rows.aggregate(s=Sum("total_investment"))["s"] == fig.new_signed.total
    assert drilldown(scope, period, "projects").count() == fig.projects
