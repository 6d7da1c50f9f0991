"""The 重大办's own table, as it actually arrives: a title naming the period (1-4月, 一季度, 上半年, 前三季度), a
“单位：亿元” line, a merged two-row header, group headings, 小计/合计 rows (skipped, checked against the rows,
a note when they do not add up), a 县（市、区） column and no project-code column (matched by name within the
user's scope). The same file feeds the monthly import and the list import. Files built here with openpyxl;
expected values computed by hand."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.progress import registry
from tuijin.progress.importer import commit_import, plan_import
from tuijin.progress.models import MonthlyReport
from tuijin.progress.spreadsheets import name_key, subtotal_row, title_period
from tuijin.projects.models import ListEntry

A = "2024-320101-34-03-00001A"
B = "2024-320102-34-03-00002A"
C = "2024-320101-34-03-00003A"
D = "2024-320102-34-03-00004A"


@pytest.fixture
def world(db):
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    lst = f.annual_list(city, "省重大项目")
    a = f.project(d["甲区"], code=A, name="甲区光伏组件项目")
    b = f.project(d["乙区"], code=B, name="乙区道路（一期）工程")
    c = f.project(d["甲区"], code=C, name="污水处理厂")
    dd = f.project(d["乙区"], code=D, name="污水处理厂")
    for p, plan in ((a, 20000), (b, 20000), (c, 10000), (dd, 10000)):
        f.entry(lst, p, plan=Decimal(plan), continuing=True)
    f.reports(a, 2024, [Decimal(1000)] * 3)  # 1-3月: 3000 万元
    admin = f.user("city_admin", city, Role.CITY_ADMIN)
    jia = f.user("jia_admin", d["甲区"], Role.DISTRICT_ADMIN)
    return {
        "city": city,
        "d": d,
        "list": lst,
        "admin": admin,
        "jia": jia,
        "a": a,
        "b": b,
        "c": c,
        "d_": dd,
    }


HEADER_TOP = ["序号", "项目名称", "县（市、区）", "年度计划投资", "1-4月完成投资", None, "形象进度"]
HEADER_SUB = [None, None, None, None, "本月", "累计", None]


def clerk_table(rows, title="2024年测试市重点项目1-4月进展情况表", unit="单位：亿元") -> bytes:
    """Title merged across the table, a 单位 line at the right, a two-row header with 1-4月完成投资 over
    本月/累计 (the other headers merged down two rows), then the rows as given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "1-4月"
    ws.append([title])
    ws.merge_cells("A1:G1")
    ws.append([None] * 6 + [unit])
    ws.append(HEADER_TOP)
    ws.append(HEADER_SUB)
    for col in "ABCDG":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:F3")
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# 亿元, as the clerk types them; the expected 万元 are worked out by hand beside each row.
GOOD_ROWS = [
    ["一、甲区"],
    [
        1,
        "甲区光伏组件项目",
        "甲区",
        2.5,
        0.15,
        0.45,
        "主体施工",
    ],  # 25000; 1500; 4500 (= 3000 + 1500)
    [2, "污水处理厂", "甲区", 1, 0.02, 0.02, None],  # C: 10000; 200; 200
    [None, "甲区小计", None, 3.5, 0.17, 0.47],  # adds up
    ["二、乙区"],
    [
        3,
        "乙区道路(一期) 工程",
        "乙区",
        2,
        0.3,
        0.3,
        "路基",
    ],  # B (half-width brackets, a space); 20000; 3000
    [4, "污水处理厂", "乙区", 1, 0.01, 0.01, None],  # D: 10000; 100; 100
    [None, "乙区小计", None, 3, 0.31, 0.99],  # 累计 should be 0.31
    [None, "合计", None, 6.5, 0.48, 0.78],  # adds up: 4800; 7800
]


def test_title_periods():
    assert title_period("2024年XX市重点项目1-4月进展情况表") == (2024, 4)
    assert title_period("2024年XX市重点项目一季度进展情况") == (2024, 3)
    assert title_period("2024年上半年重大项目推进情况表") == (2024, 6)
    assert title_period("2024年前三季度重大项目进展") == (2024, 9)
    assert title_period("2024年1-11月重大项目进展情况表") == (2024, 11)
    assert title_period("2024年 1—11 月重大项目") == (2024, 11)
    assert title_period("2024年4月重大项目月报") == (2024, 4)
    assert title_period("2024年省重大项目清单") is None


def test_subtotal_rows_and_name_keys():
    assert subtotal_row(["", "甲区小计"]) and subtotal_row(["合计"]) and subtotal_row(["全市"])
    assert subtotal_row(["全市 合计"]) and subtotal_row(["总计"])
    assert not subtotal_row(["3", "全市智慧停车项目"]) and not subtotal_row(
        ["合计完成投资情况说明书等附件材料均已报送齐全"]
    )
    assert (
        name_key("乙区道路（一期） 工程") == name_key("乙区道路(一期)工程") == "乙区道路(一期)工程"
    )
    assert name_key("ＡＢ　园区【二期】") == "AB园区[二期]"


def test_clerk_table_monthly_import_by_name(world):
    admin = world["admin"]
    data = clerk_table(GOOD_ROWS)
    assert registry.detect_kind(data, "1-4月.xlsx") == registry.KIND_REPORTS
    plan = plan_import(user=admin, data=data, filename="1-4月.xlsx")
    assert plan.ok, [str(e) for e in plan.errors]
    assert (plan.year, plan.month) == (2024, 4)
    assert plan.skipped == 5  # two group headings, two 小计, one 合计
    got = {
        c.project.code: (c.after["amount"], c.after["ytd"], c.after["progress_text"])
        for c in plan.changes
    }
    assert got == {
        A: (Decimal("1500.00"), Decimal("4500.00"), "主体施工"),
        C: (Decimal("200.00"), Decimal("200.00"), ""),
        B: (Decimal("3000.00"), Decimal("3000.00"), "路基"),
        D: (Decimal("100.00"), Decimal("100.00"), ""),
    }
    # Only the 乙区小计's 累计 is off (9900 written, 3000 + 100 = 3100 in the rows): a note, not an error.
    assert len(plan.notes) == 1
    assert (
        "第 12 行「乙区小计」1-N月累计完成投资 9,900.00 万元与明细之和 3,100.00 万元不符"
        in plan.notes[0]
    )
    first = next(c for c in plan.changes if c.project.code == A)
    assert first.text == (
        "当月完成投资: 空 → 1,500.00 万元, 1-N月累计完成投资: 空 → 4,500.00 万元, "
        "形象进度: 空 → 主体施工"
    )
    commit_import(user=admin, plan=plan, confirm_warnings=True)
    stored = dict(
        ((r.project.code), (r.amount, r.ytd))
        for r in MonthlyReport.objects.filter(year=2024, month=4).select_related("project")
    )
    assert stored == {
        A: (Decimal("1500.00"), Decimal("4500.00")),
        C: (Decimal("200.00"), Decimal("200.00")),
        B: (Decimal("3000.00"), Decimal("3000.00")),
        D: (Decimal("100.00"), Decimal("100.00")),
    }
    again = plan_import(user=admin, data=data, filename="1-4月.xlsx")
    assert again.ok and again.changes == [] and again.unchanged == 4


def test_the_same_file_updates_the_list(world):
    admin = world["admin"]
    plan = registry.plan_list(
        user=admin, data=clerk_table(GOOD_ROWS), filename="1-4月.xlsx", annual_list="省重大项目"
    )
    assert plan.ok, [str(e) for e in plan.errors]
    assert (
        plan.year == 2024 and plan.notes == []
    )  # 年度计划投资 小计/合计 add up (3.5, 3, 6.5 亿元)
    assert [(c.code, c.diffs) for c in plan.changes] == [
        (A, [("年度计划投资", "20,000.00 万元", "25,000.00 万元")])
    ]
    assert plan.unchanged == 3
    registry.commit_list(user=admin, plan=plan)
    assert ListEntry.objects.get(project=world["a"], year=2024).annual_plan == Decimal("25000.00")


def test_unit_in_wan_and_quarter_title(world):
    rows = [[1, "甲区光伏组件项目", "甲区", 25000, 1500, 4500, None]]
    plan = plan_import(
        user=world["admin"],
        data=clerk_table(rows, "2024年测试市重点项目一季度进展情况表", "单位：万元"),
        filename="q1.xlsx",
    )
    # 一季度 = 3月: 3月 already holds 1000 / 3000, so 1500 + 2000 (1-2月) ≠ 4500 is refused on the 累计 cell.
    assert (plan.year, plan.month) == (2024, 3)
    assert [(e.row, e.column, e.field) for e in plan.errors] == [(5, "F", "1-N月累计完成投资")]


def test_each_error_names_its_own_cell(world):
    rows = [
        [1, "甲区光伏组件", "甲区", 2.5, 0.1, 0.1, None],  # unknown name: close to A
        [
            2,
            "污水处理厂",
            None,
            1,
            0.02,
            0.02,
            None,
        ],  # two projects of that name, no 县 to tell them apart
        [3, "乙区道路(一期)工程", "乙区", 2, -0.1, None, None],  # negative 本月
        [4, "污水处理厂", "乙区", 1, "一千", None, None],  # not a number
        [None, "合计", None, 6.5, 0, 0],
    ]
    plan = plan_import(user=world["admin"], data=clerk_table(rows), filename="错.xlsx")
    where = [(e.row, e.column, e.field) for e in plan.errors]
    assert where == [
        (5, "B", "项目名称"),
        (6, "B", "项目名称"),
        (7, "E", "当月完成投资"),
        (8, "E", "当月完成投资"),
    ]
    unknown, ambiguous, negative, text = (str(e) for e in plan.errors)
    assert (
        "项目名称 甲区光伏组件 不在您的范围内或不存在; 相近的项目: 甲区光伏组件项目 (甲区, "
        in unknown
    )
    assert f"污水处理厂 (甲区, {C})" in ambiguous and f"污水处理厂 (乙区, {D})" in ambiguous
    assert "不能为负数" in negative and "不是数字" in text
    # The 累计 that does not follow from the months before is blamed on the 累计 cell, not the name.
    plan = plan_import(
        user=world["admin"],
        data=clerk_table([[1, "甲区光伏组件项目", "甲区", 2.5, 0.1, 0.5]]),
        filename="错.xlsx",
    )
    assert [(e.row, e.column, e.field) for e in plan.errors] == [(5, "F", "1-N月累计完成投资")]
    assert "≠ 累计 5000.00" in str(plan.errors[0])


def test_names_outside_the_users_scope_are_unknown(world):
    rows = [[1, "乙区道路(一期)工程", "乙区", 2, 0.3, 0.3], [2, "污水处理厂", None, 1, 0.02, 0.02]]
    plan = plan_import(user=world["jia"], data=clerk_table(rows), filename="甲区.xlsx")
    # 乙区's road is not named, not even as a close match; the 污水处理厂 is 甲区's own (one in reach).
    assert [str(e) for e in plan.errors] == [
        "工作表“1-4月”第 5 行 B 列「项目名称」 (值: '乙区道路(一期)工程'): 项目名称 乙区道路(一期)工程 不在您的范围内或不存在"
    ]
    plan = plan_import(user=world["jia"], data=clerk_table(rows[1:]), filename="甲区.xlsx")
    assert plan.ok and [c.project.code for c in plan.changes] == [C]


def registry_file_with_progress_column() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年测试市新增重大项目1-4月"])
    ws.append(["项目代码", "项目名称", "所属单位", "项目类别", "计划总投资", "1-4月累计完成投资"])
    ws.append(["2024-320101-34-03-00021A", "甲区新材料项目", "甲区", "产业", 30000, 500])
    ws.append(["2024-320101-34-03-00022A", "甲区物流园", "甲区", "产业", 12000, 0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_file_that_looks_like_another_kind_says_so(world, tmp_path):
    path = tmp_path / "新项目.xlsx"
    path.write_bytes(registry_file_with_progress_column())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--as", "city_admin", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1, lines  # one message, not “项目代码不在您的范围内” on every row
    assert (
        "表头看起来是项目库" in lines[0]
        and "--kind projects" in lines[0]
        and "计划总投资" in lines[0]
    )
    # Chosen explicitly, the kind is taken at its word and every row is reported.
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            str(path),
            "--as",
            "city_admin",
            "--kind",
            "reports",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert len(err.getvalue().strip().splitlines()) == 2 and "表头看起来" not in err.getvalue()


def test_cli_preview_speaks_chinese(world, tmp_path):
    path = tmp_path / "1-4月.xlsx"
    path.write_bytes(clerk_table(GOOD_ROWS))
    out = io.StringIO()
    call_command("import", str(path), "--as", "city_admin", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert (
        f"{A} 甲区光伏组件项目: 当月完成投资: 空 → 1,500.00 万元, 1-N月累计完成投资: 空 → 4,500.00 万元"
        in text
    )
    assert "None" not in text and "注意: 工作表“1-4月”第 12 行「乙区小计」" in text
    assert not MonthlyReport.objects.filter(month=4).exists()


def test_no_kind_hint_when_the_headers_fit(world, tmp_path):
    # The clerk's table also carries the list's 年度计划投资: an unknown name is still named as such.
    path = tmp_path / "1-4月.xlsx"
    path.write_bytes(
        clerk_table(
            [[1, "甲区光伏组件项目", "甲区", 2.5, 0.15, 0.45], [2, "丙区项目", "甲区", 1, 0, 0]]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--as", "city_admin", stdout=io.StringIO(), stderr=err)
    assert (
        "表头看起来" not in err.getvalue()
        and "项目名称 丙区项目 不在您的范围内或不存在" in err.getvalue()
    )
    path.write_bytes(
        clerk_table([[2, "丙区项目", "甲区", 1, 0, 0]])
    )  # every row unknown, still not a 项目库
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--as", "city_admin", stdout=io.StringIO(), stderr=err)
    assert "表头看起来" not in err.getvalue() and "丙区项目" in err.getvalue()
