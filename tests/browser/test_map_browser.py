"""Done-when of issue 19 (1, 2) in Debian's chromium, zh-CN: the map (/map/) at 1440 and 390 px draws the town's
three districts and its projects; a click on 丙区 opens the drill-down list of 丙区's projects (P5, P6), a click on
P2's red point opens P2's page. The big screen (/screen/) at 1920×1080 and 3840×2160 never scrolls, rotates its
panels and refetches its data without an error; a kiosk link shows the screen without a login and, once revoked,
says so. Screenshots under test-output/<test>/."""

import pytest

from tests.browser.conftest import login
from tests.dashboard.world import PASSWORD, build_town
from tests.geo.conftest import CORNERS, place

PIXEL = """([lon, lat]) => {
  const el = document.getElementById('geo-map');
  const chart = echarts.getInstanceByDom(el);
  const [x, y] = chart.convertToPixel({geoIndex: 0}, [lon, lat]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y};
}"""
DRAWN = """() => {
  const el = document.getElementById('geo-map');
  const chart = el && window.echarts && echarts.getInstanceByDom(el);
  return !!(chart && el.querySelector('canvas') && chart.getOption().series.length >= 2);
}"""
NO_SCROLL = """() => ({h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth,
  vh: innerHeight, vw: innerWidth})"""


@pytest.fixture
def mapped_town(transactional_db):
    return place(build_town())


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_map_click_a_district_and_a_point(
    browser, live_server, mapped_town, output_dir, width, height
):
    town = mapped_town
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "town_leader", PASSWORD)
    page.goto(f"{live_server.url}/map/?through=2024-05")
    page.wait_for_function(DRAWN)
    layout = page.evaluate(NO_SCROLL)
    assert layout["w"] <= layout["vw"], layout
    page.locator("#geo-map").scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"map-{width}.png"), full_page=True)

    # 丙区: a spot of its square away from its projects' points (they sit at lon +0.05).
    lon, lat = CORNERS["丙区"]
    spot = page.evaluate(PIXEL, [lon + 0.015, lat + 0.015])
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_url("**/dashboard/list/**")
    assert f"unit={town.bing.pk}" in page.url and "key=projects" in page.url
    table = page.inner_text("#drill-table")
    assert (
        "丙区工业机器人项目" in table
        and "丙区河道整治工程" in table
        and "乙区快速路工程" not in table
    )
    page.screenshot(path=str(output_dir / f"district-list-{width}.png"), full_page=True)

    # P2 (甲区园区, red light): its point opens its page.
    page.go_back()
    page.wait_for_function(DRAWN)
    page.locator("#geo-map").scroll_into_view_if_needed()
    p2 = town.p[2]
    p2.refresh_from_db()
    spot = page.evaluate(PIXEL, [float(p2.longitude), float(p2.latitude)])
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_url(f"**/projects/{p2.pk}/")
    assert "园区储能电站项目" in page.inner_text("h1")
    assert not errors, errors
    context.close()


def _screen_ok(page):
    page.wait_for_function(
        "() => +document.getElementById('screen').dataset.loads >= 2", timeout=30_000
    )
    page.wait_for_function(
        "() => +document.getElementById('screen').dataset.rotations >= 2", timeout=30_000
    )
    layout = page.evaluate(NO_SCROLL)
    assert layout["h"] <= layout["vh"] and layout["w"] <= layout["vw"], layout
    assert page.get_attribute("#screen", "data-fails") is None
    assert "数据更新于" in page.inner_text("#s-status")


@pytest.mark.parametrize("width, height", [(1920, 1080), (3840, 2160)])
def test_screen_rotates_and_refreshes(browser, live_server, mapped_town, output_dir, width, height):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "town_leader", PASSWORD)
    page.goto(f"{live_server.url}/screen/?through=2024-05&refresh=3&rotate=2")
    page.wait_for_function("() => +document.getElementById('screen').dataset.loads >= 1")
    page.screenshot(path=str(output_dir / f"screen-{width}-trend.png"))
    first = page.get_attribute("#screen", "data-panel")
    _screen_ok(page)
    assert page.inner_text("#s-title") == "测试市重大项目推进"
    assert page.locator("#s-kpis .kpi").count() == 6
    assert page.locator("#s-ranking li").count() == 3
    assert page.locator("#s-map canvas").count() >= 1
    page.wait_for_function(f"() => document.getElementById('screen').dataset.panel !== '{first}'")
    page.screenshot(path=str(output_dir / f"screen-{width}-rotated.png"))
    assert not errors, errors
    context.close()


def test_kiosk_link_without_login_and_revoked(browser, live_server, mapped_town, output_dir):
    from tuijin.geo.services import create_kiosk_link, revoke_kiosk_link

    town = mapped_town
    link, token = create_kiosk_link(city=town.city, name="指挥中心大屏", actor=town.users["admin"])
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1920, "height": 1080}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/screen/k/{token}/?through=2024-05&refresh=2&rotate=2")
    _screen_ok(page)
    page.screenshot(path=str(output_dir / "kiosk.png"))
    revoke_kiosk_link(link=link, actor=town.users["admin"])
    page.wait_for_selector("#s-overlay:not([hidden])", timeout=20_000)
    assert "已被撤销" in page.inner_text("#s-overlay")
    page.screenshot(path=str(output_dir / "kiosk-revoked.png"))
    page.goto(f"{live_server.url}/screen/k/{token}/")
    assert "大屏链接已失效" in page.inner_text("h1")
    page.screenshot(path=str(output_dir / "kiosk-denied.png"))
    context.close()
