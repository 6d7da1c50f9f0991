"""The city administrator's org tree (单位管理): add, rename, move (the subtree's paths rebuilt), retire (撤销)
and restore, through orgs.services and the /setup/units/ pages. Each refusal names the field and writes nothing;
another city's administrator, a district administrator and a unit of another city are refused; every write is
audited. Hand-made trees."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.orgs import services
from tuijin.orgs.models import OrgUnit


@pytest.fixture
def world(db):
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    other, od = f.city_tree("邻市", ("丙区",))
    park = services.create_unit(name="甲区高新园", kind="park", parent=d["甲区"], actor=SYSTEM)
    admin = f.user("city_admin", city, Role.CITY_ADMIN)
    return {"city": city, "d": d, "park": park, "other": other, "od": od, "admin": admin,
            "other_admin": f.user("other_admin", other, Role.CITY_ADMIN),
            "district_admin": f.user("jia_admin", d["甲区"], Role.DISTRICT_ADMIN)}


def tree_state():
    return sorted(OrgUnit.objects.values_list("name", "kind", "parent_id", "path", "depth", "short_name",
                                              "region_code", "active", "retired_on"))


def refused(call, field: str, words: str):
    before, audits = tree_state(), AuditEntry.objects.count()
    with pytest.raises(InputError) as exc:
        call()
    assert exc.value.field == field, exc.value.text
    assert words in exc.value.text, exc.value.text
    assert tree_state() == before and AuditEntry.objects.count() == audits


def test_add_builds_path_and_depth_and_is_audited(world):
    city, admin = world["city"], world["admin"]
    unit = services.add_unit(actor=admin, city=city, name="丁园区", kind="park", parent=world["d"]["乙区"],
                             short_name="丁园", region_code="320102")
    assert unit.path == f"{world['d']['乙区'].path}{unit.pk}/" and unit.depth == world["d"]["乙区"].depth + 1
    top = services.add_unit(actor=admin, city=city, name="戊县", kind="county")
    assert top.parent == city and top.depth == city.depth + 1
    entry = AuditEntry.objects.filter(model="orgs.OrgUnit", object_id=str(unit.pk), action="create").get()
    assert entry.actor == admin and entry.after["short_name"] == "丁园" and entry.after["region_code"] == "320102"


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"name": "甲区", "kind": "district"}, "name", "已有单位"),
    ({"name": "  ", "kind": "district"}, "name", "不能为空"),
    ({"name": "新区", "kind": "city"}, "kind", "类型"),
    ({"name": "新区", "kind": "province"}, "kind", "类型"),
    ({"name": "新区", "kind": "nonsense"}, "kind", "类型"),
    ({"name": "新区", "kind": "district", "region_code": "32010"}, "region_code", "6 位数字"),
    ({"name": "新区", "kind": "district", "region_code": "32O101"}, "region_code", "6 位数字"),
])
def test_add_refusals_name_the_field(world, kwargs, field, words):
    refused(lambda: services.add_unit(actor=world["admin"], city=world["city"], **kwargs), field, words)


def test_add_refuses_wrong_kind_under_parent_and_parent_elsewhere(world):
    admin, city = world["admin"], world["city"]
    refused(lambda: services.add_unit(actor=admin, city=city, name="某区", kind="district", parent=world["park"]),
            "kind", "不能设在园区")
    refused(lambda: services.add_unit(actor=admin, city=city, name="某区", kind="district",
                                      parent=world["d"]["甲区"]), "kind", "不能设在区")
    refused(lambda: services.add_unit(actor=admin, city=city, name="某园", kind="park", parent=world["od"]["丙区"]),
            "parent", "不在 测试市")


def test_only_the_citys_administrator(world):
    city = world["city"]
    before = tree_state()
    for actor in (world["other_admin"], world["district_admin"], None):
        with pytest.raises(PermissionDenied):
            services.add_unit(actor=actor, city=city, name="某县", kind="county")
        with pytest.raises(PermissionDenied):
            services.update_unit(actor=actor, unit=world["d"]["甲区"], name="甲新区")
        with pytest.raises(PermissionDenied):
            services.move_unit(actor=actor, unit=world["park"], parent=world["d"]["乙区"])
        with pytest.raises(PermissionDenied):
            services.retire_unit(actor=actor, unit=world["park"])
    assert tree_state() == before


def test_rename_and_refusals(world):
    admin, jia = world["admin"], world["d"]["甲区"]
    services.update_unit(actor=admin, unit=jia, name="甲新区", short_name="甲", region_code="320111")
    jia.refresh_from_db()
    assert (jia.name, jia.short_name, jia.region_code) == ("甲新区", "甲", "320111")
    entry = AuditEntry.objects.filter(model="orgs.OrgUnit", object_id=str(jia.pk), action="update").get()
    assert entry.before["name"] == "甲区" and entry.after["name"] == "甲新区"
    refused(lambda: services.update_unit(actor=admin, unit=jia, name="乙区"), "name", "已有单位")
    refused(lambda: services.update_unit(actor=admin, unit=jia, region_code="abc"), "region_code", "6 位数字")
    # 甲新区 holds a park: it cannot become a park itself
    refused(lambda: services.update_unit(actor=admin, unit=jia, kind="park"), "kind", "园区")


def test_move_rebuilds_the_subtree_paths(world):
    admin, city, d, park = world["admin"], world["city"], world["d"], world["park"]
    inner = services.add_unit(actor=admin, city=city, name="园区管委会", kind="department", parent=d["甲区"])
    project = f.project(park, name="园区项目")
    services.move_unit(actor=admin, unit=park, parent=d["乙区"])
    park.refresh_from_db()
    assert park.parent == d["乙区"] and park.path == f"{d['乙区'].path}{park.pk}/" and park.depth == 3
    # the whole district moves under a county with its park-less subtree (甲区 → 新县 is a wrong kind)
    county = services.add_unit(actor=admin, city=city, name="新县", kind="county")
    refused(lambda: services.move_unit(actor=admin, unit=d["甲区"], parent=county), "kind", "不能设在县")
    # the park's projects follow it: 乙区's subtree now holds them, 甲区's no longer
    assert OrgUnit.objects.subtree(d["乙区"]).filter(pk=project.unit_id).exists()
    assert not OrgUnit.objects.subtree(d["甲区"]).filter(pk=park.pk).exists()
    inner.refresh_from_db()
    assert inner.path == f"{d['甲区'].path}{inner.pk}/"
    assert AuditEntry.objects.filter(model="orgs.OrgUnit", object_id=str(park.pk), action="update").exists()


def test_move_a_subtree_rebuilds_every_descendant(world):
    admin, city, d, park = world["admin"], world["city"], world["d"], world["park"]
    zone = services.add_unit(actor=admin, city=city, name="开发区", kind="zone")
    dept = services.add_unit(actor=admin, city=city, name="高新园办公室", kind="department", parent=d["甲区"])
    services.move_unit(actor=admin, unit=park, parent=zone)
    services.move_unit(actor=admin, unit=dept, parent=zone)
    for u in (park, dept):
        u.refresh_from_db()
        assert u.path == f"{zone.path}{u.pk}/" and u.depth == zone.depth + 1


def test_move_refusals(world):
    admin, d, park, city = world["admin"], world["d"], world["park"], world["city"]
    # a cycle: a district under its own park is refused (the cycle, before the kind)
    refused(lambda: services.move_unit(actor=admin, unit=d["甲区"], parent=park), "parent", "下级单位")
    refused(lambda: services.move_unit(actor=admin, unit=d["甲区"], parent=d["甲区"]), "parent", "它自己")
    refused(lambda: services.move_unit(actor=admin, unit=park, parent=world["od"]["丙区"]), "parent", "不在 测试市")
    services.add_unit(actor=admin, city=city, name="甲区高新园", kind="park", parent=d["乙区"])
    refused(lambda: services.move_unit(actor=admin, unit=park, parent=d["乙区"]), "name", "已有单位")


def test_retire_keeps_history_and_offers_nothing_new(world, client):
    admin, d, park = world["admin"], world["d"], world["park"]
    project = f.project(park, name="园区老项目")
    refused(lambda: services.retire_unit(actor=admin, unit=d["甲区"], on=datetime.date(2024, 6, 30)), "unit",
            "仍在用")
    refused(lambda: services.retire_unit(actor=admin, unit=park, on=datetime.date(2999, 1, 1)), "retired_on",
            "在未来")
    services.retire_unit(actor=admin, unit=park, on=datetime.date(2024, 6, 30))
    park.refresh_from_db()
    assert (park.active, park.retired_on) == (False, datetime.date(2024, 6, 30))
    assert OrgUnit.objects.filter(pk=park.pk).exists() and project.unit_id == park.pk
    entry = AuditEntry.objects.filter(model="orgs.OrgUnit", object_id=str(park.pk), action="update").get()
    assert entry.before["active"] is True and entry.after["active"] is False
    # not offered for a new project or a new user
    from tuijin.accounts.selectors import assignable_units
    from tuijin.web.selectors import visible_units, writable_units

    assert park not in writable_units(admin) and park in visible_units(admin)
    assert park not in assignable_units(admin)
    from tuijin.projects.services import create_project

    with pytest.raises(InputError) as exc:
        create_project(code="2024-320101-34-03-00099A", name="新项目", unit=park, category=f.category(),
                       total_investment=100, actor=admin)
    assert exc.value.field == "unit" and "已撤销" in exc.value.text
    services.restore_unit(actor=admin, unit=park)
    park.refresh_from_db()
    assert park.active and park.retired_on is None


def test_units_pages(world, client):
    admin, d = world["admin"], world["d"]
    client.force_login(admin)
    page = client.get("/setup/units/")
    assert page.status_code == 200 and "甲区高新园" in page.content.decode()
    assert "丙区" not in page.content.decode()
    r = client.post("/setup/units/", {"name": "新园", "kind": "park", "parent": d["乙区"].pk,
                                      "region_code": "320199"})
    assert r.status_code == 302
    new = OrgUnit.objects.get(name="新园")
    assert new.parent == d["乙区"]
    before = tree_state()
    r = client.post("/setup/units/", {"name": "新园", "kind": "park", "parent": d["乙区"].pk})
    assert r.status_code == 200 and "已有单位" in r.content.decode() and tree_state() == before
    r = client.post(f"/setup/units/{new.pk}/edit/", {"name": "新园", "kind": "park", "region_code": "12"})
    assert r.status_code == 200 and "行政区划代码" in r.content.decode() and tree_state() == before
    r = client.post(f"/setup/units/{d['甲区'].pk}/move/", {"parent": world["park"].pk})
    assert r.status_code == 200 and "下级单位" in r.content.decode() and tree_state() == before
    r = client.post(f"/setup/units/{new.pk}/move/", {"parent": d["甲区"].pk})
    assert r.status_code == 302
    new.refresh_from_db()
    assert new.path.startswith(d["甲区"].path)
    r = client.post(f"/setup/units/{new.pk}/retire/", {"retired_on": "2024-07-01"})
    assert r.status_code == 302 and not OrgUnit.objects.get(pk=new.pk).active
    # another city's unit: 404; another city's administrator or a district administrator: 403
    assert client.get(f"/setup/units/{world['od']['丙区'].pk}/").status_code == 404
    client.force_login(world["other_admin"])
    assert client.post(f"/setup/units/{d['乙区'].pk}/edit/", {"name": "x", "kind": "district"}).status_code == 404
    client.force_login(world["district_admin"])
    assert client.get("/setup/units/").status_code == 403


def test_a_project_on_a_retired_unit_can_still_be_edited(world, client):
    admin, park = world["admin"], world["park"]
    project = f.project(park, name="园区老项目", total=20000)
    services.retire_unit(actor=admin, unit=park, on=datetime.date(2024, 6, 30))
    client.force_login(admin)
    page = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert "甲区高新园" in page  # still offered as the project's own unit
    r = client.post(f"/projects/{project.pk}/edit/", {
        "code": project.code, "name": "园区老项目(续)", "unit": park.pk, "category": project.category_id,
        "total_investment": "20000"})
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.name == "园区老项目(续)" and project.unit_id == park.pk
    # but a new project is not offered the retired unit
    assert "甲区高新园" not in client.get("/projects/new/").content.decode()
