"""The layout, login and lockout pages, the figure filters, and the vendored assets."""

import datetime
import importlib.util
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

from tests import factories as f
from tuijin.accounts.models import Role

from .conftest import login

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_login_page_is_chinese_and_styled(client):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录推进平台" in html and "用户名" in html and "密码" in html
    assert "/static/tuijin/tuijin.css" in html


@pytest.mark.django_db
def test_wrong_password_shows_a_chinese_error(client):
    c, _ = f.city_tree()
    f.user("wang", c, Role.CITY_ADMIN)
    response = client.post("/login/", {"username": "wang", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200 and "正确" in response.content.decode()


@pytest.mark.django_db
def test_lockout_page_says_how_long(client, settings):
    settings.AXES_COOLOFF_TIME = 0.5
    c, _ = f.city_tree()
    f.user("li", c, Role.CITY_ADMIN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "li", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    response = client.post("/login/", {"username": "li", "password": "Tuijin-test-2024!"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert "账号已暂时锁定" in html and "30 分钟" in html and "li" in html


@pytest.mark.django_db
def test_layout_names_the_unit_and_role_and_logs_out_by_post(client):
    c, districts = f.city_tree()
    admin = f.user("admin_user", c, Role.CITY_ADMIN, is_staff=True, is_superuser=True)
    staff = f.user("staff_user", c, Role.CITY_ADMIN, is_staff=True)
    clerk = f.user("clerk", districts["甲区"], Role.DISTRICT_ADMIN)
    html = login(client, clerk).get("/projects/").content.decode()
    assert "甲区" in html and "板块管理员" in html
    assert 'href="/overview/"' in html and 'href="/projects/"' in html and 'href="/livelihood/"' in html
    assert ">管理<" not in html  # the admin link is for active superusers only (the admin is closed to others)
    assert ">管理<" not in login(client, staff).get("/projects/").content.decode()
    assert re.search(r'<form method="post" action="/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken"',
                     html)
    html = login(client, admin).get("/projects/").content.decode()
    assert 'href="/admin/"' in html and "市管理员" in html
    assert client.post("/logout/").status_code == 302
    assert client.get("/projects/").status_code == 302  # logged out


@pytest.mark.django_db
def test_pages_have_no_inline_script_and_nothing_from_a_cdn(client):
    c, _ = f.city_tree()
    admin = f.user("admin_user", c, Role.CITY_ADMIN)
    p = f.project(c)
    pages = [client.get("/login/")]
    login(client, admin)
    pages += [client.get(u) for u in ("/overview/", "/projects/", f"/projects/{p.pk}/", "/projects/new/",
                                      f"/projects/{p.pk}/edit/", f"/projects/{p.pk}/stage/")]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200, response
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all("src=" in s for s in scripts), scripts  # CSP script-src 'self': no inline code
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no CDN, offline intranets
        assert "/static/django_htmx/htmx-2" in html


# ---------------------------------------------------------------- figure filters


def render(template: str, **context) -> str:
    return Template("{% load figures %}" + template).render(Context(context))


@pytest.mark.parametrize("template, value, expected", [
    ("{{ v|yi:1 }}", 31.9, "31.9"),
    ("{{ v|yi:1 }}", 32.0, "32.0"),
    ("{{ v|yi:2 }}", 31.9, "31.90"),
    ("{{ v|yi:1 }}", 0, "0.0"),
    ("{{ v|yi:1 }}", None, "—"),
    ("{{ v|pct:1 }}", 45.1, "45.1%"),
    ("{{ v|pct:2 }}", 100, "100.00%"),
    ("{{ v|pct:1 }}", None, "—"),
    ("{{ v|yoy:1 }}", 18.2, "+18.2%"),
    ("{{ v|yoy:1 }}", -84.0, "-84.0%"),
    ("{{ v|yoy:1 }}", None, "—"),
    ("{{ v|wan_yi }}", Decimal("1250"), "0.1"),  # the default city: one place
    ("{{ v|wan_yi:2 }}", Decimal("1250"), "0.13"),  # 0.125 亿 → 0.13: half up, not half even
    ("{{ v|wan_yi:2 }}", Decimal("30000.00"), "3.00"),
    ("{{ v|wan_yi }}", Decimal("10946000"), "1,094.6"),
    ("{{ v|wan }}", Decimal("12500"), "12,500"),
    ("{{ v|wan }}", Decimal("12500.5"), "12,500.50"),
    ("{{ v|count }}", 1234, "1,234"),
    ("{{ v|plain }}", Decimal("1.00"), "1"),
    ("{{ v|rate }}", Decimal("0.45125"), "45.1%"),
    ("{{ v|dash }}", None, "—"),
    ("{{ v|dash }}", 0, "0"),
])
def test_figure_filters(template, value, expected):
    assert render(template, v=value) == expected


def test_filters_take_the_city_style():
    from tuijin.core.numbers import NumberStyle

    truncate = NumberStyle(amount_places=2, rate_places=2, rounding="truncate")
    assert render("{{ v|wan_yi:style }}", v=Decimal(1250), style=truncate) == "0.12"
    assert render("{{ v|rate:style }}", v=Decimal("0.45125"), style=truncate) == "45.12%"
    assert render("{{ v|wan_yi:style }}", v=None, style=truncate) == "—"


def test_variance_wording_and_colour():
    assert render("{{ v|variance:1 }}", v=3.5) == '<span class="ahead" title="超序时">超 3.5 个百分点</span>'
    assert render("{{ v|variance:1 }}", v=-2.1) == '<span class="behind" title="欠序时">欠 2.1 个百分点</span>'
    assert "持平" in render("{{ v|variance:1 }}", v=0.0)
    assert render("{{ v|variance:1 }}", v=None) == "—"


def test_duration_in_words():
    assert render("{{ v|duration_zh }}", v=datetime.timedelta(minutes=30)) == "30 分钟"
    assert render("{{ v|duration_zh }}", v=datetime.timedelta(hours=1, minutes=30)) == "1 小时 30 分钟"
    assert render("{{ v|duration_zh }}", v=datetime.timedelta(days=1)) == "1 天"


# ---------------------------------------------------------------- npm assets


def _vendor_module():
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_package_json_pins_echarts_6_and_htmx_2():
    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert re.fullmatch(r"6\.\d+\.\d+", deps["echarts"]) and re.fullmatch(r"2\.\d+\.\d+", deps["htmx.org"])


def test_vendor_script_copies_echarts_and_refuses_a_wrong_version(tmp_path):
    vendor = _vendor_module()
    pkg = tmp_path / "node_modules" / "echarts"
    (pkg / "dist").mkdir(parents=True)
    (pkg / "dist" / "echarts.min.js").write_text("/* echarts */")
    (pkg / "LICENSE").write_text("Apache-2.0")
    (pkg / "package.json").write_text('{"version": "6.1.0"}')
    copied = vendor.vendor(tmp_path, tmp_path / "out")
    assert (tmp_path / "out" / "echarts.min.js").read_text() == "/* echarts */" and len(copied) == 2
    (pkg / "package.json").write_text('{"version": "5.6.0"}')
    with pytest.raises(SystemExit, match="expected 6.x"):
        vendor.vendor(tmp_path, tmp_path / "out")
