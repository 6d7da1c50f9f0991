"""Hand-made livelihood programmes: 镇江市 with two districts and a few departments, and helpers that make
items through the services (tests/factories.city_tree builds the units)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests import factories
from tests.factories import SYSTEM
from tuijin.livelihood import services
from tuijin.livelihood.models import ReportStatus
from tuijin.orgs.services import create_unit

# A "today" after the 2024 programme year, so every 2024 month may be reported.
TODAY = datetime.date(2025, 3, 1)


class World:
    def __init__(self):
        self.city, self.districts = factories.city_tree("镇江市", ("京口区", "润州区"), province="江苏省")
        self.province = self.city.parent
        self.depts = {name: create_unit(name=f"镇江市{name}", kind="department", parent=self.city, actor=SYSTEM)
                      for name in ("住房和城乡建设局", "卫生健康委员会", "教育局")}
        self.programme = services.create_programme(unit=self.city, year=2024, actor=SYSTEM)
        self.category = services.add_category(programme=self.programme, name="交通出行", actor=SYSTEM)

    def item(self, name="新增公共停车泊位", *, quantity=2000, unit="个", lead="住房和城乡建设局", programme=None,
             **kw):
        programme = programme or self.programme
        category = kw.pop("category", None) or (self.category if programme == self.programme else "测试")
        if "sub_items" in kw or "deliverables" in kw or kw.get("kind") == "policy":
            quantity, unit = None, kw.pop("unit", "")
        lead_unit = self.depts[lead] if isinstance(lead, str) else lead
        return services.add_item(programme=programme, category=category, name=name, lead_unit=lead_unit,
                                 quantity=quantity, unit=unit, **{"actor": SYSTEM, **kw})

    def report(self, item, month, done=None, *, delivered=None, status=ReportStatus.ACCEPTED, **kw):
        return services.save_progress(item=item, year=item.programme.year, month=month, done=done,
                                      delivered=delivered, status=status, today=kw.pop("today", TODAY),
                                      **{"actor": SYSTEM, **kw})


@pytest.fixture
def w(db) -> World:
    return World()


def dec(x) -> Decimal:
    return Decimal(str(x))


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    """Users made here need no argon2 (tests/access checks the real hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
