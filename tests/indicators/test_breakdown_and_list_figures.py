"""Issue 20: breakdown by any dimension, the list figures, money and count changes, periods named as bulletins
name them. Every expected value is worked by hand in the test's docstring (amounts in 万元, printed in 亿元 at
the city's 1 place; rates at 1 place, half up).

The data (`town`: 测试市 with 甲区 ⊃ 甲园 and 乙区; lists 省重大 rank 1, 市重大 rank 2), 2024, through 2024-06
(序时进度 6 ÷ 12 = 50%):

    project  unit  行业领域  建设性质  总投资   list entries 2024              reports 2024 (accepted)  stages
    p1       甲区  交通      续建      50000   省 1000 续建, 计划竣工, 计划投产    6 × 100 = 600           开工 2022-05-01, 竣工 2024-04-01
    p2       乙区  交通      新建      30000   省 2000 计划新开工 3月          3-6月 4 × 200 = 800    开工 2024-03-10
    p3       甲园  能源      新建      20000   市 1000 计划新开工 5月          none                   —
    p4       乙区  —         —         10000   省 400, 市 500 (+ 市 2023: 999)  6 × 50 = 300           开工 2021, 竣工 2024-02-01, 投产 2024-05-01
    p6       甲区  (not listed)        8000    —                             —                      开工 2023-04-01

p1 is also on 省重大 in 2023 (plan 800) with 2023 reports 6 × 50 = 300 (上年同期).
落实资金: p1 June 500, p2 March 300.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.core.errors import InputError
from tuijin.core.numbers import NumberStyle
from tuijin.core.periods import Period, PeriodError
from tuijin.indicators.engine import breakdown, breakdown_table, dimension_key
from tuijin.indicators.present import present_breakdown
from tuijin.indicators.scope import build_scope
from tuijin.progress.services import save_report

from .helpers import figures, issue20_data, printed

D = Decimal
day = datetime.date


@pytest.fixture
def data(town):
    return issue20_data(town)


def rows_of(data: dict) -> dict:
    return {
        r["label"]: (
            r["projects"],
            r["annual_plan_yi"],
            r["completed_yi"],
            r["completion_rate_pct"],
            r["schedule_variance_pp"],
        )
        for r in data["rows"]
    }


def present_by(dimension, through="2024-06", style=None, total_as_sum=False, **scope_kw):
    scope = build_scope(city="测试市", **scope_kw)
    period = Period.parse(through)
    return present_breakdown(
        breakdown_table(scope, period, dimension), scope, period, style, total_as_sum
    )


# ---------------------------------------------------------------- 1. breakdown by any dimension


def test_breakdown_by_sector(data):
    """By 行业领域, through 2024-06 (序时 50%); 全部 counts p4 under 省 (400):
    交通 p1 + p2: 2 projects, plan 1000 + 2000 = 3000, completed 600 + 800 = 1400, 1400 ÷ 3000 = 46.67% → 46.7,
        variance (0.46667 − 0.5) × 100 = −3.33 → −3.3; in 亿元 0.3 and 0.14 → 0.1.
    能源 p3: 1, 1000, 0 → 0.0%, −50.0; 0.1 and 0.0.
    未标注 p4: 1, 400, 300 → 75.0%, +25.0; 0.04 → 0.0 and 0.03 → 0.0.
    Sectors without projects are rows with 0 projects and no rate (—).
    合计: 4 projects, 4400 → 0.4, 1700 → 0.2, 1700 ÷ 4400 = 38.64% → 38.6, −11.36 → −11.4."""
    d = present_by("行业领域")
    rows = rows_of(d)
    assert rows["交通"] == (2, 0.3, 0.1, 46.7, -3.3)
    assert rows["能源"] == (1, 0.1, 0, 0, -50)
    assert rows["未标注"] == (1, 0, 0, 75, 25)
    assert rows["农林水利"] == (0, 0, 0, None, None)
    assert list(rows)[:2] == ["交通", "能源"] and list(rows)[-1] == "未标注"
    t = d["total"]
    assert (
        t["projects"],
        t["annual_plan_yi"],
        t["completed_yi"],
        t["completion_rate_pct"],
        t["schedule_variance_pp"],
    ) == (4, 0.4, 0.2, 38.6, -11.4)
    assert d["dimension"] == "sector" and d["dimension_label"] == "行业领域"


def test_breakdown_by_nature_unit_category(data):
    """By 建设性质: 续建 p1 1 / 1000 / 600 → 60.0%, +10.0; 新建 p2 + p3: 2 / 3000 / 800 → 26.67% → 26.7, −23.3;
    未标注 p4 1 / 400 / 300 → 75.0%, +25.0.
    By 单位: 甲区 (p1, p3 in 甲园) 2 / 2000 / 600 → 30.0%, −20.0; 乙区 (p2, p4) 2 / 2400 / 1100 → 45.83% → 45.8,
    −4.17 → −4.2. No 本级 row (the city holds no project itself).
    By 项目类别: all 产业: 4 / 4400 / 1700 → 38.6%, −11.4; 基础设施 a row with 0."""
    rows = rows_of(present_by("nature"))
    assert rows == {
        "新建": (2, 0.3, 0.1, 26.7, -23.3),
        "续建": (1, 0.1, 0.1, 60, 10),
        "未标注": (1, 0, 0, 75, 25),
    }
    rows = rows_of(present_by("单位"))
    assert rows == {"甲区": (2, 0.2, 0.1, 30, -20), "乙区": (2, 0.2, 0.1, 45.8, -4.2)}
    rows = rows_of(present_by("项目类别"))
    assert rows["产业"] == (4, 0.4, 0.2, 38.6, -11.4)
    assert rows["基础设施"] == (0, 0, 0, None, None)
    assert "未标注" not in rows


def test_breakdown_by_list_counts_a_project_on_each_of_its_lists(data):
    """By 清单: 省重大 p1 1000 + p2 2000 + p4 400 = 3400, completed 600 + 800 + 300 = 1700 → 50.0%, 0.0;
    市重大 p3 1000 + p4 500 = 1500 (p4's 2023 entry of 999 not counted), completed 0 + 300 = 300 → 20.0%, −30.0.
    p4's reports count in both lists, once in each (the 2023 entry does not double them). 合计 is 全部 (4 / 4400)."""
    d = present_by("list")
    assert rows_of(d) == {"省重大项目": (3, 0.3, 0.2, 50, 0), "市重大项目": (2, 0.2, 0, 20, -30)}
    assert d["total"]["projects"] == 4


def test_each_slice_equals_the_engine_over_the_narrowed_scope(data):
    """A list's row equals compute() with that list chosen; a unit's row compute() of that unit."""
    period = Period.parse("2024-06")
    scope = build_scope(city="测试市")
    by_list = {r.label: r for r in breakdown(scope, period, "list")}
    muni = figures("2024-06", annual_list="市重大项目", breakdown=False)
    assert (
        by_list["市重大项目"].projects,
        by_list["市重大项目"].annual_plan,
        by_list["市重大项目"].completed,
    ) == (muni.projects, muni.annual_plan, muni.completed)
    by_unit = {r.label: r for r in breakdown(scope, period, "unit")}
    yi = figures("2024-06", unit="乙区", breakdown=False)
    assert (by_unit["乙区"].projects, by_unit["乙区"].annual_plan, by_unit["乙区"].completed) == (
        yi.projects,
        yi.annual_plan,
        yi.completed,
    )


def test_breakdown_takes_a_fixed_number_of_queries(data):
    """Adding projects does not add queries: the breakdown groups in the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scope = build_scope(city="测试市")
    period = Period.parse("2024-06")
    counts = {}
    for dim in ("sector", "nature", "category", "list", "unit", "industry"):
        breakdown(scope, period, dim)  # warm: the conventions are read once per process
        with CaptureQueriesContext(connection) as ctx:
            breakdown(scope, period, dim)
        counts[dim] = len(ctx)
    for i in range(5):
        p = f.project(data.jia if i % 2 else data.yi)
        f.entry(data.muni, p, plan=D(100))
        f.reports(p, 2024, [10, 10])
    for dim, n in counts.items():
        with CaptureQueriesContext(connection) as ctx:
            breakdown(scope, period, dim)
        assert len(ctx) == n, dim


def test_unknown_dimension_is_refused_in_chinese(data):
    with pytest.raises(InputError, match="分组维度未知: '颜色'"):
        dimension_key("颜色")
    assert dimension_key("行业领域") == "sector" and dimension_key("建设性质") == "nature"
    assert dimension_key("项目类别") == "category" and dimension_key("清单") == "list"
    assert dimension_key("单位") == "unit"


# ---------------------------------------------------------------- 2. decimals where printed


def test_table_decimals_and_total_as_sum_of_parts(data):
    """By 行业领域 at 2 places: 交通 0.30 / 0.14, 能源 0.10 / 0.00, 未标注 0.04 / 0.03; 合计 rounded once
    0.44 / 0.17 — the same as the sum of the printed parts at 2 places.
    At 1 place with 合计按分项相加: plan 0.3 + 0.1 + 0.0 = 0.4 (= once), completed 0.1 + 0.0 + 0.0 = 0.1 where
    rounding once gives 0.17 → 0.2."""
    d = present_by("sector", style=NumberStyle(2, 2, "half_up"))
    rows = rows_of(d)
    assert rows["交通"] == (2, 0.3, 0.14, 46.67, -3.33)
    assert rows["未标注"][1:3] == (0.04, 0.03)
    assert (d["total"]["annual_plan_yi"], d["total"]["completed_yi"]) == (0.44, 0.17)
    once = present_by("sector")
    summed = present_by("sector", total_as_sum=True)
    assert (once["total"]["completed_yi"], summed["total"]["completed_yi"]) == (0.2, 0.1)
    assert summed["total"]["annual_plan_yi"] == 0.4 and summed["total_as_sum"] is True
    assert summed["total"]["completion_rate_pct"] == 38.6  # rates are never summed


# ---------------------------------------------------------------- 3. list figures


def test_list_figures(data):
    """全部, through 2024-06 (序时 50%):
    Σ总投资 of the listed projects p1..p4 = 50000 + 30000 + 20000 + 10000 = 110000 万元 → 11.0 亿元 (p6 not listed).
    未达到序时进度 (a project's completion rate < 序时): p1 600 ÷ 1000 = 60% no; p2 800 ÷ 2000 = 40% yes;
        p3 0 ÷ 1000 yes; p4 300 ÷ 400 = 75% no → 2 项, 2 ÷ 4 = 50.0%.
    续建和计划开工实际已开工: p1 (续建) and p2 (计划新开工, started 2024-03-10); p3 not started → 2 projects,
        plan 3000 → 0.3, completed 1400 → 0.1, 46.67% → 46.7, −3.3.
    竣工 in 2024 whether planned or not: p1 (04-01, planned) and p4 (02-01, unplanned) = 2 vs 1 planned → 200.0%;
        planned-only 竣工率 1 ÷ 1 = 100% (planned_completions_done).
    投产 in 2024: p4 (05-01, unplanned) = 1 vs 1 planned (p1) → 100.0%; planned-only 0 ÷ 1 = 0.0%.
    资金落实: 500 + 300 = 800 万元 → 0.1 亿元, 800 ÷ 4400 = 18.18% → 18.2%."""
    d = printed("2024-06")
    assert d["total_investment_yi"] == 11
    assert (d["behind_schedule"], d["behind_schedule_share_pct"]) == (2, 50)
    assert (
        d["active_projects"],
        d["active_plan_yi"],
        d["active_completed_yi"],
        d["active_completion_rate_pct"],
        d["active_schedule_variance_pp"],
    ) == (2, 0.3, 0.1, 46.7, -3.3)
    assert (d["completions_in_year"], d["planned_completions"], d["completions_all_rate_pct"]) == (
        2,
        1,
        200,
    )
    assert d["planned_completions_done"] == 1
    assert (d["operations_in_year"], d["planned_operations"], d["operations_all_rate_pct"]) == (
        1,
        1,
        100,
    )
    assert d["operation_rate_pct"] == 0
    assert (d["funds_secured_yi"], d["funds_secured_rate_pct"]) == (0.1, 18.2)
    # the same figures of one list: 省重大 p1, p2, p4 → behind p2 only: 1 of 3 = 33.3%; Σ总投资 9.0 亿元
    prov = printed("2024-06", annual_list="省重大项目")
    assert (
        prov["behind_schedule"],
        prov["behind_schedule_share_pct"],
        prov["total_investment_yi"],
    ) == (1, 33.3, 9)
    # by unit the figures add up: 甲区 p1 + p3 → behind 1 (p3); 乙区 p2 + p4 → behind 1 (p2)
    assert [u["behind_schedule"] for u in d["by_unit"]] == [1, 1]


def test_funds_secured_is_checked_like_the_other_amounts(data):
    p = f.project(data.jia)
    with pytest.raises(InputError, match="当月落实资金"):
        save_report(project=p, year=2024, month=1, amount=1, funds_secured="1e14", actor=SYSTEM)
    r = save_report(project=p, year=2024, month=1, amount=1, funds_secured="12.5", actor=SYSTEM)
    assert r.funds_secured == D("12.50")
    r = save_report(project=p, year=2024, month=1, amount=2, actor=SYSTEM)  # not given: kept
    assert r.funds_secured == D("12.50")
    r = save_report(project=p, year=2024, month=1, amount=2, funds_secured="", actor=SYSTEM)  # blank: cleared
    assert r.funds_secured is None


# ---------------------------------------------------------------- 4. changes beside growth


def test_changes_and_last_years_values_beside_growth(data):
    """完成投资 1-6月: 1700 this year, 300 last year (p1 on 2023's 省重大) → 同比 +466.7%, 增加 1400 万元 → 0.1 亿元,
    上年 0.03 → 0.0. 新开工 1-6月: p2 (30000) this year, p6 (8000, 2023-04-01) last year → count 1 vs 1: 同比 0.0%,
    增加 0 个; total 3.0 vs 0.8 亿元: 增加 22000 万元 → 2.2 亿元, 同比 275.0%."""
    d = printed("2024-06")
    assert (d["completed_yoy_pct"], d["completed_change_yi"], d["completed_prev_yi"]) == (
        466.7,
        0.1,
        0,
    )
    ev = d["new_started"]
    assert (ev["count"], ev["count_prev"], ev["count_change"], ev["count_yoy_pct"]) == (1, 1, 0, 0)
    assert (ev["total_yi"], ev["total_prev_yi"], ev["total_change_yi"], ev["total_yoy_pct"]) == (
        3,
        0.8,
        2.2,
        275,
    )


# ---------------------------------------------------------------- 7. periods as bulletins name them


def test_quarters_and_halves_as_through():
    """2024-Q1 → 1-3月 一季度; 2024-H1 → 1-6月 上半年; 2024-Q3 → 1-9月 前三季度; 2024-H2 / 2024-Q4 → 全年;
    as a quarter, 2024-Q3 is 7-9月 三季度; a month stays a month."""
    assert (
        Period.parse("2024-Q1") == Period(2024, 1, 3)
        and Period.parse("2024-Q1").label == "2024年一季度"
    )
    assert Period.parse("2024-H1").label == "2024年上半年"
    assert (
        Period.parse("2024-q3") == Period(2024, 1, 9)
        and Period.parse("2024-Q3").label == "2024年前三季度"
    )
    assert Period.parse("2024-H2").label == Period.parse("2024-Q4").label == "2024年全年"
    assert Period.parse("2024-Q3", "quarter").label == "2024年三季度"
    assert Period.parse("2024-05").label == "2024年1-5月"
    for bad in ("2024-Q5", "2024-H3", "2024-Q0", "2024-X1", "1999-Q1"):
        with pytest.raises(PeriodError):
            Period.parse(bad)


# ---------------------------------------------------------------- CLI


def test_cli_by_sector_table_and_json(data, capsys):
    """`tuijin indicators --by 行业领域` prints the table and `--json` the same values as present_breakdown."""
    call_command("indicators", city="测试市", through="2024-H1", by="行业领域")
    out = capsys.readouterr().out
    assert "测试市 2024年上半年 按行业领域" in out
    line = next(x for x in out.splitlines() if x.startswith("交通"))
    assert line.split() == ["交通", "2", "0.3", "0.1", "46.7", "50.0", "-3.3"]
    assert next(x for x in out.splitlines() if x.startswith("合计")).split()[1:4] == [
        "4",
        "0.4",
        "0.2",
    ]
    call_command("indicators", city="测试市", through="2024-06", by="sector", json=True)
    d = json.loads(capsys.readouterr().out)
    assert d == present_by("sector")
    with pytest.raises(Exception, match="分组维度未知"):
        call_command("indicators", city="测试市", through="2024-06", by="颜色")


def test_a_project_exactly_on_schedule_is_not_behind(town):
    """1-5月, 序时 5 ÷ 12: a project with plan 1200 and 500 completed is at 500 ÷ 1200 = 5 ÷ 12 exactly → not
    behind (Decimal: 1200 × 0.41666…67 would exceed 500); one with 499 is behind → 1 of 2 = 50.0%."""
    on, under = f.project(town.jia), f.project(town.yi)
    f.entry(town.prov, on, plan=D(1200))
    f.entry(town.prov, under, plan=D(1200))
    f.reports(on, 2024, [100] * 5)
    f.reports(under, 2024, [100] * 4 + [99])
    d = printed("2024-05")
    assert (d["behind_schedule"], d["behind_schedule_share_pct"]) == (1, 50)
