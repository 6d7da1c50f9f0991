"""pytest plugin for the inner run of the replica test (loaded with `-p tests.replica.plugin`, never otherwise).

- The databases are the throwaway primary and replica themselves (TUIJIN_DATABASE_URL and
  TUIJIN_DATABASE_REPLICA_URLS): no test database is created; the primary's database is migrated once.
- Every test is transactional (its rows are committed, so the replica can see them; the primary commits
  synchronously with remote_apply) and may use both aliases; the flush after each test runs on the primary.
- Every test body runs inside `use_replica()`: the engine's reads go through the router.
- Each connection counts its reads and writes; the counts are written to TUIJIN_REPLICA_EVIDENCE at the end."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest

COUNTS: dict[str, Counter] = {}
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "CREATE", "ALTER", "DROP")


def _counter(alias):
    def wrapper(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        kind = "writes" if verb in WRITE_VERBS else "reads" if verb in ("SELECT", "WITH") else "other"
        COUNTS.setdefault(alias, Counter())[kind] += 1
        return execute(sql, params, many, context)

    return wrapper


class _Overrides:
    @pytest.fixture(scope="session")
    def django_db_setup(self, django_db_blocker):
        from django.core.management import call_command
        from django.db import connections

        with django_db_blocker.unblock():
            call_command("migrate", interactive=False, verbosity=0)
        for alias in connections:
            connections[alias].execute_wrappers.append(_counter(alias))
        yield

    @pytest.fixture(autouse=True)
    def _reads_through_the_router(self, request):
        from tuijin.core.routers import health, use_replica

        health.forget()
        with use_replica():
            yield


def pytest_configure(config):
    # Registered now, after pytest-django, so these fixtures override its own.
    config.pluginmanager.register(_Overrides(), "tuijin-replica-overrides")


def pytest_collection_modifyitems(session, config, items):
    from django.conf import settings

    aliases = ["default", *getattr(settings, "DATABASE_REPLICAS", [])]
    for item in items:
        # available_apps: every app, but the flush after each test skips re-creating permissions (much faster).
        # Prepended, so that it is the closest marker even where a test carries its own django_db marker.
        item.add_marker(pytest.mark.django_db(transaction=True, databases=aliases,
                                              available_apps=list(settings.INSTALLED_APPS)), append=False)


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("TUIJIN_REPLICA_EVIDENCE")
    if path:
        with open(path, "w") as fh:
            json.dump({alias: dict(c) for alias, c in COUNTS.items()}, fh)
