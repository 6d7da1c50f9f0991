"""Excel: import leads and signed contracts through the monthly reports' spreadsheet machinery (real .xlsx and
.csv files, header variants, 亿元 columns, cell errors, all or nothing); export the two registers (.xlsx)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.attraction.excel import (
    commit_import,
    plan_import,
    write_contracts_xlsx,
    write_leads_xlsx,
)
from tuijin.attraction.models import Contract, Lead, LeadStage
from tuijin.attraction.selectors import contracts_for, leads_for
from tuijin.core.errors import InputError
from tuijin.projects.models import Project, Stage


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def admin(town):
    f.category()
    return f.user("city_admin", town.city, Role.CITY_ADMIN)


def test_leads_import_preview_then_commit(town, admin):
    data = xlsx([
        ["2024年招商线索台账"],
        ["项目名称", "投资方（客商）", "投资方类型", "线索来源", "意向投资（亿元）", "跟进单位", "登记日期", "国别/地区"],
        ["智能装备基地", "德马机械有限公司", "外资", "招商活动", 2.5, "甲区", datetime.datetime(2024, 3, 1), "德国"],
        ["生物医药园", "华康药业公司", "上市公司", "以商引商", "1.2", "乙区", "2024/4/15", ""],
        ["合计", "", "", "", 3.7, "", "", ""],
    ])
    plan = plan_import(user=admin, data=data, filename="leads.xlsx")
    assert plan.ok and plan.skipped == 1 and len(plan.rows) == 2
    assert [r["amount"] for r in plan.rows] == [Decimal("25000.00"), Decimal("12000.00")]
    assert Lead.objects.count() == 0  # the preview writes nothing
    assert commit_import(plan, user=admin) == 2
    lead = Lead.objects.get(title="智能装备基地")
    assert (lead.unit, lead.investor_kind, lead.source, lead.stage_date) == (
        town.jia, "foreign", "event", datetime.date(2024, 3, 1))


def test_cell_errors_name_sheet_row_column_and_nothing_is_written(town, admin):
    data = xlsx([
        ["项目名称", "投资方", "投资方类型", "线索来源", "意向投资(万元)", "跟进单位", "日期"],
        ["甲项目", "甲公司", "外资", "走访企业", "abc", "甲区", "2024-03-01"],
        ["乙项目", "乙公司", "个体户", "走访企业", 5000, "丙区", "2024-13-01"],
    ])
    plan = plan_import(user=admin, data=data, filename="bad.xlsx")
    text = [str(p) for p in plan.problems]
    assert not plan.ok and len(text) == 4
    assert "工作表“台账”第 2 行 E 列 (值: 'abc')" in text[0] and "不是数字" in text[0]
    assert any("第 3 行 C 列" in t and "投资方类型" in t for t in text)
    assert any("第 3 行 F 列" in t and "单位不存在" in t for t in text)
    assert any("第 3 行 G 列" in t and "不是日期" in t for t in text)
    with pytest.raises(InputError, match="未写入任何数据"):
        commit_import(plan, user=admin)
    assert Lead.objects.count() == 0


def test_contracts_import_from_csv_is_all_or_nothing(town, admin):
    good = ("项目名称,投资方,投资方类型,线索来源,合同投资(万元),签约单位,签约日期,项目代码,项目类别\n"
            "新材料产业园,远航材料公司,民企,中介机构,30000,甲区,2024-05-06,2024-321000-34-03-009011,产业\n")
    plan = plan_import(user=admin, data=good.encode("utf-8"), filename="c.csv", kind="contracts")
    assert plan.ok
    commit_import(plan, user=admin)
    project = Project.objects.get(code="2024-321000-34-03-009011")
    assert project.stage == Stage.SIGNED and project.contracts.get().lead.stage == LeadStage.SIGNED
    # The second file's second row reuses the code: the service refuses it and the first row is rolled back too.
    dup = good.replace("新材料产业园", "另一园区").replace("远航材料公司", "别家公司") + \
        "第三园区,第三公司,民企,中介机构,1000,乙区,2024-05-07,2024-321000-34-03-009011,产业\n"
    plan = plan_import(user=admin, data=dup.encode("gb18030"), filename="c2.csv", kind="contracts")
    with pytest.raises(InputError, match="第 2 行"):
        commit_import(plan, user=admin)
    assert Lead.objects.count() == 1 and Contract.objects.count() == 1


def test_exports_are_readable_workbooks(town, admin):
    plan = plan_import(user=admin, kind="contracts", filename="c.csv", data=(
        "项目名称,投资方,投资方类型,线索来源,合同投资(万元),签约单位,签约日期,项目代码,项目类别\n"
        "新材料产业园,远航材料公司,民企,中介机构,30000,甲区,2024-05-06,2024-321000-34-03-009021,产业\n").encode())
    commit_import(plan, user=admin)
    out = io.BytesIO()
    write_leads_xlsx(out, leads_for(admin))
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws["A1"].value == "项目名称" and ws["A2"].value == "新材料产业园" and ws["G2"].value == 30000
    out = io.BytesIO()
    write_contracts_xlsx(out, contracts_for(admin))
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws["B2"].value == "新材料产业园" and ws["D2"].value == "首次签约" and ws["F2"].value == 30000
