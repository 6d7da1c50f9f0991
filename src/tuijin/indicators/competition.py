"""District competition (双比双看 / 赛马 / 比学赶超): scoring units on weighted indicators (DOMAIN.md).

A campaign names a period, the units that compete and its indicators. Each indicator is either

- an engine indicator (ENGINE_INDICATORS): a figure compute() gives every unit (完成投资, 年度投资完成率,
  超欠序时, 开工率, 新签约 / 新开工 / 新投产 count or investment …), or
- `project_points`: points per listed project summed over the unit, by DOMAIN.md's scheme (configurable):
  5 per new start (planned this year and started by the period's end), 2 per continuing project; by annual
  plan size 20 (≥ 10 亿), 10 (5-10 亿), 6 (1-5 亿), 3 (below); by category 15 产业, 8 社会民生, 6 基础设施;
  progress = 60 × the project's completion rate in the period (capped at 100% unless `progress_cap` is
  null); and a bonus per project that entered production in the period.
- `target_progress` (目标任务完成率): the unit's progress on its yearly target (目标任务, attraction.targets)
  for the indicator named in `params["indicator"]` (a key of attraction.targets.INDICATORS; optionally
  `params["level"]`, 市定 `city` by default, or 省定 `province`): actual ÷ target for the period's year through
  the period's last month, a fraction like the other rates (printed as %). A unit without such a target has
  no value (scores 0). All competing units' targets are evaluated together (targets.evaluate: the engine once
  per distinct target scope).

Each indicator turns raw values into points by its method:

- best (标杆法):  weight × value ÷ the best unit's value (negative values and missing ones score 0);
- range (极差法): weight × (value − lowest) ÷ (highest − lowest); all equal → full weight;
- raw (原值):     value × weight (points as they are; weight 1 keeps them).

A unit's total = Σ indicator scores + its bonuses − its deductions (adjustments entered by the city). Ranks
are by the unrounded total, highest first; equal totals share a rank (1, 1, 3). The rank change compares
with the previous period's ranking (a positive change: moved up). Scores are Decimal and unrounded here;
pages round them once for print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tuijin.core.numbers import HUNDRED
from tuijin.core.periods import Period
from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import Stage, StageEvent

from .engine import Figures, compute, project_rows
from .scope import Scope

ZERO = Decimal(0)

BEST, RANGE, RAW = "best", "range", "raw"
METHOD_LABELS = {BEST: "标杆法 (权重 × 本单位值 ÷ 最高值)", RANGE: "极差法 (权重 × (值 − 最低) ÷ (最高 − 最低))",
                 RAW: "原值 (值 × 权重)"}

# kind → (label, unit for print, value from the unit's Figures, drill-down key of the dashboard list)
ENGINE_INDICATORS: dict[str, tuple[str, str, Callable[[Figures], Decimal | None], str | None]] = {
    "completed": ("完成投资", "亿元", lambda f: f.completed, "completed"),
    "annual_plan": ("年度计划投资", "亿元", lambda f: f.annual_plan, "annual_plan"),
    "completion_rate": ("年度投资完成率", "%", lambda f: f.completion_rate, "completion_rate"),
    "schedule_variance": ("超欠序时", "个百分点", lambda f: f.schedule_variance, "completion_rate"),
    "start_rate": ("计划新开工开工率", "%", lambda f: f.start_rate, "planned_new_starts_started"),
    "new_signed_count": ("新签约项目个数", "个", lambda f: Decimal(f.new_signed.count), "new_signed"),
    "new_signed_total": ("新签约项目投资", "亿元", lambda f: f.new_signed.total, "new_signed"),
    "new_started_count": ("新开工项目个数", "个", lambda f: Decimal(f.new_started.count), "new_started"),
    "new_started_total": ("新开工项目投资", "亿元", lambda f: f.new_started.total, "new_started"),
    "new_operating_count": ("新投产项目个数", "个", lambda f: Decimal(f.new_operating.count), "new_operating"),
    "new_operating_total": ("新投产项目投资 (落地产出)", "亿元", lambda f: f.new_operating.total, "new_operating"),
    "cohort_start_rate": ("签约项目开工率", "%", lambda f: f.cohort_start_rate, "cohort_started"),
}
PROJECT_POINTS = "project_points"
TARGET_PROGRESS = "target_progress"
KIND_LABELS = {**{k: v[0] for k, v in ENGINE_INDICATORS.items()}, PROJECT_POINTS: "项目赋分 (按项目计分)",
               TARGET_PROGRESS: "目标任务完成率"}
KIND_UNITS = {**{k: v[1] for k, v in ENGINE_INDICATORS.items()}, PROJECT_POINTS: "分", TARGET_PROGRESS: "%"}

# DOMAIN.md's scheme. Plan sizes in 万元 (annual plan ≥ threshold → points, first match); categories by code.
DEFAULT_POINTS = {
    "new_start": 5,
    "continuing": 2,
    "plan_size": [[100000, 20], [50000, 10], [10000, 6], [0, 3]],
    "category": {"industry": 15, "social": 8, "infrastructure": 6},
    "progress": 60,
    "progress_cap": 1,
    "operating": 10,
}


@dataclass(frozen=True)
class IndicatorSpec:
    key: str  # unique within the campaign (e.g. the indicator row's id)
    name: str
    kind: str
    weight: Decimal
    method: str = BEST
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def unit_label(self) -> str:
        return KIND_UNITS.get(self.kind, "")

    @property
    def drill_key(self) -> str | None:
        return ENGINE_INDICATORS[self.kind][3] if self.kind in ENGINE_INDICATORS else None


@dataclass
class UnitResult:
    unit: OrgUnit
    raw: dict[str, Decimal | None]
    scores: dict[str, Decimal]
    adjustment: Decimal = ZERO
    total: Decimal = ZERO
    rank: int = 0
    prev_rank: int | None = None

    @property
    def indicator_total(self) -> Decimal:
        return sum(self.scores.values(), ZERO)

    @property
    def rank_change(self) -> int | None:
        """Places moved up since the previous period (negative: down); None without a previous ranking."""
        return None if self.prev_rank is None else self.prev_rank - self.rank


@dataclass
class Ranking:
    period: Period
    specs: list[IndicatorSpec]
    rows: list[UnitResult]  # in rank order
    previous_period: Period | None = None


def validate_spec(kind: str, weight: Decimal, method: str) -> list[str]:
    errors = []
    if kind not in KIND_LABELS:
        errors.append(f"指标类型未知: {kind!r}")
    if method not in METHOD_LABELS:
        errors.append(f"计分方法未知: {method!r}")
    if weight is None or weight < 0:
        errors.append("权重不能为负数")
    return errors


def target_indicators() -> dict:
    """attraction.targets.INDICATORS: the indicators a yearly target may name."""
    from tuijin.attraction.targets import INDICATORS

    return INDICATORS


def validate_params(kind: str, params) -> list[str]:
    """The parameters an indicator kind needs: target_progress names a target indicator (and maybe a level)."""
    if kind != TARGET_PROGRESS:
        return []
    params = params if isinstance(params, dict) else {}
    indicators = target_indicators()
    name = params.get("indicator")
    errors = []
    if not name:
        errors.append("目标任务完成率须选择目标任务指标 (计分参数 indicator)")
    elif name not in indicators:
        errors.append(f"目标任务指标未知: {name!r} (可选: {', '.join(indicators) or '无, 未安装招商引资模块'})")
    level = params.get("level", "city")
    if level not in ("city", "province"):
        errors.append(f"目标任务下达层级未知: {level!r} (可选: city 市定, province 省定)")
    return errors


# ---------------------------------------------------------------- pure scoring


def normalise(values: dict[int, Decimal | None], weight: Decimal, method: str) -> dict[int, Decimal]:
    """Indicator points per unit from raw values (see the module's docstring for the methods)."""
    present = {k: v for k, v in values.items() if v is not None}
    out = {k: ZERO for k in values}
    if not present:
        return out
    if method == RAW:
        return {k: (v * weight if v is not None else ZERO) for k, v in values.items()}
    if method == BEST:
        best = max(present.values())
        if best <= 0:
            return out
        return {k: (weight * max(v, ZERO) / best if v is not None else ZERO) for k, v in values.items()}
    if method == RANGE:
        low, high = min(present.values()), max(present.values())
        if high == low:
            return {k: (weight if v is not None else ZERO) for k, v in values.items()}
        return {k: (weight * (v - low) / (high - low) if v is not None else ZERO) for k, v in values.items()}
    raise ValueError(f"unknown method {method!r}")


def competition_ranks(totals: dict[int, Decimal]) -> dict[int, int]:
    """1 for the highest total; equal totals share a rank and the next rank skips (1, 1, 3)."""
    ordered = sorted(totals.values(), reverse=True)
    return {k: 1 + sum(1 for t in ordered if t > v) for k, v in totals.items()}


def score(units: list[OrgUnit], specs: list[IndicatorSpec], raw: dict[int, dict[str, Decimal | None]],
          adjustments: dict[int, Decimal] | None = None) -> list[UnitResult]:
    """Scores, totals and ranks from raw values {unit id: {spec key: value}}; rank order, ties by unit order."""
    adjustments = adjustments or {}
    per_spec = {s.key: normalise({u.pk: raw.get(u.pk, {}).get(s.key) for u in units}, s.weight, s.method)
                for s in specs}
    results = []
    for u in units:
        scores = {s.key: per_spec[s.key][u.pk] for s in specs}
        adj = adjustments.get(u.pk, ZERO)
        results.append(UnitResult(u, {s.key: raw.get(u.pk, {}).get(s.key) for s in specs}, scores, adj,
                                  sum(scores.values(), ZERO) + adj))
    ranks = competition_ranks({r.unit.pk: r.total for r in results})
    order = {u.pk: i for i, u in enumerate(units)}
    for r in results:
        r.rank = ranks[r.unit.pk]
    return sorted(results, key=lambda r: (r.rank, order[r.unit.pk]))


# ---------------------------------------------------------------- raw values from the engine


def _plan_points(plan: Decimal, scale) -> Decimal:
    for threshold, points in scale:
        if plan >= Decimal(str(threshold)):
            return Decimal(str(points))
    return ZERO


def project_points(scope: Scope, period: Period, params: dict | None = None, basis: str = "accepted"
                   ) -> dict[int, Decimal]:
    """Points per listed project in scope for the period ({project id: points}), by the scheme in `params`
    (DEFAULT_POINTS where a key is missing)."""
    p = {**DEFAULT_POINTS, **(params or {})}
    end = period.end
    started = {pid for pid in StageEvent.objects.filter(stage=Stage.STARTED, date__lte=end)
               .filter(scope.project_q("project__")).values_list("project_id", flat=True)}
    operating = set(StageEvent.objects.filter(stage=Stage.OPERATING, date__gte=period.start, date__lte=end)
                    .filter(scope.project_q("project__")).values_list("project_id", flat=True))
    cap = p.get("progress_cap")
    category_points = {k: Decimal(str(v)) for k, v in (p.get("category") or {}).items()}
    out = {}
    for row in project_rows(scope, period, basis):
        e, project = row.entry, row.project
        pts = ZERO
        if e.planned_new_start and project.pk in started:
            pts += Decimal(str(p["new_start"]))
        if e.continuing:
            pts += Decimal(str(p["continuing"]))
        pts += _plan_points(e.annual_plan, p.get("plan_size") or [])
        pts += category_points.get(project.category.code, ZERO)
        rate = row.completion_rate
        if rate is not None and p.get("progress"):
            if cap is not None:
                rate = min(rate, Decimal(str(cap)))
            pts += Decimal(str(p["progress"])) * rate
        if project.pk in operating:
            pts += Decimal(str(p.get("operating") or 0))
        out[project.pk] = pts
    return out


def raw_values(scope: Scope, units: list[OrgUnit], specs: list[IndicatorSpec], period: Period,
               basis: str = "accepted") -> dict[int, dict[str, Decimal | None]]:
    """Each unit's raw value of each indicator for the period: engine figures from one compute() of the scope
    (its by-unit breakdown), project points summed over each unit's subtree, target progress from one
    evaluation of the units' targets (target_progress)."""
    out: dict[int, dict[str, Decimal | None]] = {u.pk: {} for u in units}
    engine_specs = [s for s in specs if s.kind in ENGINE_INDICATORS]
    if engine_specs:
        figures = compute(scope, period, basis=basis)
        by_unit = {f.unit.pk: f for f in figures.by_unit if not f.own_level}
        for u in units:
            f = by_unit.get(u.pk) or compute(scope.with_unit(u), period, basis=basis, breakdown=False)
            for s in engine_specs:
                out[u.pk][s.key] = ENGINE_INDICATORS[s.kind][2](f)
    point_specs = [s for s in specs if s.kind == PROJECT_POINTS]
    if point_specs:
        from tuijin.projects.models import Project

        unit_of = {}  # project id → the competing unit whose subtree holds it
        for pid, path in Project.objects.filter(scope.project_q()).values_list("pk", "unit__path"):
            unit_of[pid] = next((u.pk for u in units if path.startswith(u.path)), None)
        for s in point_specs:
            totals = {u.pk: ZERO for u in units}
            for pid, pts in project_points(scope, period, s.params, basis).items():
                if unit_of.get(pid) is not None:
                    totals[unit_of[pid]] += pts
            for u in units:
                out[u.pk][s.key] = totals[u.pk]
    target_specs = [s for s in specs if s.kind == TARGET_PROGRESS]
    if target_specs and target_indicators():
        for pk, values in target_progress(units, target_specs, period).items():
            out[pk].update(values)
    return out


def target_progress(units: list[OrgUnit], specs: list[IndicatorSpec], period: Period
                    ) -> dict[int, dict[str, Decimal | None]]:
    """{unit id: {spec key: progress}} for target_progress indicators: the competing units' targets of the
    period's year, read in one query and evaluated in one targets.evaluate() call through the period's last
    month. Of several targets a unit has for the indicator and level, the one on its whole programme (no list,
    no category) counts, else the first set."""
    from tuijin.attraction.models import Target

    from .targets import evaluate

    out: dict[int, dict[str, Decimal | None]] = {u.pk: {s.key: None for s in specs} for u in units}
    wanted = {(s.params.get("indicator"), s.params.get("level", "city")) for s in specs}
    targets = (Target.objects.filter(unit__in=[u.pk for u in units], year=period.year,
                                     indicator__in={i for i, _ in wanted})
               .select_related("unit", "annual_list", "category").prefetch_related("steps")
               .order_by("unit_id", "id"))
    chosen: dict[tuple, Any] = {}
    for t in targets:
        key = (t.unit_id, t.indicator, t.level)
        if key[1:] not in wanted:
            continue
        current = chosen.get(key)
        if current is None or ((current.annual_list_id or current.category_id)
                               and not (t.annual_list_id or t.category_id)):
            chosen[key] = t
    progress = {(r.target.unit_id, r.target.indicator, r.target.level): r.progress
                for r in evaluate(chosen.values(), period.last_month)}
    for u in units:
        for s in specs:
            out[u.pk][s.key] = progress.get((u.pk, s.params.get("indicator"), s.params.get("level", "city")))
    return out


def previous_period(period: Period) -> Period:
    """The period of the same length just before: 4-6月 → 1-3月, 1-3月 → the previous year's 10-12月."""
    length = period.last_month - period.first_month + 1
    if period.first_month > length:
        return Period(period.year, period.first_month - length, period.first_month - 1)
    if period.first_month > 1:
        return Period(period.year, 1, period.first_month - 1)
    return Period(period.year - 1, 13 - length, 12)


def rank_units(scope: Scope, units: list[OrgUnit], specs: list[IndicatorSpec], period: Period, *,
               adjustments: dict[int, Decimal] | None = None,
               previous: list[UnitResult] | None = None, compare_previous: bool = True,
               basis: str = "accepted") -> Ranking:
    """The ranking of a campaign: scores from the engine, the city's adjustments, and the rank change against
    `previous` (another campaign's ranking) or, when none is given, against the same indicators scored over
    the previous period of the same length (without adjustments)."""
    rows = score(units, specs, raw_values(scope, units, specs, period, basis), adjustments)
    prev_period = None
    if previous is None and compare_previous:
        prev_period = previous_period(period)
        previous = score(units, specs, raw_values(scope, units, specs, prev_period, basis))
    if previous is not None:
        prev = {r.unit.pk: r.rank for r in previous}
        for r in rows:
            r.prev_rank = prev.get(r.unit.pk)
    return Ranking(period, specs, rows, prev_period)


def as_percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * HUNDRED

