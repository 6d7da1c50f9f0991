"""Checks run in the inner run of the replica test (see test_replica.py), after the suite's indicator tests:
reads reach the replica, writes the primary, a figure right after a write is fresh, and a stopped replica
falls back to the primary. Not collected on its own (the file name does not start with test_)."""

import json
import os
import subprocess
import time
from decimal import Decimal

from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.core.periods import Period
from tuijin.core.routers import ReplicaRouter, health, pick_replica, primary_only, use_replica
from tuijin.indicators.engine import compute
from tuijin.indicators.scope import Scope
from tuijin.orgs.models import OrgUnit
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import save_report

PERIOD = Period.parse("2024-05")


def _small_city():
    city, d = f.city_tree(city="副本市", districts=("东区", "西区"), province="副本省")
    lst = f.annual_list(city, "市重大项目", rank=1)
    projects = []
    for i, unit in enumerate((d["东区"], d["西区"], d["东区"])):
        p = f.project(unit, total=Decimal(50000))
        f.entry(lst, p, plan=Decimal(1200))
        f.reports(p, 2024, [100 + i] * 4)
        projects.append(p)
    return city, projects


def _queries(alias):
    return CaptureQueriesContext(connections[alias])


def test_the_replica_alias_is_a_standby_and_default_is_the_primary():
    with connections["replica1"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is True
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is False


def test_indicator_reads_reach_the_replica_and_writes_the_primary():
    city, projects = _small_city()  # written inside use_replica(): the router still sends writes to the primary
    assert pick_replica() == "replica1"
    with _queries("replica1") as on_replica, _queries("default") as on_primary:
        figures = compute(Scope(city), PERIOD)
    assert figures.projects == 3 and figures.completed == Decimal(4 * (100 + 101 + 102))
    assert len(on_replica.captured_queries) >= 5
    assert not any(q["sql"].lstrip().upper().startswith("SELECT") and "projects_" in q["sql"]
                   for q in on_primary.captured_queries), "indicator reads went to the primary"
    # A write made inside use_replica() goes to the primary; the replica (hot standby) refuses writes anyway.
    with _queries("replica1") as on_replica, _queries("default") as on_primary:
        save_report(project=projects[0], year=2024, month=5, amount=Decimal(500), status=ReportStatus.ACCEPTED,
                    confirm_warnings=True, actor=SYSTEM)
    assert any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) for q in on_primary.captured_queries)
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in on_replica.captured_queries)
    # No stale figure after the write: the primary commits synchronously (remote_apply) in this set-up.
    assert compute(Scope(city), PERIOD).completed == figures.completed + Decimal(500)


def test_reads_inside_a_transaction_and_outside_use_replica_stay_on_the_primary():
    from django.db import transaction

    router = ReplicaRouter()
    assert router.db_for_read(OrgUnit) == "replica1"
    with transaction.atomic():
        assert router.db_for_read(OrgUnit) == "default"
    with primary_only():
        assert router.db_for_read(OrgUnit) == "default"
    from tuijin.accounts.models import User

    assert router.db_for_read(User) == "default"  # sessions and users: always the primary
    assert router.db_for_write(OrgUnit) == "default"


def test_zz_a_stopped_replica_falls_back_to_the_primary():
    city, _ = _small_city()
    with use_replica():
        before = compute(Scope(city), PERIOD)
    # Synchronous replication would make every commit wait for the stopped standby: turn it off first.
    with connections["default"].cursor() as cur:
        cur.execute("ALTER SYSTEM SET synchronous_standby_names = ''")
        cur.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)
    subprocess.run(json.loads(os.environ["TUIJIN_REPLICA_STOP"]), check=True, capture_output=True, timeout=60)
    health.forget()
    connections["replica1"].close()
    started = time.monotonic()
    assert pick_replica() is None
    assert time.monotonic() - started < 5, "the health check must give up quickly"
    with _queries("default") as on_primary:
        after = compute(Scope(city), PERIOD)
    assert after.completed == before.completed and after.projects == before.projects
    assert len(on_primary.captured_queries) >= 5
