"""`tuijin attraction` and `tuijin targets` on hand-made data (the contracts of conftest.book), and their refusals:
one line naming the value, exit status 2, nothing written."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.attraction.models import Target
from tuijin.attraction.services import create_event, record_capital_increase, set_target
from tuijin.core.errors import InputError
from tuijin.projects.models import Stage

from .conftest import D


def cli(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def refused(*args) -> str:
    with pytest.raises(CommandError) as err:
        call_command(*args, stdout=io.StringIO())
    assert err.value.returncode == 2
    return str(err.value)


def test_attraction_cli_by_hand(town, book):
    c1 = book[0]
    record_capital_increase(project=c1.project, signed_on=D(2024, 6, 1), increment=1000, actor=SYSTEM)
    create_event(city=town.city, name="深圳推介会", kind="promotion", date=D(2024, 3, 2), place="深圳",
                 leader="市长", units=[town.jia, town.yi], leads=[c1.lead], actor=SYSTEM)
    create_event(city=town.city, name="上海对接会", kind="fair", date=D(2024, 5, 2), place="上海", units=[town.jia], actor=SYSTEM)
    d = cli("attraction", "--city", "招商市", "--through", "2024-06")
    # The pipeline as it stands: the four signed leads of the contracts (c3's signed in 2023 included).
    assert d["leads_by_stage"]["签约"] == 4 and sum(d["leads_by_stage"].values()) == 4
    assert d["events"] == {"total": 2, "by_leader": {"市长": 1}, "by_unit": {"甲区": 2, "乙区": 1}}
    # New signings 1-6月 2024: c1 10000 + c2 20000 + c4 9000 + the increase 1000 = 40000 万元 = 4.0 亿元, 3 projects.
    assert (d["new_signed"]["count"], d["new_signed"]["total_yi"]) == (3, 4)
    assert (d["performance_rate_pct"], d["funds_arrival_rate_pct"]) == (33.3, 61.5)  # 1/3, 8000/13000
    assert (d["cohort_start_rate_pct"], d["cohort_operating_rate_pct"]) == (66.7, 33.3)
    by_unit = {u["unit"]: u for u in d["by_unit"]}
    assert by_unit["甲区"]["funds_arrival_rate_pct"] == 120 and by_unit["乙区"]["performance_rate_pct"] == 0
    # 乙区 in 2023: nothing due, no cohort: absent, not 0.
    y = cli("attraction", "--city", "招商市", "--unit", "乙区", "--through", "2023-12")
    assert y["performance_rate_pct"] is None and y["cohort_start_rate_pct"] is None


def test_targets_cli_by_hand(town, book):
    lst = f.annual_list(town.city, "市重大项目")
    started = f.project(town.jia, stages={Stage.SIGNED: D(2024, 1, 3), Stage.STARTED: D(2024, 4, 1)})
    f.entry(lst, started, planned_new_start=True)
    f.entry(lst, f.project(town.jia), planned_new_start=True)
    set_target(unit=town.jia, year=2024, indicator="start_rate", value=90, annual_list=lst, due_month=6,
               strictly_above=True, actor=SYSTEM)
    set_target(unit=town.jia, year=2024, indicator="new_signed_count", value=4, steps={3: 1, 6: 2, 12: 4}, actor=SYSTEM)
    set_target(unit=town.yi, year=2024, indicator="funds_arrived", value="0.4", level="province", actor=SYSTEM)
    rows = cli("targets", "--city", "招商市", "--year", "2024", "--through", "2024-06")["targets"]
    got = {(r["unit"], r["indicator"]): (r["target"], r["actual"], r["progress_pct"], r["met"]) for r in rows}
    assert got == {
        ("甲区", "start_rate"): (90, 50, 55.6, False),  # 1 of the 2 planned starts started: 50%, not over 90%
        ("甲区", "new_signed_count"): (4, 2, 50, False),  # 甲区's 2024 signings: c1 and the started project
        ("乙区", "funds_arrived"): (0.4, 0.2, 50, False),  # 乙区 arrived 2000 万元 = 0.2 亿元 (c2)
    }
    jia_count = next(r for r in rows if r["indicator"] == "new_signed_count")
    assert jia_count["expected_by_now"] == 2 and jia_count["on_schedule"] is True


def test_refusals(town):
    assert "不在目标年度" in refused("targets", "--city", "招商市", "--year", "2024", "--through", "2025-06")
    assert "城市不存在: '无此市'" in refused("attraction", "--city", "无此市", "--through", "2024-06")
    assert "2024-13" in refused("attraction", "--city", "招商市", "--through", "2024-13")
    with pytest.raises(InputError, match="指标未知: 'gdp'") as err:
        set_target(unit=town.jia, year=2024, indicator="gdp", value=1, actor=SYSTEM)
    assert err.value.field == "indicator" and Target.objects.count() == 0
    with pytest.raises(InputError, match="目标值不能为负数"):
        set_target(unit=town.jia, year=2024, indicator="new_signed_count", value=Decimal(-1), actor=SYSTEM)
