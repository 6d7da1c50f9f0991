"""Every formula of the indicator engine on small hand-made data. Expected values are worked by hand in the
comments (amounts in 万元, printed in 亿元; rates printed with one decimal, half up)."""

import datetime
import json
from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.orgs.services import create_unit
from tuijin.progress.models import ReportStatus
from tuijin.progress.services import save_report

from .helpers import figures, printed

D = Decimal
day = datetime.date


# ---------------------------------------------------------------- projects, plan, completed


def test_project_on_two_lists_counts_once_under_its_higher_list(town):
    p1 = f.project(town.jia)
    p2 = f.project(town.yi)
    f.entry(town.prov, p1, plan=1000)
    f.entry(town.muni, p1, plan=800)
    f.entry(town.muni, p2, plan=2000)
    f.reports(p1, 2024, [100] * 5)
    f.reports(p2, 2024, [300] * 5)

    city = figures()
    assert city.projects == 2
    assert city.annual_plan == D(3000)   # p1 under 省 (1000) + p2 under 市 (2000); p1's 市 plan not added
    assert city.completed == D(2000)     # 5 × 100 + 5 × 300, p1's reports once

    prov = figures(annual_list="省重大项目")
    assert (prov.projects, prov.annual_plan, prov.completed) == (1, D(1000), D(500))

    muni = figures(annual_list="市重大项目")
    assert (muni.projects, muni.annual_plan, muni.completed) == (2, D(2800), D(2000))  # 800 + 2000


def test_a_list_is_for_one_year(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, year=2023, plan=5000)
    f.reports(p, 2024, [100])
    d = figures()
    assert (d.projects, d.annual_plan, d.completed) == (0, D(0), D(0))  # not listed in 2024


def test_completed_over_year_to_date_quarter_and_month(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=3000)
    f.reports(p, 2024, [100, 200, 300, 400, 500, 600])
    f.reports(p, 2023, [999])  # another year: never counted in 2024

    ytd = printed("2024-05")
    # 100 + 200 + 300 + 400 + 500 = 1500; 1500 ÷ 3000 = 50.0%; 5 ÷ 12 = 41.67%; (0.5 − 0.41667) × 100 = 8.3
    assert figures("2024-05").completed == D(1500)
    assert (ytd["completed_yi"], ytd["completion_rate_pct"], ytd["schedule_share_pct"],
            ytd["schedule_variance_pp"]) == (0.2, 50.0, 41.7, 8.3)

    q2 = figures("2024-05", kind="quarter")
    # 二季度 (4-6月): 400 + 500 + 600 = 1500; share 6/12 − 3/12 = 25%
    assert q2.completed == D(1500)
    assert q2.schedule_share == D(6) / 12 - D(3) / 12
    assert printed("2024-05", kind="quarter")["schedule_share_pct"] == 25.0

    march = printed("2024-03", kind="month")
    # 3月 only: 300; 300 ÷ 3000 = 10.0%; share 1/12 = 8.3%; (0.1 − 0.083333) × 100 = 1.67 → 1.7
    assert figures("2024-03", kind="month").completed == D(300)
    assert (march["completion_rate_pct"], march["schedule_share_pct"], march["schedule_variance_pp"]) == \
        (10.0, 8.3, 1.7)


def test_completion_above_100_percent(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=1000)
    f.reports(p, 2024, [400, 450, 400])
    d = printed("2024-03")
    # 400 + 450 + 400 = 1250; 1250 ÷ 1000 = 125.0%; share 3/12 = 25%; (1.25 − 0.25) × 100 = 100.0 points
    assert figures("2024-03").completion_rate == D("1.25")
    assert (d["completion_rate_pct"], d["schedule_variance_pp"]) == (125.0, 100.0)


def test_zero_plan_gives_no_rate_and_no_variance_never_zero(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=0)
    f.reports(p, 2024, [100])
    d = figures("2024-01")
    assert d.completed == D(100)
    assert d.completion_rate is None
    assert d.schedule_variance is None
    out = printed("2024-01")
    assert out["completion_rate_pct"] is None and out["schedule_variance_pp"] is None
    assert out["annual_plan_yi"] == 0
    text = json.dumps(out, ensure_ascii=False)
    assert '"completion_rate_pct": null' in text and '"schedule_variance_pp": null' in text


def test_empty_scope(town):
    d = printed()
    assert d["projects"] == 0
    assert d["completion_rate_pct"] is None
    assert d["start_rate_pct"] is None
    assert d["new_signed"] == {"count": 0, "total_yi": 0, "count_yoy_pct": None, "total_yoy_pct": None,
                               "count_prev": 0, "total_prev_yi": 0, "count_change": 0, "total_change_yi": 0}


def test_all_amounts_stay_decimal(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan="0.3")
    save_report(project=p, year=2024, month=1, amount=0.1, status=ReportStatus.ACCEPTED, actor=SYSTEM)
    save_report(project=p, year=2024, month=2, amount=0.2, status=ReportStatus.ACCEPTED, actor=SYSTEM)
    d = figures("2024-02")
    # 0.1 + 0.2 = 0.3 exactly (floats would give 0.30000000000000004), 0.3 ÷ 0.3 = 1
    assert d.completed == D("0.3")
    assert isinstance(d.completed, Decimal) and isinstance(d.annual_plan, Decimal)
    assert d.completion_rate == 1
    assert isinstance(d.completion_rate, Decimal) and isinstance(d.schedule_variance, Decimal)


# ---------------------------------------------------------------- starts, completions, operations


def _start_scenario(town):
    def planned(month, started=None):
        p = f.project(town.jia, stages={"started": started} if started else None)
        return f.entry(town.prov, p, plan=100, planned_new_start=True, planned_start_month=month)

    planned(1, day(2024, 1, 20))
    planned(3, day(2024, 3, 15))
    planned(5, day(2024, 6, 10))   # planned in May, started in June
    planned(8, day(2024, 4, 1))    # started ahead of its planned month
    planned(10)                    # not started
    cont = f.project(town.jia, stages={"started": day(2022, 5, 1)})
    f.entry(town.prov, cont, plan=100, continuing=True)  # 续建: not a planned new start


def test_start_rate_and_start_rate_to_date(town):
    _start_scenario(town)
    may = printed("2024-05")
    # planned 5; started by 31 May: months 1, 3, 8 → 3 ÷ 5 = 60.0%
    assert (may["planned_new_starts"], may["planned_new_starts_started"], may["start_rate_pct"]) == (5, 3, 60.0)
    # 序时开工率: planned month ≤ 5: months 1, 3, 5 → 3; of those started by 31 May: 1, 3 → 2 ÷ 3 = 66.7%
    assert (may["planned_starts_to_date"], may["planned_starts_to_date_started"],
            may["start_rate_to_date_pct"]) == (3, 2, 66.7)

    june = printed("2024-06")
    # by 30 June months 1, 3, 5, 8 have started: 4 ÷ 5 = 80.0%; to date 1, 3, 5 of 1, 3, 5: 100.0%
    assert (june["planned_new_starts_started"], june["start_rate_pct"]) == (4, 80.0)
    assert (june["planned_starts_to_date"], june["start_rate_to_date_pct"]) == (3, 100.0)


def test_no_planned_starts_gives_no_rate(town):
    p = f.project(town.jia, stages={"started": day(2023, 1, 1)})
    f.entry(town.prov, p, plan=100, continuing=True)
    d = printed()
    assert d["planned_new_starts"] == 0
    assert d["start_rate_pct"] is None
    assert d["start_rate_to_date_pct"] is None
    assert d["completion_count_rate_pct"] is None
    assert d["operation_rate_pct"] is None


def test_completion_and_operation_rates(town):
    g = f.project(town.jia, stages={"started": day(2023, 1, 1), "completed": day(2024, 4, 1)})
    h = f.project(town.jia, stages={"started": day(2023, 1, 1), "completed": day(2024, 7, 1)})
    i = f.project(town.yi, stages={"started": day(2023, 1, 1), "completed": day(2024, 2, 1),
                                   "operating": day(2024, 5, 31)})
    j = f.project(town.yi, stages={"started": day(2023, 1, 1)})
    f.entry(town.prov, g, planned_completion=True)
    f.entry(town.prov, h, planned_completion=True)
    f.entry(town.prov, i, planned_completion=True, planned_operation=True)
    f.entry(town.prov, j, planned_operation=True)
    d = printed("2024-05")
    # 竣工: g, h, i planned; g and i by 31 May → 2 ÷ 3 = 66.7%
    assert (d["planned_completions"], d["planned_completions_done"], d["completion_count_rate_pct"]) == (3, 2, 66.7)
    # 投产: i, j planned; i on 31 May (the period's last day counts) → 1 ÷ 2 = 50.0%
    assert (d["planned_operations"], d["planned_operations_done"], d["operation_rate_pct"]) == (2, 1, 50.0)


# ---------------------------------------------------------------- signings, starts, operations in the period


def _events_scenario(town):
    f.project(town.jia, total=10000, stages={"signed": day(2024, 2, 10)})          # s1: exactly 1 亿
    f.project(town.jia, total=D("9999.99"), stages={"signed": day(2024, 6, 30)})  # s2: just below, last day
    f.project(town.yi, total=25000, stages={"signed": day(2024, 5, 5), "started": day(2024, 6, 1)})  # s3
    f.project(town.yi, total=30000, category_name="基础设施", stages={"signed": day(2024, 3, 3)})      # s4
    f.project(town.park, total=20000, stages={"signed": day(2023, 3, 1), "started": day(2023, 4, 1)})  # s5
    f.project(town.jia, total=50000, stages={"signed": day(2024, 7, 1)})          # after the period
    f.project(town.jia, total=40000, stages={"signed": day(2023, 12, 31)})        # outside both periods


def test_new_signed_with_threshold_and_category(town):
    _events_scenario(town)
    s = printed("2024-06")["new_signed"]
    # 1-6月 2024: s1, s2, s3, s4 → 4; 10000 + 9999.99 + 25000 + 30000 = 74999.99 万 → 7.5 亿
    # 2023: s5 → 1, 20000; count (4 − 1) ÷ 1 = 300.0%; total (74999.99 − 20000) ÷ 20000 = 274.99995% → 275.0
    assert s["count"] == 4 and s["total_yi"] == 7.5
    assert (s["count_prev"], s["total_prev_yi"], s["count_change"]) == (1, 2.0, 3)
    assert (s["count_yoy_pct"], s["total_yoy_pct"]) == (300.0, 275.0)
    assert figures("2024-06").new_signed.total == D("74999.99")

    big = printed("2024-06", min_total_yi="1")["new_signed"]
    # ≥ 10000 万 inclusive: s1 (exactly 10000), s3, s4 → 3, 65000 → 6.5; s2 (9999.99) is out
    # yoy: (3 − 1) ÷ 1 = 200.0%; (65000 − 20000) ÷ 20000 = 225.0%
    assert (big["count"], big["total_yi"], big["count_yoy_pct"], big["total_yoy_pct"]) == (3, 6.5, 200.0, 225.0)

    ind = printed("2024-06", min_total_yi="1", category="产业")["new_signed"]
    # 产业 only: s1, s3 → 2, 35000 → 3.5; (2 − 1) ÷ 1 = 100.0%; (35000 − 20000) ÷ 20000 = 75.0%
    assert (ind["count"], ind["total_yi"], ind["count_yoy_pct"], ind["total_yoy_pct"]) == (2, 3.5, 100.0, 75.0)


def test_new_started_and_new_operating(town):
    _events_scenario(town)
    d = printed("2024-06")
    # 开工 in 1-6月 2024: s3 (25000); in 2023: s5 (20000) → count yoy 0.0%, total (25000 − 20000) ÷ 20000 = 25.0%
    st = d["new_started"]
    assert (st["count"], st["total_yi"], st["count_yoy_pct"], st["total_yoy_pct"]) == (1, 2.5, 0.0, 25.0)
    # nothing in production in either year: growth without a base is null, not 0
    op = d["new_operating"]
    assert (op["count"], op["total_yi"], op["count_yoy_pct"], op["total_yoy_pct"]) == (0, 0, None, None)


def test_events_in_a_quarter(town):
    _events_scenario(town)
    q2 = printed("2024-05", kind="quarter")["new_signed"]
    # 4-6月 2024: s2 (30 June), s3 (5 May) → 2, 34999.99 → 3.5 亿; 4-6月 2023: none → yoy null
    assert (q2["count"], q2["total_yi"], q2["count_prev"], q2["count_yoy_pct"]) == (2, 3.5, 0, None)


def test_year_on_year_completed(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, year=2023, plan=1000)
    f.entry(town.prov, p, year=2024, plan=1500)
    f.reports(p, 2023, [100] * 5)
    f.reports(p, 2024, [150] * 5)
    d = printed("2024-05")
    # 2024: 750; 2023: 500 → (750 − 500) ÷ 500 = 50.0%
    assert (d["completed_prev_yi"], d["completed_yoy_pct"]) == (0.1, 50.0)
    assert figures("2024-05").completed_prev == D(500)

    q = f.project(town.yi)
    f.entry(town.muni, q, plan=100)
    f.reports(q, 2024, [10])
    # 乙区 has nothing in 2023: growth without a base is null
    assert printed("2024-05", unit="乙区")["completed_yoy_pct"] is None


def test_december(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=1200)
    f.reports(p, 2024, [100] * 12)
    d = printed("2024-12")
    # 12 ÷ 12 = 100%; 1200 ÷ 1200 = 100%; variance 0
    assert figures("2024-12").schedule_share == 1
    assert (d["schedule_share_pct"], d["completion_rate_pct"], d["schedule_variance_pp"]) == (100.0, 100.0, 0.0)
    # 四季度: 12/12 − 9/12 = 25%, completed 300 of 1200 = 25.0%
    q4 = printed("2024-12", kind="quarter")
    assert (q4["schedule_share_pct"], q4["completion_rate_pct"]) == (25.0, 25.0)


def test_half_and_half_only_at_june(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=1000)
    f.reports(p, 2024, [100] * 5 + [0])
    # 1-6月: 500 ÷ 1000 = 50% ≥ 50%: 双过半
    assert figures("2024-06").half_and_half is True
    assert figures("2024-05").half_and_half is None


# ---------------------------------------------------------------- schedule share: days, curves


def test_schedule_share_by_day_leap_year(town):
    f.config(town.city, schedule_basis="day")
    # 1-2月 2024: (31 + 29) ÷ 366 = 60/366 = 0.16393… → 16.4%
    assert figures("2024-02").schedule_share == D(60) / D(366)
    assert printed("2024-02")["schedule_share_pct"] == 16.4
    # 1-5月 2024: (31 + 29 + 31 + 30 + 31) = 152 ÷ 366 = 41.530… → 41.5%
    assert figures("2024-05").schedule_share == D(152) / D(366)
    assert printed("2024-05")["schedule_share_pct"] == 41.5
    assert printed("2024-12")["schedule_share_pct"] == 100.0


def test_schedule_share_by_day_common_year(town):
    f.config(town.city, schedule_basis="day")
    # 1-2月 2023: (31 + 28) ÷ 365 = 59/365 = 0.16164… → 16.2%
    assert figures("2023-02").schedule_share == D(59) / D(365)
    assert printed("2023-02")["schedule_share_pct"] == 16.2


def test_two_decimal_city_prints_shares_with_two_places(town):
    f.config(town.city, rate_places=2)
    assert printed("2024-05")["schedule_share_pct"] == 41.67  # 5 ÷ 12 = 41.666… → 41.67


def test_phased_curve_interpolates(town):
    f.curve(town.city, {3: 20, 6: 50, 9: "72.5", 12: 100})
    f.curve(town.city, {3: 90}, year=2023)  # another year's curve: ignored in 2024
    p = f.project(town.jia)
    f.entry(town.muni, p, plan=1000)
    f.reports(p, 2024, [90] * 5)
    assert figures("2024-03").schedule_share == D("0.2")
    # through May: 20 + (50 − 20) × (5 − 3) ÷ (6 − 3) = 40%
    assert figures("2024-05").schedule_share == D("0.4")
    # through February: 0 + 20 × 2 ÷ 3 = 13.33%
    assert printed("2024-02")["schedule_share_pct"] == 13.3
    # through August: 50 + (72.5 − 50) × 2 ÷ 3 = 65%
    assert figures("2024-08").schedule_share == D("0.65")
    assert printed("2024-12")["schedule_share_pct"] == 100.0
    # 二季度: 50 − 20 = 30%
    assert printed("2024-05", kind="quarter")["schedule_share_pct"] == 30.0
    # the variance is against the share in force: 450 ÷ 1000 = 45%; 45 − 40 = 5.0 points
    d = printed("2024-05")
    assert (d["completion_rate_pct"], d["schedule_share_pct"], d["schedule_variance_pp"]) == (45.0, 40.0, 5.0)


def test_list_specific_curve_wins_over_city_curve(town):
    f.curve(town.city, {3: 20, 6: 50, 9: "72.5", 12: 100})
    f.curve(town.city, {3: 25, 6: 55}, annual_list=town.prov)
    assert figures("2024-03", annual_list="省重大项目").schedule_share == D("0.25")
    # 25 + (55 − 25) × 2 ÷ 3 = 45%
    assert figures("2024-05", annual_list="省重大项目").schedule_share == D("0.45")
    # between 6 (55) and the year's end (100): 55 + 45 × 3 ÷ 6 = 77.5%
    assert figures("2024-09", annual_list="省重大项目").schedule_share == D("0.775")
    # without a list, or a list without its own curve: the city's curve
    assert figures("2024-03").schedule_share == D("0.2")
    assert figures("2024-03", annual_list="市重大项目").schedule_share == D("0.2")


# ---------------------------------------------------------------- period plan (同期计划)


def test_period_plan(town):
    p1 = f.project(town.jia)
    p2 = f.project(town.yi)
    e1 = f.entry(town.prov, p1, plan=12000)
    e2 = f.entry(town.prov, p2, plan=8000)
    f.monthly_plan(e1, {3: 3000, 5: 5000, 6: 6000})
    f.monthly_plan(e2, {5: 2000, 6: 3000})
    f.reports(p1, 2024, [1000] * 6)
    f.reports(p2, 2024, [600] * 6)

    may = figures("2024-05")
    # plan through May: 5000 + 2000 = 7000; completed 5 × 1000 + 5 × 600 = 8000
    assert (may.period_plan, may.completed) == (D(7000), D(8000))
    d = printed("2024-05")
    # 8000 ÷ 7000 = 114.2857% → 114.3; 超同期 8000 − 7000 = 1000 万 = 0.1 亿
    assert (d["period_plan_yi"], d["period_plan_rate_pct"], d["ahead_of_period_plan_yi"]) == (0.7, 114.3, 0.1)

    q2 = printed("2024-06", kind="quarter")
    # 二季度 plan: (6000 − 3000) + (3000 − 0) = 6000; completed 3 × 1000 + 3 × 600 = 4800
    # 4800 ÷ 6000 = 80.0%; 4800 − 6000 = −1200 万 = −0.12 亿 → −0.1
    assert figures("2024-06", kind="quarter").period_plan == D(6000)
    assert (q2["period_plan_rate_pct"], q2["ahead_of_period_plan_yi"]) == (80.0, -0.1)


def test_no_period_plan_prints_null(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=1000)
    f.reports(p, 2024, [100])
    d = printed("2024-01")
    assert d["period_plan_yi"] is None and d["period_plan_rate_pct"] is None
    assert d["ahead_of_period_plan_yi"] is None


# ---------------------------------------------------------------- by unit


def test_by_unit_sums_to_total_and_parks_roll_up(town):
    create_unit(name="财政局", kind="department", parent=town.city, actor=SYSTEM)  # departments are not a breakdown row
    pj = f.project(town.jia)
    pp = f.project(town.park)
    py = f.project(town.yi)
    pc = f.project(town.city)
    for p, plan, monthly in ((pj, 1000, 100), (pp, 2000, 200), (py, 3000, 180), (pc, 500, 50)):
        f.entry(town.prov, p, plan=plan)
        f.reports(p, 2024, [monthly] * 5)

    total = figures()
    # 500 + 1000 + 900 + 250 = 2650 of 1000 + 2000 + 3000 + 500 = 6500
    assert (total.projects, total.annual_plan, total.completed) == (4, D(6500), D(2650))
    rows = {r.unit.name + ("本级" if r.own_level else ""): r for r in total.by_unit}
    assert list(rows) == ["甲区", "乙区", "测试市本级"]
    # 甲区 holds its own project and its park's: 1000 + 2000 = 3000, 500 + 1000 = 1500 → 50%
    assert (rows["甲区"].projects, rows["甲区"].annual_plan, rows["甲区"].completed) == (2, D(3000), D(1500))
    assert (rows["乙区"].projects, rows["乙区"].annual_plan, rows["乙区"].completed) == (1, D(3000), D(900))
    assert (rows["测试市本级"].projects, rows["测试市本级"].completed) == (1, D(250))
    assert sum(r.annual_plan for r in total.by_unit) == total.annual_plan
    assert sum(r.completed for r in total.by_unit) == total.completed
    assert sum(r.projects for r in total.by_unit) == total.projects

    out = printed()
    by = {u["unit"]: u for u in out["by_unit"]}
    # 1500 ÷ 3000 = 50.0%; 900 ÷ 3000 = 30.0%; 250 ÷ 500 = 50.0%; 2650 ÷ 6500 = 40.77% → 40.8
    assert [by[n]["completion_rate_pct"] for n in ("甲区", "乙区", "测试市本级")] == [50.0, 30.0, 50.0]
    assert out["completion_rate_pct"] == 40.8
    assert by["测试市本级"]["own_level"] is True

    district = printed(unit="甲区")
    assert [u["unit"] for u in district["by_unit"]] == ["甲园", "甲区本级"]
    assert [u["projects"] for u in district["by_unit"]] == [1, 1]
    assert district["completed_yi"] == 0.2  # 1500 万


def test_by_unit_event_figures_sum_to_total(town):
    _events_scenario(town)
    total = figures("2024-06")
    rows = {r.unit.name: r for r in total.by_unit}
    # 甲区: s1, s2 (the park's s5 signed in 2023); 乙区: s3, s4
    assert (rows["甲区"].new_signed.count, rows["乙区"].new_signed.count) == (2, 2)
    assert rows["甲区"].new_signed.count_prev == 1  # s5, in 甲区's park 甲园
    assert sum(r.new_signed.total for r in total.by_unit) == total.new_signed.total


# ---------------------------------------------------------------- basis of the reports


def test_basis_submitted_or_accepted(town):
    p = f.project(town.jia)
    f.entry(town.prov, p, plan=3000)
    for month, amount, status in ((1, 100, ReportStatus.ACCEPTED), (2, 200, ReportStatus.SUBMITTED),
                                  (3, 300, ReportStatus.DISTRICT_ACCEPTED), (4, 400, ReportStatus.DRAFT),
                                  (5, 500, ReportStatus.RETURNED)):
        save_report(project=p, year=2024, month=month, amount=amount, status=status, actor=SYSTEM)
    # accepted (市级确认): 100; submitted: 100 + 200 + 300 = 600 (drafts and returned reports never count)
    assert figures(basis="accepted").completed == D(100)
    assert figures(basis="submitted").completed == D(600)
    assert printed(basis="submitted")["basis"] == "submitted"
    with pytest.raises(ValueError):
        figures(basis="draft")


# ---------------------------------------------------------------- unit, industry and category filters


def test_unit_industry_and_category_filters(town):
    _, n = f.taxonomy(town.city, {"甲群": ["甲一链", "甲二链"], "乙群": ["乙一链", "乙二链"]})
    p1 = f.project(town.jia, industry_node=n["甲一链"])
    p2 = f.project(town.yi, industry_node=n["甲群"])
    p3 = f.project(town.park, industry_node=n["乙一链"])
    p4 = f.project(town.jia, category_name="基础设施")
    for p, plan in ((p1, 1000), (p2, 2000), (p3, 4000), (p4, 8000)):
        f.entry(town.prov, p, plan=plan)

    def plan(**scope):
        return figures(breakdown=False, **scope).annual_plan

    assert plan() == D(15000)
    assert plan(industry="甲群") == D(3000)          # p1 (its chain) + p2 (the cluster itself)
    assert plan(industry="甲一链") == D(1000)
    assert plan(industry="乙群") == D(4000)          # p3, tagged at a chain below 乙群
    assert plan(unit="甲区") == D(13000)             # p1 + p3 (the park) + p4
    assert plan(unit="甲园") == D(4000)
    assert plan(unit="甲区", industry="乙群") == D(4000)
    assert plan(category="产业") == D(7000)          # p1 + p2 + p3
    assert plan(category="基础设施", unit="乙区") == D(0)


# ---------------------------------------------------------------- names that do not resolve


@pytest.mark.parametrize("scope, field, word", [
    ({"city": "不存在市"}, "city", "不存在市"),
    ({"unit": "丙区"}, "unit", "丙区"),              # 丙区 exists, but in another city
    ({"annual_list": "不存在清单"}, "list", "不存在清单"),
    ({"category": "航天"}, "category", "航天"),
    ({"industry": "不存在链"}, "industry", "不存在链"),
    ({"min_total_yi": "一亿"}, "min_total_yi", "一亿"),
    ({"min_total_yi": "-1"}, "min_total_yi", "-1"),
])
def test_unknown_names_refused(town, scope, field, word):
    from tuijin.core.errors import InputError
    from tuijin.indicators.scope import build_scope

    f.city_tree(city="别的市", districts=("丙区",))
    with pytest.raises(InputError) as exc:
        build_scope(**{"city": "测试市", **scope})
    assert exc.value.field == field
    assert word in exc.value.text


# ---------------------------------------------------------------- DOMAIN.md's worked example, end to end


def _worked_example(town):
    p = f.project(town.jia, total=900000)
    f.entry(town.prov, p, plan=707000)                       # 70.7 亿
    f.reports(p, 2024, [60000, 60000, 60000, 60000, 79000])  # 319000 万 = 31.9 亿


def test_worked_example_variance_from_unrounded(town):
    _worked_example(town)
    d = printed(annual_list="省重大项目")
    # 319000 ÷ 707000 = 45.12% → 45.1; 5/12 = 41.67% → 41.7; (0.451202 − 0.416667) × 100 = 3.4536 → 3.5
    assert (d["annual_plan_yi"], d["completed_yi"], d["completion_rate_pct"], d["schedule_share_pct"],
            d["schedule_variance_pp"]) == (70.7, 31.9, 45.1, 41.7, 3.5)


def test_worked_example_variance_from_printed(town):
    _worked_example(town)
    f.config(town.city, variance_basis="printed")
    # 45.1 − 41.7 = 3.4
    assert printed(annual_list="省重大项目")["schedule_variance_pp"] == 3.4


def test_worked_example_two_decimals_and_truncation(town):
    _worked_example(town)
    f.config(town.city, rate_places=2)
    d = printed(annual_list="省重大项目")
    # 45.120226 → 45.12; 41.666… → 41.67; 3.45356 → 3.45
    assert (d["completion_rate_pct"], d["schedule_share_pct"], d["schedule_variance_pp"]) == (45.12, 41.67, 3.45)
    f.config(town.city, rate_places=1, rounding="truncate")
    d = printed(annual_list="省重大项目")
    # truncated: 45.1, 41.6, 3.4
    assert (d["completion_rate_pct"], d["schedule_share_pct"], d["schedule_variance_pp"]) == (45.1, 41.6, 3.4)
