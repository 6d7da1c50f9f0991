"""Traffic lights (红黄绿灯预警) per project and per unit, from rules stored as data (DOMAIN.md).

A city writes its own rules; each rule has a kind, a yellow and a red threshold, and says whether it applies
to projects, to units (板块) or to both. The kinds:

- absolute_gap (绝对差距): behind schedule by at least `yellow` percentage points → yellow, by at least `red`
  → red. The gap is schedule share − completion rate (year to date), ×100, unrounded.
- relative_gap (相对差距): completion rate below `yellow` % of the schedule share → yellow, below `red` % → red
  (so red < yellow, e.g. 60 and 80).
- consecutive_months (连续欠序时): behind schedule at the end of at least `yellow` (or `red`) consecutive months,
  counted back from the period's last month (month-end cumulative completion rate < that month's schedule share).
- missed_start (计划开工逾期): a project planned to start this year whose planned month has passed without a start:
  the months missed (the planned month itself counts once it has ended) ≥ `yellow` → yellow, ≥ `red` → red.
  Projects only.
- overdue_problem (问题逾期): open problems past their deadline at the period's end ≥ `yellow` / `red`, counted
  by the problems module (`tuijin.problems.selectors.overdue_counts(project_ids, as_of) -> {project_id: n}`);
  a unit counts its projects' overdue problems.

The light is the worst level any applicable rule reaches; the rule named with it is the first (in the city's
order) that reached that level, with the measured value in words. A project or unit no rule fires on is green.

Nothing here is stored: lights are computed from the engine's figure store (facts_qs: each listed project's
counting entry, start date and month-by-month amounts in one row; for a chosen list, the engine's entries_qs and
report statuses) and schedule_shares for a scope and period, so they agree with every figure on the dashboard.
Rules come in as plain `Rule` values (the dashboard app keeps them as rows, `LightRule`); this module does not read them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from tuijin.core.numbers import HUNDRED, ratio
from tuijin.core.periods import Period
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.selectors import conventions_for
from tuijin.progress.models import MonthlyReport
from tuijin.projects.models import Stage, StageEvent

from .engine import (
    _rollup_map,
    entries_qs,
    facts_qs,
    report_statuses,
    schedule_shares,
    store_serves,
)
from .scope import Scope

ZERO = Decimal(0)

GREEN, YELLOW, RED = "green", "yellow", "red"
LEVELS = (GREEN, YELLOW, RED)
LEVEL_RANK = {GREEN: 0, YELLOW: 1, RED: 2}
LEVEL_LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯"}

ABSOLUTE_GAP, RELATIVE_GAP = "absolute_gap", "relative_gap"
CONSECUTIVE_MONTHS, MISSED_START, OVERDUE_PROBLEM = "consecutive_months", "missed_start", "overdue_problem"
KIND_LABELS = {
    ABSOLUTE_GAP: "绝对差距 (欠序时百分点)",
    RELATIVE_GAP: "相对差距 (完成率 ÷ 序时进度)",
    CONSECUTIVE_MONTHS: "连续欠序时月数",
    MISSED_START: "计划开工逾期月数",
    OVERDUE_PROBLEM: "逾期未办结问题个数",
}
KIND_UNITS = {ABSOLUTE_GAP: "个百分点", RELATIVE_GAP: "%", CONSECUTIVE_MONTHS: "个月", MISSED_START: "个月",
              OVERDUE_PROBLEM: "个"}

PROJECT, UNIT, BOTH = "project", "unit", "both"
TARGET_LABELS = {PROJECT: "项目", UNIT: "板块", BOTH: "项目和板块"}
PROJECT_ONLY = {MISSED_START}  # a unit has no planned start of its own


@dataclass(frozen=True)
class Rule:
    """One rule as data: yellow and red thresholds in the kind's unit (None: that level is not used)."""

    name: str
    kind: str
    yellow: Decimal | None = None
    red: Decimal | None = None
    applies_to: str = BOTH
    id: int | None = None

    def applies(self, target: str) -> bool:
        if target == UNIT and self.kind in PROJECT_ONLY:
            return False
        return self.applies_to in (BOTH, target)

    def describe(self) -> str:
        """The rule in words: 欠序时 ≥ 10 个百分点黄灯, ≥ 30 个百分点红灯."""
        unit = KIND_UNITS[self.kind]
        parts = []
        for level, value in ((YELLOW, self.yellow), (RED, self.red)):
            if value is None:
                continue
            v = _plain(value)
            if self.kind == ABSOLUTE_GAP:
                parts.append(f"欠序时 ≥ {v} {unit}{LEVEL_LABELS[level]}")
            elif self.kind == RELATIVE_GAP:
                parts.append(f"完成率低于序时进度的 {v}%{LEVEL_LABELS[level]}")
            elif self.kind == CONSECUTIVE_MONTHS:
                parts.append(f"连续 {v} 个月欠序时{LEVEL_LABELS[level]}")
            elif self.kind == MISSED_START:
                parts.append(f"计划开工逾期 {v} 个月{LEVEL_LABELS[level]}")
            else:
                parts.append(f"逾期问题 ≥ {v} 个{LEVEL_LABELS[level]}")
        return "; ".join(parts) or "未设阈值"


# DOMAIN.md's example: yellow 10-30 points behind, red beyond; a planned start missed one month yellow, three red.
DEFAULT_RULES = (
    Rule("欠序时差距", ABSOLUTE_GAP, Decimal(10), Decimal(30), BOTH),
    Rule("计划开工逾期", MISSED_START, Decimal(1), Decimal(3), PROJECT),
)


def validate_rule(kind: str, yellow: Decimal | None, red: Decimal | None, applies_to: str) -> list[str]:
    """What is wrong with a rule, in words (empty: the rule is usable)."""
    errors = []
    if kind not in KIND_LABELS:
        errors.append(f"规则类型未知: {kind!r}")
        return errors
    if applies_to not in TARGET_LABELS:
        errors.append(f"适用对象未知: {applies_to!r}")
    if yellow is None and red is None:
        errors.append("黄灯和红灯阈值至少填写一个")
    for label, value in (("黄灯阈值", yellow), ("红灯阈值", red)):
        if value is not None and value < 0:
            errors.append(f"{label}不能为负数")
        if value is not None and kind in (CONSECUTIVE_MONTHS, MISSED_START, OVERDUE_PROBLEM) \
                and value != value.to_integral_value():
            errors.append(f"{label}应为整数 ({KIND_UNITS[kind]})")
    if yellow is not None and red is not None:
        if kind == RELATIVE_GAP and not red < yellow:
            errors.append("相对差距: 红灯阈值应小于黄灯阈值 (完成率越低越严重)")
        elif kind != RELATIVE_GAP and not red > yellow:
            errors.append("红灯阈值应大于黄灯阈值")
    if kind == RELATIVE_GAP and any(v is not None and v > 100 for v in (yellow, red)):
        errors.append("相对差距的阈值应在 0-100 (%) 之间")
    if kind in PROJECT_ONLY and applies_to != PROJECT:
        errors.append("计划开工逾期只适用于项目")
    return errors


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Measures:
    """What the rules look at, for one project or unit at the end of a period (year to date)."""

    completion_rate: Decimal | None  # 1-N月 completed ÷ annual plan; None without a plan
    schedule_share: Decimal | None
    months_behind: int = 0  # consecutive month-ends behind schedule, counted back from the last month
    start_overdue_months: int | None = None  # None: not a planned start this year, or started
    overdue_problems: int = 0

    @property
    def gap_pp(self) -> Decimal | None:
        """Points behind schedule (positive: behind), unrounded."""
        if self.completion_rate is None or self.schedule_share is None:
            return None
        return (self.schedule_share - self.completion_rate) * HUNDRED

    @property
    def ratio_pct(self) -> Decimal | None:
        """Completion rate as a percentage of the schedule share, unrounded."""
        if self.completion_rate is None or not self.schedule_share:
            return None
        return self.completion_rate / self.schedule_share * HUNDRED


@dataclass(frozen=True)
class Light:
    level: str
    rule: Rule | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


def _plain(value: Decimal | int) -> str:
    d = Decimal(value)
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d.quantize(Decimal('0.1')):f}"


def _one(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')):f}"


def check(rule: Rule, m: Measures) -> tuple[str, str] | None:
    """(level, reason) when the rule fires on the measures, else None."""
    value: Decimal | int | None
    if rule.kind == ABSOLUTE_GAP:
        value = m.gap_pp
        if value is None:
            return None
        for level, threshold in ((RED, rule.red), (YELLOW, rule.yellow)):
            if threshold is not None and value >= threshold:
                return level, f"欠序时 {_one(value)} 个百分点 (≥ {_plain(threshold)})"
        return None
    if rule.kind == RELATIVE_GAP:
        value = m.ratio_pct
        if value is None:
            return None
        for level, threshold in ((RED, rule.red), (YELLOW, rule.yellow)):
            if threshold is not None and value < threshold:
                return level, f"完成率为序时进度的 {_one(value)}% (< {_plain(threshold)}%)"
        return None
    if rule.kind == CONSECUTIVE_MONTHS:
        value, words = m.months_behind, "连续 {v} 个月欠序时 (≥ {t})"
    elif rule.kind == MISSED_START:
        if m.start_overdue_months is None:
            return None
        value, words = m.start_overdue_months, "计划开工已逾期 {v} 个月未开工 (≥ {t})"
    elif rule.kind == OVERDUE_PROBLEM:
        value, words = m.overdue_problems, "{v} 个问题逾期未办结 (≥ {t})"
    else:
        return None
    for level, threshold in ((RED, rule.red), (YELLOW, rule.yellow)):
        if threshold is not None and value >= threshold:
            return level, words.format(v=value, t=_plain(threshold))
    return None


def evaluate(rules, m: Measures, target: str = PROJECT) -> Light:
    """The light of one project or unit: the worst level reached, and the first rule that reached it."""
    best: Light | None = None
    for rule in rules:
        if not rule.applies(target):
            continue
        hit = check(rule, m)
        if hit is None:
            continue
        level, reason = hit
        if best is None or LEVEL_RANK[level] > best.rank:
            best = Light(level, rule, reason)
    if best is not None:
        return best
    if m.completion_rate is None:
        return Light(GREEN, None, "无年度计划, 未触发预警规则")
    if m.schedule_share is not None and m.completion_rate >= m.schedule_share:
        return Light(GREEN, None, "按序时推进")
    return Light(GREEN, None, "未触发预警规则")


# ---------------------------------------------------------------- the measures of a scope


@dataclass
class _Item:
    unit_id: int
    plan: Decimal = ZERO
    months: dict[int, Decimal] = field(default_factory=dict)
    planned_start_month: int | None = None
    started: datetime.date | None = None


@dataclass
class LightReport:
    """The lights of a scope and period: every listed project's, and each child unit's (by_unit)."""

    scope: Scope
    period: Period
    projects: dict[int, Light]
    units: dict[int, Light]
    project_measures: dict[int, Measures]
    unit_measures: dict[int, Measures]

    def counts(self, which: str = "projects") -> dict[str, int]:
        lights = self.projects if which == "projects" else self.units
        out = {level: 0 for level in LEVELS}
        for light in lights.values():
            out[light.level] += 1
        return out


def _shares(scope: Scope, year: int, last_month: int) -> dict[int, Decimal]:
    shares = schedule_shares(scope.city, year, scope.annual_list, conventions_for(scope.root, year))
    return {m: shares[m] for m in range(1, last_month + 1)}


def _months_behind(months: dict[int, Decimal], plan: Decimal, shares: dict[int, Decimal], last: int) -> int:
    if not plan:
        return 0
    cumulative, behind = ZERO, []
    for m in range(1, last + 1):
        cumulative += months.get(m, ZERO)
        behind.append(cumulative / plan < shares[m])
    n = 0
    for flag in reversed(behind):
        if not flag:
            break
        n += 1
    return n


def _overdue_problem_counts(project_ids, as_of: datetime.date) -> dict[int, int]:
    """Overdue problems per project (the problems app)."""
    from tuijin.problems.selectors import overdue_counts

    return overdue_counts(project_ids, as_of)


def light_report(scope: Scope, period: Period, rules, basis: str = "accepted", units: bool = True) -> LightReport:
    """Lights for every listed project in scope and (unless `units` is False) each child unit of the scope's
    root, year to date through the period's last month (a light is about where the year stands). A handful of
    queries; cached like compute() under the city's data version, with the rules and the overdue-problem counts
    in the key (problems are not figure rows: their writes do not move the version, so the counts, one small
    grouped query, are read on every call and a closed or overdue problem is seen at once)."""
    from .engine import cached_figures

    ytd = Period.year_to_date(period.year, period.last_month)
    rules = list(rules)
    report_statuses(basis)
    problems = (_overdue_problem_counts(entries_qs(scope, ytd.year).values("project_id"), ytd.end)
                if any(r.kind == OVERDUE_PROBLEM for r in rules) else {})
    parts = ("lights", period.first_month, repr(rules), basis, units, sorted(problems.items()))
    return cached_figures(scope, ytd, parts, lambda: _light_report(scope, period, rules, basis, units, problems))


def _light_report(scope: Scope, period: Period, rules: list, basis: str, units: bool,
                  problems: dict[int, int]) -> LightReport:
    ytd = Period.year_to_date(period.year, period.last_month)
    end = ytd.end
    items: dict[int, _Item] = {}
    if store_serves(scope):
        # The figure store: one row per listed project with its months, one query.
        report_statuses(basis)
        prefix = {"accepted": "acc", "submitted": "sub"}[basis]
        columns = [f"{prefix}{m}" for m in range(1, ytd.last_month + 1)]
        for r in facts_qs(scope, [ytd.year]).values("project_id", "unit_id", "annual_plan", "planned_new_start",
                                                    "planned_start_month", "started_on", *columns):
            items[r["project_id"]] = _Item(
                r["unit_id"], r["annual_plan"] or ZERO,
                months={m: r[c] for m, c in enumerate(columns, start=1) if r[c]},
                planned_start_month=r["planned_start_month"] if r["planned_new_start"] else None,
                started=r["started_on"])
    else:
        started = StageEvent.objects.filter(project=OuterRef("project_id"), stage=Stage.STARTED).values("date")[:1]
        for e in entries_qs(scope, ytd.year).annotate(started_on=Subquery(started)).values(
                "project_id", "project__unit_id", "annual_plan", "planned_new_start", "planned_start_month",
                "started_on"):
            items[e["project_id"]] = _Item(
                e["project__unit_id"], e["annual_plan"] or ZERO,
                planned_start_month=e["planned_start_month"] if e["planned_new_start"] else None,
                started=e["started_on"])
        reports = MonthlyReport.objects.filter(
            project_id__in=entries_qs(scope, ytd.year).values("project_id"), year=ytd.year,
            month__lte=ytd.last_month, status__in=report_statuses(basis),
        ).values_list("project_id", "month", "amount")
        for pid, month, amount in reports:
            item = items.get(pid)
            if item is not None:
                item.months[month] = item.months.get(month, ZERO) + amount
    shares = _shares(scope, ytd.year, ytd.last_month)
    share = shares[ytd.last_month]

    project_measures, project_lights = {}, {}
    for pid, item in items.items():
        overdue = None
        if item.planned_start_month and (item.started is None or item.started > end) \
                and item.planned_start_month <= ytd.last_month:
            overdue = ytd.last_month - item.planned_start_month + 1
        completed = sum(item.months.values(), ZERO)
        m = Measures(ratio(completed, item.plan), share,
                     _months_behind(item.months, item.plan, shares, ytd.last_month), overdue, problems.get(pid, 0))
        project_measures[pid] = m
        project_lights[pid] = evaluate(rules, m, PROJECT)

    children, owner = _rollup_map(scope.root) if units else ([], {})
    plan: dict[int, Decimal] = defaultdict(lambda: ZERO)
    months: dict[int, dict[int, Decimal]] = defaultdict(dict)
    unit_problems: dict[int, int] = defaultdict(int)
    for pid, item in items.items():
        child = owner.get(item.unit_id)
        if child is None:
            continue
        plan[child.pk] += item.plan
        for mo, amount in item.months.items():
            months[child.pk][mo] = months[child.pk].get(mo, ZERO) + amount
        unit_problems[child.pk] += problems.get(pid, 0)
    unit_measures, unit_lights = {}, {}
    for c in children:
        completed = sum(months[c.pk].values(), ZERO)
        m = Measures(ratio(completed, plan[c.pk]), share,
                     _months_behind(months[c.pk], plan[c.pk], shares, ytd.last_month), None, unit_problems[c.pk])
        unit_measures[c.pk] = m
        unit_lights[c.pk] = evaluate(rules, m, UNIT)
    return LightReport(scope, period, project_lights, unit_lights, project_measures, unit_measures)


def latest_month(city: OrgUnit) -> tuple[int, int] | None:
    """The latest month with city-accepted reports (市级确认) in the city: where a project page's light stands."""
    from tuijin.progress.models import ReportStatus

    return (MonthlyReport.objects.filter(status=ReportStatus.ACCEPTED, project__unit__path__startswith=city.path)
            .order_by("-year", "-month").values_list("year", "month").first())


def project_light(project, city: OrgUnit, rules, period: Period | None = None) -> tuple[Light | None, Period | None]:
    """One project's light (its city's rules, year to date through the city's latest accepted month unless a
    period is given); None when the project is on no list that year."""
    from django.db.models import Q

    if period is None:
        through = latest_month(city)
        if through is None:
            return None, None
        period = Period.year_to_date(*through)
    scope = Scope(city, restrict=Q(pk=project.pk), restrict_label=project.name)
    report = light_report(scope, period, rules, units=False)
    return report.projects.get(project.pk), period
