"""Problems (问题) through the API: raised on a project in reach, read within the caller's reach."""

from __future__ import annotations

from tuijin.problems.models import Problem
from tuijin.problems.services import ensure_categories

from .conftest import error_of


def raise_on(api, world, key="jia1", who="jia_reporter", **body):
    ensure_categories()
    payload = {"category": "land", "title": "用地指标未落实", **body}
    return api.post(f"projects/{world.projects[key].pk}/problems", payload, token=world.tokens[who])


def test_reporter_raises_a_problem_on_its_project(api, world):
    r = raise_on(api, world)
    assert r.status_code == 201, r.content
    p = r.json()
    assert (p["status"], p["category_name"], p["raised_by"], p["overdue"]) == ("raised", "用地", "jia_reporter", False)
    # Not its project: 404; a leader may not raise: 403.
    assert raise_on(api, world, key="jia2").status_code == 404
    assert raise_on(api, world, who="city_leader").status_code == 403
    r = raise_on(api, world, category="nope")
    assert r.status_code == 422 and error_of(r)["field"] == "category"


def test_problems_are_read_within_reach(api, world):
    pid = raise_on(api, world).json()["id"]
    raise_on(api, world, key="yi", who="yi_admin", title="电力接入", category="utilities")
    assert {p["id"] for p in api.get("problems", token=world.tokens["jia_admin"]).json()["items"]} == {pid}
    assert len(api.get("problems", token=world.tokens["city_leader"]).json()["items"]) == 2
    assert api.get(f"problems/{pid}", token=world.tokens["yi_admin"]).status_code == 404
    assert api.get(f"problems/{pid}", token=world.tokens["city_leader"]).status_code == 200
    r = api.get("problems", {"status": "open", "category": "land"}, token=world.tokens["city_admin"])
    assert [p["id"] for p in r.json()["items"]] == [pid]
    assert api.get("problems", {"overdue": "true"}, token=world.tokens["city_admin"]).json()["items"] == []
    assert Problem.objects.count() == 2
