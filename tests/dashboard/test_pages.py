"""The dashboard pages on the hand-made town: every figure opens a list whose total equals it, each role sees its
own reach only, the list exports to Excel with the same total, and the page's query count stays small."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .checks import Checker, chart_series, figures_on_page

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_every_figure_of_the_town_dashboard_equals_its_list(client, town):
    admin = town.users["admin"]
    page = get(client, admin, "/dashboard/?through=2024-05").content.decode()
    chains = get(client, admin, "/dashboard/?through=2024-05&part=chains").content.decode()
    figures = figures_on_page(page) + figures_on_page(chains)
    assert len(figures) > 120
    measures = {m for _, _, m, _ in figures}
    assert {"count", "completed", "completion_rate", "schedule_variance", "annual_plan", "total_investment",
            "start_rate", "sales", "share", "growth", "gap"} <= measures
    assert Checker(admin).mismatches(figures) == []


def test_the_town_figures_by_hand(client, town):
    page = get(client, town.users["admin"], "/dashboard/?through=2024-05").content.decode()
    # 1-5月: plan 74000, completed 4000 + 15000 + 1500 + 1000 + 1500 = 23000 → 2.3 亿, 31.1%
    assert 'data-measure="completed" data-value="23000' in page
    assert ">2.3<" in page and ">31.1%<" in page and "欠 10.6 个百分点" in page
    series = chart_series(page)
    for name in ("monthly", "units", "variance", "events", "funnel", "category", "industry"):
        assert series[name] and series[name][0], name
    funnel = {p["name"]: p["value"] for p in series["funnel"][0]}
    # by default last year's signings: S3 (signed → … → 达产), S4, P2 (signed 2023-11), P4 (started 2024-03)
    assert funnel == {"签约": 4, "开工": 2, "投产": 1, "达产": 1}
    cohort24 = chart_series(get(client, town.users["admin"], "/dashboard/?through=2024-05&cohort=2024").content
                            .decode())["funnel"][0]
    assert {p["name"]: p["value"] for p in cohort24} == {"签约": 2, "开工": 1, "投产": 0, "达产": 0}  # S1, S2
    units = {p["name"]: p["value"] for p in series["units"][0]}
    assert units == {"甲区": 13.3, "乙区": 47.1, "丙区": 27.8}


def test_a_district_sees_its_own_district_only(client, town):
    response = get(client, town.users["jia_admin"], "/dashboard/?through=2024-05")
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲区园区" in html and "乙区" not in html and "外市" not in html
    figures = figures_on_page(html)
    assert Checker(town.users["jia_admin"]).mismatches(figures) == []
    # another district's unit is refused, and so is a list of it
    assert get(client, town.users["jia_admin"], f"/dashboard/?unit={town.yi.pk}&through=2024-05").status_code in (400, 404)
    r = get(client, town.users["jia_admin"], f"/dashboard/list/?key=projects&city={town.city.pk}&unit={town.yi.pk}"
                                             "&through=2024-05")
    assert r.status_code == 404


def test_a_reporter_sees_only_its_projects(client, town):
    response = get(client, town.users["reporter"], "/dashboard/?through=2024-05")
    html = response.content.decode()
    assert response.status_code == 200 and "仅统计您有权查看的项目" in html
    assert "chains-slot" not in html
    assert Checker(town.users["reporter"]).mismatches(figures_on_page(html)) == []
    r = get(client, town.users["reporter"], f"/dashboard/list/?key=projects&city={town.city.pk}&through=2024-05")
    assert "甲区光伏组件项目" in r.content.decode() and "乙区快速路工程" not in r.content.decode()
    assert get(client, town.users["reporter"], f"/dashboard/list/?key=enterprises&city={town.city.pk}"
                                               "&through=2024-05").status_code == 404


def test_another_city_is_out_of_reach(client, town):
    r = get(client, town.users["outsider"], f"/dashboard/list/?key=projects&city={town.city.pk}&through=2024-05")
    assert r.status_code == 404


def test_chain_list_and_its_excel_export(client, town):
    admin = town.users["admin"]
    url = (f"/dashboard/list/?key=enterprises&city={town.city.pk}&through=2024-05&kind=ytd"
           f"&chain={town.nodes['光伏链'].pk}")
    html = get(client, admin, url).content.decode()
    # 光伏链: 光伏企业甲 and 储能企业乙 (tagged with both chains, counted once): (1000 + 500) × 5 = 7500 万元
    assert "光伏企业甲" in html and "储能企业乙" in html and "传统企业丙" not in html
    assert '<strong data-total="sales">0.8 亿元</strong>' in html
    # share of above-scale industry: 7500 / 19000 = 39.5%; growth (7500 − 7100) / 7100 = 5.6%
    assert '<strong data-total="share">39.5%</strong>' in html and '<strong data-total="growth">+5.6%</strong>' in html
    response = get(client, admin, url + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    last = [c.value for c in ws[ws.max_row]]
    assert last[1] == "合计 2 家" and last[4] == 7500 and last[5] == 7100


def test_list_of_a_unit_bar_and_its_export(client, town):
    admin = town.users["admin"]
    url = f"/dashboard/list/?key=completion_rate&city={town.city.pk}&unit={town.jia.pk}&through=2024-05&kind=ytd"
    html = get(client, admin, url).content.decode()
    assert "甲区光伏组件项目" in html and "园区储能电站项目" in html and "乙区" not in html.split("<main", 1)[1]
    assert '<strong data-total="completion_rate">13.3%</strong>' in html
    assert "红灯" in html and "欠序时 41.7 个百分点" in html  # P2 light and why are on the list
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(get(client, admin, url + "&format=xlsx").content)).active
    total = [c.value for c in ws[ws.max_row]]
    assert total[2] == "合计 2 个" and total[7] == 30000 and total[8] == 4000
    assert ws.page_setup.orientation == "landscape"


def test_bad_list_requests_are_refused_plainly(client, town):
    admin = town.users["admin"]
    assert get(client, admin, "/dashboard/list/").status_code == 400
    assert get(client, admin, "/dashboard/list/?key=nonsense&through=2024-05").status_code == 400
    assert get(client, admin, "/dashboard/list/?key=projects&through=2024-13").status_code == 400
    assert get(client, admin, "/dashboard/list/?key=projects&through=2024-05&unit=abc").status_code == 400


def test_the_dashboard_query_count_does_not_grow_with_projects(client, town):
    from tests import factories as f

    admin = town.users["admin"]
    client.force_login(admin)
    client.get("/dashboard/?through=2024-05")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/?through=2024-05")
    for _i in range(12):
        p = f.project(town.bing, total=Decimal(20000))
        f.entry(town.shi, p, plan=Decimal(1000), continuing=True)
        f.reports(p, 2024, [50] * 5)
    with CaptureQueriesContext(connection) as many:
        client.get("/dashboard/?through=2024-05")
    assert len(few.captured_queries) == len(many.captured_queries) <= 45


@pytest.mark.parametrize("kind", ["month", "quarter", "half", "ytd"])
def test_every_period_kind_renders_and_adds_up(client, town, kind):
    admin = town.users["admin"]
    html = get(client, admin, f"/dashboard/?through=2024-05&kind={kind}").content.decode()
    assert Checker(admin).mismatches(figures_on_page(html)) == []


def test_print_and_phone_styles_are_served(client, town):
    html = get(client, town.users["admin"], "/dashboard/?through=2024-05").content.decode()
    assert "dashboard/dashboard.css" in html and "vendor/echarts.min.js" in html and "<script>" not in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("dashboard/dashboard.css"), encoding="utf-8").read()
    assert "@media print" in css and "max-width: 720px" in css


def test_drill_down_lists_and_chart_labels_print_through_the_numbers_module(client, town):
    """万元 with separators and no ".00" (tuijin.core.numbers.wan_text); chart labels carry the page's text, so a
    whole 亿元 keeps the city's decimal (0.5, not a bare number beside 1.5)."""
    r = get(client, town.users["admin"], f"/dashboard/list/?key=completed&city={town.city.pk}&through=2024-05")
    html = r.content.decode()
    assert r.status_code == 200
    # P3 1-5月 3000 × 5 = 15000 万元 of a 30000 plan; the list's total 23000 万元
    assert '<td class="num">15,000</td>' in html and '<td class="num">30,000</td>' in html
    assert '<td class="num">23,000</td>' in html and ".00<" not in html
    page = get(client, town.users["admin"], "/dashboard/?through=2024-05").content.decode()
    pie = {p["name"]: p["text"] for p in chart_series(page)["category"][0]}
    # 产业 P1 4000 + P5 1000 = 5000 → 0.5; 基础设施 15000 → 1.5; 社会民生 1500 → 0.15 → 0.2 (half up)
    assert pie["产业"] == "0.5" and pie["基础设施"] == "1.5" and pie["社会民生"] == "0.2"
    assert all(len(t.split(".")[1]) == 1 for t in pie.values())


def test_a_drill_down_list_prints_rates_by_the_city_rule(client, town):
    """P5: 1-5月 1000 of a 6000 plan = 16.666…%: 16.7% by default, 16.66% for a city truncating at two places."""
    from tests import factories

    url = f"/dashboard/list/?key=completed&city={town.city.pk}&through=2024-05"
    assert '<td class="num">16.7%</td>' in get(client, town.users["admin"], url).content.decode()
    factories.config(town.city, rate_places=2, rounding="truncate")
    html = get(client, town.users["admin"], url).content.decode()
    assert '<td class="num">16.66%</td>' in html and '<td class="num">16.7%</td>' not in html
