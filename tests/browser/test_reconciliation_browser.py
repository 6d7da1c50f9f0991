"""统计对账 in chromium (zh-CN): the city administrator reads the findings at 1440 and 390 px (nothing scrolls
sideways), explains one through its form, and issues the bulletin from the bulletin page; the leader reads the
page on the phone. Screenshots in test-output/<test>/."""

import pytest

from tests.browser.conftest import login
from tests.browser.test_page_walk import CHECK_LAYOUT
from tests.reconciliation.conftest import build_town, import_lists

PASSWORD = "Tuijin-test-2024!"  # tests.factories.user's


@pytest.fixture
def town(transactional_db):
    return import_lists(build_town())


def fits(page, where: str) -> None:
    found = page.evaluate(CHECK_LAYOUT)
    assert found["scrollWidth"] <= found["innerWidth"] and not found["wide"], (where, found["wide"])


def test_explain_a_finding_then_issue(page, live_server, town, output_dir):
    login(page, live_server, "recon_admin", PASSWORD)
    url = f"{live_server.url}/reconciliation/?through=2024-03"
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        assert "差异 7 条" in page.inner_text("#summary")
        fits(page, f"reconciliation at {width}px")
        page.screenshot(path=str(output_dir / f"reconciliation-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)
    row = page.locator("#f-not_in_stats ~ .table-wrap").first.locator("tbody tr").first
    row.locator("summary").click()
    row.locator("select[name=status]").select_option("explained")
    row.locator("textarea[name=note]").fill("已申报入库, 等待统计局审核")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "未处理 6 条, 已说明 1 条" in page.inner_text("#summary")
    assert "已申报入库, 等待统计局审核" in page.inner_text("main")
    page.goto(f"{live_server.url}/bulletins/?through=2024-03")
    status = page.inner_text("#reconciliation-status")
    assert "差异 7 条, 未处理 6 条, 已说明 1 条" in status
    page.click("text=签发本期通报")
    page.wait_for_load_state("networkidle")
    assert "已签发" in page.inner_text("main")
    page.screenshot(path=str(output_dir / "bulletin-issued.png"), full_page=True)


def test_leader_reads_on_the_phone(page, live_server, town, output_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "recon_leader", PASSWORD)
    page.goto(f"{live_server.url}/reconciliation/?through=2024-03")
    assert (
        "开工早于审批" in page.inner_text("main")
        and page.locator("textarea[name=note]").count() == 0
    )
    fits(page, "reconciliation as the leader at 390px")
    page.screenshot(path=str(output_dir / "reconciliation-leader-390.png"), full_page=True)
