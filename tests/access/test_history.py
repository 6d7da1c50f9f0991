"""Changing a project's total planned investment, stage or unit shows in its history (变更记录) with the user,
the time, the address and the before and after values; a 填报员 can change none of them."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest

from tuijin.audit.models import AuditEntry
from tuijin.projects.models import Stage
from tuijin.projects.services import record_stage, update_project


def edit_data(project, **changes) -> dict:
    data = {"code": project.code, "name": project.name, "owner": project.owner, "unit": project.unit_id,
            "category": project.category_id, "industry_node": project.industry_node_id or "",
            "total_investment": f"{project.total_investment.normalize():f}", "location": project.location,
            "description": project.description, "responsible_leader": project.responsible_leader,
            "responsible_department": project.responsible_department_id or "",
            "service_contact": project.service_contact, "reason": ""}
    data.update(changes)
    return data


def history_rows(client, project) -> list[str]:
    """The history table on the project page, one text line per entry."""
    html = client.get(f"/projects/{project.pk}/").content.decode()
    section = html[html.index('id="history"'):]
    rows = re.findall(r'<tr class="audit-entry">(.*?)</tr>', section, re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", r))).strip() for r in rows]


def test_changes_through_the_web_forms_show_in_the_history(world, client):
    p = world.project("jk")
    admin, city_admin = world.users["district_admin"], world.users["city_admin"]

    client.force_login(admin)
    response = client.post(f"/projects/{p.pk}/edit/", edit_data(p, total_investment="15000", reason="调增规模"),
                           REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(f"/projects/{p.pk}/stage/", {"stage": Stage.SIGNED, "date": "2024-03-01", "note": "",
                                                         "reason": ""}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302, response.content.decode()[:3000]
    p.refresh_from_db()
    assert p.total_investment == Decimal(15000) and p.stage == Stage.SIGNED

    client.force_login(city_admin)  # moving a project between districts is the city's decision
    response = client.post(f"/projects/{p.pk}/edit/", edit_data(p, unit=world.units["rz"].pk, reason="划转"),
                           REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 302, response.content.decode()[:3000]

    entries = AuditEntry.objects.filter(model="projects.Project", project_id=p.pk, action="update")
    total = entries.get(before__total_investment="12000.00", after__total_investment="15000.00")
    assert total.actor == admin
    assert total.ip_address == "192.0.2.10" and total.reason == "调增规模"
    assert abs(total.at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)
    stage = entries.get(before__stage=Stage.PLANNING, after__stage=Stage.SIGNED)
    assert stage.actor == admin and stage.before == {"stage": Stage.PLANNING}
    moved = entries.get(before__unit=world.units["jk"].pk, after__unit=world.units["rz"].pk)
    assert moved.actor == city_admin

    rows = history_rows(client, p)
    today = total.at.astimezone().strftime("%Y-%m-%d")
    assert any("jk_admin" in r and "计划总投资" in r and "12000.00 → 15000.00" in r and today in r
               and "192.0.2.10" in r for r in rows), rows
    assert any("jk_admin" in r and "谋划 → 签约" in r for r in rows), rows
    assert any("zj_admin" in r and "京口区 → 润州区" in r and "划转" in r for r in rows), rows


def test_changes_through_the_services_are_recorded_the_same_way(world):
    p, admin = world.project("jk"), world.users["district_admin"]
    update_project(project=p, total_investment="13000", actor=admin)
    record_stage(project=p, stage=Stage.NEGOTIATING, date=datetime.date(2024, 1, 5), actor=admin)
    update_project(project=p, unit=world.units["rz"], actor=world.users["city_admin"], reason="划转")
    log = list(AuditEntry.objects.filter(project_id=p.pk, model="projects.Project", action="update")
               .order_by("id").values_list("actor_name", "before", "after"))
    assert [(a, b, c) for a, b, c in log][-3:] == [
        ("jk_admin", {**log[-3][1], "total_investment": "12000.00"}, {**log[-3][1], "total_investment": "13000.00"}),
        ("jk_admin", {"stage": "planning"}, {"stage": "negotiating"}),
        ("zj_admin", {**log[-1][1], "unit": world.units["jk"].pk}, {**log[-1][1], "unit": world.units["rz"].pk}),
    ]


@pytest.mark.parametrize("role", ["reporter", "city_leader", "department", "province_reader"])
def test_read_only_roles_cannot_change_total_stage_or_unit(world, client, role):
    p = world.project("jk")
    before = (p.total_investment, p.stage, p.unit_id)
    n = AuditEntry.objects.count()
    client.force_login(world.users[role])
    assert client.get(f"/projects/{p.pk}/").status_code == 200  # it may see the project …
    assert client.get(f"/projects/{p.pk}/edit/").status_code == 403  # … but not change it
    assert client.get(f"/projects/{p.pk}/stage/").status_code == 403
    assert client.post(f"/projects/{p.pk}/edit/", edit_data(p, total_investment="99999")).status_code == 403
    assert client.post(f"/projects/{p.pk}/edit/", edit_data(p, unit=world.units["rz"].pk)).status_code == 403
    assert client.post(f"/projects/{p.pk}/stage/", {"stage": Stage.SIGNED, "date": "2024-03-01"}).status_code == 403
    p.refresh_from_db()
    assert (p.total_investment, p.stage, p.unit_id) == before and AuditEntry.objects.count() == n


def test_a_district_cannot_move_its_project_into_another_district(world, client):
    p = world.project("jk")
    client.force_login(world.users["district_admin"])
    response = client.post(f"/projects/{p.pk}/edit/", edit_data(p, unit=world.units["rz"].pk))
    assert response.status_code == 400
    p.refresh_from_db()
    assert p.unit == world.units["jk"]
