"""The project registry (项目库) and the annual list (年度清单) in and out of Excel: templates downloaded as a
district administrator, filled in, previewed, committed through the services (audited), idempotent; errors
name row, column, field and value and write nothing; a reporter is refused. Real files, hand-made data."""

import io
from decimal import Decimal

import openpyxl
import pytest
import xlwt
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.progress import registry, tracking
from tuijin.projects.models import ListEntry, Project

P1 = "2024-320101-34-03-00001A"
P3 = "2024-320101-34-03-00003A"
NEW1 = "2024-320101-34-03-00011A"
NEW2 = "JS3201-2023-0007"  # a legacy code: accepted with a warning
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(db):
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    _, nodes = f.taxonomy(city, {"新能源": ["光伏", "储能"]})
    p1 = f.project(d["甲区"], total=Decimal(50000), code=P1, name="甲区光伏组件项目", owner="甲光伏公司",
                   industry_node=nodes["光伏"])
    p2 = f.project(d["乙区"], total=Decimal(30000), name="乙区道路项目", category_name="基础设施")
    p3 = f.project(d["甲区"], total=Decimal(40000), code=P3, name="甲区储能项目")
    lst = f.annual_list(city, "省重大项目")
    f.entry(lst, p1, plan=Decimal(20000), continuing=True)
    admin = f.user("jia_admin", d["甲区"], Role.DISTRICT_ADMIN)
    reporter = f.user("jia_rep", d["甲区"], Role.REPORTER)
    p1.reporters.add(reporter)
    return {"city": city, "d": d, "p1": p1, "p2": p2, "p3": p3, "list": lst, "admin": admin,
            "reporter": reporter, "nodes": nodes}


def registry_state():
    return sorted(Project.objects.values_list("code", "name", "owner", "unit__name", "category__name",
                                              "industry_node__name", "total_investment"))


def saved(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name="项目库.xlsx"):
    return SimpleUploadedFile(name, data, XLSX)


# ---------------------------------------------------------------- 项目库


def test_project_template_fill_preview_commit_and_again(client, world):
    admin = world["admin"]
    client.force_login(admin)
    response = client.get("/reports/template/projects/")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["项目库"]
    assert [c.value for c in ws[3]][:8] == ["项目代码", "项目名称", "项目业主", "所属单位", "项目类别", "产业链",
                                             "计划总投资", "当前阶段"]
    assert ws["G4"].value == "万元"
    assert [ws.cell(r, 1).value for r in (5, 6, 7)] == [P1, P3, None]  # only 甲区's projects, in scope
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert [c.value for c in options["A"] if c.value] == ["所属单位", "甲区"]  # 乙区 is not offered
    assert "光伏" in [c.value for c in options["C"]]
    assert {str(dv.sqref) for dv in ws.data_validations.dataValidation} >= {"D5:D206", "E5:E206", "F5:F206",
                                                                            "H5:H206", "G5:G206"}

    ws["G5"] = 60000  # P1's total investment
    ws["C5"] = "甲光伏集团"
    ws.append([NEW1, "甲区氢能装备项目", "氢能公司", "甲区", "产业", "储能", 12000, "", "甲区工业园", "", "", ""])
    ws.append([NEW2, "甲区污水厂提标", "", "甲区", "生态环保", "", "8500.5", None, "", "提标改造", "张三", ""])
    data = saved(wb)

    plan = registry.plan_projects(user=admin, data=data, filename="项目库.xlsx")
    assert plan.ok, [str(e) for e in plan.errors]
    assert [(c.code, c.created) for c in plan.changes] == [(P1, False), (NEW1, True), (NEW2, True)]
    assert plan.changes[0].diffs == [("项目业主", "甲光伏公司", "甲光伏集团"),
                                     ("计划总投资", "50,000.00 万元", "60,000.00 万元")]
    assert plan.unchanged == 1 and len(plan.warnings) == 1 and NEW2 in plan.warnings[0]

    page = client.post("/reports/import/", {"file": upload(data), "kind": "projects", "preview": "1"})
    text = page.content.decode()
    assert "将新增 <strong>2</strong> 个, 修改 <strong>1</strong> 个" in text and "甲区氢能装备项目" in text

    response = client.post("/reports/import/", {"file": upload(data), "commit": "1"})  # kind from the headers
    assert response.status_code == 302
    p1 = Project.objects.get(code=P1)
    assert (p1.owner, p1.total_investment) == ("甲光伏集团", Decimal("60000.00"))
    new1 = Project.objects.select_related("unit", "category", "industry_node").get(code=NEW1)
    assert (new1.name, new1.unit.name, new1.category.name, new1.industry_node.name, new1.total_investment,
            new1.location, new1.stage) == ("甲区氢能装备项目", "甲区", "产业", "储能", Decimal("12000.00"),
                                           "甲区工业园", "planning")
    new2 = Project.objects.get(code=NEW2)
    assert new2.code_is_legacy and new2.total_investment == Decimal("8500.50") and new2.responsible_leader == "张三"
    entries = AuditEntry.objects.filter(model="projects.Project", reason__contains="Excel 导入项目库")
    assert sorted((e.object_id, e.action, e.actor_id) for e in entries) == sorted(
        [(str(p1.pk), "update", admin.pk), (str(new1.pk), "create", admin.pk), (str(new2.pk), "create", admin.pk)])

    before = registry_state()
    again = registry.plan_projects(user=admin, data=data, filename="项目库.xlsx")
    assert again.ok and again.changes == [] and again.unchanged == 4
    assert registry.commit_projects(user=admin, plan=again) == 0
    assert registry_state() == before


def test_project_rows_with_errors_name_the_cell_and_write_nothing(world):
    admin = world["admin"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目代码", "项目名称", "所属单位", "项目类别", "计划总投资(亿元)"])
    ws.append([NEW1, "好项目", "甲区", "产业", 1.5])
    ws.append(["2024-320101-34-3-00012A", "代码错", "甲区", "产业", 1])
    ws.append(["2024-320101-34-03-00013A", "类别错", "甲区", "旅游", 1])
    ws.append(["2024-320101-34-03-00014A", "金额错", "甲区", "产业", "一亿"])
    ws.append(["2024-320101-34-03-00015A", "越权单位", "乙区", "产业", 1])
    ws.append([world["p2"].code, "越权项目", "", "", 2])
    ws.append(["", "合计", "", "", 6.5])  # skipped
    before = registry_state()
    plan = registry.plan_projects(user=admin, data=saved(wb), filename="项目.xlsx")
    messages = [str(e) for e in plan.errors]
    assert len(messages) == 5, messages
    assert messages[0].startswith("工作表“项目”第 3 行 A 列「项目代码」 (值: '2024-320101-34-3-00012A'): ")
    assert "不符合 24 位格式" in messages[0]
    assert messages[1] == "工作表“项目”第 4 行 D 列「项目类别」 (值: '旅游'): 项目类别 旅游 未知, 应为: 产业、基础设施、社会民生、生态环保、其他"
    assert messages[2] == "工作表“项目”第 5 行 E 列「计划总投资」 (值: '一亿'): 计划总投资不是数字"
    assert messages[3] == "工作表“项目”第 6 行 C 列「所属单位」 (值: '乙区'): 所属单位 乙区 不在您的范围内或不存在 (部门不能作为所属单位)"
    assert messages[4] == f"工作表“项目”第 7 行 A 列「项目代码」 (值: '{world['p2'].code}'): 项目代码不在您的范围内或不存在"
    assert plan.skipped == 1 and [c.code for c in plan.changes] == [NEW1]
    assert plan.changes[0].after["total_investment"] == Decimal("15000.00")  # 亿元 in the header
    with pytest.raises(InputError, match="5 处错误"):
        registry.commit_projects(user=admin, plan=plan)
    assert registry_state() == before


def test_a_reporter_may_not_import_or_download_projects(client, world):
    reporter = world["reporter"]
    client.force_login(reporter)
    assert client.get("/reports/template/projects/").status_code == 403
    assert client.get(f"/reports/template/list/?list={world['list'].pk}&year=2024").status_code == 403
    wb = openpyxl.Workbook()
    wb.active.append(["项目代码", "项目名称", "所属单位", "项目类别", "计划总投资"])
    wb.active.append([NEW1, "偷偷新增", "甲区", "产业", 100])
    data = saved(wb)
    assert client.post("/reports/import/", {"file": upload(data), "kind": "projects", "commit": "1"}
                       ).status_code == 403
    assert client.post("/reports/import/", {"file": upload(data), "commit": "1"}).status_code == 403  # detected
    with pytest.raises(PermissionDenied):
        registry.plan_projects(user=reporter, data=data, filename="x.xlsx")
    assert not Project.objects.filter(code=NEW1).exists()


# ---------------------------------------------------------------- 年度清单


def list_state():
    return sorted(ListEntry.objects.values_list("project__code", "year", "annual_plan", "planned_new_start",
                                                "planned_start_month", "continuing", "planned_completion",
                                                "planned_operation"))


def list_xls_in_yi(rows) -> bytes:
    """A hand-made .xls as cities send it: a merged title naming year and list, 亿元 in the header."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("清单")
    ws.write_merge(0, 0, 0, 6, "2024年省重大项目清单")
    for c, h in enumerate(["序号", "项目代码", "项目名称", "2024年计划投资（亿元）", "计划新开工", "计划开工时间",
                           "续建", "计划竣工"]):
        ws.write(1, c, h)
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_list_in_yi_from_an_xls_preview_commit_and_again(world):
    admin, p1, p3 = world["admin"], world["p1"], world["p3"]
    data = list_xls_in_yi([
        [1, P1, "甲区光伏组件项目", 2.5, "否", None, "是", "是"],
        [2, P3, "甲区储能项目", 1.2, "√", "3月", "", ""],
        [None, None, "合计", 3.7, None, None, None, None],
    ])
    plan = registry.plan_list(user=admin, data=data, filename="清单.xls")
    assert plan.ok, [str(e) for e in plan.errors]
    assert (plan.annual_list, plan.year, plan.skipped) == (world["list"], 2024, 1)
    assert [(c.code, c.created) for c in plan.changes] == [(P1, False), (P3, True)]
    assert plan.changes[0].diffs == [("计划竣工", "否", "是"), ("年度计划投资", "20,000.00 万元", "25,000.00 万元")]
    assert registry.commit_list(user=admin, plan=plan) == 2
    assert list_state() == [
        (P1, 2024, Decimal("25000.00"), False, None, True, True, False),
        (P3, 2024, Decimal("12000.00"), True, 3, False, False, False),
    ]
    created = ListEntry.objects.get(project=p3)
    updated = ListEntry.objects.get(project=p1)
    assert AuditEntry.objects.filter(model="projects.ListEntry", object_id=str(created.pk), action="create",
                                     actor=admin, reason__contains="Excel 导入年度清单").exists()
    audit = AuditEntry.objects.get(model="projects.ListEntry", object_id=str(updated.pk), action="update")
    assert (audit.before["annual_plan"], audit.after["annual_plan"]) == ("20000.00", "25000.00")

    again = registry.plan_list(user=admin, data=data, filename="清单.xls")
    assert again.ok and again.changes == [] and again.unchanged == 2


def test_list_errors_planned_start_without_month_and_scope(world):
    admin = world["admin"]
    data = list_xls_in_yi([
        [1, P3, "甲区储能项目", 1.2, "是", None, "", ""],
        [2, P1, "甲区光伏组件项目", "两亿", "", "", "是", ""],
        [3, world["p2"].code, "乙区道路项目", 1, "", "", "是", ""],
        [4, P1.replace("00001A", "00099A"), "不存在", 1, "", "", "", ""],
        [5, P1, "重复", 1, "", "", "是", ""],
    ])
    before = list_state()
    plan = registry.plan_list(user=admin, data=data, filename="清单.xls")
    messages = [str(e) for e in plan.errors]
    assert messages == [
        "工作表“清单”第 3 行 F 列「计划开工月份」: 计划新开工须填写计划开工月份",
        "工作表“清单”第 4 行 D 列「年度计划投资」 (值: '两亿'): 年度计划投资不是数字",
        # another district's project and a code that exists nowhere: the same words (no existence oracle)
        f"工作表“清单”第 5 行 B 列「项目代码」 (值: '{world['p2'].code}'): 项目代码不在您的范围内或不存在 (新项目请先导入项目库)",
        "工作表“清单”第 6 行 B 列「项目代码」 (值: '2024-320101-34-03-00099A'): 项目代码不在您的范围内或不存在 (新项目请先导入项目库)",
        f"工作表“清单”第 7 行 B 列「项目代码」 (值: '{P1}'): 项目代码 {P1} 在第 4 行已出现",
    ]
    with pytest.raises(InputError):
        registry.commit_list(user=admin, plan=plan)
    assert list_state() == before
    with pytest.raises(PermissionDenied):
        registry.plan_list(user=world["reporter"], data=data, filename="清单.xls")


def test_list_template_round_trip_by_the_page(client, world):
    admin = world["admin"]
    client.force_login(admin)
    response = client.get(f"/reports/template/list/?list={world['list'].pk}&year=2024")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert ws["A1"].value == "甲区2024年省重大项目清单" and ws["D4"].value == "万元"
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=9)] == [
        [P1, "甲区光伏组件项目", "甲区", 20000, None, None, "是", None, None],  # on the list
        [P3, "甲区储能项目", "甲区", None, None, None, None, None, None],  # not yet: left blank, not listed
    ]
    assert len(ws.data_validations.dataValidation) == 3
    unchanged = client.post("/reports/import/", {"file": upload(saved(wb), "清单.xlsx"), "preview": "1"})
    assert "将新增 <strong>0</strong> 个, 修改 <strong>0</strong> 个, 未变 1 个, 跳过空白/合计行 1 行" in \
        unchanged.content.decode()
    ws["D6"], ws["E6"], ws["F6"] = 900, "是", 10
    response = client.post("/reports/import/", {"file": upload(saved(wb), "清单.xlsx"), "kind": "list",
                                                 "commit": "1"})
    assert response.status_code == 302
    entry = ListEntry.objects.get(project=world["p3"], annual_list=world["list"], year=2024)
    assert (entry.annual_plan, entry.planned_new_start, entry.planned_start_month) == (Decimal("900.00"), True, 10)


def test_cli_imports_a_list_by_name_and_year(world, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["项目代码", "年度计划投资(万元)", "续建"])
    wb.active.append([P3, 3000, "是"])
    path = tmp_path / "list.xlsx"
    path.write_bytes(saved(wb))
    with pytest.raises(CommandError, match="无法确定清单或年度|错误"):
        call_command("import", str(path), "--as", "jia_admin", "--kind", "list")
    out = io.StringIO()
    call_command("import", str(path), "--as", "jia_admin", "--kind", "list", "--list", "省重大项目",
                 "--year", "2024", "--commit", stdout=out, stderr=io.StringIO())
    assert "将新增 1 个" in out.getvalue() and "已导入 1 个" in out.getvalue()
    assert ListEntry.objects.get(project=world["p3"]).continuing


# ---------------------------------------------------------------- progress


def test_progress_endpoint_reports_the_counts_the_importer_wrote(client, world):
    admin = world["admin"]
    client.force_login(admin)
    token = tracking.new_token()
    tracker = tracking.Tracker(admin, token, every=2).start("写入", total=5)
    for _ in range(3):
        tracker.advance()
    page = client.get(f"/reports/import/progress/{token}/").content.decode()
    assert '<progress value="2" max="5"' in page and "写入: 2 / 5 行" in page and 'hx-trigger="every 1s"' in page

    other = f.user("jia_admin2", world["d"]["甲区"], Role.DISTRICT_ADMIN)  # another user sees nothing of it
    client.force_login(other)
    assert "<progress value" not in client.get(f"/reports/import/progress/{token}/").content.decode()

    # A real commit through the page, with the page's token: the bar ends at the rows written.
    client.force_login(admin)
    wb = openpyxl.Workbook()
    wb.active.append(["项目代码", "项目名称", "所属单位", "项目类别", "计划总投资"])
    for i in range(3):
        wb.active.append([f"2024-320101-34-03-0002{i}A", f"批量项目{i}", "甲区", "产业", 100 + i])
    token = tracking.new_token()
    response = client.post("/reports/import/", {"file": upload(saved(wb)), "token": token, "commit": "1"})
    assert response.status_code == 302
    page = client.get(f"/reports/import/progress/{token}/").content.decode()
    assert '<progress value="3" max="3"' in page and "新增 3 个" in page and "hx-trigger" not in page


def test_a_gbk_csv_with_header_variants_and_the_cli(world, tmp_path):
    """The registry as people export it from other systems: GBK CSV, other header names, 元 in the title."""
    text = ("甲区重大项目库 (单位: 万元)\n"
            "项目编码,项目名称,建设单位,县市区,项目类型,总投资,建设地点\n"
            f"{P3},甲区储能项目,储能公司,甲区,产业,45000,甲区新港\n"
            f"{NEW1},甲区氢能装备项目,氢能公司,甲区,产业,\"1,200\",\n")
    path = tmp_path / "项目库.csv"
    path.write_bytes(text.encode("gb18030"))
    out = io.StringIO()
    call_command("import", str(path), "--as", "jia_admin", stdout=out, stderr=io.StringIO())  # preview only
    assert "将新增 1 个, 修改 1 个" in out.getvalue() and not Project.objects.filter(code=NEW1).exists()
    call_command("import", str(path), "--as", "jia_admin", "--kind", "projects", "--commit", stdout=out,
                 stderr=io.StringIO())
    p3 = Project.objects.get(code=P3)
    assert (p3.owner, p3.total_investment, p3.location) == ("储能公司", Decimal("45000.00"), "甲区新港")
    assert Project.objects.get(code=NEW1).total_investment == Decimal("1200.00")
    with pytest.raises(CommandError, match="权限"):
        call_command("import", str(path), "--as", "jia_rep", "--kind", "projects", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_responsible_department_column(client, world):
    """责任部门: offered in the template from the departments the user may assign (the city's, its own, never
    another district's), read back by full name or without the city's prefix; an unknown one names its cell."""
    from tuijin.orgs.services import create_unit

    city, d = world["city"], world["d"]
    create_unit(name="测试市发展和改革委员会", kind="department", parent=city, actor=SYSTEM)
    create_unit(name="甲区住房和城乡建设局", kind="department", parent=d["甲区"], actor=SYSTEM)
    create_unit(name="乙区住房和城乡建设局", kind="department", parent=d["乙区"], actor=SYSTEM)
    admin = world["admin"]
    client.force_login(admin)
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/reports/template/projects/").streaming_content)))
    ws = wb["项目库"]
    assert ws["M3"].value == "责任部门"
    offered = [c.value for c in wb["选项"]["E"] if c.value]
    assert offered[0] == "责任部门" and sorted(offered[1:]) == ["测试市发展和改革委员会", "甲区住房和城乡建设局"]
    assert "M5:M206" in {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    ws["M5"] = "发展和改革委员会"  # P1: without the city's prefix
    ws["M6"] = "甲区住房和城乡建设局"  # P3
    plan = registry.plan_projects(user=admin, data=saved(wb), filename="项目库.xlsx")
    assert plan.ok, [str(e) for e in plan.errors]
    assert [(c.code, c.diffs) for c in plan.changes] == [
        (P1, [("责任部门", "空", "测试市发展和改革委员会")]), (P3, [("责任部门", "空", "甲区住房和城乡建设局")])]
    registry.commit_projects(user=admin, plan=plan)
    assert Project.objects.get(code=P3).responsible_department.name == "甲区住房和城乡建设局"

    ws["M5"] = "乙区住房和城乡建设局"  # another district's department
    ws["M6"] = "不存在局"
    plan = registry.plan_projects(user=admin, data=saved(wb), filename="项目库.xlsx")
    assert [str(e) for e in plan.errors] == [
        "工作表“项目库”第 5 行 M 列「责任部门」 (值: '乙区住房和城乡建设局'): 责任部门 乙区住房和城乡建设局 不存在, 或不在您可指定的部门中",
        "工作表“项目库”第 6 行 M 列「责任部门」 (值: '不存在局'): 责任部门 不存在局 不存在, 或不在您可指定的部门中"]
