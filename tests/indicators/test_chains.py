"""Industrial chains (A8, A9 style): share of all above-scale industry's invoiced sales, growth, and the gap
to the total's growth, per cluster and chain and for each level as a whole (an enterprise once per level).

The hand-made data, sales in 万元 for 1-5月 (January + May; June is outside the period):

    enterprise  tagged              2024   2023
    E1          甲一链              300    200
    E2          甲一链 and 乙一链   200    100     (two chains in two clusters)
    E3          乙群 (cluster only) 100    100
    E4          untagged            400    400
    E5          甲二链               50    100
    E6          甲一链, not 规上   5000   1000     (never counted)

    total (规上): 300 + 200 + 100 + 400 + 50 = 1050; 2023: 200 + 100 + 100 + 400 + 100 = 900
    total growth: (1050 − 900) ÷ 900 = 16.667%
"""

from decimal import Decimal

import pytest

from tests import factories as f
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.chains import chain_report, present_chains

D = Decimal


def sales(y2024, y2023):
    """Split each year's 1-5月 figure over January and May, and put noise in June (outside 1-5月)."""
    a, b = D(y2024) * D("0.4"), D(y2023) * D("0.4")
    return {(2024, 1): a, (2024, 5): D(y2024) - a, (2024, 6): 7777,
            (2023, 1): b, (2023, 5): D(y2023) - b, (2023, 6): 8888}


@pytest.fixture
def chains(town):
    _, n = f.taxonomy(town.city, {"甲群": ["甲一链", "甲二链"], "乙群": ["乙一链", "乙二链"]})
    f.enterprise(town.jia, [n["甲一链"]], sales(300, 200), name="E1")
    f.enterprise(town.yi, [n["甲一链"], n["乙一链"]], sales(200, 100), name="E2")
    f.enterprise(town.park, [n["乙群"]], sales(100, 100), name="E3")
    f.enterprise(town.yi, [], sales(400, 400), name="E4")
    f.enterprise(town.jia, [n["甲二链"]], sales(50, 100), name="E5")
    f.enterprise(town.jia, [n["甲一链"]], sales(5000, 1000), above_scale=False, name="E6")
    return town


def test_chain_figures_unrounded(chains):
    r = chain_report(chains.city, Period.parse("2024-05"))
    assert (r.total, r.total_prev) == (D(1050), D(900))
    # clusters level: E1, E2 (once, though in two clusters), E3, E5 → 300 + 200 + 100 + 50 = 650; 2023: 500
    assert (r.clusters_total.sales, r.clusters_total.sales_prev, r.clusters_total.enterprises) == (D(650), D(500), 4)
    # chains level: E1, E2 (once, though in two chains), E5 → 550; 2023: 400 (E3 is tagged at the cluster only)
    assert (r.chains_total.sales, r.chains_total.sales_prev, r.chains_total.enterprises) == (D(550), D(400), 3)
    clusters = {c.name: c for c in r.clusters}
    # the clusters' own figures overlap (E2 in both): 550 + 300 = 850 > the level's 650
    assert (clusters["甲群"].sales, clusters["乙群"].sales) == (D(550), D(300))
    assert r.clusters_total.sales < sum(c.sales for c in r.clusters)


def test_chain_figures_printed(chains):
    d = present_chains(chain_report(chains.city, Period.parse("2024-05")))
    assert d["total_sales_yi"] == 0.1                # 1050 万 = 0.105 亿 → 0.1
    assert d["total_growth_pct"] == 16.7             # 150 ÷ 900 = 16.667%
    ct = d["clusters_total"]
    # 650 ÷ 1050 = 61.90% → 61.9; (650 − 500) ÷ 500 = 30.0%; 30 − 16.667 = 13.33 → 13.3
    assert (ct["share_pct"], ct["growth_pct"], ct["gap_pp"], ct["enterprises"]) == (61.9, 30.0, 13.3, 4)
    ch = d["chains_total"]
    # 550 ÷ 1050 = 52.38% → 52.4; (550 − 400) ÷ 400 = 37.5%; 37.5 − 16.667 = 20.83 → 20.8
    assert (ch["share_pct"], ch["growth_pct"], ch["gap_pp"], ch["enterprises"]) == (52.4, 37.5, 20.8, 3)

    clusters = {n["name"]: n for n in ct["nodes"]}
    assert list(clusters) == ["甲群", "乙群"]
    # 甲群: E1, E2, E5 → 550 / 400: the same as the chains level here
    assert (clusters["甲群"]["share_pct"], clusters["甲群"]["growth_pct"], clusters["甲群"]["gap_pp"]) == \
        (52.4, 37.5, 20.8)
    # 乙群: E2 (via 乙一链), E3 → 300 / 200: 300 ÷ 1050 = 28.57% → 28.6; 50.0%; 50 − 16.667 = 33.3
    assert (clusters["乙群"]["share_pct"], clusters["乙群"]["growth_pct"], clusters["乙群"]["gap_pp"]) == \
        (28.6, 50.0, 33.3)

    nodes = {n["name"]: n for n in ch["nodes"]}
    assert list(nodes) == ["甲一链", "甲二链", "乙一链", "乙二链"]
    # 甲一链: E1, E2 → 500 / 300: 47.62% → 47.6; 66.67% → 66.7; 66.667 − 16.667 = 50.0
    assert (nodes["甲一链"]["share_pct"], nodes["甲一链"]["growth_pct"], nodes["甲一链"]["gap_pp"]) == \
        (47.6, 66.7, 50.0)
    # 甲二链: E5 → 50 / 100: 4.76% → 4.8; −50.0%; −50 − 16.667 = −66.67 → −66.7
    assert (nodes["甲二链"]["share_pct"], nodes["甲二链"]["growth_pct"], nodes["甲二链"]["gap_pp"]) == \
        (4.8, -50.0, -66.7)
    # 乙一链: E2 → 200 / 100: 19.05% → 19.0; 100.0%; 100 − 16.667 = 83.3
    assert (nodes["乙一链"]["share_pct"], nodes["乙一链"]["growth_pct"], nodes["乙一链"]["gap_pp"]) == \
        (19.0, 100.0, 83.3)
    # 乙二链: nobody → share 0, growth and gap without a base: null
    assert (nodes["乙二链"]["share_pct"], nodes["乙二链"]["growth_pct"], nodes["乙二链"]["gap_pp"]) == \
        (0.0, None, None)


def test_chain_report_for_a_district(chains):
    # 乙区: E2, E4 → total 600 / 500; clusters level E2 → 200 / 100: share 33.3%, growth 100%,
    # gap 100 − 20 = 80.0
    d = present_chains(chain_report(chains.city, Period.parse("2024-05"), unit=chains.yi))
    assert d["total_growth_pct"] == 20.0
    assert (d["clusters_total"]["share_pct"], d["clusters_total"]["growth_pct"], d["clusters_total"]["gap_pp"]) == \
        (33.3, 100.0, 80.0)


def test_city_without_taxonomy_is_refused(town):
    with pytest.raises(InputError, match="测试市"):
        chain_report(town.city, Period.parse("2024-05"))
