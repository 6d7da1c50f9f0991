"""The migrated empty test database, kept between runs (SQLite): each xdist worker of `make test` used to run
every migration into its in-memory database (about 15 s a worker); it now copies the result of the last run
that had the same migrations (SQLite's backup API, a fraction of a second), and saves it when there is none.

The key is a hash of every migration file, the tuijin modules the migrations import (the bulletin templates
they seed), the installed apps, and the Django and SQLite versions: a new migration, or a change of what a
migration seeds, makes the next run migrate again. PostgreSQL always migrates. TUIJIN_DEMO_CACHE=0 (CI) turns
this cache off as well."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path

import pytest

from tests.demo_fixtures import CACHE_DIR, load_sqlite_copy, save_sqlite_copy

_CREATING: list[str] = []  # the alias whose test database create_test_db is making, while it is


def _key() -> str:
    import sqlite3

    import django
    from django.conf import settings

    import tuijin

    root = Path(tuijin.__file__).resolve().parent
    digest = hashlib.sha256()
    files = sorted(root.glob("*/migrations/*.py"))
    imported = set()
    for path in files:
        for module in re.findall(r"from (tuijin[\w.]*) import", path.read_text(encoding="utf-8")):
            candidate = root.parent / (module.replace(".", "/") + ".py")
            if candidate.exists():
                imported.add(candidate)
    for path in files + sorted(imported):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(Path(__file__).read_bytes())
    digest.update(" ".join(settings.INSTALLED_APPS).encode())
    digest.update(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    return digest.hexdigest()[:20]


def _migrate_or_copy(real_call_command):
    def call_command(name, *args, **options):
        from django.db import connections

        alias = options.get("database", "default")
        if name != "migrate" or not _CREATING or _CREATING[-1] != alias or \
                connections[alias].vendor != "sqlite":
            return real_call_command(name, *args, **options)
        connection = connections[alias]
        saved = CACHE_DIR / f"migrated-{_key()}.sqlite3"
        if saved.exists():
            with contextlib.suppress(Exception):  # an unreadable copy: migrate as if there were none
                load_sqlite_copy(connection, saved)
                return None
        result = real_call_command(name, *args, **options)
        with contextlib.suppress(Exception):  # a copy that cannot be saved costs the next run a migrate
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            for old in CACHE_DIR.glob("migrated-*.sqlite3"):
                if old != saved:
                    old.unlink(missing_ok=True)
            save_sqlite_copy(connection, saved)
        return result

    return call_command


@pytest.fixture(scope="session", autouse=True)
def _migrated_database_from_cache():
    if os.environ.get("TUIJIN_DEMO_CACHE", "1") == "0":
        yield
        return
    from django.core import management
    from django.db.backends.base.creation import BaseDatabaseCreation

    real_create, real_call = BaseDatabaseCreation.create_test_db, management.call_command

    def create_test_db(self, *args, **kwargs):
        _CREATING.append(self.connection.alias)
        try:
            return real_create(self, *args, **kwargs)
        finally:
            _CREATING.pop()

    BaseDatabaseCreation.create_test_db = create_test_db
    management.call_command = _migrate_or_copy(real_call)
    try:
        yield
    finally:
        BaseDatabaseCreation.create_test_db = real_create
        management.call_command = real_call
