"""The status rule (livelihood/progress.py) on plain values: no database."""

from decimal import Decimal

import pytest

from tuijin.livelihood import progress
from tuijin.livelihood.progress import (
    AHEAD,
    BEHIND,
    COMPLETED,
    ON_SCHEDULE,
    linear_share,
    node_share,
    status_of,
)

D = Decimal


def test_linear_share_is_months_over_twelve_by_default():
    assert linear_share(5) == D(5) / D(12)
    assert linear_share(12) == 1
    assert linear_share(0) == 0


def test_linear_share_scheduled_backwards_from_a_deadline():
    # 倒排: start in March, finish by October: through May 3 of 8 months are due.
    assert linear_share(5, start_month=3, deadline_month=10) == D(3) / D(8)
    assert linear_share(2, start_month=3, deadline_month=10) == 0
    assert linear_share(11, start_month=3, deadline_month=10) == 1


def test_node_share_is_linear_between_nodes_from_zero_to_the_year_end():
    quarterly = {3: D("0.10"), 6: D("0.20"), 9: D("0.60"), 12: D(1)}
    assert node_share(quarterly, 3) == D("0.10")
    assert node_share(quarterly, 5) == D("0.10") + D("0.10") * 2 / 3
    assert node_share(quarterly, 1) == D("0.10") / 3
    # Without a node at December the plan reaches 100% there.
    assert node_share({6: D("0.5")}, 9) == D("0.75")
    # A node plan that finishes early stays at 100%.
    assert node_share({6: D(1)}, 8) == 1


@pytest.mark.parametrize(("done", "planned", "met", "expected"), [
    ("0.20", "0.10", True, COMPLETED),  # met is completed whatever the shares
    ("0.60", "0.50", False, AHEAD),  # 10 points ahead, beyond a 5-point tolerance
    ("0.55", "0.50", False, ON_SCHEDULE),  # exactly at the tolerance: still on schedule
    ("0.45", "0.50", False, ON_SCHEDULE),
    ("0.4499", "0.50", False, BEHIND),
])
def test_status_of(done, planned, met, expected):
    assert status_of(done_share=D(done), planned=D(planned), met=met, tolerance_pp=D(5)) == expected


def test_tolerance_is_a_setting():
    assert status_of(done_share=D("0.53"), planned=D("0.50"), met=False, tolerance_pp=D(0)) == AHEAD
    assert status_of(done_share=D("0.53"), planned=D("0.50"), met=False, tolerance_pp=D(5)) == ON_SCHEDULE
    assert status_of(done_share=D("0.30"), planned=D("0.50"), met=False, tolerance_pp=D(25)) == ON_SCHEDULE


def test_an_item_with_sub_items_is_as_far_as_its_slowest_and_completed_only_when_all_are():
    a = progress.TargetState(target=None, quantity=D(4), done=D("4.73"))
    b = progress.TargetState(target=None, quantity=D(10), done=D(3))
    state = progress.ItemState(item=None, targets=[a, b], planned=D(5) / 12, tolerance_pp=D(5), report=object())
    assert state.done_share == D("0.3")
    assert not state.met
    assert state.status == BEHIND
    b = progress.TargetState(target=None, quantity=D(10), done=D(10))
    assert progress.ItemState(item=None, targets=[a, b], planned=D(1), tolerance_pp=D(5),
                              report=object()).status == COMPLETED
    # Without a counted report the item is 未报, neither on nor behind schedule.
    half = progress.TargetState(target=None, quantity=D(10), done=D(3))
    assert progress.ItemState(item=None, targets=[a, half], planned=D(5) / 12,
                              tolerance_pp=D(5)).status == "not_reported"
