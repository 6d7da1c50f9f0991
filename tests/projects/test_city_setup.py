"""A city's annual lists (级别/排序, 计入全部, 使用年度) and breakdown dimensions (项目类别, 行业领域, 建设性质) as data
its administrator manages: services (scope, refusals naming the field, audit), the pages, the engine's 全部
honouring 计入全部, and projects carrying 行业领域 / 建设性质 through the form, the API and the registry import."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.scope import build_scope
from tuijin.progress import registry
from tuijin.projects import services
from tuijin.projects.models import AnnualList, BuildNature, Category, ListYear, Project, Sector

D = Decimal
GOOD = "2024-320101-34-03-00017X"


@pytest.fixture
def world(db):
    city, d = f.city_tree("测试市", ("甲区",))
    other, od = f.city_tree("邻市", ("丙区",))
    return {"city": city, "d": d, "other": other, "od": od,
            "admin": f.user("city_admin", city, Role.CITY_ADMIN),
            "other_admin": f.user("other_admin", other, Role.CITY_ADMIN),
            "district_admin": f.user("jia_admin", d["甲区"], Role.DISTRICT_ADMIN),
            "root": f.user("root", None, "", is_superuser=True)}


def state():
    return (sorted(AnnualList.objects.values_list("city_id", "name", "rank", "counts_in_total", "short_name")),
            sorted(ListYear.objects.values_list("annual_list_id", "year")),
            sorted(Sector.objects.values_list("city_id", "code", "name", "sort_order", "active")),
            sorted(BuildNature.objects.values_list("city_id", "code", "name", "sort_order", "active")),
            sorted(Category.objects.values_list("code", "name", "sort_order", "active")),
            AuditEntry.objects.count())


def refused(call, field, words):
    before = state()
    with pytest.raises(InputError) as exc:
        call()
    assert exc.value.field == field and words in exc.value.text, (exc.value.field, exc.value.text)
    assert state() == before


# ---------------------------------------------------------------- lists


def test_lists_create_update_years_audited(world):
    admin, city = world["admin"], world["city"]
    lst = services.create_list(city=city, name="储备项目", rank=9, counts_in_total=False, actor=admin)
    services.update_list(actor=admin, annual_list=lst, rank=8, short_name="储备")
    services.add_list_year(actor=admin, annual_list=lst, year=2025)
    assert services.add_list_year(actor=admin, annual_list=lst, year=2025) is None  # once
    lst.refresh_from_db()
    assert (lst.rank, lst.short_name, lst.counts_in_total) == (8, "储备", False)
    assert list(lst.years.values_list("year", flat=True)) == [2025]
    audits = AuditEntry.objects.filter(actor=admin)
    assert audits.filter(model="projects.AnnualList", action="create").count() == 1
    update = audits.get(model="projects.AnnualList", action="update")
    assert update.before == {"name": "储备项目", "short_name": "", "rank": 9, "counts_in_total": False}
    assert update.after["rank"] == 8
    assert audits.filter(model="projects.ListYear").count() == 1


def test_list_refusals(world):
    admin, city = world["admin"], world["city"]
    lst = services.create_list(city=city, name="省重大项目", rank=1, actor=admin)
    refused(lambda: services.create_list(city=city, name="省重大项目", rank=2, actor=admin), "name", "已有清单")
    refused(lambda: services.create_list(city=city, name=" ", rank=2, actor=admin), "name", "不能为空")
    refused(lambda: services.create_list(city=city, name="市重大项目", rank=0, actor=admin), "rank", "1-999")
    refused(lambda: services.update_list(actor=admin, annual_list=lst, rank=1000), "rank", "1-999")
    refused(lambda: services.add_list_year(actor=admin, annual_list=lst, year=1999), "year", "2000-2100")
    for actor in (world["other_admin"], world["district_admin"]):
        before = state()
        with pytest.raises(PermissionDenied):
            services.create_list(city=city, name="市重大项目", rank=2, actor=actor)
        with pytest.raises(PermissionDenied):
            services.update_list(actor=actor, annual_list=lst, rank=3)
        with pytest.raises(PermissionDenied):
            services.add_list_year(actor=actor, annual_list=lst, year=2025)
        assert state() == before


def test_total_leaves_out_a_list_that_does_not_count(world):
    """全部 = the projects on lists that count, each once under its highest counting list. Hand-computed:
    p1 on 储备 (rank 1, not counted, plan 5000) and 市 (rank 2, plan 800); p2 on 储备 only (plan 2000).
    全部: p1 under 市 → 1 project, plan 800, completed 3 × 100 = 300 (p2's 3 × 50 not counted).
    储备 chosen: 2 projects, plan 7000, completed 300 + 150 = 450."""
    admin, city, jia = world["admin"], world["city"], world["d"]["甲区"]
    reserve = services.create_list(city=city, name="储备项目", rank=1, counts_in_total=False, actor=admin)
    muni = services.create_list(city=city, name="市重大项目", rank=2, actor=admin)
    p1, p2 = f.project(jia), f.project(jia)
    f.entry(reserve, p1, plan=D(5000))
    f.entry(muni, p1, plan=D(800))
    f.entry(reserve, p2, plan=D(2000))
    f.reports(p1, 2024, [100] * 3)
    f.reports(p2, 2024, [50] * 3)
    period = Period.parse("2024-03", "ytd")
    total = compute(build_scope(city="测试市"), period)
    assert (total.projects, total.annual_plan, total.completed) == (1, D(800), D(300))
    chosen = compute(build_scope(city="测试市", annual_list="储备项目"), period)
    assert (chosen.projects, chosen.annual_plan, chosen.completed) == (2, D(7000), D(450))
    services.update_list(actor=admin, annual_list=reserve, counts_in_total=True)
    again = compute(build_scope(city="测试市"), period)
    assert (again.projects, again.annual_plan, again.completed) == (2, D(7000), D(450))


def test_lists_pages(world, client):
    admin, city = world["admin"], world["city"]
    client.force_login(admin)
    r = client.post("/setup/lists/", {"name": "市重大项目", "rank": "2", "counts_in_total": "on", "year": "2025"})
    assert r.status_code == 302
    lst = AnnualList.objects.get(city=city, name="市重大项目")
    assert lst.counts_in_total and list(lst.years.values_list("year", flat=True)) == [2025]
    before = state()
    r = client.post("/setup/lists/", {"name": "市重大项目", "rank": "3"})
    assert r.status_code == 200 and "已有清单" in r.content.decode() and state() == before
    r = client.post(f"/setup/lists/{lst.pk}/", {"name": "市重大项目", "rank": "abc"})
    assert r.status_code == 200 and "级别/排序" in r.content.decode() and state() == before
    r = client.post(f"/setup/lists/{lst.pk}/", {"name": "市重点项目", "rank": "2", "year": "2026"})
    assert r.status_code == 302
    lst.refresh_from_db()
    assert lst.name == "市重点项目" and not lst.counts_in_total and lst.years.count() == 2
    assert "市重点项目" in client.get("/setup/lists/").content.decode()
    client.force_login(world["other_admin"])
    assert client.get(f"/setup/lists/{lst.pk}/").status_code == 404
    client.force_login(world["district_admin"])
    assert client.get("/setup/lists/").status_code == 403


# ---------------------------------------------------------------- dimensions


def test_new_city_gets_default_dimensions(world):
    assert list(Sector.objects.filter(city=world["city"]).values_list("name", flat=True)) == [
        "交通", "能源", "农林水利", "社会事业", "城建环保", "商贸服务", "工业科技"]
    assert list(BuildNature.objects.filter(city=world["city"]).values_list("name", flat=True)) == ["新建", "续建"]


def test_dimension_add_rename_reorder_retire(world):
    admin, city = world["admin"], world["city"]
    s = services.add_dimension(actor=admin, kind="sector", city=city, code="digital", name="数字经济", sort_order=8)
    services.update_dimension(actor=admin, obj=s, name="数字产业", sort_order=1)
    services.update_dimension(actor=admin, obj=s, active=False)
    s.refresh_from_db()
    assert (s.name, s.sort_order, s.active, s.city) == ("数字产业", 1, False, city)
    assert AuditEntry.objects.filter(model="projects.Sector", object_id=str(s.pk), actor=admin).count() == 3
    # the same code in another city is another value
    assert services.add_dimension(actor=world["other_admin"], kind="sector", city=world["other"], code="digital",
                                  name="数字经济").city == world["other"]


def test_dimension_refusals(world):
    admin, city = world["admin"], world["city"]
    refused(lambda: services.add_dimension(actor=admin, kind="sector", city=city, code="x", name="交通"), "name",
            "已有名为 交通")
    refused(lambda: services.add_dimension(actor=admin, kind="nature", city=city, code="new", name="改扩建"), "code",
            "已有代码")
    refused(lambda: services.add_dimension(actor=admin, kind="nature", city=city, code="扩建", name="扩建"), "code",
            "字母")
    refused(lambda: services.add_dimension(actor=admin, kind="nature", city=city, code="x", name=""), "name",
            "不能为空")
    refused(lambda: services.add_dimension(actor=admin, kind="nature", city=city, code="x", name="扩建",
                                           sort_order=-1), "sort_order", "0-9999")
    refused(lambda: services.add_dimension(actor=admin, kind="stage", city=city, code="x", name="扩建"), "kind",
            "未知")
    traffic = Sector.objects.get(city=city, code="transport")
    before = state()
    for actor in (world["other_admin"], world["district_admin"]):
        with pytest.raises(PermissionDenied):
            services.add_dimension(actor=actor, kind="sector", city=city, code="x", name="新领域")
        with pytest.raises(PermissionDenied):
            services.update_dimension(actor=actor, obj=traffic, name="交通运输")
    with pytest.raises(PermissionDenied):  # 项目类别 are the platform's
        services.add_dimension(actor=admin, kind="category", code="x", name="新类别")
    assert state() == before
    cat = services.add_dimension(actor=world["root"], kind="category", code="tech", name="科技创新", sort_order=5)
    assert cat.code == "tech"


def test_dimensions_pages(world, client):
    admin, city = world["admin"], world["city"]
    client.force_login(admin)
    page = client.get("/setup/dimensions/").content.decode()
    assert "行业领域" in page and "农林水利" in page and "续建" in page
    r = client.post("/setup/dimensions/?kind=nature", {"kind": "nature", "nature-code": "expand",
                                                       "nature-name": "改扩建", "nature-sort_order": "3"})
    assert r.status_code == 302 and BuildNature.objects.filter(city=city, name="改扩建").exists()
    before = state()
    r = client.post("/setup/dimensions/?kind=nature", {"kind": "nature", "nature-code": "expand2",
                                                       "nature-name": "改扩建", "nature-sort_order": "4"})
    assert r.status_code == 200 and "已有名为 改扩建" in r.content.decode() and state() == before
    nature = BuildNature.objects.get(city=city, code="expand")
    r = client.post(f"/setup/dimensions/nature/{nature.pk}/", {"code": "expand", "name": "改建", "sort_order": "1"})
    assert r.status_code == 302
    nature.refresh_from_db()
    assert (nature.name, nature.sort_order, nature.active) == ("改建", 1, False)  # unchecked: retired
    other = Sector.objects.get(city=world["other"], code="energy")
    assert client.get(f"/setup/dimensions/sector/{other.pk}/").status_code == 404
    cat = f.category()
    assert client.get(f"/setup/dimensions/category/{cat.pk}/").status_code == 403


# ---------------------------------------------------------------- projects carry them


def test_project_form_and_api_carry_sector_and_nature(world, client):
    admin, city, jia = world["admin"], world["city"], world["d"]["甲区"]
    cat = f.category()
    energy = Sector.objects.get(city=city, code="energy")
    new = BuildNature.objects.get(city=city, code="new")
    client.force_login(admin)
    r = client.post("/projects/new/", {"code": GOOD, "name": "光伏电站", "unit": jia.pk, "category": cat.pk,
                                       "total_investment": "20000", "sector": energy.pk, "nature": new.pk})
    assert r.status_code == 302
    p = Project.objects.get(code=GOOD)
    assert (p.sector, p.nature) == (energy, new)
    assert "能源" in client.get(f"/projects/{p.pk}/").content.decode()
    # another city's value is not a choice
    foreign = Sector.objects.get(city=world["other"], code="energy")
    r = client.post(f"/projects/{p.pk}/edit/", {"code": GOOD, "name": "光伏电站", "unit": jia.pk, "category": cat.pk,
                                                 "total_investment": "20000", "sector": foreign.pk})
    assert r.status_code == 400 and "行业领域" in r.content.decode() and Project.objects.get(pk=p.pk).sector == energy
    headers = {}  # the browser's session (the API accepts it as well as a token)
    body = client.get(f"/api/v1/projects/{p.pk}", **headers).json()
    assert (body["sector"], body["sector_name"], body["nature"], body["nature_name"]) == (
        "energy", "能源", "new", "新建")
    r = client.patch(f"/api/v1/projects/{p.pk}", {"sector": "交通", "nature": None},
                     content_type="application/json", **headers)
    assert r.status_code == 200, r.content
    p.refresh_from_db()
    assert (p.sector.code, p.nature) == ("transport", None)
    r = client.patch(f"/api/v1/projects/{p.pk}", {"sector": "航天"}, content_type="application/json", **headers)
    assert r.status_code == 422 and "行业领域" in r.content.decode() and "交通" in r.content.decode()


def _projects_file(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目代码", "项目名称", "所属单位", "项目类别", "计划总投资", "行业领域", "建设性质"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_registry_import_takes_sector_and_nature_by_name(world):
    admin, city = world["admin"], world["city"]
    f.category()
    data = _projects_file([[GOOD, "光伏电站", "甲区", "产业", 20000, "能源", "新建"]])
    plan = registry.plan_projects(user=admin, data=data, filename="p.xlsx")
    assert plan.errors == []
    registry.commit_projects(user=admin, plan=plan)
    p = Project.objects.get(code=GOOD)
    assert (p.sector.name, p.nature.name, p.sector.city) == ("能源", "新建", city)
    before = sorted(Project.objects.values_list("code", "sector_id", "nature_id"))
    bad = _projects_file([[GOOD, "光伏电站", "甲区", "产业", 20000, "航天", "改建"]])
    plan = registry.plan_projects(user=admin, data=bad, filename="p.xlsx")
    assert [(e.row, e.column, e.field) for e in plan.errors] == [(2, "F", "行业领域"), (2, "G", "建设性质")]
    assert "交通、能源、农林水利" in plan.errors[0].reason and "新建、续建" in plan.errors[1].reason
    with pytest.raises(InputError):
        registry.commit_projects(user=admin, plan=plan)
    assert sorted(Project.objects.values_list("code", "sector_id", "nature_id")) == before
