"""目标任务: the indicators a unit's yearly target can be set on (each read from the one engine's Figures, or from
the attraction performance figures, which themselves use the engine), and progress against a target. The
evaluation, which computes those figures, is indicators.targets (the figures layer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tuijin.core.numbers import HUNDRED, ratio, wan_to_yi
from tuijin.orgs.models import OrgUnit, UnitKind


def _pct(fraction):
    return None if fraction is None else fraction * HUNDRED


@dataclass(frozen=True)
class TargetIndicator:
    label: str
    unit: str  # 个, 亿元, %
    read: Callable[..., Decimal | None]  # (engine Figures, attraction Performance or None) → the value
    needs_performance: bool = False


# Target values are stored in the indicator's unit: counts in 个, amounts in 亿元 (分来源到位资金: 万元), rates in %.
INDICATORS: dict[str, TargetIndicator] = {
    "new_signed_count": TargetIndicator("新签约项目个数", "个", lambda f, p: Decimal(f.new_signed.count)),
    "new_signed_amount": TargetIndicator("新签约项目投资", "亿元", lambda f, p: wan_to_yi(f.new_signed.total)),
    "new_started_count": TargetIndicator("新开工项目个数", "个", lambda f, p: Decimal(f.new_started.count)),
    "new_operating_count": TargetIndicator("新投产项目个数", "个", lambda f, p: Decimal(f.new_operating.count)),
    "completed_investment": TargetIndicator("完成投资", "亿元", lambda f, p: wan_to_yi(f.completed)),
    "start_rate": TargetIndicator("计划新开工项目开工率", "%", lambda f, p: _pct(f.start_rate)),
    "operations_done": TargetIndicator("计划投产项目投产个数", "个", lambda f, p: Decimal(f.planned_operations_done)),
    "operation_rate": TargetIndicator("计划投产项目投产率", "%", lambda f, p: _pct(f.operation_rate)),
    "cohort_start_rate": TargetIndicator("签约项目开工率", "%", lambda f, p: _pct(f.cohort_start_rate)),
    "performance_rate": TargetIndicator("履约率", "%", lambda f, p: _pct(p.performance_rate), True),
    "funds_arrival_rate": TargetIndicator("资金到位率", "%", lambda f, p: _pct(p.funds_arrival_rate), True),
    "funds_arrived": TargetIndicator("到位资金", "亿元", lambda f, p: wan_to_yi(p.funds_arrived), True),
    "foreign_capital_arrived": TargetIndicator("实际到位外资", "亿元", lambda f, p: wan_to_yi(p.foreign_arrived), True),
    # A target on one funds source (Target.source): in 万元; read per target in evaluate().
    "source_funds_arrived": TargetIndicator("分来源到位资金", "万元", lambda f, p: None, True),
}
SOURCE_INDICATOR = "source_funds_arrived"


@dataclass
class TargetProgress:
    """A target and where it stands at the end of a month (unrounded)."""

    target: object
    through_month: int
    actual: Decimal | None
    expected: Decimal  # the target due by now: the breakdown step in force, else target × schedule share
    city: OrgUnit | None = None  # the target's city (its conventions round the printed figures)

    @property
    def indicator(self) -> TargetIndicator:
        return INDICATORS[self.target.indicator]

    @property
    def progress(self) -> Decimal | None:
        """完成目标任务的 x% (as a fraction)."""
        return ratio(self.actual, self.target.value)

    @property
    def schedule(self) -> Decimal:
        """The share of the target expected by now (进度)."""
        return ratio(self.expected, self.target.value) or Decimal(0) if self.target.value else Decimal(1)

    @property
    def met(self) -> bool | None:
        """Whether the target is met: the actual at or above (or strictly above) the target value."""
        if self.actual is None:
            return None
        value = self.target.value
        return self.actual > value if self.target.strictly_above else self.actual >= value

    @property
    def on_schedule(self) -> bool | None:
        return None if self.actual is None else self.actual >= self.expected

    @property
    def status(self) -> str | None:
        """met (已完成), on_schedule (按进度), behind (滞后), or None without an actual value."""
        if self.actual is None:
            return None
        return "met" if self.met else "on_schedule" if self.on_schedule else "behind"


STATUS_LABELS = {"met": "已完成", "on_schedule": "按进度", "behind": "滞后"}


def cities_of(units) -> dict[int, OrgUnit]:
    """{unit id: its city} for many units in one query (OrgUnit.city() would cost one per unit). The city's
    conventions are read per year where its figures are presented."""
    units = list(units)
    ancestors = {a for u in units for a in u.ancestor_ids} | {u.pk for u in units}
    cities = {c.pk: c for c in OrgUnit.objects.filter(pk__in=ancestors, kind=UnitKind.CITY)}
    out = {}
    for u in units:
        city = cities.get(u.pk) or next((cities[a] for a in u.ancestor_ids if a in cities), None)
        if city is not None:
            out[u.pk] = city
    return out


def expected_by(target, month: int, shares: dict[int, Decimal] | None = None) -> Decimal:
    """The target due by the end of `month`: the breakdown step in force; else target × min(1, month ÷ due
    month), or, given the city's schedule shares ({month: 序时进度}, engine.schedule_shares), target ×
    min(1, share(month) ÷ share(due month)) (the targets by funds source follow the city's schedule)."""
    steps = [s for s in target.steps.all() if s.month <= month]
    if target.steps.all():
        return steps[-1].cumulative_value if steps else Decimal(0)
    if shares is not None and shares.get(target.due_month):
        return target.value * min(Decimal(1), shares[month] / shares[target.due_month])
    return target.value * min(Decimal(1), Decimal(month) / Decimal(target.due_month))
