"""Years, months and ids out of range on the reporting pages, and a CSV cell over the csv module's 128 KB field
limit: a 404/400 page or an import error in Chinese, never a 500 (issue 15 item 5)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.progress.models import MonthlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def jingkou(db):
    city, d = f.city_tree("镇江市", ("京口区",))
    project = f.project(d["京口区"], total=Decimal(80000))
    reporter = f.user("rep", d["京口区"], Role.REPORTER)
    project.reporters.add(reporter)
    admin = f.user("cityadmin", city, Role.CITY_ADMIN)
    return project, reporter, admin


@pytest.mark.parametrize("year_month", ["0/1", "1/1", "1900/1", "9999/1", "2024/0", "2024/13",
                                        "99999999999999999999/1"])
def test_report_form_refuses_an_implausible_year_or_month(client, jingkou, year_month):
    project, reporter, _ = jingkou
    client.raise_request_exception = False
    client.force_login(reporter)
    url = f"/reports/{project.pk}/{year_month}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"amount": "1", "submit": "1"}).status_code == 404
    assert not MonthlyReport.objects.filter(project=project).exists()


def test_report_form_still_takes_a_real_month(client, jingkou):
    project, reporter, _ = jingkou
    client.force_login(reporter)
    assert client.get(f"/reports/{project.pk}/2024/7/").status_code == 200


@pytest.mark.parametrize("query", ["list=99999999999999999999", "list=9223372036854775808", "list=1&year=1900",
                                   "list=1&year=99999999999999999999"])
def test_list_template_with_an_out_of_range_id_or_year_is_400(client, jingkou, query):
    client.raise_request_exception = False
    client.force_login(jingkou[2])
    assert client.get(f"/reports/template/list/?{query}").status_code == 400


def test_a_csv_cell_over_128_kb_is_an_import_error_naming_the_row(client, jingkou):
    project, reporter, _ = jingkou
    client.raise_request_exception = False
    client.force_login(reporter)
    text = f"项目代码,项目名称,当月完成投资(万元)\n{project.code},{project.name},10\nX,{'长' * 140_000},1\n"
    r = client.post("/reports/import/", {"file": SimpleUploadedFile("big.csv", text.encode(), "text/csv"),
                                         "kind": "reports", "period": "2024-07"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "第 3 行" in page and "128 KB" in page
