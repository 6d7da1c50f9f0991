"""In a real browser: the city administrator opens 口径 from the navigation, sets 2025's conventions (a phased
curve and another wording), sees a bad value refused in Chinese naming the key, and the page at 1440×900 and
390×844."""

import pytest

from tests import factories
from tests.browser.conftest import login
from tuijin.accounts.models import Role
from tuijin.orgs.models import Conventions

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def admin_city(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city, _ = factories.city_tree("口径市", ("甲区", "乙县"))
    factories.user("kj_admin", city, Role.CITY_ADMIN, password=PASSWORD)
    return city


def test_admin_sets_conventions_on_the_page(page, live_server, admin_city, output_dir):
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, live_server, "kj_admin", PASSWORD)
    page.goto(f"{live_server.url}/overview/")
    page.click("nav >> text=口径")
    assert "/setup/conventions/" in page.url
    page.goto(f"{live_server.url}/setup/conventions/?unit={admin_city.pk}&year=2025")
    page.fill("input[name=curve]", "3:20,6:45,9:72.5,12:100")
    page.select_option("select[name=wording]", "time")
    page.fill("input[name=rate_places]", "2")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "已保存 口径市 2025年起的口径" in page.inner_text("body")
    row = Conventions.objects.get(unit=admin_city, year=2025)
    assert (row.rate_places, row.wording, row.schedule_curve[0]) == (2, "time", [3, "20"])
    page.screenshot(path=str(output_dir / "conventions-1440.png"), full_page=True)

    page.fill("input[name=rate_places]", "5")
    page.click("button.primary")
    assert "百分比小数位 (rate_places) 须为 0–4 的整数: '5'" in page.inner_text("body")
    assert Conventions.objects.get(unit=admin_city, year=2025).rate_places == 2
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(output_dir / "conventions-390.png"), full_page=True)
