"""Issue 15: amounts out of range must not reach the database. A reporter posting 当月完成投资
999999999999.99 with confirm_warnings, a 1e14 / NaN / inf cumulative, an import cell 1e13, 1e20, NaN or inf:
each is refused naming the field (or cell) and the value, in Chinese, nothing is written, and the pages that
sum the column still answer afterwards."""

import datetime
from decimal import Decimal

import pytest

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.core.errors import InputError
from tuijin.progress.importer import commit_import, plan_import
from tuijin.progress.models import MonthlyReport
from tuijin.progress.services import save_report


@pytest.fixture
def world(db):
    city, d = f.city_tree("镇江市", ("京口区",))
    lst = f.annual_list(city, "市重大项目")
    p = f.project(d["京口区"], total=Decimal(80000), code="2024-320101-34-03-000011")
    f.entry(lst, p, plan=Decimal(24000))
    f.reports(p, 2024, [Decimal(1000)] * 6)
    reporter = f.user("rep", d["京口区"], Role.REPORTER)
    p.reporters.add(reporter)
    admin = f.user("city_admin", city, Role.CITY_ADMIN)
    return p, reporter, admin


def pages_still_answer(client, user):
    client.force_login(user)
    for url in ("/projects/", "/overview/", "/"):
        r = client.get(url, follow=True)
        assert r.status_code == 200, url


@pytest.mark.parametrize(("field", "value", "words"), [
    ("amount", "999999999999.99", "超出允许范围"),
    ("amount", "1e14", "超出允许范围"),
    ("amount", "100000000.01", "超出允许范围"),
    ("ytd", "1E+309", "超出允许范围"),
    ("ytd", "NaN", "不是有限的数字"),
    ("amount", "inf", "不是有限的数字"),
    ("amount", "-Infinity", "不是有限的数字"),
])
def test_report_form_refuses_out_of_range_even_with_confirmation(client, world, field, value, words):
    project, reporter, admin = world
    client.force_login(reporter)
    before = MonthlyReport.objects.count()
    r = client.post(f"/reports/{project.pk}/2024/7/", {field: value, "confirm_warnings": "on", "submit": "1"})
    assert r.status_code in (200, 400)
    errors = r.context["form"].errors[field]
    label = "当月完成投资" if field == "amount" else "1-N月累计完成投资"
    assert errors[0].startswith(f"{label}：{value} ") and words in errors[0]
    assert value in r.content.decode()
    assert MonthlyReport.objects.count() == before
    assert not MonthlyReport.objects.filter(project=project, month=7).exists()
    pages_still_answer(client, admin)


def test_service_refuses_a_cumulative_beyond_the_ceiling(world):
    project, reporter, _ = world
    # 6000 already reported: a month of 99999999 passes the field's range but the cumulative would not.
    with pytest.raises(InputError) as caught:
        save_report(project=project, year=2024, month=7, amount="99999999", confirm_warnings=True, actor=reporter)
    assert caught.value.field == "amount" and "超出允许范围" in caught.value.text
    # an earlier month raised so far that a later cumulative would leave the range
    with pytest.raises(InputError, match="以后月份的累计"):
        # (in July 2024: the year is still open, so the history lock does not answer first)
        save_report(project=project, year=2024, month=1, amount="99999000", confirm_warnings=True, actor=reporter,
                    today=datetime.date(2024, 7, 10))
    assert not MonthlyReport.objects.filter(project=project, month=7).exists()
    assert MonthlyReport.objects.get(project=project, month=1).amount == Decimal(1000)


@pytest.mark.parametrize("value", [Decimal("NaN"), float("inf"), "1e20", 999999999999.99])
def test_service_refuses_non_finite_and_huge_values(world, value):
    project, reporter, _ = world
    with pytest.raises(InputError) as caught:
        save_report(project=project, year=2024, month=7, amount=value, confirm_warnings=True, actor=reporter)
    assert caught.value.field == "amount" and caught.value.text.startswith("当月完成投资：")
    assert not MonthlyReport.objects.filter(project=project, month=7).exists()


@pytest.mark.parametrize(("cell", "words"), [
    ("1e13", "超出允许范围"), ("1e20", "超出允许范围"), ("NaN", "不是有限的数字"), ("inf", "不是有限的数字"),
    ("-inf", "不是有限的数字"), ("999999999999.99", "超出允许范围"),
])
def test_import_cell_out_of_range_is_a_cell_error(client, world, cell, words):
    project, _, admin = world
    data = f"项目代码,当月完成投资\n{project.code},{cell}\n".encode()
    before = MonthlyReport.objects.count()
    plan = plan_import(user=admin, data=data, filename="月报.csv", year=2024, month=7)
    messages = [str(e) for e in plan.errors]
    assert len(messages) == 1, messages
    assert "第 2 行 B 列" in messages[0] and cell in messages[0] and words in messages[0]
    assert "当月完成投资" in messages[0]
    with pytest.raises(InputError):
        commit_import(user=admin, plan=plan, confirm_warnings=True)
    assert MonthlyReport.objects.count() == before
    pages_still_answer(client, admin)


def test_import_of_a_cell_in_yuan_beyond_the_ceiling_names_its_value_in_wan(world):
    project, _, admin = world
    data = f"单位：元\n项目代码,当月完成投资\n{project.code},1e13\n".encode()
    plan = plan_import(user=admin, data=data, filename="月报.csv", year=2024, month=7)
    assert plan.errors and "折合" in str(plan.errors[0]) and "超出允许范围" in str(plan.errors[0])


def test_import_page_shows_the_cell_error(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project, _, admin = world
    client.force_login(admin)
    data = f"项目代码,当月完成投资\n{project.code},1e20\n".encode()
    r = client.post("/reports/import/", {"file": SimpleUploadedFile("月报.csv", data), "kind": "reports",
                                         "period": "2024-07", "preview": "1"})
    assert r.status_code in (200, 400)
    text = r.content.decode()
    assert "1e20" in text and "超出允许范围" in text
    assert not MonthlyReport.objects.filter(project=project, month=7).exists()
