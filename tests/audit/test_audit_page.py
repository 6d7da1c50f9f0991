"""/audit/: the city administrator searches its city's audit trail; read-only; nobody else gets in."""

import datetime

import pytest

from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.projects.services import update_project
from tuijin.web.audit_selectors import AuditFilters, entries_for, search


@pytest.fixture
def changes(world):
    """Changes by users of 镇江市, 苏州市 and 杭州市, on projects of each."""
    zj_admin, jk_admin = world.users["city_admin"], world.users["district_admin"]
    update_project(project=world.project("jk"), total_investment="12500", actor=jk_admin, reason="京口调整")
    update_project(project=world.project("rz"), total_investment="34500", actor=zj_admin, reason="润州调整")
    update_project(project=world.project("sz"), total_investment="56500", actor=SYSTEM, reason="苏州调整")
    update_project(project=world.project("hz"), total_investment="78500", actor=SYSTEM, reason="杭州调整")
    return world


def reasons(qs) -> set[str]:
    return set(qs.exclude(reason="").values_list("reason", flat=True))


def test_city_admin_sees_its_city_only(changes):
    seen = entries_for(changes.users["city_admin"])
    assert reasons(seen) == {"京口调整", "润州调整"}
    # … including the creation of its units and users, not another city's.
    models = set(seen.values_list("model", flat=True))
    assert {"orgs.OrgUnit", "projects.Project", "projects.ListEntry", "projects.AnnualList"} <= models
    units = {e.object_repr for e in seen.filter(model="orgs.OrgUnit")}
    assert {"镇江市", "京口区", "润州区"} <= units and not units & {"苏州市", "姑苏区", "西湖区", "杭州市"}
    assert not seen.filter(project_id=changes.project("sz").pk).exists()


@pytest.mark.parametrize("role", ["city_leader", "district_admin", "reporter", "department", "province_reader",
                                  "norole", "inactive"])
def test_nobody_else_searches_the_trail(changes, role, client):
    assert not entries_for(changes.users[role]).exists()
    client.force_login(changes.users[role])
    assert client.get("/audit/").status_code in (302, 403)


def test_filters(changes):
    admin = changes.users["city_admin"]
    assert reasons(search(admin, AuditFilters(user="jk_admin"))) == {"京口调整"}
    assert reasons(search(admin, AuditFilters(project_code=changes.project("rz").code))) == {"润州调整"}
    assert reasons(search(admin, AuditFilters(project_code=changes.project("sz").code))) == set()  # out of scope
    assert set(search(admin, AuditFilters(model="orgs.OrgUnit")).values_list("model", flat=True)) == {"orgs.OrgUnit"}
    today = datetime.date.today()
    assert reasons(search(admin, AuditFilters(date_from=today, date_to=today))) == {"京口调整", "润州调整"}
    assert not search(admin, AuditFilters(date_to=today - datetime.timedelta(days=2))).exists()


@pytest.mark.parametrize("query, field", [({"date_from": "2024-13-01"}, "date_from"),
                                          ({"date_to": "昨天"}, "date_to"),
                                          ({"model": "secrets.Key"}, "model"),
                                          ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "date_from")])
def test_bad_filters_are_refused_naming_the_field(query, field, db):
    with pytest.raises(InputError) as exc:
        AuditFilters.parse(query)
    assert exc.value.field == field


def test_the_page(changes, client):
    client.force_login(changes.users["city_admin"])
    response = client.get("/audit/", {"user": "jk_admin"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "审计记录" in text and "京口调整" in text and "12000.00" in text and "12500.00" in text
    assert "润州调整" not in text and "苏州调整" not in text
    assert client.get("/audit/", {"date_from": "2024-99-01"}).status_code == 400
    # Read-only: the page takes no writes.
    assert client.post("/audit/", {"reason": "x"}).status_code == 405


def test_the_page_is_paginated(changes, client):
    admin = changes.users["city_admin"]
    project = changes.project("jk")
    for n in range(60):
        update_project(project=project, location=f"地点{n}", actor=admin)
    client.force_login(admin)
    first = client.get("/audit/", {"project_code": project.code})
    assert first.status_code == 200 and first.context["page"].paginator.num_pages >= 2
    assert "下一页" in first.content.decode()
    second = client.get("/audit/", {"project_code": project.code, "page": 2})
    assert second.status_code == 200 and second.context["page"].number == 2


def test_no_ui_edits_or_deletes_entries():
    """Nothing in the app routes a write to AuditEntry: no view module of ours imports a form for it."""
    from django.urls import get_resolver

    def callbacks(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from callbacks(p.url_patterns)
            else:
                yield p.callback

    for cb in callbacks(get_resolver().url_patterns):
        module = getattr(cb, "__module__", "") or ""
        if module.startswith("tuijin.audit") or module == "tuijin.web.audit_views":
            assert cb.__name__ == "audit_list"
    assert AuditEntry._meta.get_field("at").auto_now_add


def test_history_names_related_objects(world, client):
    """Foreign keys show by name, choices by label, many-to-many (填报员) as a list of names."""
    from tuijin.accounts.services import assign_reporter
    from tuijin.web.audit_selectors import describe, project_history

    p = world.project("jk")
    assign_reporter(project=p, reporter=world.places["jk"].user, actor=world.users["district_admin"])
    update_project(project=p, unit=world.units["rz"], actor=world.users["city_admin"])
    rows = describe(project_history(world.users["city_admin"], p.pk))
    changes = {}
    for _, cs in rows:  # newest first: keep each field's latest change
        for c in cs:
            changes.setdefault(c.field, (c.label, c.before, c.after))
    assert changes["unit"] == ("所属单位", "京口区", "润州区")
    assert changes["reporters"][1] == "jk_reporter"
    assert set(changes["reporters"][2].split("、")) == {"jk_reporter", "jk_other"}
    client.force_login(world.users["city_admin"])
    assert changes["reporters"][2] in client.get(f"/projects/{p.pk}/").content.decode()
