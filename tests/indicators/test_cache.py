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
