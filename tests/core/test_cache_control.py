"""A signed-in user's pages and every export download carry `Cache-Control: private, no-store` (issue 15 item
9): no shared proxy or back button on a shared office computer keeps them."""

from decimal import Decimal

import pytest

from tests import factories as f
from tuijin.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    city, d = f.city_tree("镇江市", ("京口区",))
    lst = f.annual_list(city, "市重大项目")
    p = f.project(d["京口区"], total=Decimal(80000))
    f.entry(lst, p, plan=Decimal(24000))
    f.reports(p, 2024, [Decimal(1000)] * 3)
    return f.user("cityadmin", city, Role.CITY_ADMIN)


def _no_store(response):
    cc = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= cc and not any(p.startswith("max-age=") and p != "max-age=0" for p in cc)


def test_a_signed_in_page_and_exports_are_not_stored(client, admin):
    client.force_login(admin)
    assert _no_store(client.get("/"))
    for url in ("/reports/export/?period=2024-03&format=csv", "/reports/export/?period=2024-03"):
        r = client.get(url)
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
        assert _no_store(r), (url, r.get("Cache-Control"))

