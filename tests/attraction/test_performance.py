"""履约 (performance): 履约率, 资金到位率, 实际到位外资 and the signing cohort's start and production rates, on
hand-made contracts, against hand computation; a figure with no denominator is absent (None), not 0%."""

from decimal import Decimal

import pytest

from tests.factories import SYSTEM
from tuijin.attraction.services import record_funds_arrival
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.attraction import performance, performance_drilldown
from tuijin.indicators.scope import Scope

from .conftest import D


def test_performance_rates_by_hand(town, book):
    p = performance(Scope(town.city), Period.year_to_date(2024, 6))
    # 履约率: contracts with a milestone due in 1-6月: c1, c2, c3; on schedule: c1 only → 1/3.
    assert (p.contracts_due, p.contracts_on_schedule) == (3, 1)
    assert p.performance_rate == Decimal(1) / Decimal(3)
    # 资金到位率: due 5000 (c1, March) + 8000 (c2, June) = 13000; arrived 4000 + 2000 + 2000 = 8000.
    assert (p.funds_due, p.funds_arrived) == (Decimal(13000), Decimal(8000))
    assert p.funds_arrival_rate == Decimal(8000) / Decimal(13000)
    assert p.foreign_arrived == Decimal(2000)  # 实际到位外资
    # 2024 signing cohort: c1, c2, c4; started c1, c4; in production c1 → 2/3 and 1/3.
    assert (p.cohort_signed, p.cohort_started, p.cohort_operating) == (3, 2, 1)
    assert p.cohort_start_rate == Decimal(2) / Decimal(3)
    assert p.cohort_operating_rate == Decimal(1) / Decimal(3)
    units = {u.unit.name: u for u in p.by_unit}
    jia, yi = units["甲区"], units["乙区"]
    assert (jia.contracts_due, jia.contracts_on_schedule, jia.funds_due, jia.funds_arrived) == (2, 1, 5000, 6000)
    assert jia.performance_rate == Decimal("0.5") and jia.funds_arrival_rate == Decimal("1.2")
    assert (jia.cohort_signed, jia.cohort_started, jia.cohort_operating) == (1, 1, 1)
    assert (yi.contracts_due, yi.contracts_on_schedule, yi.funds_due, yi.funds_arrived) == (1, 0, 8000, 2000)
    assert yi.performance_rate == 0 and yi.funds_arrival_rate == Decimal("0.25")
    assert (yi.cohort_signed, yi.cohort_started, yi.cohort_operating) == (2, 1, 0)
    # Drill-down: the projects behind each figure.
    period = Period.year_to_date(2024, 6)
    c1, c2, c3, _ = book
    assert set(performance_drilldown(Scope(town.city), period, "contracts_late")) == {c2.project, c3.project}
    assert set(performance_drilldown(Scope(town.city), period, "contracts_on_schedule")) == {c1.project}


def test_no_contract_due_means_absent_figures_not_zero(town, book):
    # 乙区 in 2023: no contract signed, no milestone or instalment due, an empty signing cohort.
    p = performance(Scope(town.city, town.yi), Period.year_to_date(2023, 12))
    assert (p.contracts_due, p.funds_due, p.cohort_signed) == (0, 0, 0)
    assert p.performance_rate is None and p.funds_arrival_rate is None
    assert p.cohort_start_rate is None and p.cohort_operating_rate is None
    # 甲区 in 2023 has a cohort (c3) but nothing due: rates of the cohort exist (0%), performance ones do not.
    j = performance(Scope(town.city, town.jia), Period.year_to_date(2023, 12))
    assert (j.cohort_signed, j.cohort_start_rate, j.performance_rate) == (1, 0, None)


def test_funds_above_contracted_need_confirmation(town, book):
    c1 = book[0]
    with pytest.raises(InputError, match="超过合同投资") as err:
        record_funds_arrival(contract=c1, date=D(2024, 7, 1), amount=4001, source="domestic", actor=SYSTEM)
    assert err.value.field == "amount"
    assert c1.arrivals.count() == 2
    record_funds_arrival(contract=c1, date=D(2024, 7, 1), amount=4001, source="domestic", confirm_over=True, actor=SYSTEM)
    assert c1.arrivals.count() == 3


def test_every_performance_figure_on_the_contracts_page_opens_its_list(client, town, book):
    """On the page: the figures of 1-6月 (by hand above), each a link to the contracts behind it whose number
    (or sum) is the figure; a district user sees only its own; an unknown figure is a clear 400."""
    import re

    from tests import factories as f
    from tuijin.accounts.models import Role

    c1, c2, c3, c4 = book
    client.force_login(f.user("city_admin", town.city, Role.CITY_ADMIN))
    html = client.get("/attraction/contracts/?through=2024-06").content.decode()
    total_row = html.split("<th>合计</th>", 1)[1].split("</tr>", 1)[0]
    links = dict((k, v) for v, k in re.findall(r'href="(/attraction/contracts/figure/\?[^"]*key=(\w+))"', total_row))
    assert set(links) == {"contracts_due", "contracts_on_schedule", "contracts_late", "funds_due", "funds_arrived",
                          "foreign_arrived"}
    assert "33.3%" in total_row and "61.5%" in total_row  # 1/3 and 8000/13000
    want = {"contracts_due": ({c1, c2, c3}, None), "contracts_on_schedule": ({c1}, None),
            "contracts_late": ({c2, c3}, None), "funds_due": ({c1, c2}, "1.3 亿元"),
            "funds_arrived": ({c1, c2}, "0.8 亿元"), "foreign_arrived": ({c1}, "0.2 亿元")}
    for key, (contracts, amount) in want.items():
        page = client.get(links[key].replace("&amp;", "&")).content.decode()
        assert f'data-total="count">{len(contracts)} 个<' in page, key
        assert all(c.project.name in page for c in contracts), key
        assert not any(c.project.name in page for c in {c1, c2, c3, c4} - contracts), key
        if amount:
            assert f'data-total="amount">{amount}<' in page, key
    # The 甲区 row opens 甲区's lists: c1 and c3 are due there.
    jia_row = html.split("<td>甲区</td>", 1)[1].split("</tr>", 1)[0]
    jia_due = re.search(r'href="(/attraction/contracts/figure/\?[^"]*key=contracts_due)"', jia_row).group(1)
    assert 'data-total="count">2 个<' in client.get(jia_due.replace("&amp;", "&")).content.decode()
    # A district user: its own contracts only, whatever unit the query names.
    client.force_login(f.user("yi_admin", town.yi, Role.DISTRICT_ADMIN))
    page = client.get("/attraction/contracts/figure/?key=contracts_due&through=2024-06").content.decode()
    assert 'data-total="count">1 个<' in page and c2.project.name in page and c1.project.name not in page
    other = client.get(f"/attraction/contracts/figure/?key=contracts_due&through=2024-06&unit={town.jia.pk}")
    assert other.status_code == 400 and "单位" in other.content.decode()  # not among its choices
    assert c1.project.name not in other.content.decode()
    bad = client.get("/attraction/contracts/figure/?key=nonsense&through=2024-06")
    assert bad.status_code == 400 and "未知的指标: &#x27;nonsense&#x27;" in bad.content.decode()
