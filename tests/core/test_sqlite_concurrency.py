"""SQLite as a small multi-user server (issue 15, item 6): concurrent writes through the real services wait for
each other instead of failing with "database is locked". The test suite's own database is in memory, so this
runs on a file database in a separate process, configured by tuijin.settings exactly as a server would be:
40 threads review 40 reports at once while 8 more enter other months of the same projects."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

SCRIPT = r"""
import datetime, json, sys, threading, traceback
from decimal import Decimal

import django
django.setup()
from django.db import connection

from tests import factories as f
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.progress.services import review_report, save_report

city, d = f.city_tree("并发市", ("甲区",))
projects = [f.project(d["甲区"], total=Decimal(90000)) for _ in range(8)]
for p in projects:
    f.reports(p, 2024, [Decimal(100)] * 5, status=ReportStatus.SUBMITTED)
reports = list(MonthlyReport.objects.order_by("pk"))
connection.close()

barrier = threading.Barrier(len(reports) + len(projects))
errors = []

def work(job):
    try:
        barrier.wait()
        job()
    except Exception as exc:  # noqa: BLE001 - every failure is the result
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()

jobs = [lambda r=r: review_report(report=r, accept=True, level="city", reason="并发审核", actor=f.SYSTEM)
        for r in reports]
jobs += [lambda p=p: save_report(project=p, year=2024, month=6, amount=Decimal(50), today=datetime.date(2024, 7, 1),
                                     actor=f.SYSTEM)
         for p in projects]
threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
for t in threads:
    t.start()
for t in threads:
    t.join()

with connection.cursor() as cur:
    cur.execute("PRAGMA journal_mode")
    mode = cur.fetchone()[0]
print(json.dumps({
    "errors": errors, "journal_mode": mode,
    "accepted": MonthlyReport.objects.filter(status=ReportStatus.ACCEPTED).count(),
    "june": sorted(str(y) for y in MonthlyReport.objects.filter(month=6).values_list("ytd", flat=True)),
}))
"""


def _prepare_database(path, env):
    """An empty migrated database file: a copy of the in-memory test database when the suite runs on SQLite
    (fast), else `tuijin migrate`."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return
    result = subprocess.run([sys.executable, "-m", "tuijin.cli", "migrate", "-v0"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)  # no open transaction: the in-memory test database can be copied
def test_concurrent_writes_on_a_file_database_wait_instead_of_failing(tmp_path):
    path = tmp_path / "tuijin.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUIJIN_")}
    env.update(DJANGO_SETTINGS_MODULE="tuijin.settings", TUIJIN_DATA_DIR=str(tmp_path),
               TUIJIN_DATABASE_URL=f"sqlite:///{path}", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    _prepare_database(path, env)
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["errors"] == []
    assert out["journal_mode"] == "wal"
    assert out["accepted"] == 40
    assert out["june"] == ["550.00"] * 8
