"""Smoke test of the browser set-up: Debian's chromium opens the login page on the live server, the Chinese
title and labels render, the page's own static assets load (no CDN), and a demo-style user logs in through
the form. The screenshot (test-output/test_login_page_renders_in_chinese/login.png) is worth a look: without
a CJK font Chinese shows as empty boxes and nothing else reports it."""

from tests import factories as f
from tests.browser.conftest import login
from tuijin.accounts.models import Role

PASSWORD = "Tuijin-smoke-2024!"


def test_login_page_renders_in_chinese(page, live_server, output_dir):
    requests = []
    page.on("requestfinished", lambda r: requests.append(r.url))
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))

    response = page.goto(f"{live_server.url}/login/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.title() == "登录 · 推进"
    assert page.locator("h1").inner_text() == "登录推进平台"
    assert page.get_by_label("用户名").is_visible() and page.get_by_label("密码").is_visible()
    assert page.locator("button[type=submit]").inner_text().strip() == "登录"
    page.screenshot(path=str(output_dir / "login.png"), full_page=True)

    # Everything the page loaded came from the app itself.
    assert not failed, f"requests failed: {failed}"
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    assert any("/static/" in url for url in requests), "the login page loaded no stylesheet"


def test_a_user_logs_in_through_the_form(page, live_server, transactional_db, output_dir):
    city, d = f.city_tree("镇江市", ("京口区",))
    f.user("smoke_user", d["京口区"], Role.DISTRICT_ADMIN, password=PASSWORD)

    login(page, live_server, "smoke_user", PASSWORD)
    assert "/login/" not in page.url
    page.screenshot(path=str(output_dir / "after-login.png"), full_page=True)

    # A wrong password stays on the login page with a message in Chinese.
    page.context.clear_cookies()
    login(page, live_server, "smoke_user", "wrong-password-1", expect_success=False)
    assert "/login/" in page.url
    assert page.locator(".errorlist").count() == 1
