"""A city sets itself up from its own spreadsheets: `tuijin import --kind units` (组织单元) and `--kind lists`
(清单设置), and the same on the import page. Hand-made files: preview writes nothing, commit writes all or
nothing, each bad cell is named (sheet, row, column, field, value), another city's administrator and a district
administrator are refused, every write is audited; the downloadable templates import back unchanged."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.orgs.models import OrgUnit
from tuijin.progress import registry, setup_imports
from tuijin.projects.models import AnnualList, ListYear

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNIT_HEAD = ["单位名称", "类型", "上级单位", "简称", "行政区划代码"]
LISTS_HEAD = ["清单名称", "年度", "级别/排序", "是否计入全部"]


@pytest.fixture
def world(db):
    city, d = f.city_tree("测试市", ("甲区",))
    other, _ = f.city_tree("邻市", ("丙区",))
    f.annual_list(city, "省重大项目", rank=1)
    return {"city": city, "d": d, "other": other, "admin": f.user("city_admin", city, Role.CITY_ADMIN),
            "other_admin": f.user("other_admin", other, Role.CITY_ADMIN),
            "district_admin": f.user("jia_admin", d["甲区"], Role.DISTRICT_ADMIN)}


def xlsx(head, rows, title=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(head)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def units_state():
    return sorted(OrgUnit.objects.values_list("name", "kind", "parent__name", "path", "depth", "short_name",
                                              "region_code"))


def lists_state():
    return (sorted(AnnualList.objects.values_list("city__name", "name", "rank", "counts_in_total", "short_name")),
            sorted(ListYear.objects.values_list("annual_list__name", "year")))


# A park listed before its district, a department under the city, an existing district updated.
UNITS = [["乙区高新园", "园区", "乙区", "高新园", "320102"],
         ["乙区", "区", "", "乙", "320101"],
         ["测试市发改委", "部门", "测试市", "", ""],
         ["甲区", "区", "", "甲", ""]]


def test_units_preview_then_commit_parents_first(world):
    admin, city = world["admin"], world["city"]
    data = xlsx(UNIT_HEAD, UNITS)
    before = units_state()
    plan = setup_imports.plan_units(user=admin, data=data, filename="units.xlsx")
    assert plan.errors == [] and (plan.created, plan.updated, plan.unchanged) == (3, 1, 0)
    assert units_state() == before  # a preview writes nothing
    assert setup_imports.commit_units(user=admin, plan=plan) == 4
    yi = OrgUnit.objects.get(name="乙区")
    park = OrgUnit.objects.get(name="乙区高新园")
    assert (yi.parent, yi.kind, yi.short_name, yi.region_code) == (city, "district", "乙", "320101")
    assert park.parent == yi and park.path == f"{yi.path}{park.pk}/" and park.depth == yi.depth + 1
    assert OrgUnit.objects.get(name="测试市发改委").parent == city
    assert OrgUnit.objects.get(name="甲区").short_name == "甲"
    assert AuditEntry.objects.filter(model="orgs.OrgUnit", action="create", actor=admin).count() == 3
    assert AuditEntry.objects.filter(model="orgs.OrgUnit", action="update", actor=admin).count() == 1
    again = setup_imports.plan_units(user=admin, data=data, filename="units.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


@pytest.mark.parametrize(("row", "column", "field", "words"), [
    (["新区", "", "", "", ""], "B", "类型", "类型不能为空"),
    (["新区", "省", "", "", ""], "B", "类型", "类型未知"),
    (["新区", "市", "", "", ""], "B", "类型", "类型未知"),
    (["新区", "区", "", "", "3201"], "E", "行政区划代码", "6 位数字"),
    (["新区", "区", "无此区", "", ""], "C", "上级单位", "都不存在"),
    (["新区", "区", "甲区", "", ""], "B", "类型", "不能设在区"),
    (["甲区", "区", "", "", ""], "A", "单位名称", "第 2 行已出现"),
    (["", "区", "", "", ""], "A", "单位名称", "缺少单位名称"),
    (["新区", "区", "丙区", "", ""], "C", "上级单位", "都不存在"),  # another city's district is not found
])
def test_units_bad_cell_named_and_nothing_written(world, row, column, field, words):
    data = xlsx(UNIT_HEAD, [["甲区", "区", "", "甲", ""], row])
    before, audits = units_state(), AuditEntry.objects.count()
    plan = setup_imports.plan_units(user=world["admin"], data=data, filename="units.xlsx")
    assert len(plan.errors) == 1, [str(e) for e in plan.errors]
    e = plan.errors[0]
    assert (e.row, e.column, e.field) == (3, column, field) and words in e.reason, str(e)
    with pytest.raises(Exception, match="未导入任何数据"):
        setup_imports.commit_units(user=world["admin"], plan=plan)
    assert units_state() == before and AuditEntry.objects.count() == audits


def test_units_cycle_in_the_file_is_named(world):
    data = xlsx(UNIT_HEAD, [["甲园", "园区", "乙园", "", ""], ["乙园", "园区", "甲园", "", ""]])
    plan = setup_imports.plan_units(user=world["admin"], data=data, filename="units.xlsx")
    assert plan.errors and "循环" in plan.errors[0].reason and plan.errors[0].field == "上级单位"


def test_units_all_or_nothing_when_a_write_fails(world, monkeypatch):
    """A row refused by the service at commit time (here: the name taken meanwhile) rolls every row back."""
    admin = world["admin"]
    plan = setup_imports.plan_units(user=admin, data=xlsx(UNIT_HEAD, UNITS[:3]), filename="units.xlsx")
    assert plan.ok
    from tuijin.orgs import services

    services.add_unit(actor=admin, city=world["city"], name="测试市发改委", kind="department")
    before = units_state()
    with pytest.raises(Exception, match="未导入任何数据"):
        setup_imports.commit_units(user=admin, plan=plan)
    assert units_state() == before


def test_units_refused_to_others(world):
    data = xlsx(UNIT_HEAD, UNITS)
    for user in (world["other_admin"], world["district_admin"]):
        if user is world["other_admin"]:
            # another city's administrator imports into their own city: 乙区 is created there, not here
            plan = setup_imports.plan_units(user=user, data=data, filename="units.xlsx")
            assert all(c.kwargs.get("parent") in (None, world["other"]) for c in plan.changes if c.created)
            assert not any(c.target is not None and c.target.is_within(world["city"]) for c in plan.changes)
        else:
            with pytest.raises(PermissionDenied):
                setup_imports.plan_units(user=user, data=data, filename="units.xlsx")


def test_units_command_preview_and_commit(world, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx(UNIT_HEAD, UNITS))
    before = units_state()
    call_command("import", str(path), "--as", "city_admin", "--kind", "units")
    out = capsys.readouterr().out
    assert "将新增 3 个, 修改 1 个" in out and "预览完毕" in out and units_state() == before
    call_command("import", str(path), "--as", "city_admin", "--kind", "units", "--commit")
    assert "已导入 4 个" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(UNIT_HEAD, [["某区", "区", "", "", "12345x"]]))
    after = units_state()
    with pytest.raises(CommandError):
        call_command("import", str(bad), "--as", "city_admin", "--kind", "units", "--commit")
    assert "行政区划代码" in capsys.readouterr().err and units_state() == after
    with pytest.raises(CommandError):
        call_command("import", str(path), "--as", "jia_admin", "--kind", "units")


def test_units_template_imports_back_unchanged(world, client):
    admin = world["admin"]
    setup_imports.commit_units(user=admin, plan=setup_imports.plan_units(
        user=admin, data=xlsx(UNIT_HEAD, UNITS), filename="u.xlsx"))
    client.force_login(admin)
    r = client.get("/setup/units/template.xlsx")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data))["组织单元"]
    assert [c.value for c in ws[3]] == UNIT_HEAD
    assert "邻市" not in str([[c.value for c in row] for row in ws.iter_rows()])
    assert registry.detect_kind(data, "t.xlsx") == registry.KIND_UNITS
    plan = setup_imports.plan_units(user=admin, data=data, filename="t.xlsx")
    assert plan.errors == [] and (plan.created, plan.updated, plan.unchanged) == (0, 0, 4)


def test_units_on_the_import_page(world, client):
    client.force_login(world["admin"])
    upload = SimpleUploadedFile("units.xlsx", xlsx(UNIT_HEAD, UNITS), XLSX)
    r = client.post("/reports/import/", {"kind": "units", "file": upload})
    assert r.status_code == 200 and "乙区高新园" in r.content.decode()
    assert not OrgUnit.objects.filter(name="乙区").exists()
    upload = SimpleUploadedFile("units.xlsx", xlsx(UNIT_HEAD, UNITS), XLSX)
    r = client.post("/reports/import/", {"kind": "units", "file": upload, "commit": "1"})
    assert r.status_code == 302 and OrgUnit.objects.filter(name="乙区高新园").exists()
    client.force_login(world["district_admin"])
    upload = SimpleUploadedFile("units.xlsx", xlsx(UNIT_HEAD, UNITS), XLSX)
    assert client.post("/reports/import/", {"kind": "units", "file": upload}).status_code == 403


# ---------------------------------------------------------------- 清单设置


LISTS = [["省重大项目", 2025, 1, "是"], ["市重大项目", 2025, 2, "是"], ["市重大项目", 2026, 2, "是"],
         ["储备项目", 2025, 9, "否"]]


def test_lists_preview_then_commit(world):
    admin, city = world["admin"], world["city"]
    data = xlsx(LISTS_HEAD, LISTS, title="测试市年度清单设置")
    before = lists_state()
    plan = setup_imports.plan_lists(user=admin, data=data, filename="lists.xlsx")
    assert plan.errors == [] and (plan.created, plan.updated) == (2, 1)
    assert lists_state() == before
    assert setup_imports.commit_lists(user=admin, plan=plan) == 3
    lists, years = lists_state()
    assert ("测试市", "储备项目", 9, False, "") in lists and ("测试市", "市重大项目", 2, True, "") in lists
    assert years == [("储备项目", 2025), ("市重大项目", 2025), ("市重大项目", 2026), ("省重大项目", 2025)]
    assert AuditEntry.objects.filter(model="projects.AnnualList", action="create", actor=admin).count() == 2
    assert AuditEntry.objects.filter(model="projects.ListYear", action="create", actor=admin).count() == 4
    again = setup_imports.plan_lists(user=admin, data=data, filename="lists.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AnnualList.objects.filter(city=city).count() == 3


@pytest.mark.parametrize(("row", "column", "field", "words"), [
    (["市重大项目", None, 2, "是"], "B", "年度", "年度不能为空"),
    (["市重大项目", "明年", 2, "是"], "B", "年度", "2000-2100"),
    (["市重大项目", 1999, 2, "是"], "B", "年度", "2000-2100"),
    (["市重大项目", 2025, 0, "是"], "C", "级别/排序", "1-999"),
    (["市重大项目", 2025, "高", "是"], "C", "级别/排序", "1-999"),
    (["市重大项目", 2025, None, "是"], "C", "级别/排序", "须填写级别"),
    (["市重大项目", 2025, 2, "也许"], "D", "是否计入全部", "“是”或“否”"),
    (["省重大项目", 2025, 3, "是"], "C", "级别/排序", "与第 2 行不同"),
])
def test_lists_bad_cell_named_and_nothing_written(world, row, column, field, words):
    data = xlsx(LISTS_HEAD, [["省重大项目", 2024, 1, "是"], row])
    before, audits = lists_state(), AuditEntry.objects.count()
    plan = setup_imports.plan_lists(user=world["admin"], data=data, filename="lists.xlsx")
    assert len(plan.errors) == 1, [str(e) for e in plan.errors]
    e = plan.errors[0]
    assert (e.row, e.column, e.field) == (3, column, field) and words in e.reason, str(e)
    with pytest.raises(Exception, match="未导入任何数据"):
        setup_imports.commit_lists(user=world["admin"], plan=plan)
    assert lists_state() == before and AuditEntry.objects.count() == audits


def test_lists_refused_to_others_and_by_the_command(world, tmp_path, capsys):
    data = xlsx(LISTS_HEAD, LISTS)
    with pytest.raises(PermissionDenied):
        setup_imports.plan_lists(user=world["district_admin"], data=data, filename="lists.xlsx")
    # another city's administrator writes into their own city only
    plan = setup_imports.plan_lists(user=world["other_admin"], data=data, filename="lists.xlsx")
    setup_imports.commit_lists(user=world["other_admin"], plan=plan)
    assert AnnualList.objects.filter(city=world["city"]).count() == 1
    assert AnnualList.objects.filter(city=world["other"]).count() == 3
    path = tmp_path / "lists.xlsx"
    path.write_bytes(xlsx(LISTS_HEAD, [["市重大项目", None, 2, "是"]]))
    before = lists_state()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--as", "city_admin", "--kind", "lists", "--commit")
    err = capsys.readouterr().err
    assert "第 2 行 B 列「年度」" in err and lists_state() == before
    path.write_bytes(xlsx(LISTS_HEAD, LISTS))
    call_command("import", str(path), "--as", "city_admin", "--kind", "lists", "--commit")
    assert "已导入 3 个" in capsys.readouterr().out


def test_lists_template_imports_back_unchanged(world, client):
    admin = world["admin"]
    setup_imports.commit_lists(user=admin, plan=setup_imports.plan_lists(
        user=admin, data=xlsx(LISTS_HEAD, LISTS), filename="l.xlsx"))
    client.force_login(admin)
    r = client.get("/setup/lists/template.xlsx")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    assert registry.detect_kind(data, "t.xlsx") == registry.KIND_LISTS
    plan = setup_imports.plan_lists(user=admin, data=data, filename="t.xlsx")
    assert plan.errors == [] and (plan.created, plan.updated, plan.unchanged) == (0, 0, 3)
