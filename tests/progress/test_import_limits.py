"""Bounded imports (issue 15, item 8): a file above IMPORT_MAX_BYTES or with more rows than IMPORT_MAX_ROWS is
refused with one line asking to split it, before its rows are read, on the page, in the service and in the CLI;
nothing is written. The limits are set small here: no large file is made."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.progress.importer import plan_import
from tuijin.progress.models import MonthlyReport


@pytest.fixture
def small_city(db):
    city, d = f.city_tree("限额市", ("甲区",))
    projects = [f.project(d["甲区"], total=Decimal(50000)) for _ in range(3)]
    admin = f.user("xe_admin", city, Role.CITY_ADMIN)
    return admin, projects


def csv_rows(projects, extra=0) -> bytes:
    lines = ["项目代码,当月完成投资(万元)"] + [f"{p.code},100" for p in projects]
    lines += [f"2023-000000-00-00-{i:05d}1,1" for i in range(extra)]
    return ("\n".join(lines) + "\n").encode()


def xlsx_rows(projects, extra=0) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目代码", "当月完成投资(万元)"])
    for p in projects:
        ws.append([p.code, 100])
    for i in range(extra):
        ws.append([f"X{i}", 1])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def nothing_written():
    return MonthlyReport.objects.count() == 0 and not AuditEntry.objects.filter(model="progress.MonthlyReport").exists()


@override_settings(IMPORT_MAX_ROWS=10)
@pytest.mark.parametrize("make", [csv_rows, xlsx_rows])
def test_a_file_over_the_row_limit_is_refused_in_one_line(small_city, make):
    admin, projects = small_city
    with pytest.raises(InputError) as exc:
        plan_import(user=admin, data=make(projects, extra=20), filename="多.csv", year=2024, month=5)
    assert exc.value.text == "文件有 24 行，超过上限 10 行；请拆分后分批导入"
    assert nothing_written()
    assert plan_import(user=admin, data=make(projects), filename="少.csv", year=2024, month=5).ok  # 4 rows: fine


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(small_city, client):
    admin, projects = small_city
    data = csv_rows(projects, extra=60)
    assert len(data) > 1000
    client.force_login(admin)
    page = client.post(reverse("progress:import"), {
        "file": SimpleUploadedFile("大.csv", data, content_type="text/csv"), "period": "2024-05", "commit": "1"})
    text = page.content.decode()
    assert "超过上限" in text and "请拆分后分批导入" in text
    assert nothing_written()


@override_settings(IMPORT_MAX_ROWS=10)
def test_the_cli_refuses_a_file_over_the_row_limit_with_one_line(small_city, tmp_path):
    admin, projects = small_city
    path = tmp_path / "多.csv"
    path.write_bytes(csv_rows(projects, extra=20))
    with pytest.raises(CommandError) as exc:
        call_command("import", str(path), "--as", admin.username, "--period", "2024-05", "--commit")
    assert str(exc.value) == "文件有 24 行，超过上限 10 行；请拆分后分批导入"
    assert nothing_written()


@override_settings(IMPORT_PREVIEW_ROWS=2)
def test_the_preview_shows_the_problems_first_and_only_the_first_rows(small_city, client):
    admin, projects = small_city
    data = csv_rows(projects, extra=5)  # 3 good rows, 5 unknown codes
    client.force_login(admin)
    text = client.post(reverse("progress:import"), {
        "file": SimpleUploadedFile("预览.csv", data, content_type="text/csv"), "period": "2024-05"}).content.decode()
    assert "5 处错误" in text and "另有 3 处错误未列出" in text
    assert text.count("项目代码不在您的范围内或不存在") == 2
    good = csv_rows(projects)
    text = client.post(reverse("progress:import"), {
        "file": SimpleUploadedFile("预览.csv", good, content_type="text/csv"), "period": "2024-05"}).content.decode()
    assert "仅显示前 2 行, 另有 1 行将一并导入" in text
    assert projects[0].code in text and projects[2].code not in text
    assert nothing_written()
