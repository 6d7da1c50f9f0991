"""The demo reproduces every published figure of shared/reference/bulletins-2024.md (A1–A9, B1–B4), computed
by the engine from project-level records and printed by the CLI. One test per figure."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.demo


def cli(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def zhenjiang_signings():
    return cli("indicators", "--city", "镇江市", "--through", "2024-06", "--category", "产业",
               "--min-total-yi", "1")["new_signed"]


def suzhou_q1(category=None):
    args = ["indicators", "--city", "苏州市", "--through", "2024-03", "--min-total-yi", "1"]
    if category:
        args += ["--category", category]
    return cli(*args)


def suzhou_unit(name):
    return next(u for u in suzhou_q1("产业")["by_unit"] if u["unit"] == name)


def test_a1_new_industrial_signings_first_half_2024(demo):
    s = zhenjiang_signings()
    assert (s["count"], s["total_yi"]) == (221, 1094.6)


def test_a2_signings_year_on_year(demo):
    s = zhenjiang_signings()
    assert (s["count_yoy_pct"], s["total_yoy_pct"]) == (18.2, 10.3)


def test_a3_provincial_major_projects_completion(demo):
    d = cli("indicators", "--city", "镇江市", "--through", "2024-05", "--list", "省重大项目")
    assert (d["projects"], d["completed_yi"], d["completion_rate_pct"], d["schedule_variance_pp"]) == \
        (17, 31.9, 45.1, 3.5)


def test_a4_provincial_planned_starts(demo):
    d = cli("indicators", "--city", "镇江市", "--through", "2024-05", "--list", "省重大项目")
    assert (d["planned_new_starts"], d["planned_new_starts_started"]) == (10, 9)


def test_a5_municipal_major_projects_completion(demo):
    d = cli("indicators", "--city", "镇江市", "--through", "2024-05", "--list", "市重大项目")
    assert (d["projects"], d["completed_yi"], d["completion_rate_pct"], d["schedule_variance_pp"]) == \
        (310, 268.4, 44.6, 2.9)


def test_a6_technology_upgrade_projects(demo):
    d = cli("indicators", "--city", "镇江市", "--through", "2024-05", "--list", "智能化数字化技改项目")
    assert d["projects"] == 124


def test_a7_traditional_industry_renewal_projects(demo):
    d = cli("indicators", "--city", "镇江市", "--through", "2024-05", "--list", "传统产业焕新升级项目")
    assert d["projects"] == 124


def test_a8_four_clusters_sales(demo):
    c = cli("chains", "--city", "镇江市", "--through", "2024-05")["clusters_total"]
    assert (c["share_pct"], c["growth_pct"], c["gap_pp"]) == (74.1, 3.1, 2.9)
    assert len(c["nodes"]) == 4


def test_a9_eight_chains_sales(demo):
    c = cli("chains", "--city", "镇江市", "--through", "2024-05")["chains_total"]
    assert (c["share_pct"], c["growth_pct"], c["gap_pp"]) == (67.2, 3.1, 2.9)
    assert len(c["nodes"]) == 8


def test_b1_suzhou_first_quarter_signed_started_operating(demo):
    d = suzhou_q1()
    assert (d["new_signed"]["count"], d["new_started"]["count"], d["new_operating"]["count"]) == (481, 301, 248)


def test_b2_changshu_industrial_totals(demo):
    u = suzhou_unit("常熟市")
    assert (u["new_signed"]["total_yi"], u["new_started"]["total_yi"], u["new_operating"]["total_yi"]) == \
        (228.4, 101, 103.9)


def test_b3_industrial_park_totals(demo):
    u = suzhou_unit("苏州工业园区")
    assert (u["new_signed"]["total_yi"], u["new_started"]["total_yi"], u["new_operating"]["total_yi"]) == \
        (466.6, 646.5, 64.4)


def test_b4_high_tech_zone_totals(demo):
    u = suzhou_unit("苏州高新区")
    assert (u["new_signed"]["total_yi"], u["new_started"]["total_yi"], u["new_operating"]["total_yi"]) == \
        (228.8, 165, 123)


def test_the_demo_figure_store_equals_a_rebuild_and_the_raw_rows(demo):
    """The demo is written through the services, which keep the figure store (indicators.ProjectYearFact) in step:
    its rows equal a rebuild from scratch, and the engine's figures for each demo city (and each of its units),
    every month of 2024 on both bases, equal the same figures recomputed from the raw report and entry rows."""
    from tuijin.core.periods import Period
    from tuijin.indicators import engine
    from tuijin.indicators.engine import ADDITIVE, compute
    from tuijin.indicators.scope import Scope
    from tuijin.indicators.store import rebuild, snapshot_store
    from tuijin.orgs.models import OrgUnit

    before = snapshot_store()
    assert before, "the demo wrote no figure-store rows"
    rebuild()
    assert snapshot_store() == before

    def values(fig):
        return {name: getattr(fig, name) for name in ADDITIVE}

    original = engine.store_serves
    for name in ("镇江市", "苏州市"):
        scope = Scope(OrgUnit.objects.get(name=name))
        assert original(scope)
        for month in range(1, 13):
            for basis in ("accepted", "submitted"):
                period = Period.year_to_date(2024, month)
                store = compute(scope, period, basis=basis, use_cache=False)
                engine.store_serves = lambda scope: False
                try:
                    raw = compute(scope, period, basis=basis, use_cache=False)
                finally:
                    engine.store_serves = original
                assert values(store) == values(raw), (name, month, basis)
                assert [(u.unit, values(u)) for u in store.by_unit] == [(u.unit, values(u)) for u in raw.by_unit]


def test_every_printed_figure_is_the_same_through_the_store_and_through_the_raw_rows(demo):
    """What the demo prints — both cities' bulletins (1-6月 and 全年 2024), the traffic lights of each city, the
    targets and the attraction figures — is the same whether the engine and the lights read the figure store or
    recompute from the raw report and entry rows (the cache cleared between the two, so neither serves the other)."""
    from django.core.cache import cache

    from tuijin.bulletins.generator import generate
    from tuijin.core.periods import Period
    from tuijin.indicators import engine, lights
    from tuijin.indicators.scope import Scope
    from tuijin.orgs.selectors import city_by_name

    def printed():
        cache.clear()
        out = {}
        for name in ("镇江市", "苏州市"):
            city = city_by_name(name)
            for through in ("2024-06", "2024-12"):
                period = Period.parse(through)
                out[name, through, "bulletin"] = [s.text for s in generate(city, period).sentences]
                report = lights.light_report(Scope(city), period, lights.DEFAULT_RULES)
                out[name, through, "lights"] = ({p: light.level for p, light in report.projects.items()},
                                                {u: light.level for u, light in report.units.items()})
                out[name, through, "attraction"] = cli("attraction", "--city", name, "--through", through)
            out[name, "targets"] = cli("targets", "--city", name, "--year", "2024", "--through", "2024-06")
        return out

    through_store = printed()
    assert any(through_store[k] for k in through_store if k[-1] == "bulletin")
    saved = engine.store_serves, lights.store_serves
    engine.store_serves = lights.store_serves = lambda scope: False
    try:
        through_raw = printed()
    finally:
        engine.store_serves, lights.store_serves = saved
        cache.clear()
    for key, value in through_store.items():
        assert through_raw[key] == value, key
