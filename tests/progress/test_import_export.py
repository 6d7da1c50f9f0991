"""Excel in and out of the monthly reporting cycle: the progress table exports and re-imports without change,
edited cells change exactly those figures (audited), and a merged two-row .xls header in 亿元 reads the same as
the plain .xlsx in 万元. Real files, real database."""

import io
from decimal import Decimal

import openpyxl
import pytest
import xlwt

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.bulletins.progress_table import write_xlsx
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.scope import build_scope
from tuijin.progress.importer import commit_import, plan_import
from tuijin.progress.models import MonthlyReport


def snapshot():
    return {r["id"]: r for r in MonthlyReport.objects.values("id", "amount", "ytd", "status", "progress_text")}


def export_bytes(city, list_name, through=(2024, 5)) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, build_scope(city=city, annual_list=list_name), Period.year_to_date(*through))
    return buf.getvalue()


@pytest.mark.demo
def test_demo_progress_table_round_trip_and_three_edited_cells(demo):
    from tuijin.accounts.models import User

    admin = User.objects.get(username="zj_admin")
    data = export_bytes("镇江市", "智能化数字化技改项目")
    before = snapshot()
    plan = plan_import(user=admin, data=data, filename="进展情况表.xlsx")
    assert plan.ok and (plan.year, plan.month) == (2024, 5)
    assert plan.changes == [] and plan.unchanged == 124
    commit_import(user=admin, plan=plan)
    assert snapshot() == before

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[3]]
    amount_col = header.index("当月完成投资") + 1
    edited = {}
    project_rows = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value]
    for r in project_rows[:3]:
        code = ws.cell(r, 2).value
        new = Decimal(str(ws.cell(r, amount_col).value)) + Decimal("111.5")
        ws.cell(r, amount_col).value = float(new)
        edited[code] = new
    out = io.BytesIO()
    wb.save(out)

    # May 2024 is locked in the demo: the edits are a correction and need a reason.
    refused = plan_import(user=admin, data=out.getvalue(), filename="进展情况表-改.xlsx")
    assert len(refused.errors) == 3 and all("已锁定" in str(e) for e in refused.errors)
    plan = plan_import(user=admin, data=out.getvalue(), filename="进展情况表-改.xlsx", reason="补报设备款")
    assert plan.ok, [str(e) for e in plan.errors]
    assert {c.project.code for c in plan.changes} == set(edited)
    assert commit_import(user=admin, plan=plan) == 3
    after = snapshot()
    changed = {rid for rid in before if before[rid] != after[rid]}
    reports = MonthlyReport.objects.filter(id__in=changed).select_related("project")
    assert {r.project.code: r.amount for r in reports} == edited
    for r in reports:
        entry = AuditEntry.objects.filter(model="progress.MonthlyReport", object_id=str(r.pk)).latest("id")
        assert entry.actor == admin and "Excel 导入" in entry.reason and "补报设备款" in entry.reason
        assert r.status == "submitted"  # a correction goes through review again
        assert Decimal(entry.after["amount"]) == edited[r.project.code]


@pytest.fixture
def small_city(db):
    city, d = f.city_tree("测试市", ("甲区",))
    lst = f.annual_list(city, "省重大项目")
    projects = []
    for i, (may, text) in enumerate([(Decimal("1200"), "主体施工"), (Decimal("345.67"), "设备安装")]):
        p = f.project(d["甲区"], total=Decimal(50000), code=f"2024-320101-34-03-0000{i + 1}A")
        f.entry(lst, p, plan=Decimal(20000))
        f.reports(p, 2024, [Decimal(1000)] * 4)
        projects.append((p, may, text))
    admin = f.user("city_admin", city, Role.CITY_ADMIN)
    return admin, projects


def xls_with_merged_header_in_yi(projects) -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("5月")
    ws.write_merge(0, 0, 0, 5, "测试市省重大项目2024年1-5月进展情况表")
    ws.write(1, 0, "单位：亿元")
    for col, text in enumerate(["序号", "项目代码", "项目名称"]):
        ws.write_merge(2, 3, col, col, text)
    ws.write_merge(2, 2, 3, 4, "完成投资（亿元）")
    ws.write(3, 3, "当月")
    ws.write(3, 4, "1-5月累计")
    ws.write_merge(2, 3, 5, 5, "形象进度")
    row = 4
    for i, (p, may, text) in enumerate(projects):
        ws.write(row, 0, i + 1)
        ws.write(row, 1, p.code)
        ws.write(row, 2, p.name)
        ws.write(row, 3, float(may / 10000))
        ws.write(row, 4, float((Decimal(4000) + may) / 10000))
        ws.write(row, 5, text)
        row += 2  # a blank separator row
    ws.write(row, 2, "合计")
    ws.write(row, 3, float(sum(m for _, m, _ in projects) / 10000))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_plain_in_wan(projects) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目代码", "当月完成投资(万元)", "1-5月累计完成投资(万元)", "形象进度"])
    for p, may, text in projects:
        ws.append([p.code, float(may), float(Decimal(4000) + may), text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xls_with_merged_two_row_header_in_yi_reads_like_the_xlsx(small_city):
    admin, projects = small_city
    from_xls = plan_import(user=admin, data=xls_with_merged_header_in_yi(projects), filename="5月.xls")
    from_xlsx = plan_import(user=admin, data=xlsx_plain_in_wan(projects), filename="5月.xlsx", year=2024, month=5)
    assert from_xls.ok, [str(e) for e in from_xls.errors]
    assert from_xlsx.ok, [str(e) for e in from_xlsx.errors]
    assert from_xls.skipped == 1  # the 合计 row
    def as_data(plan):
        return sorted((c.project.code, c.after["amount"], c.after["ytd"], c.after["progress_text"])
                      for c in plan.changes)

    assert as_data(from_xls) == as_data(from_xlsx) == sorted(
        (p.code, may, Decimal(4000) + may, text) for p, may, text in projects)
    commit_import(user=admin, plan=from_xls)
    assert plan_import(user=admin, data=xls_with_merged_header_in_yi(projects), filename="5月.xls").changes == []


def test_bad_files_are_refused_with_a_clear_message(small_city):
    admin, projects = small_city
    with pytest.raises(InputError, match="为空"):
        plan_import(user=admin, data=b"", filename="空.xlsx")
    with pytest.raises(InputError, match="不是"):
        plan_import(user=admin, data=b"\x00\x01binary\x00junk" * 10, filename="图片.xlsx")
    with pytest.raises(InputError, match="密码"):
        plan_import(user=admin, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
                    filename="加密.xlsx")
    no_header = "甲,乙\n1,2\n".encode()
    assert "找不到表头" in str(plan_import(user=admin, data=no_header, filename="x.csv", year=2024, month=5).errors[0])
    csv_text = f"项目代码,当月完成投资\n{projects[0][0].code},一千\nNOPE-0000000,5\n".encode()
    plan = plan_import(user=admin, data=csv_text, filename="月报.csv", year=2024, month=5)
    messages = [str(e) for e in plan.errors]
    assert any("第 2 行 B 列" in m and "'一千'" in m and "不是数字" in m for m in messages)
    assert any("第 3 行" in m and "不在您的范围内或不存在" in m for m in messages)
    with pytest.raises(InputError):
        commit_import(user=admin, plan=plan)
    assert MonthlyReport.objects.filter(month=5).count() == 0


def test_report_template_lists_the_users_projects_and_imports_back(small_city):
    from tuijin.progress.excel import write_report_template
    from tuijin.progress.selectors import reportable_projects

    admin, projects = small_city
    buf = io.BytesIO()
    write_report_template(buf, reportable_projects(admin, 2024).order_by("code"), 2024, 5)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb.active
    assert [ws.cell(r, 1).value for r in (5, 6)] == [p.code for p, _, _ in projects]
    assert ws.cell(4, 4).value == "万元" and ws.data_validations.dataValidation
    ws.cell(5, 4).value = 250
    ws.cell(6, 5).value = 4321.5  # 1-5月累计 given instead of 当月
    out = io.BytesIO()
    wb.save(out)
    plan = plan_import(user=admin, data=out.getvalue(), filename="模板.xlsx")
    assert plan.ok, [str(e) for e in plan.errors]
    assert sorted((c.project.code, c.after["amount"], c.after["ytd"]) for c in plan.changes) == [
        (projects[0][0].code, Decimal(250), Decimal(4250)),
        (projects[1][0].code, Decimal("321.50"), Decimal("4321.50")),
    ]
