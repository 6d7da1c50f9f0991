"""The overview (总览): the indicator table of the user's root unit and each child unit, as printed."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import open_period, save_report

from .conftest import login, more_projects, row_for, tables

pytestmark = pytest.mark.django_db

# 单位, 项目数, 年度计划, 完成投资, 完成率, 序时进度, 超/欠序时, 计划新开工, 已开工, 开工率
CITY_1_5 = ["测试市", "3", "3.6", "1.6", "43.6%", "41.7%", "超 1.9 个百分点", "2", "1", "50.0%"]
JIA_1_5 = ["甲区", "2", "3.0", "1.5", "48.3%", "41.7%", "超 6.7 个百分点", "1", "1", "100.0%"]
YI_1_5 = ["乙区", "1", "0.6", "0.1", "20.0%", "41.7%", "欠 21.7 个百分点", "1", "0", "0.0%"]
BING_1_5 = ["丙区", "0", "0.0", "0.0", "—", "41.7%", "—", "0", "0", "—"]


def test_root_redirects_to_overview_when_logged_in(client, city):
    assert client.get("/").url.startswith("/login/")
    login(client, city.admin)
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/overview/"


def test_city_admin_sees_the_hand_computed_table_for_the_city_and_each_district(client, city):
    login(client, city.admin)
    response = client.get("/overview/", {"through": "2024-05"})
    assert response.status_code == 200
    rows = tables(response)["investment-table"]
    assert rows[1] == CITY_1_5
    assert row_for(rows, "甲区") == JIA_1_5
    assert row_for(rows, "乙区") == YI_1_5
    assert row_for(rows, "丙区") == BING_1_5
    html = response.content.decode()
    assert "2024年1-5月" in html
    assert "市级确认数" in html  # the basis the figures use is said
    assert "外区" not in html and "外市" not in html


def test_events_table_prints_counts_amounts_and_year_on_year(client, city):
    login(client, city.admin)
    rows = tables(client.get("/overview/", {"through": "2024-05"}))["events-table"]
    # 单位 | 新签约 个数 亿元 个数同比 投资同比 | 新开工 … | 新投产 …
    assert row_for(rows, "测试市") == ["测试市", "1", "0.8", "0.0%", "-84.0%", "1", "3.0", "0.0%", "-40.0%",
                                      "0", "0.0", "—", "—"]
    assert row_for(rows, "乙区")[1:5] == ["1", "0.8", "—", "—"]  # no signing in 乙区 a year earlier: no base


def test_default_month_is_the_latest_closed_month_and_completeness_is_shown(client, city):
    """Issue 17: one accepted report of a new month turned every page to it. 2024 lists P1, P2, P3; April has
    all three reports accepted (3/3, closed); May has P1 and P2 accepted and P3 only submitted (2/3, in progress);
    June only a submitted report. The default is April; May opens when asked, marked as in progress, and becomes
    the default once its last report is accepted or its period is locked."""
    login(client, city.admin)
    html = client.get("/overview/").content.decode()
    assert "2024年1-4月" in html and "默认取最近一个已关账的月份 (2024-04)" in html
    assert "4月已确认 3/3" in html and "填报中" not in html
    html = client.get("/overview/", {"through": "2024-05"}).content.decode()
    assert "5月已确认 2/3 (本月填报中, 数据未全部确认)" in html
    # The city locks May (its deadline passed): May is closed with 2 of 3, and the pages open on it.
    open_period(city=city.city, year=2024, month=5, opens_on=date(2024, 5, 1), deadline=date(2024, 6, 5), actor=SYSTEM)
    response = client.get("/overview/")
    html = response.content.decode()
    assert "2024年1-5月" in html and "5月已确认 2/3" in html and "填报中" not in html
    assert tables(response)["investment-table"][1] == CITY_1_5


def test_a_month_becomes_the_default_when_every_listed_report_is_accepted(client, city):
    save_report(project=city.p3, year=2024, month=5, amount=300, status=ReportStatus.ACCEPTED, actor=SYSTEM)
    login(client, city.admin)
    html = client.get("/overview/").content.decode()
    assert "2024年1-5月" in html and "5月已确认 3/3" in html



def test_quarter_and_single_month(client, city):
    login(client, city.admin)
    # 二季度 (4-6月): accepted 2500 + 4000 + 300 = 6800 → 0.7 亿; 18.8889% vs share 25% → 欠 6.1
    q2 = tables(client.get("/overview/", {"through": "2024-05", "kind": "quarter"}))["investment-table"]
    assert q2[1][:7] == ["测试市", "3", "3.6", "0.7", "18.9%", "25.0%", "欠 6.1 个百分点"]
    # 5月: 1500 + 2000 = 3500 → 0.35 → 0.4 亿 (half up); 9.7222% vs 8.3333% → 超 1.4
    may = client.get("/overview/", {"through": "2024-05", "kind": "month"})
    assert "2024年5月" in may.content.decode()
    assert tables(may)["investment-table"][1][:7] == ["测试市", "3", "3.6", "0.4", "9.7%", "8.3%", "超 1.4 个百分点"]


def test_choosing_one_list(client, city):
    # 市重大项目 alone: P2 with its 市重大 plan 25000; completed 10000 → 40.0%, 欠 1.7
    login(client, city.admin)
    response = client.get("/overview/", {"through": "2024-05", "annual_list": city.shi.pk})
    rows = tables(response)["investment-table"]
    assert rows[1][:7] == ["测试市", "1", "2.5", "1.0", "40.0%", "41.7%", "欠 1.7 个百分点"]
    assert "市重大项目" in response.content.decode()


def test_project_count_links_to_the_projects_behind_it(client, city):
    login(client, city.admin)
    response = client.get("/overview/", {"through": "2024-05"})
    html = response.content.decode()
    link = f"/projects/?year=2024&amp;unit={city.jia.pk}"
    assert link in html
    listing = client.get("/projects/", {"year": 2024, "unit": city.jia.pk})
    assert listing.context["summary"]["count"] == 2  # = the 甲区 row's 项目数


def test_district_admin_sees_only_its_district(client, city):
    park = f.create_unit(name="甲区高新园", kind="park", parent=city.jia, actor=SYSTEM)
    p = f.project(park, total=Decimal(4000))
    f.entry(city.sheng, p, year=2024, plan=Decimal(2000))
    f.reports(p, 2024, [100] * 5)
    login(client, city.jia_admin)
    response = client.get("/overview/", {"through": "2024-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "乙区" not in html and "丙区" not in html and "测试市 ·" not in html
    rows = tables(response)["investment-table"]
    # 甲区 with its park: plan 32000, completed 15000 → 46.9%, 超 5.2; the park and 甲区本级 as rows
    assert rows[1][:7] == ["甲区", "3", "3.2", "1.5", "46.9%", "41.7%", "超 5.2 个百分点"]
    assert row_for(rows, "甲区高新园")[:5] == ["甲区高新园", "1", "0.2", "0.1", "25.0%"]
    assert row_for(rows, "甲区本级")[:5] == ["甲区本级", "2", "3.0", "1.5", "48.3%"]


def test_reporter_sees_only_the_figures_of_its_projects(client, city):
    login(client, city.reporter)
    response = client.get("/overview/", {"through": "2024-05"})
    assert response.status_code == 200
    rows = tables(response)["investment-table"]
    # P1 alone: plan 10000, completed 4500 → 1.0 / 0.5 (0.45 half up), 45.0%
    assert rows[1][:5] == ["测试市", "1", "1.0", "0.5", "45.0%"]
    html = response.content.decode()
    assert "乙区" not in html and "丙区" not in html


def test_bad_month_is_a_form_error_naming_the_value(client, city):
    login(client, city.admin)
    response = client.get("/overview/", {"through": "2024-13"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "截至月份" in html and "2024-13" in html
    assert "investment-table" not in html


def test_list_of_another_city_is_refused(client, city):
    other_list = f.annual_list(f.city_tree(city="别市", districts=())[0], "省重大项目")
    login(client, city.admin)
    response = client.get("/overview/", {"through": "2024-05", "annual_list": other_list.pk})
    assert response.status_code == 400


def test_htmx_request_gets_only_the_results(client, city):
    login(client, city.admin)
    response = client.get("/overview/", {"through": "2024-05"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="overview-results"' in html and "<header" not in html


def test_query_count_does_not_grow_with_the_number_of_projects(client, city, django_assert_max_num_queries):
    login(client, city.admin)
    with django_assert_max_num_queries(30) as small:
        client.get("/overview/", {"through": "2024-05"})
    more_projects(city.yi, 25, lst=city.sheng)
    more_projects(f.create_unit(name="丁区", kind="district", parent=city.city, actor=SYSTEM), 5, lst=city.sheng)
    with django_assert_max_num_queries(30) as big:
        response = client.get("/overview/", {"through": "2024-05"})
    assert tables(response)["investment-table"][1][1] == "33"
    assert len(big.captured_queries) == len(small.captured_queries)


def test_leader_reads_the_overview(client, city):
    login(client, city.leader)
    assert client.get("/overview/", {"through": "2024-05"}).status_code == 200


def test_user_without_role_is_refused(client, city):
    nobody = f.user("nobody", city.city, "")
    login(client, nobody)
    assert client.get("/overview/").status_code == 403




def test_district_without_parks_shows_only_its_total(client, city):
    login(client, city.jia_admin)
    rows = tables(client.get("/overview/", {"through": "2024-05"}))["investment-table"]
    assert rows[1:] == [JIA_1_5]  # no 甲区本级 row repeating the total
