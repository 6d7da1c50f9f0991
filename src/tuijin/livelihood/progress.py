"""The status rule of a livelihood item (民生实事进度状态), in one place. Pure functions over plain values:
no queries, no rounding (fractions stay exact Decimals; presentation rounds once, by the city's rule).

At the end of a month, an item is

    已完成 completed    every target met: cumulative done ≥ annual target (whatever the month);
    超序时 ahead        done share − planned share >  tolerance;
    按序时 on_schedule  |done share − planned share| ≤ tolerance (有序推进);
    欠序时 behind       done share − planned share < −tolerance (滞后: 提请分管领导研究调度);
    未报 not_reported   no report counted through the month (the basis's statuses): nothing to compare, so
                        neither on nor behind schedule; the bulletin and the page say 未报, never 欠序时.

The done share of an item is the share of its least advanced target (an item split into 事项 is only as far
along as its slowest sub-item, and is completed only when every sub-item is). The tolerance is the
programme's setting `tolerance_pp`, in percentage points.

The planned share (计划进度) through a month:
- with a milestone plan (节点计划, per month or per quarter end): the planned cumulative share at the node
  months, linear between nodes, 0 at the start of the year and 100% at year end unless a node says otherwise
  (the same rule as the city's phased schedule curve, indicators.engine.schedule_share_at). A quarterly plan
  {3: 10%, 6: 20%, 9: 60%, 12: 100%} gives 16.67% through May where the linear share is 41.67%;
- without one: linear from the start month to the deadline month (倒排 from the deadline), 100% from the
  deadline on; with the defaults 1 and 12 this is the domain's months ÷ 12.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)

COMPLETED, AHEAD, ON_SCHEDULE, BEHIND = "completed", "ahead", "on_schedule", "behind"
NOT_REPORTED = "not_reported"
STATUSES = (COMPLETED, AHEAD, ON_SCHEDULE, BEHIND, NOT_REPORTED)
STATUS_LABELS = {COMPLETED: "已完成", AHEAD: "超序时", ON_SCHEDULE: "按序时", BEHIND: "欠序时", NOT_REPORTED: "未报"}


def linear_share(month: int, start_month: int = 1, deadline_month: int = 12) -> Decimal:
    """均衡 / 倒排: the share due through `month` when the work runs evenly from start to deadline."""
    if month < start_month:
        return ZERO
    if month >= deadline_month:
        return ONE
    return Decimal(month - start_month + 1) / Decimal(deadline_month - start_month + 1)


def node_share(nodes: Mapping[int, Decimal], month: int) -> Decimal:
    """节点计划: the planned cumulative share (fractions at node months), linear between the nodes."""
    if month <= 0:
        return ZERO
    known = {0: ZERO, **nodes}
    known.setdefault(12, ONE)
    if month in known:
        return known[month]
    lower = max(m for m in known if m < month)
    uppers = [m for m in known if m > month]
    if not uppers:
        return known[lower]
    upper = min(uppers)
    return known[lower] + (known[upper] - known[lower]) * Decimal(month - lower) / Decimal(upper - lower)


def planned_share(month: int, *, nodes: Mapping[int, Decimal] | None = None, start_month: int = 1,
                  deadline_month: int = 12) -> Decimal:
    """计划进度 through the end of `month`, as a fraction of the annual target."""
    if nodes:
        return node_share(nodes, month)
    return linear_share(month, start_month, deadline_month)


def status_of(*, done_share: Decimal, planned: Decimal, met: bool, tolerance_pp: Decimal) -> str:
    """The rule above. `met`: every target reached (then 已完成 whatever the shares)."""
    if met:
        return COMPLETED
    gap = done_share - planned
    tolerance = Decimal(tolerance_pp) / HUNDRED
    if gap > tolerance:
        return AHEAD
    if gap < -tolerance:
        return BEHIND
    return ON_SCHEDULE


@dataclass(frozen=True)
class TargetState:
    """One target at the period end: annual quantity, cumulative done (0 before the first report)."""

    target: object
    quantity: Decimal
    done: Decimal

    @property
    def share(self) -> Decimal:
        return self.done / self.quantity if self.quantity else ZERO

    @property
    def met(self) -> bool:
        return self.done >= self.quantity


@dataclass
class ItemState:
    """An item at the period end, with everything its status was computed from."""

    item: object
    targets: list[TargetState]
    planned: Decimal
    tolerance_pp: Decimal
    investment_ytd: Decimal | None = None
    report: object = None  # the latest counted report through the month, if any

    @property
    def done_share(self) -> Decimal:
        return min((t.share for t in self.targets), default=ZERO)

    @property
    def met(self) -> bool:
        return bool(self.targets) and all(t.met for t in self.targets)

    @property
    def status(self) -> str:
        if self.report is None and not self.met:
            return NOT_REPORTED
        return status_of(done_share=self.done_share, planned=self.planned, met=self.met,
                         tolerance_pp=self.tolerance_pp)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def lagging(self) -> bool:
        return self.status == BEHIND


@dataclass
class Tally:
    """Counts by status for a group of items (the whole programme, a category, a lead unit)."""

    key: object = None
    label: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    planned_investment: Decimal = ZERO
    investment_ytd: Decimal = ZERO
    investment_items: int = 0

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    def add(self, state: ItemState) -> None:
        self.counts[state.status] += 1
        if state.item.planned_investment is not None:
            self.investment_items += 1
            self.planned_investment += state.item.planned_investment
            self.investment_ytd += state.investment_ytd or ZERO

    @property
    def investment_rate(self) -> Decimal | None:
        """投资完成率: completed ÷ planned over the items with a planned investment; None without a plan."""
        return self.investment_ytd / self.planned_investment if self.planned_investment else None


def tally(states: Iterable[ItemState], key, label) -> list[Tally]:
    """Counts grouped by key(state), in first-seen order (callers pass states in programme order)."""
    groups: dict[object, Tally] = {}
    for s in states:
        k = key(s)
        if k not in groups:
            groups[k] = Tally(key=k, label=label(s))
        groups[k].add(s)
    return list(groups.values())


def total(states: Iterable[ItemState]) -> Tally:
    t = Tally(label="合计")
    for s in states:
        t.add(s)
    return t
