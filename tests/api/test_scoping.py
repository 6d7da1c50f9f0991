"""The API answers each role exactly as the web does: through the scoping choke point. Out of reach → 404,
forbidden action → 403; lists, figures and ids in payloads stay within the caller's reach."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.present import present
from tuijin.indicators.scope import build_scope, restrict_scope
from tuijin.progress.models import MonthlyReport

from .conftest import error_of


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_each_role_lists_its_own_projects(api, world):
    p = world.projects
    expected = {
        "city_admin": {"jia1", "jia2", "yi"},
        "city_leader": {"jia1", "jia2", "yi"},
        "jia_admin": {"jia1", "jia2"},
        "yi_admin": {"yi"},
        "jia_reporter": {"jia1"},
        "department": {"jia1"},
        "other_admin": {"bing"},
    }
    for user, keys in expected.items():
        got = ids(api.get("projects", token=world.tokens[user]))
        assert got == {p[k].pk for k in keys}, user


def test_out_of_scope_project_is_404(api, world):
    token = world.tokens["jia_admin"]
    yi = world.projects["yi"].pk
    for path in (f"projects/{yi}", f"projects/{yi}/stage-events", f"projects/{yi}/reports",
                 f"projects/{yi}/list-entries"):
        r = api.get(path, token=token)
        assert r.status_code == 404, path
        assert error_of(r)["code"] == "not_found"
    r = api.patch(f"projects/{yi}", {"location": "x"}, token=token)
    assert r.status_code == 404
    r = api.post(f"projects/{yi}/reports", {"year": 2024, "month": 4, "amount": 10}, token=token)
    assert r.status_code == 404
    assert api.get(f"projects/{world.projects['jia1'].pk}", token=token).status_code == 200


def test_unknown_ids_are_404(api, world):
    token = world.tokens["city_admin"]
    assert api.get("projects/999999", token=token).status_code == 404
    assert api.get("reports/999999", token=token).status_code == 404
    assert api.get("units/999999", token=token).status_code == 404


def test_out_of_scope_filters_are_404(api, world):
    token = world.tokens["jia_admin"]
    r = api.get("projects", {"unit": world.units["yi"].pk}, token=token)
    assert r.status_code == 404 and error_of(r)["field"] == "unit"
    r = api.get("projects", {"list": world.lists["other"].pk}, token=token)
    assert r.status_code == 404 and error_of(r)["field"] == "list"


@pytest.mark.parametrize("path,field", [("reports", "project"), ("problems", "project"), ("list-entries", "project"),
                                        ("units", "parent")])
def test_every_list_filter_with_an_out_of_reach_or_unknown_id_is_404(api, world, path, field):
    """Not an empty page: docs/api.md says an id out of reach in a query filter answers 404, like an unknown one."""
    token = world.tokens["jia_admin"]
    foreign = world.units["yi"].pk if field == "parent" else world.projects["yi"].pk
    for value in (foreign, 2**63 - 1):
        r = api.get(path, {field: value}, token=token)
        assert r.status_code == 404 and error_of(r)["field"] == field, (path, value, r.content)
    own = world.units["jia"].pk if field == "parent" else world.projects["jia1"].pk
    assert api.get(path, {field: own}, token=token).status_code == 200


def test_city_leader_cannot_write(api, world):
    token = world.tokens["city_leader"]
    body = {"code": "2024-320000-34-03-900001", "name": "领导新建", "unit_id": world.units["jia"].pk,
            "category": "industry", "total_investment": 1000}
    r = api.post("projects", body, token=token)
    assert r.status_code == 403
    assert error_of(r)["code"] == "forbidden"
    jia1 = world.projects["jia1"].pk
    assert api.patch(f"projects/{jia1}", {"location": "x"}, token=token).status_code == 403
    assert api.post(f"projects/{jia1}/stage-events", {"stage": "signed", "date": "2024-01-05"},
                    token=token).status_code == 403
    assert api.post(f"projects/{jia1}/reports", {"year": 2024, "month": 4, "amount": 10},
                    token=token).status_code == 403


def test_district_admin_creates_in_its_district_only(api, world):
    token = world.tokens["jia_admin"]
    body = {"code": "2024-320000-34-03-900002", "name": "甲区新项目", "unit_id": world.units["jia"].pk,
            "category": "industry", "total_investment": "15000.50", "responsible_department_id": world.units["dept"].pk}
    r = api.post("projects", body, token=token)
    assert r.status_code == 201, r.content
    created = r.json()
    assert (created["unit"], created["stage"], created["total_investment"], created["warnings"]) == (
        "甲区", "planning", "15000.50", [])
    assert created["responsible_department"] == "测试市发改委"
    # Another district's unit in the payload: refused, naming the field.
    r = api.post("projects", {**body, "code": "2024-320000-34-03-900003", "unit_id": world.units["yi"].pk},
                 token=token)
    assert r.status_code == 422
    assert error_of(r)["field"] == "unit_id"
    # Moving a project out of reach is refused too (and nothing changes).
    jia2 = world.projects["jia2"]
    r = api.patch(f"projects/{jia2.pk}", {"unit_id": world.units["yi"].pk}, token=token)
    assert r.status_code == 422 and error_of(r)["field"] == "unit_id"
    jia2.refresh_from_db()
    assert jia2.unit == world.units["jia"]


def test_city_admin_moves_a_project_and_it_leaves_the_district(api, world):
    jia2 = world.projects["jia2"]
    r = api.patch(f"projects/{jia2.pk}", {"unit_id": world.units["yi"].pk, "reason": "区划调整"},
                  token=world.tokens["city_admin"])
    assert r.status_code == 200, r.content
    assert r.json()["unit"] == "乙区"
    assert api.get(f"projects/{jia2.pk}", token=world.tokens["jia_admin"]).status_code == 404
    assert api.get(f"projects/{jia2.pk}", token=world.tokens["yi_admin"]).status_code == 200


def test_stage_events(api, world):
    token = world.tokens["jia_admin"]
    jia1 = world.projects["jia1"].pk
    r = api.post(f"projects/{jia1}/stage-events", {"stage": "signed", "date": "2024-01-05", "note": "签约仪式"},
                 token=token)
    assert r.status_code == 201, r.content
    assert r.json()["stage_label"] == "签约"
    r = api.get(f"projects/{jia1}/stage-events", token=world.tokens["city_leader"])
    assert [e["stage"] for e in r.json()["items"]] == ["planning", "signed"]
    assert api.get(f"projects/{jia1}", token=token).json()["stage"] == "signed"
    # Backwards is refused by the service, naming the field.
    r = api.post(f"projects/{jia1}/stage-events", {"stage": "negotiating", "date": "2024-01-06"}, token=token)
    assert r.status_code == 422 and error_of(r)["field"] == "stage"


def test_reporter_submits_for_its_project_only(api, world):
    token = world.tokens["jia_reporter"]
    jia1, jia2 = world.projects["jia1"], world.projects["jia2"]
    r = api.post(f"projects/{jia1.pk}/reports", {"year": 2024, "month": 4, "amount": "400", "progress_text": "主体施工"},
                 token=token)
    assert r.status_code == 201, r.content
    rep = r.json()
    assert (rep["amount"], rep["ytd"], rep["status"], rep["submitted_by"]) == (
        "400.00", "1000.00", "submitted", "jia_reporter")
    # The same month again replaces it (200), keeping 1-N月累计 consistent.
    r = api.post(f"projects/{jia1.pk}/reports", {"year": 2024, "month": 4, "ytd": 1050}, token=token)
    assert r.status_code == 200, r.content
    assert r.json()["amount"] == "450.00"
    # Not its project (same district): 404, nothing written.
    r = api.post(f"projects/{jia2.pk}/reports", {"year": 2024, "month": 4, "amount": 10}, token=token)
    assert r.status_code == 404
    assert not MonthlyReport.objects.filter(project=jia2, year=2024, month=4).exists()
    # A reporter writes reports, nothing else.
    body = {"code": "2024-320000-34-03-900004", "name": "x", "unit_id": world.units["jia"].pk,
            "category": "industry", "total_investment": 1}
    assert api.post("projects", body, token=token).status_code == 403
    assert api.patch(f"projects/{jia1.pk}", {"name": "改名"}, token=token).status_code == 403
    # Its report list holds its project's reports only.
    r = api.get("reports", token=token)
    assert {x["project_id"] for x in r.json()["items"]} == {jia1.pk}


def test_department_sees_its_projects_and_cannot_report(api, world):
    token = world.tokens["department"]
    jia1 = world.projects["jia1"].pk
    assert api.get(f"projects/{jia1}", token=token).status_code == 200
    assert api.get(f"projects/{world.projects['jia2'].pk}", token=token).status_code == 404
    assert api.post(f"projects/{jia1}/reports", {"year": 2024, "month": 4, "amount": 1},
                    token=token).status_code == 403


def test_units_are_scoped(api, world):
    u = world.units
    assert names(api.get("units", token=world.tokens["jia_admin"])) == {"甲区"}
    assert names(api.get("units", token=world.tokens["city_admin"])) == {"测试市", "甲区", "乙区", "测试市发改委"}
    assert api.get(f"units/{u['yi'].pk}", token=world.tokens["jia_admin"]).status_code == 404
    assert api.get(f"units/{u['jia'].pk}", token=world.tokens["jia_admin"]).status_code == 200


def test_list_entries(api, world):
    token = world.tokens["jia_admin"]
    r = api.get("list-entries", {"year": 2024, "list": world.lists["city"].pk}, token=token)
    assert r.status_code == 200
    assert {e["project_id"] for e in r.json()["items"]} == {world.projects["jia1"].pk, world.projects["jia2"].pk}
    assert r.json()["items"][0]["annual_plan"] in ("5000.00", "2000.00")
    # Put a project on next year's list.
    body = {"list_id": world.lists["city"].pk, "year": 2025, "annual_plan": 6000, "continuing": True}
    r = api.post(f"projects/{world.projects['jia1'].pk}/list-entries", body, token=token)
    assert r.status_code == 201, r.content
    assert (r.json()["year"], r.json()["annual_plan"], r.json()["continuing"]) == (2025, "6000.00", True)
    # Another city's list: refused, naming the field; the same entry twice: refused by the service.
    r = api.post(f"projects/{world.projects['jia1'].pk}/list-entries",
                 {**body, "list_id": world.lists["other"].pk}, token=token)
    assert r.status_code == 422 and error_of(r)["field"] == "list_id"
    r = api.post(f"projects/{world.projects['jia1'].pk}/list-entries", body, token=token)
    assert r.status_code == 422 and error_of(r)["field"] == "project_id"
    # A reporter may not put projects on lists.
    r = api.post(f"projects/{world.projects['jia1'].pk}/list-entries", {**body, "year": 2026},
                 token=world.tokens["jia_reporter"])
    assert r.status_code == 403


# ---------------------------------------------------------------- figures


def engine_json(user, **kw):
    scope = restrict_scope(user, build_scope(**kw))
    return present(compute(scope, Period.parse("2024-03")))


def test_district_indicators_are_its_own(api, world):
    r = api.get("indicators", {"through": "2024-03"}, token=world.tokens["jia_admin"])
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["unit"] == "甲区"
    assert data["projects"] == 2
    assert data == engine_json(world.users["jia_admin"], city="测试市", unit="甲区")
    # Another district, or the whole city: 404; another city: 404.
    for params in ({"unit": "乙区"}, {"city": "其他市"}):
        r = api.get("indicators", {"through": "2024-03", **params}, token=world.tokens["jia_admin"])
        assert r.status_code == 404, params
        assert error_of(r)["code"] == "not_found"


def test_city_indicators_with_breakdown(api, world):
    r = api.get("indicators", {"through": "2024-03", "list": "省重大项目"}, token=world.tokens["city_leader"])
    data = r.json()
    assert r.status_code == 200
    assert data["projects"] == 3
    assert {row["unit"]: row["projects"] for row in data["by_unit"]} == {"甲区": 2, "乙区": 1}
    # 1 800 万元 completed of 19 500 万元 planned.
    assert data["completed_yi"] == pytest.approx(float(Decimal(1800) / 10000), abs=0.05)
    assert data == engine_json(world.users["city_leader"], city="测试市", annual_list="省重大项目")


def test_reporter_indicators_cover_its_projects_only(api, world):
    r = api.get("indicators", {"through": "2024-03"}, token=world.tokens["jia_reporter"])
    assert r.status_code == 200
    assert r.json()["projects"] == 1
    assert r.json()["filters"]["restricted_to"]


def test_indicator_filters_are_checked(api, world):
    token = world.tokens["city_admin"]
    for params, field in (({"through": "2024-13"}, "through"), ({"through": "2024-03", "list": "没有"}, "list"),
                          ({"through": "2024-03", "unit": "没有"}, "unit"),
                          ({"through": "2024-03", "category": "没有"}, "category"),
                          ({"through": "2024-03", "min_total_yi": "-1"}, "min_total_yi"),
                          ({"through": "2024-03", "city": "没有"}, "city"), ({}, "through")):
        r = api.get("indicators", params, token=token)
        assert r.status_code == 422, (params, r.content)
        assert error_of(r)["field"] == field, params


def test_chains_are_scoped(api, world):
    from tests import factories

    city, jia, yi = world.units["city"], world.units["jia"], world.units["yi"]
    _, nodes = factories.taxonomy(city, {"高端装备": ["智能制造"], "新材料": ["先进金属"]})
    factories.enterprise(jia, [nodes["智能制造"]], {(2024, 1): 100000, (2023, 1): 80000})
    factories.enterprise(yi, [nodes["先进金属"]], {(2024, 1): 300000, (2023, 1): 300000})
    r = api.get("chains", {"through": "2024-01"}, token=world.tokens["city_leader"])
    assert r.status_code == 200, r.content
    assert r.json()["total_sales_yi"] == 40
    r = api.get("chains", {"through": "2024-01"}, token=world.tokens["jia_admin"])
    assert r.status_code == 200
    assert r.json()["total_sales_yi"] == 10
    assert r.json()["total_growth_pct"] == 25
    r = api.get("chains", {"through": "2024-01", "unit": "乙区"}, token=world.tokens["jia_admin"])
    assert r.status_code == 404
    r = api.get("chains", {"through": "2024-01", "city": "其他市"}, token=world.tokens["city_admin"])
    assert r.status_code == 404


def test_chains_refuse_who_the_dashboard_shows_no_chains(api, world):
    """A 填报员 or 部门经办 reaches projects one by one, not a unit: the dashboard has no chain section for them
    (dashboard.selectors.chains_section), and the API agrees (403), not its district's chains."""
    from tests import factories

    city, jia = world.units["city"], world.units["jia"]
    _, nodes = factories.taxonomy(city, {"高端装备": ["智能制造"]})
    factories.enterprise(jia, [nodes["智能制造"]], {(2024, 1): 100000, (2023, 1): 80000})
    for who in ("jia_reporter", "department"):
        r = api.get("chains", {"through": "2024-01"}, token=world.tokens[who])
        assert r.status_code == 403, (who, r.content)
        assert "产业链" in error_of(r)["message"]
    assert api.get("chains", {"through": "2024-01"}, token=world.tokens["jia_admin"]).status_code == 200
