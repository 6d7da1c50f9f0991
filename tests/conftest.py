"""Shared pytest set-up. App-specific fixtures live in tests/<app>/conftest.py."""

import os
import sys

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.demo_fixtures", "tests.migrated_cache"]

# The slow lane (`make test-slow`, marker `slow`): what spends seconds a test on something else than the code
# under test: a browser, LibreOffice, a subprocess (a second Python, a server, a second PostgreSQL pair),
# schemathesis. `make test` runs the rest (`-m "not slow"`); CI runs both lanes. Besides the files and folders
# below, a test is slow when it carries @pytest.mark.slow itself.
SLOW_PATHS = (
    "tests/browser/",  # Playwright driving chromium
    "tests/replica/test_replica.py",  # a PostgreSQL primary and replica pair, and an inner pytest run
    "tests/api/test_schemathesis.py",  # property-based API fuzzing
    "tests/test_serve.py",  # `tuijin serve` in a subprocess
    "tests/test_settings.py",  # the settings module in fresh interpreters
    "tests/core/test_sqlite_concurrency.py",  # several processes writing one SQLite file
    "tests/onboarding/test_new_city_walk.py",  # a new city set up through the real CLI, in subprocesses
)


def _uses_a_module_world(item) -> bool:
    return any(name.endswith("_built_once") for name in getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(session, config, items):
    # Within a file, the tests that use a module world (tests/worlds.py: fixtures named *_built_once) run after
    # the others: the world's transaction stays open from its first test to the end of the file, and a test that
    # does not ask for the world must not find its rows (nor, committing, flush them away).
    first_of_file: dict[str, int] = {}
    for index, item in enumerate(items):
        first_of_file.setdefault(item.nodeid.split("::", 1)[0], index)
    items.sort(key=lambda i: (bool(i.get_closest_marker("demo")), first_of_file[i.nodeid.split("::", 1)[0]],
                              _uses_a_module_world(i)))
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path.startswith(SLOW_PATHS) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):  # an xdist worker (where config.option.dist reads "no")
        for item in items:
            if item.get_closest_marker("demo"):
                _rename(item, f"{item.nodeid}@{DEMO_SCOPE}")


def _rename(item, nodeid: str) -> None:
    """pytest 9 keeps a node's id as a NodeId (`_id`); older ones as a string (`_nodeid`)."""
    try:
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(nodeid)
    except ImportError:
        item._nodeid = nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """A test that commits (transactional_db, live_server) cannot run while a module world's transaction is
    open (tests/worlds.py): the flush after it would empty the world. Say so rather than fail obscurely later."""
    from tests.worlds import open_worlds

    if open_worlds() and {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        pytest.fail(f"{item.nodeid} commits, but a module world is open ({open_worlds()}): move the test to "
                    "a module without a module world", pytrace=False)


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


# ---- pytest-xdist (`make test` runs `-n 2 --dist loadfile`) -------------------------------------------------
# Each worker has its own test database (pytest-django suffixes its name with gw0, gw1; TUIJIN_TEST_DB_SUFFIX is
# kept in front of that). Whole files go to one worker, so a module world (tests/worlds.py) is built once. The
# demo tests are the exception: their node ids carry "@demo" on the workers, and the scheduler below hands them
# out as one unit, first: the longest unit (the demo's build) runs beside the other worker's files instead of
# alone at the end; tests/demo_fixtures.py takes the demo out of that worker's database after its last test.
DEMO_SCOPE = "demo"


def _loadfile(config) -> bool:
    return getattr(config.option, "dist", "no") == "loadfile"


@pytest.hookimpl(tryfirst=True)  # before xdist's own (trylast) one
def pytest_xdist_make_scheduler(config, log):
    if os.environ.get("TUIJIN_DEBUG_SCHED"):
        print("tuijin scheduler: FilesThenDemo", file=sys.stderr)
    if not _loadfile(config):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesThenDemo(LoadScopeScheduling):
        """loadfile: the demo tests first as one unit, then the biggest files first (for balance)."""

        _ordered = False

        def _split_scope(self, nodeid):
            if nodeid.endswith("@" + DEMO_SCOPE):
                return DEMO_SCOPE
            return nodeid.split("::", 1)[0]

        def _assign_work_unit(self, node):
            if not self._ordered:
                self._ordered = True
                units = sorted(self.workqueue.items(), key=lambda kv: (kv[0] != DEMO_SCOPE, -len(kv[1])))
                self.workqueue.clear()
                self.workqueue.update(units)
                if os.environ.get("TUIJIN_DEBUG_SCHED"):
                    print("tuijin scheduler units:", [(k, len(v)) for k, v in units], file=sys.stderr)
            super()._assign_work_unit(node)

    return FilesThenDemo(config, log)


FAKE_SOFFICE = r"""#!/bin/sh
# Stand-in for LibreOffice (tests/conftest.py, fake_soffice): writes a stub PDF where soffice would.
out=""; prev=""; src=""
for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; src="$a"; done
printf '%%PDF-1.4\n%% tuijin test stand-in for LibreOffice\n' > "$out/$(basename "$src" .docx).pdf"
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """LibreOffice's place taken by a script that writes a stub PDF at once (TUIJIN_SOFFICE): for the tests of who
    may download a PDF and how it is sent, in the fast lane. The conversion itself (fonts, pages) is tested with the
    real LibreOffice in the slow lane (tests/bulletins/test_print.py, tests/dossier/test_pages.py)."""
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE)
    script.chmod(0o755)
    monkeypatch.setenv("TUIJIN_SOFFICE", str(script))
    return script


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty (in-memory) cache: a module world's rows keep their ids from test to test,
    so figures one test cached after changing them must not be served to the next."""
    from django.core.cache import cache

    cache.clear()
