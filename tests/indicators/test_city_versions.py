"""Cache per city (issue 21, item 3): a data version per city and year, bumped in the write's transaction.

World: 甲市 (区 A) and 乙市 (区 B), one list each; one project per city with a 1,000 万元 plan and 100 万元 a month
accepted for January-April 2024. 1-5月 completed is 400 in each city.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from tests import factories as f
from tests.factories import SYSTEM
from tests.indicators.helpers import queries_on_every_alias
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.models import DataVersion
from tuijin.indicators.scope import build_scope
from tuijin.indicators.versions import versions_for
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import review_report, save_report
from tuijin.projects.services import update_project

PERIOD = Period.year_to_date(2024, 5)


def _world():
    a, da = f.city_tree("版本甲市", ("甲A区",), province="版本省")
    b, db = f.city_tree("版本乙市", ("乙B区",), province="版本省")
    pa, pb = f.project(da["甲A区"]), f.project(db["乙B区"])
    f.entry(f.annual_list(a), pa, plan=Decimal(1000))
    f.entry(f.annual_list(b), pb, plan=Decimal(1000))
    f.reports(pa, 2024, [Decimal(100)] * 4)
    f.reports(pb, 2024, [Decimal(100)] * 4)
    return a, b, pa, pb, db["乙B区"]


def _queries(fn):
    return queries_on_every_alias(fn)


@pytest.mark.django_db(transaction=True)
def test_a_write_in_one_city_leaves_the_other_cached(settings):
    """A report accepted in 甲市 (500 → 1-5月 900... here: May 250 → 650) moves 甲市's figure at once and leaves
    乙市's served from the cache (1 query: its version)."""
    settings.INDICATOR_CACHE_SECONDS = 600
    cache.clear()
    a, b, pa, pb, _ = _world()
    sa, sb = build_scope(city="版本甲市"), build_scope(city="版本乙市")
    assert compute(sa, PERIOD).completed == Decimal(400)
    assert compute(sb, PERIOD).completed == Decimal(400)
    report = save_report(
        project=pa, year=2024, month=5, amount=Decimal(250), status=ReportStatus.SUBMITTED, actor=SYSTEM,
    )
    review_report(report=report, accept=True, level="city", actor=SYSTEM)
    assert compute(sa, PERIOD).completed == Decimal(650)  # 400 + 250: seen at once
    figures, n = _queries(lambda: compute(sb, PERIOD))
    assert figures.completed == Decimal(400)
    assert n == 1  # only 乙市's version: its figures stayed cached


@pytest.mark.django_db(transaction=True)
def test_a_project_moved_between_cities_bumps_both(settings):
    """Moving 甲市's project to 乙市's district bumps both cities' every-year versions."""
    settings.INDICATOR_CACHE_SECONDS = 600
    a, b, pa, pb, district_b = _world()
    before_a, before_b = versions_for(a, 2024), versions_for(b, 2024)
    update_project(project=pa, unit=district_b, actor=SYSTEM)
    assert versions_for(a, 2024) != before_a
    assert versions_for(b, 2024) != before_b
    assert DataVersion.objects.get(city=a, year=0).version >= 1


@pytest.mark.django_db(transaction=True)
def test_versions_by_year(settings):
    """A 2022 report moves the 2022 and 2023 figures' versions (2023 compares with 2022), not 2024's."""
    a, b, pa, pb, _ = _world()
    v2023, v2024 = versions_for(a, 2023), versions_for(a, 2024)
    save_report(
        project=pa,
        year=2022,
        month=3,
        amount=Decimal(5),
        status=ReportStatus.SUBMITTED,
        reason="补录",
        today=__import__("datetime").date(2022, 3, 20), actor=SYSTEM,
    )
    assert versions_for(a, 2023) != v2023
    assert versions_for(a, 2024) == v2024


@pytest.mark.django_db(transaction=True)
def test_the_province_reads_every_city(settings):
    """全省's figures depend on each city's version: a write in 乙市 moves the province's key."""
    a, b, pa, pb, _ = _world()
    province = a.parent
    before = versions_for(province, 2024)
    report = save_report(
        project=pb, year=2024, month=5, amount=Decimal(1), status=ReportStatus.SUBMITTED, actor=SYSTEM,
    )
    assert versions_for(province, 2024) != before
    assert report.pk


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_is_shared(settings):
    """Without TUIJIN_CACHE_URL the figures are cached in the database's cache table (made by migrate): a second
    call is the version read plus the cache read; a write in the city is seen at once."""
    settings.INDICATOR_CACHE_SECONDS = 600
    db_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tuijin_cache",
        }
    }
    with override_settings(CACHES=db_cache):
        cache.clear()
        a, b, pa, pb, _ = _world()
        sa = build_scope(city="版本甲市")
        assert compute(sa, PERIOD).completed == Decimal(400)
        figures, n = _queries(lambda: compute(sa, PERIOD))
        assert figures.completed == Decimal(400)
        assert n == 2  # the version and the cache row
        save_report(
            project=pa, year=2024, month=5, amount=Decimal(250), status=ReportStatus.ACCEPTED, actor=SYSTEM,
        )
        assert compute(sa, PERIOD).completed == Decimal(650)


def test_the_version_is_read_on_the_figures_alias():
    """Inside pinned_reads, the router sends every data read (the version's included) to the pinned alias; the
    audit trail and users stay on the primary."""
    from tuijin.audit.models import AuditEntry
    from tuijin.core.routers import ReplicaRouter, pinned_reads, use_replica
    from tuijin.progress.models import MonthlyReport

    router = ReplicaRouter()
    with use_replica(), pinned_reads("replica9"):
        assert router.db_for_read(DataVersion) == "replica9"
        assert router.db_for_read(MonthlyReport) == "replica9"
        assert router.db_for_read(AuditEntry) == "default"


def _version(city, year):
    return DataVersion.objects.get(city=city, year=year).version


@pytest.mark.django_db(transaction=True)
def test_one_transaction_moves_a_version_once_and_a_rolled_back_savepoint_does_not_count():
    """Three reports of 甲市's project in one transaction move 甲市's 2024 version by one, not three; a second
    transaction moves it again. A write whose savepoint was rolled back is not taken for done: the next write of
    the same transaction bumps again, so the commit still moves the version."""
    from django.db import transaction

    a, b, pa, pb, _ = _world()
    start, start_b = _version(a, 2024), _version(b, 2024)
    with transaction.atomic():
        for month in (5, 6, 7):
            save_report(project=pa, year=2024, month=month, amount=Decimal(1), status=ReportStatus.SUBMITTED,
                        actor=SYSTEM)
    assert _version(a, 2024) == start + 1
    with transaction.atomic():
        save_report(project=pa, year=2024, month=8, amount=Decimal(1), status=ReportStatus.SUBMITTED, actor=SYSTEM)
    assert _version(a, 2024) == start + 2

    with transaction.atomic():
        try:
            with transaction.atomic():
                save_report(project=pa, year=2024, month=9, amount=Decimal(1), status=ReportStatus.SUBMITTED,
                            actor=SYSTEM)
                raise RuntimeError("the clerk's batch fails after this row")
        except RuntimeError:
            pass
        assert _version(a, 2024) == start + 2  # the savepoint took its bump with it
        save_report(project=pa, year=2024, month=10, amount=Decimal(1), status=ReportStatus.SUBMITTED,
                    actor=SYSTEM)
    assert _version(a, 2024) == start + 3
    assert _version(b, 2024) == start_b  # 乙市 untouched
