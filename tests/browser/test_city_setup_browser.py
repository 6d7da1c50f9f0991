"""The city administrator sets the city up in the browser (zh-CN): adds a park on the 单位管理 page, moves it, and
sees the lists and dimensions pages; screenshots at 1440×900 and 390×844 in test-output/<test name>/."""

import pytest

from tests import factories as f
from tests.browser.conftest import login
from tuijin.accounts.models import Role
from tuijin.orgs.models import OrgUnit

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def city_admin(transactional_db):
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    f.annual_list(city, "省重大项目", rank=1)
    f.user("city_admin", city, Role.CITY_ADMIN, password=PASSWORD)
    return city, d


def test_units_lists_and_dimensions_pages(page, live_server, city_admin, output_dir):
    city, d = city_admin
    login(page, live_server, "city_admin", PASSWORD)
    page.click("nav.main-nav >> text=本市设置")
    page.wait_for_url("**/setup/units/")
    page.fill("input[name=name]", "甲区高新园")
    page.select_option("select[name=kind]", label="园区")
    page.select_option("select[name=parent]", value=str(d["甲区"].pk))
    page.fill("input[name=region_code]", "320101")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "已新增单位 甲区高新园" in page.inner_text("body")
    park = OrgUnit.objects.get(name="甲区高新园")
    assert park.parent_id == d["甲区"].pk
    page.fill("input[name=region_code]", "12")  # refused, naming the field
    page.fill("input[name=name]", "乙区园")
    page.select_option("select[name=kind]", label="园区")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "行政区划代码应为 6 位数字" in page.inner_text("body")
    assert not OrgUnit.objects.filter(name="乙区园").exists()
    page.goto(f"{live_server.url}/setup/units/{park.pk}/")
    page.select_option("form[action$='/move/'] select[name=parent]", value=str(d["乙区"].pk))
    page.click("form[action$='/move/'] button")
    page.wait_for_load_state("networkidle")
    park.refresh_from_db()
    assert park.parent_id == d["乙区"].pk and park.path.startswith(d["乙区"].path)
    for name, path in (("units", "/setup/units/"), ("unit", f"/setup/units/{park.pk}/"),
                       ("lists", "/setup/lists/"), ("dimensions", "/setup/dimensions/")):
        for w, h in ((1440, 900), (390, 844)):
            page.set_viewport_size({"width": w, "height": h})
            page.goto(f"{live_server.url}{path}")
            assert page.locator("h1").count() == 1
            page.screenshot(path=str(output_dir / f"{name}-{w}.png"), full_page=True)
