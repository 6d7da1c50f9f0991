"""Issue 15 on the API: a report or project body with an amount beyond the domain's range (999999999999.99,
1e14, 1e20) is a 422 naming the field and the value, nothing is committed, and reads still answer. The report
POST writes and reads back in one transaction: a failure after the save leaves nothing behind."""

from __future__ import annotations

from decimal import InvalidOperation

import pytest

from tuijin.progress.models import MonthlyReport
from tuijin.projects.models import Project

from .conftest import error_of


@pytest.fixture
def writer(api, world):
    return api.as_(world.tokens["city_admin"])


@pytest.mark.parametrize("value", ["999999999999.99", 999999999999.99, 1e14, 1e20, "100000000.01"])
def test_report_post_out_of_range_is_422_and_writes_nothing(writer, world, value):
    jia1 = world.projects["jia1"].pk
    before = MonthlyReport.objects.count()
    r = writer.post(f"projects/{jia1}/reports", {"year": 2024, "month": 4, "amount": value,
                                                 "confirm_warnings": True})
    assert r.status_code == 422, r.content
    err = error_of(r)
    assert err["field"] == "amount" and "超出允许范围" in r.content.decode()
    assert MonthlyReport.objects.count() == before
    assert writer.get("reports").status_code == 200 and writer.get("projects").status_code == 200


def test_report_post_whose_cumulative_leaves_the_range_is_422(writer, world):
    jia1 = world.projects["jia1"].pk
    r = writer.post(f"projects/{jia1}/reports", {"year": 2024, "month": 4, "amount": "99999999.99",
                                                 "confirm_warnings": True})
    assert r.status_code == 422 and error_of(r)["field"] == "amount"
    assert not MonthlyReport.objects.filter(project_id=jia1, month=4).exists()


def test_report_post_failing_after_the_save_commits_nothing(writer, world, monkeypatch, client):
    from tuijin.api import serialize

    def broken(report):
        raise InvalidOperation("read back failed")

    monkeypatch.setattr(serialize, "report", broken)
    client.raise_request_exception = False
    jia1 = world.projects["jia1"].pk
    before = MonthlyReport.objects.count()
    r = writer.post(f"projects/{jia1}/reports", {"year": 2024, "month": 4, "amount": "10"})
    assert r.status_code == 500
    assert MonthlyReport.objects.count() == before


@pytest.mark.parametrize("value", [1e14, 1e20, "999999999999.99"])
def test_project_post_out_of_range_total_is_422(writer, world, value):
    before = Project.objects.count()
    body = {"code": "2024-320000-34-03-900010", "name": "新项目", "unit_id": world.units["jia"].pk,
            "category": "industry", "total_investment": value}
    r = writer.post("projects", body)
    assert r.status_code == 422, r.content
    assert error_of(r)["field"] == "total_investment"
    assert "超出允许范围" in error_of(r)["message"] or "超出允许范围" in str(error_of(r).get("details"))
    assert Project.objects.count() == before


@pytest.mark.parametrize("raw", ['{"year": 2024, "month": 4, "amount": NaN}',
                                 '{"year": 2024, "month": 4, "amount": Infinity}',
                                 '{"year": 2024, "month": 4, "amount": 1e400}'])
def test_non_finite_json_numbers_are_4xx(writer, world, raw):
    jia1 = world.projects["jia1"].pk
    before = MonthlyReport.objects.count()
    r = writer.post(f"projects/{jia1}/reports", raw=raw)
    assert 400 <= r.status_code < 500, r.content
    assert MonthlyReport.objects.count() == before
