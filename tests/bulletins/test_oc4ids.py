"""The OC4IDS export of a hand-made city validates against the standard's own schema and codelists
(../shared/oc4ids): with jsonschema and a codelist check, and with libcoveoc4ids pointed at that folder
served on a loopback port. A deliberately broken package shows its errors in both."""

import copy
import datetime
import io
import json

import pytest

from tests import factories
from tests.factories import SYSTEM
from tuijin.bulletins.oc4ids import STATUS, build_package
from tuijin.bulletins.oc4ids_check import oc4ids_dir, validate_package
from tuijin.core.errors import InputError
from tuijin.projects.models import Stage, StagePlan
from tuijin.projects.services import advance_to, record_milestone, record_stage

from .loopback import cove

D = datetime.date

pytestmark = pytest.mark.skipif(not (oc4ids_dir() / "project-package-schema.json").exists(),
                                reason="shared/oc4ids not found (set TUIJIN_SHARED_DIR)")


@pytest.fixture
def package(town):
    """The town, with a completed and operating project, a terminated one, plans and milestones."""
    p2 = town.projects["p2"]
    advance_to(project=p2, dates={Stage.COMPLETED: D(2024, 9, 30), Stage.OPERATING: D(2024, 11, 1)}, actor=SYSTEM)
    StagePlan.objects.create(project=p2, stage=Stage.STARTED, planned_date=D(2024, 3, 1))
    StagePlan.objects.create(project=p2, stage=Stage.COMPLETED, planned_date=D(2024, 10, 31))
    record_milestone(project=p2, kind="land", actual_date=D(2023, 12, 1), actor=SYSTEM)
    record_milestone(project=p2, kind="topped_out", planned_date=D(2024, 7, 1), actual_date=D(2024, 6, 20),
                     note="主体结构封顶", actor=SYSTEM)
    record_milestone(project=town.projects["p1"], kind="trial_production", planned_date=D(2026, 12, 1), actor=SYSTEM)
    record_stage(project=town.projects["s3"], stage=Stage.TERMINATED, date=D(2024, 6, 1), actor=SYSTEM)
    factories.project(town.units["甲区"], name="甲区河道综合整治工程", category_name="生态环保", total="12345.67")
    return build_package(town.city)


def test_the_package_maps_the_registry(package, town):
    projects = {p["title"]: p for p in package["projects"]}
    p2 = projects["乙区项目二"]
    assert p2["id"] == f"oc4ids-tuijin-{town.projects['p2'].code}"
    assert p2["identifiers"] == [{"id": town.projects["p2"].code, "scheme": "CN-TZXM"}]
    assert p2["status"] == "maintenance"  # 投产 = operation
    assert p2["budget"]["amount"] == {"amount": 300_000_000, "currency": "CNY"}
    assert p2["period"] == {"startDate": "2024-03-01T00:00:00+08:00", "endDate": "2024-10-31T00:00:00+08:00"}
    assert p2["completion"] == {"endDate": "2024-09-30T00:00:00+08:00"}
    assert p2["publicAuthority"]["name"] == "乙区人民政府"
    milestones = {m["id"]: m for m in p2["milestones"]}
    assert milestones["stage-started"]["code"] == "commencement" and milestones["stage-started"]["status"] == "met"
    assert milestones["milestone-topped_out"]["dueDate"].startswith("2024-07-01")
    assert projects["甲区项目一"]["milestones"][-1]["status"] == "scheduled"
    assert projects["签约项目s3"]["status"] == "cancelled"
    assert projects["甲区项目一"]["parties"][0] == {"id": f"tuijin-owner-{town.projects['p1'].pk}",
                                                "name": "甲区一号科技有限公司", "roles": ["buyer", "funder"]}
    assert projects["甲区河道综合整治工程"]["sector"] == ["naturalResources"]
    assert projects["甲区河道综合整治工程"]["budget"]["amount"]["amount"] == 123456700
    assert {p["status"] for p in package["projects"]} <= set(STATUS.values())


def test_jsonschema_and_codelists_find_no_error(package):
    report = validate_package(package)
    assert report.schema_errors == []
    assert report.codelist_errors == []
    assert report.open_codelist_values == []


def broken(package):
    bad = copy.deepcopy(package)
    bad.pop("version")  # required
    bad["projects"][0]["status"] = "underConstruction"  # not in the closed projectStatus codelist
    bad["projects"][0]["budget"]["amount"]["currency"] = "RMB"  # not a currency code
    bad["projects"][1]["title"] = ""  # minLength 1
    bad["projects"][2]["sector"] = ["manufacturing"]  # open codelist: allowed, reported
    return bad


def test_jsonschema_and_codelists_report_a_broken_package(package):
    report = validate_package(broken(package))
    text = "\n".join(report.errors)
    assert "'version' is a required property" in text
    assert "/projects/0/status" in text and "/projects/0/budget/amount/currency" in text
    assert "/projects/1/title" in text
    assert any("projectStatus.csv" in e for e in report.codelist_errors)
    assert report.open_codelist_values == ["/projects/2/sector/0: 'manufacturing' 不在代码表 projectSector.csv 中"]


# ---------------------------------------------------------------- libcoveoc4ids on a loopback copy


def test_libcoveoc4ids_finds_no_error(package, schema_server, tmp_path):
    result = cove(package, schema_server, tmp_path)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_open_codelist_values"] == {}
    assert result["conformance_checks"] == []  # project identifiers carry a well-formed prefix
    assert result["additional_checks"] == []  # no empty field, every amount has a currency, party refs resolve


def test_libcoveoc4ids_reports_a_broken_package(package, schema_server, tmp_path):
    result = cove(broken(package), schema_server, tmp_path)
    errors = {json.loads(key)["message"]: [p["path"] for p in where] for key, where in result["validation_errors"]}
    assert errors == {"'version' is missing but required": [""], "'' should be non-empty": ["projects/1/title"]}
    # libcove reports values outside a closed codelist apart from the schema errors
    assert set(result["additional_closed_codelist_values"]) == {"projects/status", "projects/budget/amount/currency"}
    assert "projects/sector" in result["additional_open_codelist_values"]


# ---------------------------------------------------------------- the command


def test_export_command(package, town, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "oc4ids.json"
    err = io.StringIO()
    call_command("export", "oc4ids", "--city", "测试市", "--output", str(target), stderr=err)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["projects"]) == 9 and data["version"] == "0.9"
    assert validate_package(data).ok
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        call_command("export", "oc4ids", "--city", "无此市", "--output", str(target))
    assert exc.value.returncode == 2


def test_export_refuses_a_city_without_projects(db):
    city, _ = factories.city_tree("空城市", ("空区",))
    with pytest.raises(InputError):
        build_package(city)
