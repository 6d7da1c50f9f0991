"""Read replicas, for real: a throwaway PostgreSQL primary and a streaming replica (pg_basebackup) on two
loopback ports; the suite's indicator tests run through the router (reads on the replica, writes on the
primary), then a stopped replica falls back to the primary. Skipped, with the reason, when the PostgreSQL
server binaries are absent. Runs the inner suite in a subprocess with its own database settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pgpair import PgPair, why_not

ROOT = Path(__file__).resolve().parents[2]
DB = "tuijin_replica"


def _wanted() -> str | None:
    """Run once per CI: in the PostgreSQL pass (or anywhere with TUIJIN_REPLICA_TEST=1)."""
    from django.conf import settings

    if os.environ.get("TUIJIN_REPLICA_TEST", "") == "1":
        return None
    if os.environ.get("TUIJIN_REPLICA_TEST", "") == "0":
        return "TUIJIN_REPLICA_TEST=0"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return ("runs in the PostgreSQL pass of the suite (it starts its own PostgreSQL primary and replica; "
                "set TUIJIN_REPLICA_TEST=1 to run it with SQLite as the suite's database too)")
    return None


@pytest.fixture(scope="module")
def pair():
    reason = _wanted() or why_not()
    if reason:
        pytest.skip(f"replica test skipped: {reason}")
    p = PgPair()
    try:
        p.start(DB)
    except Exception as exc:
        logs = p.logs()
        p.cleanup()
        pytest.fail(f"could not start the primary and replica: {exc}\n{logs}")
    yield p
    p.cleanup()
    assert not p.base.exists()


def test_indicator_suite_through_the_replica_router(pair, tmp_path):
    evidence = tmp_path / "evidence.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({
        "TUIJIN_DATABASE_URL": f"postgres://postgres@127.0.0.1:{pair.primary_port}/{DB}",
        "TUIJIN_DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{pair.replica_port}/{DB}",
        "TUIJIN_DATA_DIR": str(tmp_path / "data"),
        "TUIJIN_REPLICA_EVIDENCE": str(evidence),
        "TUIJIN_REPLICA_STOP": json.dumps(pair.stop_command("replica")),
        "TUIJIN_REPLICA_CHECK_SECONDS": "5",
        "TUIJIN_REPLICA_CONNECT_TIMEOUT": "1",
        # Every figure computed, not served from the indicator cache: the point is where the reads go.
        "TUIJIN_INDICATOR_CACHE_SECONDS": "0",
    })
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "tests.replica.plugin", "-p", "no:cacheprovider",
           "-o", "addopts=", "tests/indicators", "tests/replica/routed_checks.py",
           # These start `tuijin` subprocesses on a database of their own: nothing of the router in them.
           "--ignore=tests/indicators/test_cli.py",
           # This one counts queries on the primary's connection, which the router has emptied on purpose.
           "--deselect=tests/indicators/test_queries_and_drilldown.py::test_query_count_does_not_grow_with_projects"]
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    tail = (run.stdout[-6000:] + "\n" + run.stderr[-3000:])
    assert run.returncode == 0, f"inner run failed:\n{tail}\n{pair.logs()}"
    counts = json.loads(evidence.read_text())
    print(f"queries by alias: {counts}")
    assert counts["replica1"].get("reads", 0) > 100, counts  # the indicator tests' reads reached the replica
    assert counts["replica1"].get("writes", 0) == 0, counts  # and nothing was written there
    assert counts["default"].get("writes", 0) > 100, counts  # every write went to the primary
