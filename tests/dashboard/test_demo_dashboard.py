"""Done-when (a): on the demo dashboard of 镇江市 for 2024 1-5月, every figure (every linked number, every bar,
slice and point of every chart, the chain figures) equals the total of the list it opens. And the demo's
dashboard data: two cities' different rule sets, 苏州市's second-quarter campaign with 10 districts and 27
highlight projects (reference B5), and the page's server time."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuijin.accounts.models import User
from tuijin.dashboard.models import Campaign, LightRule
from tuijin.orgs.selectors import city_by_name

from .checks import Checker, chart_series, figures_on_page

pytestmark = pytest.mark.demo


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("username, query", [
    ("zj_admin", ""),                  # the city
    ("zj_admin", "&unit={jingkou}"),   # a unit's dashboard, chosen by the city
    ("jk_admin", ""),                  # a district's own dashboard
    ("zj_admin", "&annual_list={sheng}"),  # one list: 省重大项目 (A3, A4)
])
def test_every_figure_of_the_zhenjiang_dashboard_equals_its_list(client, ddemo, username, query):
    city = city_by_name("镇江市")
    query = query.format(jingkou=city.children.get(name="京口区").pk,
                         sheng=city.annual_lists.get(name="省重大项目").pk)
    user = User.objects.get(username=username)
    base = f"/dashboard/?city={city.pk}&through=2024-05&kind=ytd{query}"
    html = page(client, user, base)
    chains = page(client, user, base + "&part=chains")
    figures = figures_on_page(html) + figures_on_page(chains)
    where = {w.split("/")[1] if "/" in w else w for w, *_ in figures}
    wanted = {"number", "monthly", "events", "funnel", "category", "industry", "chains"}
    if not (query.startswith("&unit") or username == "jk_admin"):
        wanted |= {"units", "variance"}  # 京口区 has no units below it: no unit bars
    assert wanted <= where, wanted - where
    assert len(figures) > 100
    assert Checker(user).mismatches(figures) == []


def test_the_published_figures_are_on_the_dashboard(client, ddemo):
    city = city_by_name("镇江市")
    user = User.objects.get(username="zj_admin")
    sheng = city.annual_lists.get(name="省重大项目").pk
    html = page(client, user, f"/dashboard/?city={city.pk}&through=2024-05&annual_list={sheng}")
    assert ">31.9<" in html and ">45.1%<" in html and "超 3.5 个百分点" in html       # A3
    assert 'data-measure="count" data-value="10">10 个' in html                      # A4: 10 planned, 9 started
    assert 'data-measure="count" data-value="9">9 个' in html
    chains = page(client, user, f"/dashboard/?city={city.pk}&through=2024-05&part=chains")
    assert ">74.1%<" in chains and ">67.2%<" in chains and "高 2.9 个百分点" in chains  # A8, A9
    signed = page(client, user, f"/dashboard/?city={city.pk}&through=2024-06&kind=half")
    assert chart_series(signed)["events"][0][0]["value"] >= 221                        # A1 (all categories)


def test_two_cities_two_rule_sets(ddemo):
    zj = {(r.kind, r.yellow_threshold, r.red_threshold) for r in LightRule.objects.filter(city__name="镇江市")}
    sz = {(r.kind, r.yellow_threshold, r.red_threshold) for r in LightRule.objects.filter(city__name="苏州市")}
    assert zj and sz and zj != sz
    assert {k for k, *_ in zj} != {k for k, *_ in sz}


def test_suzhou_second_quarter_campaign_b5(client, ddemo):
    camp = Campaign.objects.get(city__name="苏州市", first_month=4, last_month=6, year=2024)
    assert camp.units.count() == 10 and camp.highlights.count() == 27
    assert camp.highlights.filter(is_demo=True).count() == 27 and camp.previous is not None
    html = page(client, User.objects.get(username="sz_leader"), f"/dashboard/competition/?campaign={camp.pk}")
    assert html.count('<figure class="highlight">') == 27 and "演示" in html
    assert html.count("<tr data-unit=") == 10
    h = camp.highlights.first()
    img = client.get(f"/dashboard/competition/media/?highlight={h.pk}")
    assert img.status_code == 200 and img["Content-Type"] == "image/png" and img.content[:4] == b"\x89PNG"
    # a district of 镇江市 sees no campaign of 苏州市
    client.force_login(User.objects.get(username="jk_admin"))
    assert client.get(f"/dashboard/competition/?campaign={camp.pk}").status_code == 404


def test_server_time_and_queries_of_the_demo_city(client, ddemo):
    """Issue 5 asks for a server time under 300 ms on the demo city. Measured on the machine the test runs on
    (printed with -s); the query count is asserted, the time only reported: shared CI machines vary."""
    city = city_by_name("镇江市")
    client.force_login(User.objects.get(username="zj_admin"))
    times = {}
    for name, url in (("dashboard", f"/dashboard/?city={city.pk}&through=2024-05"),
                      ("chains", f"/dashboard/?city={city.pk}&through=2024-05&part=chains"),
                      ("list", f"/dashboard/list/?key=completion_rate&city={city.pk}&through=2024-05"),
                      ("lights", f"/dashboard/lights/?city={city.pk}&through=2024-05")):
        client.get(url)
        best = None
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                client.get(url)
                elapsed = (time.perf_counter() - t) * 1000
            best = elapsed if best is None else min(best, elapsed)
        times[name] = (round(best), len(ctx.captured_queries))
    print("server time (best of 3, ms) and queries:", times)
    # 66 since issue 20 (each compute() also reads the list figures: 续建和实际已开工, 资金落实, 未达到序时进度) and
    # issue 21 (the per-city data version); bounded, whatever the number of projects (tests/budgets).
    assert times["dashboard"][1] <= 66 and times["chains"][1] <= 70
