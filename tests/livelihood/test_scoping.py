"""Livelihood items are scoped (accounts.scoping.livelihood_item_q): a city user sees the city's programme,
a department its own items, a district its district's items; nobody sees another city's."""

import io
import json

import pytest
from django.core.management import call_command

from tests import factories
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.livelihood import scoping, selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(w):
    jk, rz = w.districts["京口区"], w.districts["润州区"]
    parking = w.item("新增公共停车泊位", cooperating_units=[w.depts["教育局"]])
    screening = w.item("两癌筛查", quantity=4, unit="万人", lead="卫生健康委员会")
    led_by_jk = w.item("京口区牵头的市级实事", quantity=10, unit="个", lead=jk)
    jk_prog = services.create_programme(unit=jk, year=2024, actor=SYSTEM)
    rz_prog = services.create_programme(unit=rz, year=2024, actor=SYSTEM)
    jk_item = w.item("京口区口袋公园", quantity=5, unit="个", programme=jk_prog, lead=jk)
    rz_item = w.item("润州区口袋公园", quantity=5, unit="个", programme=rz_prog, lead=rz)
    sz, _ = factories.city_tree("苏州市", ("姑苏区",), province="江苏省")
    sz_prog = services.create_programme(unit=sz, year=2024, actor=SYSTEM)
    sz_item = w.item("苏州市停车泊位", quantity=100, unit="个", programme=sz_prog, lead=sz)
    users = {
        "city_admin": factories.user("zj_admin", w.city, Role.CITY_ADMIN),
        "city_leader": factories.user("zj_leader", w.city, Role.CITY_LEADER),
        "housing": factories.user("zj_housing", w.depts["住房和城乡建设局"], Role.DEPARTMENT),
        "education": factories.user("zj_edu", w.depts["教育局"], Role.DEPARTMENT),
        "jk_admin": factories.user("jk_admin", jk, Role.DISTRICT_ADMIN),
        "jk_reporter": factories.user("jk_reporter", jk, Role.REPORTER),
        "province": factories.user("js_reader", w.province, Role.PROVINCE_READER),
        "sz_leader": factories.user("sz_leader", sz, Role.CITY_LEADER),
        "norole": factories.user("jk_norole", jk, ""),
        "inactive": factories.user("jk_inactive", jk, Role.DISTRICT_ADMIN, is_active=False),
    }
    items = dict(parking=parking, screening=screening, led_by_jk=led_by_jk, jk_item=jk_item, rz_item=rz_item,
                 sz_item=sz_item)
    return users, items


def names(user, action=scoping.READ):
    return {i.name for i in scoping.livelihood_items_for(user, action)}


def test_reach_by_role(w, scene):
    users, items = scene
    city_items = {"新增公共停车泊位", "两癌筛查", "京口区牵头的市级实事", "京口区口袋公园", "润州区口袋公园"}
    assert names(users["city_admin"]) == city_items
    assert names(users["city_leader"]) == city_items
    assert names(users["housing"]) == {"新增公共停车泊位"}
    assert names(users["education"]) == {"新增公共停车泊位"}  # cooperating
    assert names(users["jk_admin"]) == {"京口区口袋公园", "京口区牵头的市级实事"}
    assert names(users["jk_reporter"]) == {"京口区口袋公园", "京口区牵头的市级实事"}
    assert names(users["province"]) == city_items | {"苏州市停车泊位"}
    assert names(users["sz_leader"]) == {"苏州市停车泊位"}
    assert names(users["norole"]) == names(users["inactive"]) == set()


def test_who_reports_and_who_reviews(w, scene):
    users, _ = scene
    assert names(users["housing"], scoping.REPORT) == {"新增公共停车泊位"}  # the lead department fills in
    assert names(users["education"], scoping.REPORT) == set()  # a cooperating unit does not
    assert names(users["city_leader"], scoping.REPORT) == set()
    assert names(users["jk_admin"], scoping.REPORT) == {"京口区口袋公园", "京口区牵头的市级实事"}
    assert names(users["jk_admin"], scoping.REVIEW) == {"京口区口袋公园"}  # its own programme only
    assert names(users["city_admin"], scoping.REVIEW) == {"新增公共停车泊位", "两癌筛查", "京口区牵头的市级实事",
                                                          "京口区口袋公园", "润州区口袋公园"}
    assert names(users["province"], scoping.REVIEW) == set()


def test_programme_status_counts_only_what_the_user_sees(w, scene):
    users, items = scene
    w.report(items["parking"], 5, 1113)
    full = selectors.programme_status(programme=w.programme, month=5)
    assert full.total.items == 3
    mine = selectors.programme_status(programme=w.programme, month=5, user=users["housing"])
    assert [s.item.name for s in mine.states] == ["新增公共停车泊位"]
    assert selectors.programme_status(programme=w.programme, month=5, user=users["sz_leader"]).total.items == 0
    assert {p.name for p in selectors.programmes_for(users["jk_admin"])} == {"2024年京口区民生实事项目",
                                                                              "2024年镇江市民生实事项目"}


def test_cli_as_a_department(w, scene):
    out = io.StringIO()
    call_command("livelihood", "--city", "镇江市", "--through", "2024-05", "--format", "json", "--as", "zj_housing",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data["items"] == 1 and [i["name"] for i in data["item_list"]] == ["新增公共停车泊位"]
    out = io.StringIO()
    call_command("livelihood", "--city", "镇江市", "--unit", "京口区", "--through", "2024-05", "--format", "json",
                 stdout=out)
    assert [i["name"] for i in json.loads(out.getvalue())["item_list"]] == ["京口区口袋公园"]
