"""履约 (performance): 履约率, 资金到位率, 实际到位外资 and the signing cohort's start and production rates, on
hand-made contracts, against hand computation; a figure with no denominator is absent (None), not 0%."""

from decimal import Decimal

import pytest

from tuijin.attraction.indicators import performance, performance_drilldown
from tuijin.attraction.services import record_funds_arrival
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
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
        record_funds_arrival(contract=c1, date=D(2024, 7, 1), amount=4001, source="domestic")
    assert err.value.field == "amount"
    assert c1.arrivals.count() == 2
    record_funds_arrival(contract=c1, date=D(2024, 7, 1), amount=4001, source="domestic", confirm_over=True)
    assert c1.arrivals.count() == 3
