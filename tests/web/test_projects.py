"""项目库 and the project page: filters, search, pagination, totals, scoping and the page's content."""

from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import set_report_status
from tuijin.projects.services import record_milestone, update_project

from .conftest import login, more_projects, tables

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_city_admin_sees_every_project_of_the_city_with_count_and_total(client, city):
    login(client, city.admin)
    response = client.get("/projects/")
    assert response.status_code == 200
    assert sorted(names(response)) == sorted([city.p1.name, city.p2.name, city.p3.name, city.p4.name])
    # 30000 + 50000 + 8000 + 1250 万元 = 8.925 亿 → 8.9 (the city's default: one place, half up)
    html = response.content.decode()
    assert response.context["summary"] == {"count": 4, "total_wan": Decimal("89250.00")}
    assert '<strong class="count">4</strong>' in html and '<strong class="total">8.9</strong>' in html
    assert "外市机密项目" not in html and "外区" not in html


def test_the_list_prints_amounts_by_the_city_rule(client, city):
    """项目库 through tuijin.core.numbers with the city's conventions: two places truncated, then half up."""
    from tests import factories

    factories.config(city.city, amount_places=2, rounding="truncate")
    login(client, city.admin)
    html = client.get("/projects/").content.decode()
    assert '<strong class="total">8.92</strong>' in html  # 8.925 truncated
    assert tables(client.get("/projects/", {"q": "养老"}))["projects"][1][5] == "0.12"  # 1250 万元 = 0.125 亿
    factories.config(city.city, rounding="half_up")
    html = client.get("/projects/").content.decode()
    assert '<strong class="total">8.93</strong>' in html  # 8.925 half up
    assert tables(client.get("/projects/", {"q": "养老"}))["projects"][1][5] == "0.13"


def test_list_shows_the_columns(client, city):
    login(client, city.admin)
    rows = tables(client.get("/projects/", {"q": "光伏"}))["projects"]
    assert rows[0] == ["项目代码", "项目名称", "所属单位", "类别", "产业链", "计划总投资(亿元)", "阶段"]
    assert rows[1] == [city.p1.code, "甲区光伏组件项目", "甲区", "产业", "光伏链", "3.0", "开工"]


@pytest.mark.parametrize("params, expected", [
    ({"stage": "signed"}, ["乙区快速路工程"]),
    ({"stage": "planning"}, ["乙区社区养老中心"]),
    ({"category": "基础设施"}, ["乙区快速路工程"]),
    ({"q": "储能"}, ["甲区储能电站项目"]),
    ({"q": "zj-2019"}, ["乙区社区养老中心"]),  # by code, case-insensitive
    ({"year": 2024}, ["甲区光伏组件项目", "甲区储能电站项目", "乙区快速路工程"]),
    ({"list": "shi", "year": 2024}, ["甲区储能电站项目"]),
    ({"list": "shi", "year": 2023}, []),
    ({"node": "cluster"}, ["甲区光伏组件项目", "甲区储能电站项目"]),  # a cluster includes its chains
    ({"node": "chain"}, ["甲区光伏组件项目"]),
    ({"unit": "yi", "q": "快速路"}, ["乙区快速路工程"]),
])
def test_filters(client, city, params, expected):
    from tuijin.projects.models import Category

    query = dict(params)
    if "category" in query:
        query["category"] = Category.objects.get(name=query["category"]).pk
    if "list" in query:
        query["annual_list"] = getattr(city, query.pop("list")).pk
    if "node" in query:
        query["industry_node"] = getattr(city, query.pop("node")).pk
    if "unit" in query:
        query["unit"] = getattr(city, query["unit"]).pk
    login(client, city.admin)
    response = client.get("/projects/", query)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(expected)
    assert response.context["summary"]["count"] == len(expected)


def test_unit_filter_includes_parks_and_totals_follow(client, city):
    park = f.create_unit(name="甲区高新园", kind="park", parent=city.jia, actor=SYSTEM)
    f.project(park, name="园区项目", total=Decimal(5000))
    login(client, city.admin)
    response = client.get("/projects/", {"unit": city.jia.pk})
    assert sorted(names(response)) == sorted(["甲区光伏组件项目", "甲区储能电站项目", "园区项目"])
    assert '<strong class="total">8.5</strong>' in response.content.decode()  # 85000 万元


def test_pagination_50_per_page_keeps_filters(client, city):
    more_projects(city.bing, 55)
    login(client, city.admin)
    first = client.get("/projects/", {"unit": city.bing.pk})
    assert len(first.context["page"].object_list) == 50
    assert first.context["summary"] == {"count": 55, "total_wan": Decimal("550000.00")}
    html = first.content.decode()
    assert f"?unit={city.bing.pk}&amp;page=2" in html
    second = client.get("/projects/", {"unit": city.bing.pk, "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert second.context["summary"]["count"] == 55  # the count is of the filtered set, not of the page


def test_district_admin_dropdowns_and_list_stay_in_its_district(client, city):
    login(client, city.jia_admin)
    response = client.get("/projects/")
    html = response.content.decode()
    assert sorted(names(response)) == ["甲区储能电站项目", "甲区光伏组件项目"]
    assert "乙区" not in html and "丙区" not in html and "外区" not in html
    assert "光伏链" in html and "省重大项目" in html  # the city's taxonomy and lists are offered
    # asking for another district's unit is an invalid choice, never its projects
    refused = client.get("/projects/", {"unit": city.yi.pk})
    assert refused.status_code == 400 and "乙区快速路工程" not in refused.content.decode()


def test_reporter_sees_only_its_assigned_projects(client, city):
    login(client, city.reporter)
    response = client.get("/projects/")
    assert names(response) == ["甲区光伏组件项目"]
    assert "新增项目" not in response.content.decode()


def test_htmx_request_gets_only_the_results(client, city):
    login(client, city.admin)
    response = client.get("/projects/", {"q": "光伏"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<header" not in html


def test_list_query_count_does_not_grow_with_the_number_of_projects(client, city, django_assert_max_num_queries):
    login(client, city.admin)
    with django_assert_max_num_queries(20) as small:
        client.get("/projects/")
    more_projects(city.bing, 40, lst=city.sheng)
    with django_assert_max_num_queries(20) as big:
        response = client.get("/projects/")
    assert response.context["summary"]["count"] == 44
    assert len(big.captured_queries) == len(small.captured_queries)


# ---------------------------------------------------------------- project page


def test_project_page_shows_record_stages_lists_reports_and_history(client, city):
    record_milestone(project=city.p1, kind="land", actual_date=__import__("datetime").date(2024, 1, 20), actor=SYSTEM)
    set_report_status(report=city.p1.reports.get(year=2024, month=5), status=ReportStatus.RETURNED,
                      reason="形象进度照片缺失", actor=SYSTEM)
    update_project(project=city.p1, actor=city.admin, reason="可研批复调整", total_investment=Decimal(32000))
    login(client, city.admin)
    response = client.get(f"/projects/{city.p1.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    t = tables(response)
    assert city.p1.code in html and "甲区光伏组件项目" in html and "四群八链 · 光伏链" in html
    assert "<strong>3.2</strong> 亿元" in html and "(32,000 万元)" in html  # 计划总投资 in 亿元 and 万元
    stages = {r[0].replace(" (当前)", ""): r for r in t["stages"][1:]}
    assert stages["签约"][2] == "2023-12-01" and stages["开工"][2] == "2024-03-15" and stages["竣工"][2] == "—"
    assert t["milestones"][1][:3] == ["拿地", "—", "2024-01-20"]
    assert t["entries"][1] == ["2024年", "省重大项目", "10,000", "✓ 3月", "", "", ""]
    reports = t["reports"]
    assert reports[1][:3] == ["1月", "500", "500"]
    assert reports[5][:3] == ["5月", "1,500", "4,500"]
    assert "已退回" in reports[5][4] and "形象进度照片缺失" in reports[5][4]
    # 变更记录: who, field, before → after, reason
    history = [" ".join(r) for r in t["audit"][1:]]
    change = next(h for h in history if "可研批复调整" in h)
    assert "city_admin" in change and "计划总投资(万元)" in change and "30000.00 → 32000" in change


def test_project_page_of_another_district_is_not_found(client, city):
    login(client, city.jia_admin)
    assert client.get(f"/projects/{city.p3.pk}/").status_code == 404
    assert client.get(f"/projects/{city.other_city_project.pk}/").status_code == 404
    assert client.get("/projects/999999/").status_code == 404
    assert client.get(f"/projects/{city.p1.pk}/").status_code == 200


def test_project_page_query_count_is_fixed(client, city, django_assert_max_num_queries):
    # The page is the project's dossier (一项目一档): its plan-against-actual and key figures come from the engine
    # (plan_vs_actual, compute), with the timeline, problems, contracts and 审批要件 (tests/dossier/test_pages.py).
    login(client, city.admin)
    with django_assert_max_num_queries(50) as small:
        client.get(f"/projects/{city.p1.pk}/")
    f.reports(city.p1, 2023, [100] * 12)
    for i in range(5):
        update_project(project=city.p1, actor=city.admin, location=f"地点{i}")
    with django_assert_max_num_queries(50) as big:
        client.get(f"/projects/{city.p1.pk}/")
    assert len(big.captured_queries) == len(small.captured_queries)


def test_edit_buttons_only_for_writers(client, city):
    login(client, city.leader)
    html = client.get(f"/projects/{city.p1.pk}/").content.decode()
    assert "编辑项目" not in html and "记录阶段" not in html
    login(client, city.jia_admin)
    html = client.get(f"/projects/{city.p1.pk}/").content.decode()
    assert "编辑项目" in html and "记录阶段" in html


def test_audit_entries_are_kept(city):
    assert AuditEntry.objects.filter(project_id=city.p1.pk).exists()
