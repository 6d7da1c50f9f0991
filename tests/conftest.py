"""Shared pytest set-up. App-specific fixtures live in tests/<app>/conftest.py."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.demo_fixtures"]


def pytest_report_header(config):
    """Say which database the run uses, so a CI log shows the PostgreSQL run really ran on PostgreSQL."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        where = "in-memory test database"
    else:
        where = f"{db.get('USER') or ''}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}/{db.get('NAME')}"
    suffix = os.environ.get("TUIJIN_TEST_DB_SUFFIX")
    return [f"tuijin database: {engine} ({where}){f', test database suffix {suffix}' if suffix else ''}"
            f"; CI={'yes' if os.environ.get('CI') else 'no'}"]


@pytest.fixture(scope="session", autouse=True)
def _per_process_cache():
    """The suite caches in memory (TUIJIN_CACHE_URL=locmem), so counting a page's queries counts the page's own,
    not the database cache's; tests/indicators/test_cache.py checks the database cache itself."""
    from django.test.utils import override_settings

    local = override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                  "LOCATION": "tuijin-tests", "OPTIONS": {"MAX_ENTRIES": 2000}}})
    local.enable()
    yield
    local.disable()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Argon2 (the production hasher, asserted in tests/access/test_login_security.py from the settings module)
    costs about 0.1-0.6 s a password on these machines, and the suite creates users by the hundred: tests hash
    with MD5. The CLI's subprocess tests still use the real settings."""
    from django.test.utils import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """TUIJIN_TEST_DB_SUFFIX=name gives this run its own PostgreSQL test database (test_<db>_<name>), so two
    runs against the same server at the same time do not drop each other's database."""
    suffix = os.environ.get("TUIJIN_TEST_DB_SUFFIX", "").strip()
    if not suffix:
        return
    from django.conf import settings

    for db in settings.DATABASES.values():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            continue  # SQLite tests run in memory: nothing to share
        test = db.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{suffix}"


@pytest.fixture(autouse=True)
def _requests_outside_the_test_client_keep_the_connection():
    """Django's test client stops the request signals from closing the database connection; a WSGI app called
    directly (schemathesis) does not, and on PostgreSQL `close_old_connections` would close the connection that
    holds the test's transaction (autocommit is off inside it). Do for every request what the client does. Per
    test, because the test client reconnects the handler after each of its requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
