"""Bad input of every kind answers 4xx with the one error body, never 5xx."""

from __future__ import annotations

import json

import pytest

from .conftest import error_of


@pytest.fixture
def writer(api, world):
    return api.as_(world.tokens["city_admin"])


def project_body(world, **overrides):
    body = {"code": "2024-320000-34-03-900010", "name": "新项目", "unit_id": world.units["jia"].pk,
            "category": "industry", "total_investment": 1000}
    body.update(overrides)
    return body


def test_malformed_json_is_400(writer):
    for raw in ('{"name": ', "not json", b"\xff\xfe\x00", "{'name': 'x'}"):
        r = writer.post("projects", raw=raw)
        assert r.status_code == 400, raw
        assert error_of(r)["code"] == "malformed_json"


def test_empty_body_is_400(writer):
    r = writer.post("projects", raw="")
    assert r.status_code == 400
    assert error_of(r)["code"] == "missing_body"


@pytest.mark.parametrize("raw", ["[]", "42", '"text"', "null"])
def test_a_body_that_is_not_an_object_is_422(writer, raw):
    r = writer.post("projects", raw=raw)
    assert r.status_code in (400, 422), raw
    error_of(r)


@pytest.mark.parametrize("field, value", [
    ("total_investment", False),
    ("total_investment", True),
    ("total_investment", "1e5"),
    ("total_investment", "十万"),
    ("total_investment", -5),
    ("total_investment", 1.005),
    ("total_investment", 10**15),
    ("total_investment", None),
    ("unit_id", "1"),
    ("unit_id", True),
    ("unit_id", 1.5),
    ("unit_id", 2**70),
    ("name", 123),
    ("name", ""),
    ("name", "x" * 201),
    ("name", "a\x00b"),
    ("category", ["industry"]),
    ("industry_node_id", 0),
])
def test_wrong_types_are_422_naming_the_field(writer, world, field, value):
    r = writer.post("projects", project_body(world, **{field: value}))
    assert r.status_code == 422, (field, value, r.content)
    err = error_of(r)
    assert err["code"] == "validation_error"
    assert err["field"] == field
    assert err["details"][0]["field"] == field


def test_false_is_not_a_month_and_1_is_not_true(writer, world):
    jia1 = world.projects["jia1"].pk
    r = writer.post(f"projects/{jia1}/reports", {"year": 2024, "month": False, "amount": 1})
    assert r.status_code == 422 and error_of(r)["field"] == "month"
    r = writer.post(f"projects/{jia1}/list-entries", {"list_id": world.lists["city"].pk, "year": 2026,
                                                      "annual_plan": 1, "continuing": 1})
    assert r.status_code == 422 and error_of(r)["field"] == "continuing"
    r = writer.post(f"projects/{jia1}/stage-events", {"stage": "signed", "date": 20240105})
    assert r.status_code == 422 and error_of(r)["field"] == "date"


def test_unknown_fields_are_422(writer, world):
    r = writer.post("projects", project_body(world, stage="operating"))
    assert r.status_code == 422
    err = error_of(r)
    assert err["field"] == "stage" and "不允许" in err["message"]
    r = writer.patch(f"projects/{world.projects['jia1'].pk}", {"is_demo": True})
    assert r.status_code == 422 and error_of(r)["field"] == "is_demo"


def test_oversize_body_is_413(writer, world, settings):
    big = json.dumps(project_body(world, description="很" * 600_000))
    assert len(big.encode()) > 1024 * 1024
    r = writer.post("projects", raw=big)
    assert r.status_code == 413
    assert error_of(r)["code"] == "payload_too_large"
    settings.TUIJIN_API_MAX_BODY_BYTES = 100
    r = writer.post("projects", project_body(world, description="x" * 200))
    assert r.status_code == 413


def test_service_refusals_are_422_naming_the_field(writer, world):
    r = writer.post("projects", project_body(world, code="2024-320000-34"))  # starts like a 24-character code
    assert r.status_code == 422
    assert error_of(r) == {"code": "invalid_input", "field": "code", "message": error_of(r)["message"]}
    r = writer.post("projects", project_body(world, code=world.projects["jia1"].code))
    assert r.status_code == 422 and error_of(r)["field"] == "code"
    r = writer.post("projects", project_body(world, category="nope"))
    assert r.status_code == 422 and error_of(r)["field"] == "category"
    r = writer.post("projects", project_body(world, unit_id=world.units["dept"].pk))
    assert r.status_code == 422 and error_of(r)["field"] == "unit_id"
    r = writer.post(f"projects/{world.projects['jia1'].pk}/stage-events", {"stage": "signed", "date": "2999-01-01"})
    assert r.status_code == 422 and error_of(r)["field"] == "date"
    r = writer.post(f"projects/{world.projects['jia1'].pk}/reports", {"year": 2024, "month": 4, "ytd": 10})
    assert r.status_code == 422 and error_of(r)["field"] == "ytd"  # below March's cumulative
    r = writer.patch(f"projects/{world.projects['jia1'].pk}", {"name": None})
    assert r.status_code == 422 and error_of(r)["field"] == "name"


def test_a_legacy_code_is_accepted_with_a_warning(writer, world):
    r = writer.post("projects", project_body(world, code="JS-2019-0001"))
    assert r.status_code == 201, r.content
    assert r.json()["code_is_legacy"] is True and r.json()["warnings"]


@pytest.mark.parametrize("path", ["projects/0", "projects/-1", "projects/abc", f"projects/{2**64}",
                                  "reports/99999999999999999999"])
def test_bad_path_ids_are_4xx(writer, path):
    r = writer.get(path)
    assert 400 <= r.status_code < 500, path
    if r.status_code != 404 or r["Content-Type"].startswith("application/json"):
        error_of(r)


@pytest.mark.parametrize("params", [{"limit": "x"}, {"year": "1999"}, {"stage": "flying"}, {"unit": "-3"},
                                    {"q": "a\x00"}, {"q": "x" * 101}, {"cursor": "x" * 200}])
def test_bad_query_parameters_are_422(writer, params):
    r = writer.get("projects", params)
    assert r.status_code == 422, (params, r.content)
    error_of(r)


def test_bad_content_length_is_400(writer):
    r = writer.client.post("/api/v1/projects", data="{}", content_type="application/json",
                           CONTENT_LENGTH="abc", HTTP_AUTHORIZATION=f"Bearer {writer.token}")
    assert r.status_code == 400
    error_of(r)
