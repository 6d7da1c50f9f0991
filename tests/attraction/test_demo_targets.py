"""On the demo database: 苏州市's published 2024 targets (B6 张家港市, B7 吴中区) with their actual values at 2024-06
and whether each is met (as the CLI and the bulletin's 目标任务 paragraph print them), and the attraction summary of
both cities (the published figures stay exact)."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.demo


def cli(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_suzhou_b6_b7_targets_at_mid_2024(demo):
    data = cli("targets", "--city", "苏州市", "--year", "2024", "--through", "2024-06")
    print(json.dumps(data["targets"][0], ensure_ascii=False, indent=1))
    rows = {(r["unit"], r["indicator"], r["list"]): r for r in data["targets"]}
    assert set(rows) == {("张家港市", "start_rate", None), ("张家港市", "operations_done", "新增长点项目"),
                         ("吴中区", "start_rate", "省重大项目"), ("吴中区", "start_rate", "市重大项目")}
    for r in data["targets"]:
        assert {"unit", "indicator", "target", "actual", "progress_pct", "met"} <= set(r)
    b6_start = rows[("张家港市", "start_rate", None)]
    assert b6_start["target"] == 90 and b6_start["strictly_above"]
    assert b6_start["met"] is (b6_start["actual"] > 90)
    # 86 新增长点 projects into production: 33 by June (the demo's 2024 productions of 张家港市), not met,
    # against a breakdown of 43 by mid-year.
    growth = rows[("张家港市", "operations_done", "新增长点项目")]
    assert (growth["target"], growth["actual"], growth["expected_by_now"], growth["progress_pct"], growth["met"]) == \
        (86, 33, 43, 38.4, False)
    # B7: every provincial major project of 吴中区 started by mid-year (met); the municipal ones 75% (not met).
    prov, muni = rows[("吴中区", "start_rate", "省重大项目")], rows[("吴中区", "start_rate", "市重大项目")]
    assert (prov["actual"], prov["met"]) == (100, True)
    assert (muni["actual"], muni["progress_pct"], muni["met"]) == (75, 75, False)


def test_attraction_summary_and_published_signings(demo):
    zj = cli("attraction", "--city", "镇江市", "--through", "2024-06")
    print(json.dumps({k: v for k, v in zj.items() if k != "by_unit"}, ensure_ascii=False, indent=1))
    assert {"leads_by_stage", "events", "new_signed", "performance_rate_pct", "funds_arrival_rate_pct",
            "cohort_start_rate_pct", "cohort_operating_rate_pct"} <= set(zj)


def test_suzhou_bulletin_states_the_targets(demo):
    """The bulletin's 目标任务 paragraph for 苏州市 at 2024-06 prints the same figures as the CLI above."""
    from tuijin.bulletins.generator import generate
    from tuijin.core.periods import Period
    from tuijin.orgs.selectors import city_by_name

    texts = [s.text for s in generate(city_by_name("苏州市"), Period.year_to_date(2024, 6)).sentences
             if s.section == "targets"]
    assert texts[0].startswith("全市2024年目标任务4项，已完成1项，")
    assert "张家港市新增长点项目计划投产项目投产个数目标86个，完成33个，完成目标的38.4%。" in texts
    assert "吴中区省重大项目计划新开工项目开工率目标100.0%，完成100.0%，完成目标的100.0%。" in texts
    assert "吴中区市重大项目计划新开工项目开工率目标100.0%，完成75.0%，完成目标的75.0%。" in texts
    assert any(t.startswith("张家港市产业计划新开工项目开工率目标超过90.0%，") for t in texts)
