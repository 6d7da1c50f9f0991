"""目标任务 on the dashboard (the panel) and a unit's targets page (/attraction/targets/?unit=), on the contracts
of conftest.book, with every figure worked out by hand. Through 2024-06 (6 of 12 months):

  甲区 新签约项目个数 target 4 (due 12月, no steps): signed 2024 1-6月: c1 → 1. Expected 4 × 6/12 = 2, schedule
       50.0%; progress 1/4 = 25.0%, 欠进度 25.0 points → behind.
  乙区 新签约项目个数 target 2: c2 and c4 → 2 = 100.0% → met.
  乙区 到位资金 (省定) target 0.4 亿元: c2's 2000 万元 on 2024-06-01 = 0.2 亿元, 50.0%; expected 0.2 → on schedule.
  招商市 新签约项目个数 target 10: c1, c2, c4 → 3 = 30.0%; expected 5 → behind.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction.services import set_target
from tuijin.indicators.targets import target_progress

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def targets(town, book):
    return {
        "jia_count": set_target(unit=town.jia, year=2024, indicator="new_signed_count", value=4, actor=SYSTEM),
        "yi_count": set_target(unit=town.yi, year=2024, indicator="new_signed_count", value=2, actor=SYSTEM),
        "yi_funds": set_target(unit=town.yi, year=2024, indicator="funds_arrived", value="0.4", level="province", actor=SYSTEM),
        "city_count": set_target(unit=town.city, year=2024, indicator="new_signed_count", value=10, actor=SYSTEM),
    }


@pytest.fixture
def city_admin(town):
    return f.user("zs_admin", town.city, Role.CITY_ADMIN, password=PASSWORD)


def panel(html: str) -> str:
    assert 'id="targets-panel"' in html
    return html.split('id="targets-panel"', 1)[1].split("</section>", 1)[0]


def cards(html: str) -> list[str]:
    return panel(html).split('<li class="target-card')[1:]


def test_the_rows_by_hand(town, targets, city_admin):
    rows = target_progress(city_admin, 2024, 6)
    got = [(r["unit"], r["indicator"], r["target"], r["actual"], r["progress_pct"], r["expected_by_now"],
            r["schedule_pct"], r["status"], r["schedule_word"], r["schedule_gap_pp"]) for r in rows]
    assert got == [
        ("招商市", "new_signed_count", 10, 3, 30, 5, 50, "behind", "欠进度", 20),
        ("甲区", "new_signed_count", 4, 1, 25, 2, 50, "behind", "欠进度", 25),
        ("乙区", "new_signed_count", 2, 2, 100, 1, 50, "met", "超进度", 50),
        ("乙区", "funds_arrived", 0.4, 0.2, 50, 0.2, 50, "on_schedule", "与进度持平", None),
    ]
    assert [(r["bar_pct"], r["schedule_bar_pct"]) for r in rows] == [(30, 50), (25, 50), (100, 50), (50, 50)]
    assert rows[1]["url"] == f"/attraction/targets/?unit={town.jia.pk}&through=2024-06"


def test_the_dashboard_shows_the_panel_of_the_scope_in_view(client, town, targets, city_admin):
    client.force_login(city_admin)
    html = client.get("/dashboard/?through=2024-06").content.decode()
    got = cards(html)
    assert len(got) == 4
    jia = next(c for c in got if f"unit={town.jia.pk}&amp;through=2024-06" in c)
    assert 'status-behind' in jia and "新签约项目个数" in jia and "<strong>4个</strong>" in jia
    assert "<strong>1个</strong>" in jia and '<strong class="target-progress">25.0%</strong>' in jia
    assert "应完成 2个 (目标的 50.0%)" in jia and "欠进度 25.0 个百分点" in jia
    assert 'style="width: 25.0%"' in jia and 'style="left: 50.0%"' in jia and ">滞后<" in jia
    funds = next(c for c in got if 'data-indicator="funds_arrived"' in c)
    assert "status-on_schedule" in funds and "（省定）" in funds and "<strong>0.4亿元</strong>" in funds
    assert "<strong>0.2亿元</strong>" in funds and ">按进度<" in funds
    assert any("status-met" in c and ">已完成<" in c and "100.0%" in c for c in got)
    # A unit chosen on the dashboard: its targets only (乙区 has two; the city's and 甲区's are not shown).
    html = client.get(f"/dashboard/?through=2024-06&unit={town.yi.pk}").content.decode()
    assert [("乙区" in c, "甲区" in c or "招商市" in c) for c in cards(html)] == [(True, False)] * 2


def test_a_district_sees_its_own_targets_and_no_panel_without_targets(client, town, targets):
    jia_admin = f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN, password=PASSWORD)
    client.force_login(jia_admin)
    got = cards(client.get("/dashboard/?through=2024-06").content.decode())
    assert len(got) == 1 and "甲区" in got[0] and "25.0%" in got[0]
    # No target for 2023: no panel at all.
    assert 'id="targets-panel"' not in client.get("/dashboard/?through=2023-12").content.decode()


def test_a_reporter_limited_to_some_projects_gets_no_panel(client, town, targets):
    reporter = f.user("jia_reporter", town.jia, Role.REPORTER, password=PASSWORD)
    client.force_login(reporter)
    r = client.get(f"/dashboard/?through=2024-06&city={town.city.pk}")
    assert r.status_code == 200 and 'id="targets-panel"' not in r.content.decode()


def test_more_targets_of_the_same_scopes_add_no_query(client, town, targets, city_admin):
    """The engine runs once per distinct target scope (unit, list, category); targets, their steps and their
    cities are one query each. Adding targets for scopes already in view costs nothing more."""
    client.force_login(city_admin)
    url = "/dashboard/?through=2024-06"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for indicator, value in (("new_started_count", 3), ("completed_investment", 5), ("performance_rate", 80),
                             ("funds_arrival_rate", 90), ("new_operating_count", 1)):
        set_target(unit=town.jia, year=2024, indicator=indicator, value=value, steps={6: value, 12: value}, actor=SYSTEM)
        set_target(unit=town.city, year=2024, indicator=indicator, value=value, actor=SYSTEM)
    set_target(unit=town.yi, year=2024, indicator="foreign_capital_arrived", value=Decimal("0.1"), actor=SYSTEM)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(cards(html)) == 4 + 11
    # The city's and 甲区's performance figures are read once each for their scope (乙区's already were):
    # the extra queries are those two attraction reads, nothing per target.
    extra = len(many.captured_queries) - len(few.captured_queries)
    from tuijin.core.periods import Period
    from tuijin.indicators.attraction import performance
    from tuijin.indicators.scope import Scope
    from tuijin.orgs.selectors import conventions_for

    conventions_for(town.jia, 2024)  # kept on the unit instance: `perf` counts the performance reads alone
    with CaptureQueriesContext(connection) as perf:
        performance(Scope(town.city, town.jia), Period.year_to_date(2024, 6), breakdown=False)
    # ... and 甲区's conventions for 2024, read once for the new scope rooted there (a figure's conventions are
    # those of its unit and year), still nothing per target.
    assert extra == 2 * len(perf.captured_queries) + 1


def test_the_targets_page_of_one_unit(client, town, targets):
    jia_admin = f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN, password=PASSWORD)
    city_admin = f.user("zs_admin", town.city, Role.CITY_ADMIN, password=PASSWORD)
    client.force_login(city_admin)
    html = client.get(f"/attraction/targets/?unit={town.yi.pk}&through=2024-06").content.decode()
    table = html.split('id="targets"', 1)[1].split("</table>", 1)[0]
    assert "乙区 目标任务" in html and "到位资金" in table and "甲区" not in table and "招商市" not in table
    assert "查看全部单位" in html
    # The whole city's list links each unit to its own page.
    html = client.get("/attraction/targets/?through=2024-06").content.decode()
    assert f'href="/attraction/targets/?unit={town.jia.pk}&amp;through=2024-06"' in html
    # Out of reach: 404; not a number: said, and every target shown.
    client.force_login(jia_admin)
    assert client.get(f"/attraction/targets/?unit={town.yi.pk}").status_code == 404
    r = client.get("/attraction/targets/?unit=abc&through=2024-06", follow=True)
    assert "单位编号无效: &#x27;abc&#x27;" in r.content.decode() and "新签约项目个数" in r.content.decode()
