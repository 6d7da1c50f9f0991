"""The service matrix's other half (issue 18): the platform operator's services (tests/access/
service_cases_setup.py, OPERATOR_CASES) reach every city, so no city's user is in reach: each refuses a missing
actor, a 板块管理员 and the city's own 市管理员, writing nothing, and goes through for the system actor of a
command (the operator)."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.access.service_cases_setup import OPERATOR_CASES
from tests.access.test_service_matrix import _counts, _refused, _state
from tests.factories import SYSTEM

REFUSED = ("left out", None, "district_admin", "city_admin")


@pytest.fixture
def world(world):
    for place in world.places.values():
        place.city = place.unit.city()
    return world


def test_an_operator_service_refuses_every_city_user_and_writes_nothing(world):
    failures = []
    place = world.places["jk"]
    for label, service, build in OPERATOR_CASES:
        for who in REFUSED:
            kwargs, obj = build(world, place)
            before, state = _counts(), _state(obj)
            if who != "left out":
                kwargs["actor"] = world.users[who] if who else None
            outcome = _refused(service(), kwargs)
            if outcome is not None:
                failures.append(f"{label}: actor {who} → {outcome}")
            elif _counts() != before or _state(obj) != state:
                failures.append(f"{label}: actor {who} refused but something was written")
    assert not failures, "\n".join(failures)


def test_an_operator_service_goes_through_for_the_operator(world):
    place = world.places["jk"]
    for label, service, build in OPERATOR_CASES:
        kwargs, obj = build(world, place)
        before, state = _counts(), _state(obj)
        with transaction.atomic():
            service()(**kwargs, actor=SYSTEM)
            assert _counts() != before or _state(obj) != state, (
                f"{label}: the operator's call wrote nothing"
            )
            transaction.set_rollback(True)
