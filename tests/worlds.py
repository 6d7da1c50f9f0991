"""Worlds built once per test module, the way Django's `TestCase.setUpTestData` does it.

`module_world(build)` gives a module-scoped fixture that opens a transaction, builds the world with `build()`,
yields it and rolls the transaction back when the module's last test is done. Each test of the module still
asks for `db`: pytest-django then runs it inside a savepoint of that transaction, rolled back after the test,
so every test starts from the world exactly as it was built, as if it had been built for it alone.

`fresh(world)` is what a test's function-scoped fixture returns: a deep copy of the world's objects (as
Django's TestData does), so a test that changes an instance in memory (`p.name = …`, `refresh_from_db()`) does
not hand the next test a stale object. The copy keeps the references between the world's objects.

A module whose tests commit (transactional_db, live_server) must not use a module world: the flush after such a
test would empty the world inside its transaction. tests/conftest.py fails such a test with a message.
"""

from __future__ import annotations

import copy
import os

import pytest

_OPEN: dict[str, object] = {}  # node id → a function rolling back the module world's transaction, while open


def module_world(build, *, media: bool = False):
    """A module-scoped fixture building `build()` once per module inside a rolled-back transaction.
    `media=True`: MEDIA_ROOT is a temporary folder for the module while the world is built and used (files the
    world uploads stay readable by the module's tests)."""

    if os.environ.get("TUIJIN_REPLICA_EVIDENCE"):
        # The replica test's inner run (tests/replica/plugin.py) commits every test, so that the replica sees
        # its rows, and flushes after it: no world outlives a test there, so each test builds its own.
        @pytest.fixture
        def _per_test(transactional_db):
            return build()

        return _per_test

    @pytest.fixture(scope="module")
    def _world(request, django_db_setup, django_db_blocker, tmp_path_factory):
        from django.db import transaction
        from django.test.utils import override_settings

        overrides = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))) if media else None
        if overrides:
            overrides.enable()
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                built = build()
            except BaseException as error:
                atomic.__exit__(type(error), error, error.__traceback__)
                if overrides:
                    overrides.disable()
                raise
        def roll_back():
            _OPEN.pop(request.node.nodeid, None)
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

        _OPEN[request.node.nodeid] = roll_back
        try:
            yield built
        finally:
            if request.node.nodeid in _OPEN:
                roll_back()
            if overrides:
                overrides.disable()

    return _world


def fresh(world):
    """A deep copy of a module world for one test (see the module's docstring)."""
    try:
        return copy.deepcopy(world)
    except (TypeError, copy.Error, AttributeError):  # something in it cannot be copied: share it as it is
        return world


def open_worlds() -> list[str]:
    return list(_OPEN)


def close_open_worlds() -> None:
    """Roll back the open module worlds now (the demo, committed, must not be built inside one: the demo tests
    run last on a worker, so no test of that module needs its world any more)."""
    for roll_back in reversed(list(_OPEN.values())):
        roll_back()
