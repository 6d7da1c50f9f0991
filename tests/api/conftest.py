"""A hand-made world for the API tests, and a client that speaks JSON with a token.

    测试省 ─ 测试市 ─ 甲区   projects jia1 (reporter: jia_reporter; department: 测试市发改委), jia2
                    ├ 乙区   project yi
                    └ 测试市发改委 (department)
           其他市 ─ 丙区     project bing

Each project is on 测试市's (or 其他市's) 省重大项目 list for 2024 with reports for January to March."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from tests import factories
from tests.factories import SYSTEM
from tests.worlds import fresh, module_world
from tuijin.accounts.models import Role
from tuijin.api.services import create_token
from tuijin.orgs.services import create_unit


@dataclass
class World:
    units: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


USERS = {
    "city_admin": (Role.CITY_ADMIN, "city"),
    "city_leader": (Role.CITY_LEADER, "city"),
    "jia_admin": (Role.DISTRICT_ADMIN, "jia"),
    "yi_admin": (Role.DISTRICT_ADMIN, "yi"),
    "jia_reporter": (Role.REPORTER, "jia"),
    "department": (Role.DEPARTMENT, "dept"),
    "other_admin": (Role.CITY_ADMIN, "other"),
}


def build_world() -> World:
    w = World()
    city, ds = factories.city_tree("测试市", ("甲区", "乙区"), province="测试省")
    other, ods = factories.city_tree("其他市", ("丙区",), province="测试省")
    dept = create_unit(name="测试市发改委", kind="department", parent=city, actor=SYSTEM)
    w.units.update(city=city, jia=ds["甲区"], yi=ds["乙区"], other=other, bing=ods["丙区"], dept=dept,
                   province=city.parent)
    w.lists["city"] = factories.annual_list(city, name="省重大项目", rank=1)
    w.lists["other"] = factories.annual_list(other, name="省重大项目", rank=1)
    specs = {"jia1": ("jia", Decimal(20000), {"responsible_department": dept}), "jia2": ("jia", Decimal(8000), {}),
             "yi": ("yi", Decimal(50000), {}), "bing": ("bing", Decimal(30000), {})}
    for key, (unit_key, total, extra) in specs.items():
        p = factories.project(w.units[unit_key], name=f"{unit_key}-{key}-项目", total=total, **extra)
        w.projects[key] = p
        lst = w.lists["other" if key == "bing" else "city"]
        factories.entry(lst, p, year=2024, plan=total / 4)
        factories.reports(p, 2024, [Decimal(100), Decimal(200), Decimal(300)])
    for username, (role, unit_key) in USERS.items():
        w.users[username] = factories.user(username, w.units[unit_key], role)
    w.projects["jia1"].reporters.add(w.users["jia_reporter"])
    for username, user in w.users.items():
        w.tokens[username] = create_token(user=user, name="测试", days=30, actor=user)[1]
    return w


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The world's users need passwords nobody types: argon2 would spend ~0.6 s on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


api_world_built_once = module_world(build_world)


@pytest.fixture
def world(api_world_built_once, db):
    return fresh(api_world_built_once)


@pytest.fixture
def livelihood_programme(world):
    """测试市's 2024 livelihood programme: one item led by the department, one by 甲区, reported for May."""
    from tuijin.livelihood import services
    from tuijin.livelihood.models import ReportStatus

    city, dept = world.units["city"], world.units["dept"]
    programme = services.create_programme(unit=city, year=2024, actor=SYSTEM)
    category = services.add_category(programme=programme, name="交通出行", actor=SYSTEM)
    parking = services.add_item(programme=programme, category=category, name="新增公共停车泊位", lead_unit=dept,
                                quantity=2000, unit="个", actor=SYSTEM)
    district_led = services.add_item(programme=programme, category=category, name="甲区口袋公园",
                                     lead_unit=world.units["jia"], quantity=10, unit="个", actor=SYSTEM)
    for item, done in ((parking, 900), (district_led, 2)):
        services.save_progress(item=item, year=2024, month=5, done=done, status=ReportStatus.ACCEPTED,
                               today=datetime.date(2025, 3, 1), actor=SYSTEM)
    return programme


class Api:
    """Django's test client, sending JSON and a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client, self.token = client, token

    def headers(self, token=None):
        token = token or self.token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, params=None, token=None, **extra):
        return self.client.get(_url(path), params or {}, **self.headers(token), **extra)

    def send(self, method, path, body=None, token=None, raw: bytes | str | None = None, **extra):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(_url(path), data=data, content_type="application/json",
                                            **self.headers(token), **extra)

    def post(self, path, body=None, **kw):
        return self.send("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.send("patch", path, body, **kw)

    def as_(self, username_or_token):
        return Api(self.client, username_or_token)


def _url(path: str) -> str:
    path = path.removeprefix("http://testserver")
    return path if path.startswith("/") else f"/api/v1/{path}"


@pytest.fixture
def api(client, world):
    """api.as_(world.tokens['jia_admin']).get('projects')"""
    return Api(client)


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]
