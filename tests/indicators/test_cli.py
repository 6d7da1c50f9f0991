"""`tuijin indicators` and `tuijin chains` as a user runs them: a real process on a temporary SQLite database,
migrated and filled through the services. Bad input: one line on stderr naming the value, exit status 2.

The data (万元): 省重大项目 holds
    P1 甲区 产业, total 30000, plan 40000, 计划新开工 in March, signed 2024-02-01, started 2024-03-01,
       reports 4000 × 5 = 20000
    P2 乙区 基础设施, total 5000, plan 30000, 续建, reports 1000 × 5 = 5000
and a taxonomy 甲群/甲一链, 乙群/乙一链 with two enterprises (January sales, 2024 / 2023):
    E1 甲一链 600 / 500, E2 untagged 400 / 500.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run_in_process
from tests.worlds import module_world

ROOT = Path(__file__).resolve().parents[2]

def fill():
    """The data of the module's docstring."""
    import datetime

    from tests import factories as f

    day = datetime.date
    city, d = f.city_tree()
    lst = f.annual_list(city, "省重大项目", 1)
    p1 = f.project(d["甲区"], total=30000, stages={"signed": day(2024, 2, 1), "started": day(2024, 3, 1)})
    p2 = f.project(d["乙区"], total=5000, category_name="基础设施")
    f.entry(lst, p1, plan=40000, planned_new_start=True, planned_start_month=3)
    f.entry(lst, p2, plan=30000, continuing=True)
    f.reports(p1, 2024, [4000] * 5)
    f.reports(p2, 2024, [1000] * 5)
    _, n = f.taxonomy(city, {"甲群": ["甲一链"], "乙群": ["乙一链"]})
    f.enterprise(d["甲区"], [n["甲一链"]], {(2024, 1): 600, (2023, 1): 500})
    f.enterprise(d["乙区"], [], {(2024, 1): 400, (2023, 1): 500})
    f.city_tree(city="空白市", districts=())


FILL = "import django; django.setup(); from tests.indicators.test_cli import fill; fill()"


def _command() -> list[str]:
    script = Path(sys.executable).parent / "tuijin"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tuijin.cli"]


@pytest.fixture(scope="module")
def cli_process_env(tmp_path_factory):
    """A real process on a temporary SQLite database of its own (the tests marked slow)."""
    tmp = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "TUIJIN_DATABASE_URL": f"sqlite:///{tmp / 'cli.sqlite3'}", "TUIJIN_DATA_DIR": str(tmp),
           "DJANGO_SETTINGS_MODULE": "tuijin.settings",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}  # this checkout's tuijin, and its tests
    for args in (_command() + ["migrate", "--no-input", "-v", "0"], [sys.executable, "-c", FILL]):
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return env


# The other tests run the command in-process (tests/cli.py) on the same data, built once for the file.
cli_world_built_once = module_world(fill)
IN_PROCESS = object()


@pytest.fixture
def cli_env(cli_world_built_once, db):
    return IN_PROCESS


def run(env, *args) -> subprocess.CompletedProcess:
    if env is IN_PROCESS:
        return run_in_process(*args)
    return subprocess.run(_command() + list(args), env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def refused(done: subprocess.CompletedProcess, *words):
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for w in words:
        assert w in lines[0], f"{w!r} not in {lines[0]!r}"
    assert done.stdout == ""


# ---------------------------------------------------------------- bad input


@pytest.mark.slow
def test_unknown_city(cli_process_env):
    """Through a real `tuijin` process (the one subprocess test of `tuijin indicators`)."""
    refused(run(cli_process_env, "indicators", "--city", "不存在市", "--through", "2024-05"), "不存在市")


@pytest.mark.parametrize("month", ["2024-13", "2024-00", "2024/05", "五月"])
def test_bad_month(cli_env, month):
    refused(run(cli_env, "indicators", "--city", "测试市", "--through", month), month, "--through")


@pytest.mark.parametrize("option, value", [("--list", "不存在清单"), ("--unit", "丙区"), ("--category", "航天"),
                                           ("--industry", "不存在链"), ("--min-total-yi", "一亿")])
def test_unknown_list_unit_category(cli_env, option, value):
    refused(run(cli_env, "indicators", "--city", "测试市", "--through", "2024-05", option, value), value)


def test_chains_bad_input(cli_env):
    refused(run(cli_env, "chains", "--city", "不存在市", "--through", "2024-05"), "不存在市")
    refused(run(cli_env, "chains", "--city", "测试市", "--through", "2024-13"), "2024-13")
    refused(run(cli_env, "chains", "--city", "空白市", "--through", "2024-05"), "空白市")  # no taxonomy


# ---------------------------------------------------------------- output


def test_indicators_json(cli_env):
    done = run(cli_env, "indicators", "--city", "测试市", "--through", "2024-05", "--list", "省重大项目",
               "--format", "json")
    assert done.returncode == 0, done.stderr
    d = json.loads(done.stdout)
    documented = ["projects", "annual_plan_yi", "completed_yi", "completion_rate_pct", "schedule_share_pct",
                  "schedule_variance_pp", "planned_new_starts", "planned_new_starts_started", "start_rate_pct",
                  "new_signed", "new_started", "new_operating", "by_unit"]
    assert set(documented) <= set(d)
    for key in ("new_signed", "new_started", "new_operating"):
        assert {"count", "total_yi", "count_yoy_pct", "total_yoy_pct"} <= set(d[key])
    for row in d["by_unit"]:
        assert {"unit", *documented} - {"by_unit"} <= set(row)
    # 2 projects; plan 40000 + 30000 = 70000 万 = 7.0 亿; completed 20000 + 5000 = 25000 = 2.5 亿
    # 25000 ÷ 70000 = 35.714% → 35.7; 5 ÷ 12 = 41.7%; (0.357143 − 0.416667) × 100 = −5.95 → −6.0
    assert (d["projects"], d["annual_plan_yi"], d["completed_yi"]) == (2, 7.0, 2.5)
    assert (d["completion_rate_pct"], d["schedule_share_pct"], d["schedule_variance_pp"]) == (35.7, 41.7, -6.0)
    # 1 planned new start, started in March: 100.0%
    assert (d["planned_new_starts"], d["planned_new_starts_started"], d["start_rate_pct"]) == (1, 1, 100.0)
    # signed 1-5月 2024: P1, 30000 = 3.0 亿; nothing a year earlier: growth null
    assert d["new_signed"] == {**d["new_signed"], "count": 1, "total_yi": 3.0, "count_yoy_pct": None,
                               "total_yoy_pct": None}
    units = {u["unit"]: u for u in d["by_unit"]}
    # 甲区: 20000 ÷ 40000 = 50.0%; 乙区: 5000 ÷ 30000 = 16.7%
    assert (units["甲区"]["completed_yi"], units["甲区"]["completion_rate_pct"]) == (2.0, 50.0)
    assert (units["乙区"]["completed_yi"], units["乙区"]["completion_rate_pct"]) == (0.5, 16.7)


def test_indicators_json_with_category_and_threshold(cli_env):
    done = run(cli_env, "indicators", "--city", "测试市", "--through", "2024-05", "--category", "产业",
               "--min-total-yi", "3", "--format", "json")
    assert done.returncode == 0, done.stderr
    d = json.loads(done.stdout)
    # P1 only (产业, 30000 万 = 3 亿, the threshold inclusive)
    assert (d["projects"], d["completed_yi"], d["new_signed"]["count"]) == (1, 2.0, 1)


def test_indicators_table_has_chinese_headers(cli_env):
    done = run(cli_env, "indicators", "--city", "测试市", "--through", "2024-05")
    assert done.returncode == 0, done.stderr
    for header in ("单位", "项目数", "年度计划(亿元)", "完成投资(亿元)", "完成率%", "序时%", "超欠序时(百分点)",
                   "开工率%", "新签约个数"):
        assert header in done.stdout
    assert "2024年1-5月" in done.stdout
    assert "甲区" in done.stdout and "乙区" in done.stdout


@pytest.mark.slow
def test_chains_json_and_table(cli_process_env):
    """Through a real `tuijin` process (the one subprocess test of `tuijin chains`)."""
    cli_env = cli_process_env
    done = run(cli_env, "chains", "--city", "测试市", "--through", "2024-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    d = json.loads(done.stdout)
    for level in ("clusters_total", "chains_total"):
        assert {"share_pct", "growth_pct", "gap_pp", "nodes"} <= set(d[level])
        assert all({"name", "share_pct", "growth_pct", "gap_pp"} <= set(n) for n in d[level]["nodes"])
    # total 600 + 400 = 1000 of 1000 a year earlier: growth 0; E1 600 of 1000 = 60.0%, (600 − 500) ÷ 500 = 20.0%
    assert (d["clusters_total"]["share_pct"], d["clusters_total"]["growth_pct"], d["clusters_total"]["gap_pp"]) \
        == (60.0, 20.0, 20.0)
    assert [n["name"] for n in d["chains_total"]["nodes"]] == ["甲一链", "乙一链"]

    table = run(cli_env, "chains", "--city", "测试市", "--through", "2024-01")
    assert table.returncode == 0, table.stderr
    assert "占比%" in table.stdout and "甲一链" in table.stdout
