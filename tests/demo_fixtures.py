"""The demo database for tests that check the published figures: built once per session and committed into the
test database, then removed again, so that no other test ever sees the demo's rows.

Under pytest-xdist the demo tests are one unit, handed out first (tests/conftest.py): the worker that takes it
builds the demo while the other worker runs ordinary files, and when its last demo test is done the database is
put back to what it was before the demo (`restore_clean_database`): SQLite copies back a snapshot of the empty
migrated database (SQLite's backup API); PostgreSQL keeps the empty database as a template copy and renames it
back. In one process (`-n 0`) the demo tests simply run last.

Building the demo costs about a minute and a half of CPU. On SQLite it is built once and copied: the first run
saves the test database with the demo in it (SQLite's backup API) to .test-cache/demo-<key>.sqlite3, and later
runs copy that file into their in-memory test database in a fraction of a second. The key is a hash of
everything that decides the demo's rows: the source of the tuijin package (not its static files), this file,
the Django and SQLite versions and today's date (the demo is dated relative to today). TUIJIN_DEMO_CACHE=0
always builds (CI does). On PostgreSQL the demo is built in the run."""

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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last demo test of a worker that has more to run, take the demo out of its database."""
    yield
    if (item.get_closest_marker("demo") and nextitem is not None and not nextitem.get_closest_marker("demo")
            and _CLEAN):
        with item.session.config.stash[_BLOCKER].unblock():
            restore_clean_database()


_BLOCKER = pytest.StashKey()  # pytest-django's database blocker, kept by demo_db for the teardown hook
# What restore_clean_database puts back: ("sqlite", an in-memory copy) or ("postgresql", the template's name).
_CLEAN: list = []


def _keep_clean_database() -> None:
    """Before the demo is built: keep the empty migrated test database to put back afterwards."""
    import sqlite3

    from django.db import connection

    _CLEAN.clear()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        snapshot = sqlite3.connect(":memory:")
        connection.connection.backup(snapshot)
        _CLEAN.append(("sqlite", snapshot))
    elif connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        template = f"{name}_before_demo"
        connection.close()  # CREATE DATABASE … TEMPLATE needs the source without sessions
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
            cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        _CLEAN.append(("postgresql", template))


def restore_clean_database() -> None:
    """Put the test database back to what it was before the demo (see the module's docstring)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    kind, kept = _CLEAN.pop()
    if kind == "sqlite":
        connection.ensure_connection()
        kept.backup(connection.connection)
        kept.close()
    else:
        name = connection.settings_dict["NAME"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')
            cursor.execute(f'ALTER DATABASE "{kept}" RENAME TO "{name}"')
    ContentType.objects.clear_cache()
    cache.clear()


def load_sqlite_copy(connection, path: Path) -> None:
    """Replace the connection's SQLite database by the copy saved at `path` (SQLite's backup API)."""
    import sqlite3

    from django.contrib.contenttypes.models import ContentType

    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    ContentType.objects.clear_cache()


def save_sqlite_copy(connection, path: Path) -> None:
    """Save the connection's SQLite database at `path`, written aside and moved in place (a run reading the
    cache at the same time never sees half a file)."""
    import sqlite3

    connection.ensure_connection()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    target = sqlite3.connect(tmp)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    tmp.replace(path)


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
    from django.db import connection

    if os.environ.get("TUIJIN_DEMO_CACHE", "1") == "0" or connection.vendor != "sqlite":
        return build()
    key = _cache_key()
    db_file, result_file = CACHE_DIR / f"demo-{key}.sqlite3", CACHE_DIR / f"demo-{key}.pickle"
    connection.ensure_connection()
    if db_file.exists() and result_file.exists():
        try:
            result = pickle.loads(result_file.read_bytes())
            load_sqlite_copy(connection, db_file)
            return result
        except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never trusted
            pass
    result = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for old in CACHE_DIR.glob("demo-*"):  # one demo at a time in the cache
            if key not in old.name:
                old.unlink(missing_ok=True)
        result_file.with_suffix(f".{os.getpid()}.tmp2").write_bytes(pickle.dumps(result))
        result_file.with_suffix(f".{os.getpid()}.tmp2").replace(result_file)
        save_sqlite_copy(connection, db_file)
    except Exception:  # noqa: BLE001 - a cache that cannot be written costs the next run a build, nothing else
        pass
    return result


@pytest.fixture(scope="session")
def demo_db(request, django_db_setup, django_db_blocker):
    """Build the demo once, committed, in the test database; demo tests read it through `db`."""
    from tests.worlds import close_open_worlds
    from tuijin.demo.builder import build_demo

    close_open_worlds()  # never inside a module world's transaction: it would roll the demo back with it
    with django_db_blocker.unblock():
        request.config.stash[_BLOCKER] = django_db_blocker
        if hasattr(request.config, "workerinput"):  # xdist: this worker runs other files after the demo
            _keep_clean_database()
        result = _cached_demo(build_demo)
    return result


@pytest.fixture
def demo(demo_db, db):
    return demo_db
