"""In a real browser (Debian's chromium, headless): a 京口区 administrator logs in through the login form, opens a
润州区 project by its URL and gets the not-found page, and sees only 京口区 in the overview."""

import pytest

from tests.access.world import FAST_HASHERS, PASSWORD, build_world
from tests.browser.conftest import login


@pytest.fixture
def small_zhenjiang(transactional_db, settings):
    """镇江市 → 京口区, 润州区 (and the rest of tests/access/world.py), committed so the live server sees it."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return build_world()


def test_district_admin_sees_only_its_district(page, live_server, small_zhenjiang, output_dir):
    w = small_zhenjiang
    jk, rz = w.project("jk"), w.project("rz")

    login(page, live_server, "jk_admin", PASSWORD)
    assert "/login/" not in page.url, "the login did not go through"

    # Another district's project, opened by its URL: the not-found page, naming nothing of it.
    response = page.goto(f"{live_server.url}/projects/{rz.pk}/")
    assert response.status == 404
    body = page.content()
    page.screenshot(path=str(output_dir / "rz-project-404.png"), full_page=True)
    assert rz.name not in body and rz.code not in body and "润州区" not in body
    assert any(word in body for word in ("不存在", "未找到", "找不到")), (
        "the not-found page is not in Chinese: the web pages need a templates/404.html (extending web/base.html)"
        f"; got: {page.inner_text('body')[:200]!r}")

    # Its own project opens.
    response = page.goto(f"{live_server.url}/projects/{jk.pk}/")
    assert response.status == 200 and jk.name in page.content()

    # The overview: 京口区 only.
    response = page.goto(f"{live_server.url}/overview/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(output_dir / "overview.png"), full_page=True)
    text = page.inner_text("body")
    assert "京口区" in text
    for other in ("润州区", "姑苏区", "西湖区", rz.name):
        assert other not in text, f"{other} shown in the overview"

    # The project list, with its drop-downs: 京口区 only.
    page.goto(f"{live_server.url}/projects/")
    html = page.content()
    assert jk.name in html and rz.name not in html and "润州区" not in html


def test_city_admin_pages_users_and_audit_trail(page, live_server, small_zhenjiang, output_dir):
    """The city administrator's own pages render in the browser: its users, and the audit trail searched by
    project code."""
    w = small_zhenjiang
    login(page, live_server, "zj_admin", PASSWORD)
    page.goto(f"{live_server.url}/accounts/users/")
    page.screenshot(path=str(output_dir / "users.png"), full_page=True)
    text = page.inner_text("body")
    assert "用户管理" in text and "jk_admin" in text and "sz_other" not in text

    page.fill("input[name=username]", "jk_browser")
    page.select_option("select[name=unit]", label="京口区")
    page.select_option("select[name=role]", "reporter")
    page.fill("input[name=password1]", "Changjiang-Bridge-88")
    page.fill("input[name=password2]", "Changjiang-Bridge-88")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "jk_browser" in page.inner_text("body")

    page.goto(f"{live_server.url}/audit/?project_code={w.project('jk').code}")
    page.screenshot(path=str(output_dir / "audit.png"), full_page=True)
    text = page.inner_text("body")
    assert "审计记录" in text and w.project("jk").name in text and w.project("rz").name not in text
    page.goto(f"{live_server.url}/audit/?user=zj_admin&model=accounts.User")
    assert "jk_browser" in page.inner_text("body")
