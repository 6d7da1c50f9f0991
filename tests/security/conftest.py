"""The world of tests/access/world.py (with its problems, weekly meetings, leads, contracts and events), plus a
competition campaign of 镇江市, built once for the module inside a transaction rolled back at its end; each test
runs in a savepoint within it, so a case that writes leaves nothing for the next."""

from __future__ import annotations

import pytest

from tests.access.world import FAST_HASHERS, add_leads, add_problems, build_world
from tests.factories import SYSTEM
from tests.worlds import module_world


def _campaign(w):
    from tuijin.dashboard.services import create_campaign

    zj = w.units["zhenjiang"]
    return create_campaign(city=zj, name="2024年双比双看", year=2024, first_month=1, last_month=6,
                           units=[w.units["jk"], w.units["rz"]],
                           indicators=[{"name": "完成投资", "kind": "project_points", "weight": 100,
                                        "method": "best", "params": {}}], actor=SYSTEM)


def _extras(w):
    """A report waiting for the district's review, jk's problem in progress at its department (so it can be
    answered), and a second event of 京口区 where jk's lead was not met."""
    import datetime
    from decimal import Decimal

    from tuijin.attraction.services import create_event
    from tuijin.problems import services as problems
    from tuijin.progress.models import ReportStatus
    from tuijin.progress.services import save_report

    w.submitted = save_report(project=w.project("jk"), year=2024, month=4, amount=Decimal(150),
                              status=ReportStatus.SUBMITTED, actor=SYSTEM)
    place = w.places["jk"]
    place.problem = problems.sign(actor=w.users["department"], problem=place.problem)
    place.problem = problems.start(actor=w.users["department"], problem=place.problem)
    w.event2 = create_event(city=w.units["zhenjiang"], name="京口区(上海)招商推介会", kind="promotion",
                            date=datetime.date(2024, 4, 8), place="上海", leader="区长", units=[w.units["jk"]], actor=SYSTEM)


def _build_hostile_world():
    w = add_leads(add_problems(build_world()))
    w.campaign = _campaign(w)
    _extras(w)
    # The default sentence templates are seeded by a migration and again on first read after a flush (an
    # earlier transactional test may have emptied the tables): seed them now, so that no case's read does.
    from tuijin.bulletins.selectors import ensure_default_templates

    ensure_default_templates()
    return w


# Built once for the module (tests/worlds.py).
hostile_world_built_once = module_world(_build_hostile_world)


@pytest.fixture
def hw(hostile_world_built_once, db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return hostile_world_built_once
