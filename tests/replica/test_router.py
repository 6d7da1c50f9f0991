"""The read-replica router's rules, without a replica (test_replica.py runs them against a real one)."""

import time

import dj_database_url
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from tuijin.accounts.models import User
from tuijin.core import routers
from tuijin.core.routers import (
    PIN_COOKIE,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    health,
    pick_replica,
    primary_only,
    replica_settings,
    use_replica,
)
from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import Project

PG = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, "OPTIONS": {"options": "-c jit=off"}}


@pytest.fixture
def one_replica(monkeypatch):
    """Settings with one replica alias whose health the test decides; never inside a transaction."""
    state = {"up": True, "probes": 0}

    def probe(alias):
        state["probes"] += 1
        return state["up"]

    monkeypatch.setattr(health, "probe", probe)
    monkeypatch.setattr(routers, "_in_transaction", lambda: False)
    health.forget()
    with override_settings(DATABASE_REPLICAS=["replica1"]):
        yield state
    health.forget()


def test_replica_urls_become_mirrored_aliases_with_a_short_connect_timeout():
    out = replica_settings("postgres://ro@db2:5432/tuijin, postgres://ro@db3:5432/tuijin", PG, dj_database_url.parse)
    assert list(out) == ["replica1", "replica2"]
    assert out["replica2"]["HOST"] == "db3"
    assert out["replica1"]["TEST"] == {"MIRROR": "default"}  # the test suite never creates a database there
    assert out["replica1"]["OPTIONS"]["connect_timeout"] == 1
    assert out["replica1"]["OPTIONS"]["options"] == "-c jit=off"  # the primary's connection options carry over
    assert replica_settings(" , ", PG, dj_database_url.parse) == {}


def test_a_replica_of_another_engine_is_refused():
    with pytest.raises(ImproperlyConfigured):
        replica_settings("sqlite:////tmp/x.sqlite3", PG, dj_database_url.parse)


def test_reads_go_to_the_replica_only_when_asked(one_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Project) == "default"
    with use_replica():
        assert router.db_for_read(Project) == "replica1"
        assert router.db_for_read(OrgUnit) == "replica1"
        assert router.db_for_read(User) == "default"  # users and sessions: always the primary
        assert router.db_for_write(Project) == "default"
        with primary_only():
            assert router.db_for_read(Project) == "default"

    @use_replica()
    def report():
        return router.db_for_read(Project)

    assert report() == "replica1"
    assert router.db_for_read(Project) == "default"


def test_reads_inside_a_transaction_stay_on_the_primary(one_replica, monkeypatch):
    monkeypatch.setattr(routers, "_in_transaction", lambda: True)
    with use_replica():
        assert ReplicaRouter().db_for_read(Project) == "default"


def test_a_replica_that_is_down_falls_back_to_the_primary_and_the_answer_is_cached(one_replica):
    one_replica["up"] = False
    router = ReplicaRouter()
    with use_replica():
        assert router.db_for_read(Project) == "default"
        assert router.db_for_read(Project) == "default"
    assert one_replica["probes"] == 1  # remembered for TUIJIN_REPLICA_CHECK_SECONDS
    one_replica["up"] = True
    health.forget()
    assert pick_replica() == "replica1"
    routers.replica_failed("replica1")  # a failed query marks it down at once
    assert pick_replica() is None


def test_an_unreachable_postgresql_replica_is_detected_quickly(monkeypatch):
    """The real probe against a closed port: refused fast, well within the connect timeout."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there

    class FakeConn:
        vendor = "postgresql"
        settings_dict = {"HOST": "127.0.0.1", "PORT": port, "NAME": "x", "USER": "postgres", "PASSWORD": ""}

    monkeypatch.setattr(routers, "connections", {"replica1": FakeConn()})
    started = time.monotonic()
    assert health.probe("replica1") is False
    assert time.monotonic() - started < 3


def test_objects_from_the_primary_and_a_replica_may_be_related(one_replica):
    a, b = OrgUnit(name="甲"), OrgUnit(name="乙")
    a._state.db, b._state.db = "default", "replica1"
    assert ReplicaRouter().allow_relation(a, b) is True
    b._state.db = "other"
    assert ReplicaRouter().allow_relation(a, b) is None
    assert ReplicaRouter().allow_migrate("replica1", "projects") is False
    assert ReplicaRouter().allow_migrate("default", "projects") is True


def test_middleware_reads_dashboards_from_the_replica_and_pins_a_writer_to_the_primary(one_replica, monkeypatch):
    seen = {}

    def view(request):
        seen["db"] = ReplicaRouter().db_for_read(Project)
        if request.method == "POST":
            ReplicaRouter().db_for_write(Project)  # what saving a model asks the router
        return HttpResponse("ok")

    monkeypatch.setenv("TUIJIN_REPLICA_READ_PATHS", "/overview/,/api/v1/indicators")
    mw = ReplicaReadsMiddleware(view)
    rf = RequestFactory()

    resp = mw(rf.get("/overview/"))
    assert seen["db"] == "replica1" and PIN_COOKIE not in resp.cookies
    mw(rf.get("/projects/1/edit/"))
    assert seen["db"] == "default"  # not a read-mostly path

    resp = mw(rf.post("/overview/"))
    assert seen["db"] == "default" and PIN_COOKIE in resp.cookies  # wrote: pinned for a few seconds

    pinned = rf.get("/overview/")
    pinned.COOKIES[PIN_COOKIE] = resp.cookies[PIN_COOKIE].value
    mw(pinned)
    assert seen["db"] == "default"  # read-your-writes

    expired = rf.get("/overview/")
    expired.COOKIES[PIN_COOKIE] = str(time.time() - 1)
    mw(expired)
    assert seen["db"] == "replica1"
