"""The demo database for tests that check the published figures: built once per session, after every other
test has run (items marked `demo` are moved to the end; under pytest-xdist they are one unit, handed out last:
tests/conftest.py), so no other test ever sees the demo's rows.

Building the demo costs about two minutes of CPU. On SQLite it is built once and copied: the first run saves
the test database with the demo in it (SQLite's backup API) to .test-cache/demo-<key>.sqlite3, and later runs
copy that file into their in-memory test database in a fraction of a second. The key is a hash of everything
that decides the demo's rows: the source of the tuijin package (not its static files), this file, the Django
and SQLite versions and today's date (the demo is dated relative to today). TUIJIN_DEMO_CACHE=0 always builds
(CI does). On PostgreSQL the demo is built in the run."""

from __future__ import annotations

import datetime
import hashlib
import os
import pickle
from pathlib import Path

import pytest

CACHE_DIR = Path(os.environ.get("TUIJIN_TEST_CACHE") or Path(__file__).resolve().parents[1] / ".test-cache")


def pytest_collection_modifyitems(session, config, items):
    demo = [i for i in items if i.get_closest_marker("demo")]
    if demo:
        rest = [i for i in items if not i.get_closest_marker("demo")]
        items[:] = rest + demo


def _cache_key() -> str:
    import sqlite3

    import django

    import tuijin

    digest = hashlib.sha256()
    root = Path(tuijin.__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        parts = set(path.relative_to(root).parts)
        if path.is_dir() or "__pycache__" in parts or "static" in parts or path.suffix in (".pyc", ".mo"):
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(Path(__file__).read_bytes())
    digest.update(f"{django.__version__} {sqlite3.sqlite_version} {datetime.date.today()}".encode())
    return digest.hexdigest()[:20]


def _cached_demo(build):
    """SQLite: copy the demo from the cache when it is there, else build it and save it."""
    import sqlite3

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    if os.environ.get("TUIJIN_DEMO_CACHE", "1") == "0" or connection.vendor != "sqlite":
        return build()
    key = _cache_key()
    db_file, result_file = CACHE_DIR / f"demo-{key}.sqlite3", CACHE_DIR / f"demo-{key}.pickle"
    connection.ensure_connection()
    if db_file.exists() and result_file.exists():
        try:
            result = pickle.loads(result_file.read_bytes())
            source = sqlite3.connect(db_file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            ContentType.objects.clear_cache()
            return result
        except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never trusted
            pass
    result = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for old in CACHE_DIR.glob("demo-*"):  # one demo at a time in the cache
            if key not in old.name:
                old.unlink(missing_ok=True)
        tmp = db_file.with_suffix(f".{os.getpid()}.tmp")
        target = sqlite3.connect(tmp)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        result_file.with_suffix(f".{os.getpid()}.tmp2").write_bytes(pickle.dumps(result))
        result_file.with_suffix(f".{os.getpid()}.tmp2").replace(result_file)
        tmp.replace(db_file)
    except Exception:  # noqa: BLE001 - a cache that cannot be written costs the next run a build, nothing else
        pass
    return result


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    """Build the demo once, committed, in the test database; demo tests read it through `db`."""
    from tests.worlds import close_open_worlds
    from tuijin.demo.builder import build_demo

    close_open_worlds()  # never inside a module world's transaction: it would roll the demo back with it
    with django_db_blocker.unblock():
        result = _cached_demo(build_demo)
    return result


@pytest.fixture
def demo(demo_db, db):
    return demo_db
