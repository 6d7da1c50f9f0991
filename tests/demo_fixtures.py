"""The demo database for tests that check the published figures: built once per session, after every other
test has run (items marked `demo` are moved to the end), so no other test ever sees the demo's rows."""

import pytest


def pytest_collection_modifyitems(session, config, items):
    demo = [i for i in items if i.get_closest_marker("demo")]
    if demo:
        rest = [i for i in items if not i.get_closest_marker("demo")]
        items[:] = rest + demo


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    """Build the demo once, committed, in the test database; demo tests read it through `db`."""
    from tuijin.demo.builder import build_demo

    with django_db_blocker.unblock():
        result = build_demo()
    return result


@pytest.fixture
def demo(demo_db, db):
    return demo_db
