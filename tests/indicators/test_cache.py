"""The indicator cache: a repeated call is served without recomputing, and any audited write (a report
accepted, a plan changed) is seen at once — no stale figure."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from tests import factories as f
from tests.factories import SYSTEM
from tests.indicators.helpers import queries_on_every_alias
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.scope import build_scope
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import review_report, save_report


@pytest.mark.django_db(transaction=True)
def test_cached_until_the_next_write(settings):
    settings.INDICATOR_CACHE_SECONDS = 600
    cache.clear()
    city, d = f.city_tree("缓存市", ("甲区",))
    lst = f.annual_list(city)
    p = f.project(d["甲区"])
    f.entry(lst, p, plan=Decimal(1000))
    f.reports(p, 2024, [Decimal(100)] * 4)
    scope, period = build_scope(city="缓存市"), Period.year_to_date(2024, 5)
    assert compute(scope, period).completed == Decimal(400)
    figures, n = queries_on_every_alias(lambda: compute(scope, period))
    assert figures.completed == Decimal(400)
    assert n == 1  # only the data version
    report = save_report(project=p, year=2024, month=5, amount=Decimal(250), status=ReportStatus.SUBMITTED, actor=SYSTEM)
    assert compute(scope, period).completed == Decimal(400)  # submitted, not yet accepted
    assert compute(scope, period, basis="submitted").completed == Decimal(650)
    review_report(report=report, accept=True, level="city", actor=SYSTEM)
    assert compute(scope, period).completed == Decimal(650)  # accepted: seen at once


@pytest.mark.django_db(transaction=True)
def test_breakdown_is_cached_under_the_same_version(settings):
    """A breakdown (分行业 / 分类别) is served from the cache like compute(), and a write in the city is seen at once."""
    from tuijin.indicators.engine import breakdown

    settings.INDICATOR_CACHE_SECONDS = 600
    cache.clear()
    city, d = f.city_tree("分项缓存市", ("甲区", "乙区"))
    lst = f.annual_list(city)
    p = f.project(d["甲区"])
    f.entry(lst, p, plan=Decimal(1000))
    f.reports(p, 2024, [Decimal(100)] * 4)
    scope, period = build_scope(city="分项缓存市"), Period.year_to_date(2024, 5)

    def by_unit():
        return {r.label: r.completed for r in breakdown(scope, period, "unit")}

    assert by_unit()["甲区"] == Decimal(400)
    rows, n = queries_on_every_alias(by_unit)
    assert rows["甲区"] == Decimal(400) and n == 1  # only the data version
    report = save_report(project=p, year=2024, month=5, amount=Decimal(250), status=ReportStatus.SUBMITTED,
                         actor=SYSTEM)
    review_report(report=report, accept=True, level="city", actor=SYSTEM)
    assert by_unit()["甲区"] == Decimal(650)


@pytest.mark.django_db(transaction=True)
def test_lights_are_cached_and_a_closed_problem_is_seen_at_once(settings):
    """The traffic lights are cached under the data version; problems do not move it, so their overdue counts
    are part of the key: closing the overdue problem turns the light green on the next view."""
    import datetime

    from django.utils import timezone

    from tuijin.indicators import lights as L
    from tuijin.problems.models import Problem, ProblemCategory, Status
    from tuijin.problems.services import ensure_categories

    settings.INDICATOR_CACHE_SECONDS = 600
    cache.clear()
    city, d = f.city_tree("灯缓存市", ("甲区",))
    lst = f.annual_list(city)
    p = f.project(d["甲区"])
    f.entry(lst, p, plan=Decimal(1000))
    f.reports(p, 2024, [Decimal(100)] * 5)
    ensure_categories()
    problem = Problem.objects.create(project=p, category=ProblemCategory.objects.first(), title="用地未落实",
                                     raised_at=timezone.now(), status=Status.ASSIGNED, lead_department=d["甲区"],
                                     deadline=datetime.date(2024, 5, 1))
    rules = [L.Rule("问题逾期", L.OVERDUE_PROBLEM, Decimal(1), Decimal(3))]
    scope, period = build_scope(city="灯缓存市"), Period.year_to_date(2024, 5)
    assert L.light_report(scope, period, rules).projects[p.pk].level == L.YELLOW
    report, n = queries_on_every_alias(lambda: L.light_report(scope, period, rules))
    assert report.projects[p.pk].level == L.YELLOW
    assert n == 2  # the data version and the overdue-problem counts
    Problem.objects.filter(pk=problem.pk).update(status=Status.CLOSED, answer="已解决")
    assert L.light_report(scope, period, rules).projects[p.pk].level == L.GREEN


@pytest.mark.django_db(transaction=True)
def test_the_month_pages_open_on_is_cached_and_moves_with_a_locked_period_or_the_last_accepted_report(settings):
    """The default month (the latest closed one) is cached under the city's versions, with its reporting periods
    in the key: a period locked by its deadline, and the month's last report accepted, move it at once."""
    import datetime

    from tuijin.progress.models import ReportingPeriod
    from tuijin.web.selectors import default_through

    settings.INDICATOR_CACHE_SECONDS = 600
    cache.clear()
    city, d = f.city_tree("开账市", ("甲区",))
    lst = f.annual_list(city)
    p1, p2 = f.project(d["甲区"]), f.project(d["甲区"])
    f.entry(lst, p1, plan=Decimal(1000))
    f.entry(lst, p2, plan=Decimal(1000))
    f.reports(p1, 2024, [Decimal(100)] * 5)
    f.reports(p2, 2024, [Decimal(100)] * 4)  # May: 1 of 2 accepted, not closed
    scope = build_scope(city="开账市")
    assert default_through(scope) == (2024, 4)
    through, n = queries_on_every_alias(lambda: default_through(scope))
    assert through == (2024, 4) and n == 2  # the city's reporting periods and its data versions
    ReportingPeriod.objects.create(city=city, year=2024, month=5, opens_on=datetime.date(2024, 5, 1),
                                   deadline=datetime.date(2024, 6, 5))  # its deadline passed: locked
    assert default_through(scope) == (2024, 5)
    for p in (p1, p2):
        save_report(project=p, year=2024, month=6, amount=Decimal(100), status=ReportStatus.ACCEPTED, actor=SYSTEM)
    assert default_through(scope) == (2024, 6)  # June: 2 of 2 accepted
