"""The indicator engine: every figure of DOMAIN.md's table, for any scope and period, computed in the database.

Definitions (each figure below is computed here and nowhere else):

- projects (项目个数): projects on the year's lists in scope; a project on several lists counts once, under
  its highest-ranked list, unless one list is chosen.
- annual_plan (年度计划投资): Σ the entries' annual planned investment (万元).
- completed (完成投资): Σ monthly reports' 当月完成投资 for the months of the period (= the 1-N月累计 for a
  year-to-date period), over the listed projects in scope; accepted reports unless asked for submitted ones.
- completion_rate (年度投资完成率): completed ÷ annual_plan.
- schedule_share (序时进度): share of the year elapsed by the period's end, by the city's basis (months ÷ 12,
  days ÷ days in year) or a phased curve stored per city / list / year.
- schedule_variance_pp (超/欠序时 … 个百分点): (completion_rate − schedule_share) × 100, from unrounded values
  unless the city prints it from the printed rates.
- planned_new_starts / …_started (计划新开工 / 已开工): entries flagged 计划新开工; of those, projects whose 开工
  event is on or before the period's end. start_rate = started ÷ planned; 序时开工率 uses the entries whose
  planned month is within the period.
- planned_completions / planned_operations: the same pattern for 计划竣工 / 计划投产.
- new_signed / new_started / new_operating (新签约 / 新开工 / 新投产): projects whose 签约 / 开工 / 投产 event date
  falls in the period: count and Σ total planned investment, with the same period a year earlier. A project
  counts once, at its first signing (one 签约 event per project, however often it is re-signed); for new_signed
  the amount also adds the increments of capital increases (增资 contracts, indicators.attraction) signed in
  the period, of projects in scope, and the count does not change.
- period_plan (同期计划): Σ entries' planned cumulative amounts through the period, where they carry one.
- cohort_signed / cohort_started / cohort_operating (签约项目开工率 / 投产率, 转化率): of the projects in scope
  signed from 1 January of the period's year to its end (the signing cohort), those started and those in
  production by the period's end. Rates use the signed count as the denominator.

All amounts are Decimal 万元 and unrounded here; `present()` rounds once for print by the city's rule.
Every aggregate groups by the project's unit, so a breakdown by child unit costs no extra query.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, Sum, Value

from tuijin.core.numbers import HUNDRED, growth, ratio
from tuijin.core.periods import Period, days_elapsed_through_month, days_in_year
from tuijin.orgs.models import Conventions, OrgUnit, UnitKind
from tuijin.orgs.selectors import conventions_for
from tuijin.progress.models import SUBMITTED_STATUSES, MonthlyReport, ReportStatus
from tuijin.projects.models import (
    EntryMonthlyPlan,
    ListEntry,
    Project,
    ScheduleCurve,
    Stage,
    StageEvent,
)

from .scope import Scope

ZERO = Decimal(0)
EVENT_FIGURES = {"new_signed": Stage.SIGNED, "new_started": Stage.STARTED, "new_operating": Stage.OPERATING}
BASES = ("accepted", "submitted")


# ---------------------------------------------------------------- schedule share


def schedule_share_at(city: OrgUnit, year: int, month: int, annual_list=None, config: Conventions | None = None
                      ) -> Decimal:
    """序时进度 at the end of `month`, as a fraction: the list's curve if stored, else the conventions' curve
    for the year, else by the conventions' basis."""
    if month == 0:
        return ZERO
    config = config or conventions_for(city, year)
    points = _curve_points(city, year, annual_list, config)
    if points:
        return _interpolate(points, month)
    if config.schedule_basis == Conventions.ScheduleBasis.DAY:
        return Decimal(days_elapsed_through_month(year, month)) / Decimal(days_in_year(year))
    return Decimal(month) / Decimal(12)


def _curve_points(city, year, annual_list, config: Conventions) -> dict[int, Decimal]:
    if annual_list is not None:
        specific = {r.month: r.cumulative_pct / HUNDRED
                    for r in ScheduleCurve.objects.filter(city=city, year=year, annual_list=annual_list)}
        if specific:
            return specific
    return config.curve_points


def _interpolate(points: dict[int, Decimal], month: int) -> Decimal:
    known = {0: ZERO, **points}
    known.setdefault(12, Decimal(1))
    if month in known:
        return known[month]
    lower = max(m for m in known if m < month)
    upper = min(m for m in known if m > month)
    return known[lower] + (known[upper] - known[lower]) * Decimal(month - lower) / Decimal(upper - lower)


def schedule_shares(city: OrgUnit, year: int, annual_list=None, config: Conventions | None = None
                    ) -> dict[int, Decimal]:
    """schedule_share_at for every month 0-12 of a year at once (the curve read once): {month: share}."""
    config = config or conventions_for(city, year)
    points = _curve_points(city, year, annual_list, config)
    if points:
        return {m: _interpolate(points, m) if m else ZERO for m in range(13)}
    if config.schedule_basis == Conventions.ScheduleBasis.DAY:
        days = Decimal(days_in_year(year))
        return {m: Decimal(days_elapsed_through_month(year, m)) / days if m else ZERO for m in range(13)}
    return {m: Decimal(m) / Decimal(12) for m in range(13)}


def schedule_share(scope: Scope, period: Period) -> Decimal:
    config = conventions_for(scope.root, period.year)
    end = schedule_share_at(scope.city, period.year, period.last_month, scope.annual_list, config)
    start = schedule_share_at(scope.city, period.year, period.first_month - 1, scope.annual_list, config)
    return end - start


# ---------------------------------------------------------------- figures


@dataclass
class EventFigure:
    """新签约 / 新开工 / 新投产: count and Σ total planned investment, this period and a year earlier."""

    count: int = 0
    total: Decimal = ZERO
    count_prev: int = 0
    total_prev: Decimal = ZERO

    def add(self, other: EventFigure) -> None:
        self.count += other.count
        self.total += other.total
        self.count_prev += other.count_prev
        self.total_prev += other.total_prev

    @property
    def count_yoy(self) -> Decimal | None:
        return growth(self.count, self.count_prev)

    @property
    def count_change(self) -> int:
        """同比增加 N 个: count − count a year earlier."""
        return self.count - self.count_prev

    @property
    def total_change(self) -> Decimal:
        """同比增加 (万元): total − total a year earlier."""
        return self.total - self.total_prev

    @property
    def total_yoy(self) -> Decimal | None:
        return growth(self.total, self.total_prev)


ADDITIVE = ("projects", "annual_plan", "completed", "completed_prev", "annual_plan_prev", "planned_new_starts",
            "planned_new_starts_started", "planned_starts_to_date", "planned_starts_to_date_started",
            "planned_completions", "planned_completions_done", "planned_operations", "planned_operations_done",
            "period_plan", "period_plan_projects", "cohort_signed", "cohort_started", "cohort_operating",
            "cohort_at_capacity", "total_investment", "behind_schedule", "active_projects", "active_plan",
            "active_completed", "completions_in_year", "operations_in_year", "funds_secured")


@dataclass
class Figures:
    """The unrounded figures of one scope and period. Derived rates are properties, never stored."""

    scope: Scope
    period: Period
    schedule_share: Decimal
    basis: str = "accepted"
    unit: OrgUnit | None = None
    projects: int = 0
    annual_plan: Decimal = ZERO
    completed: Decimal = ZERO
    annual_plan_prev: Decimal = ZERO
    completed_prev: Decimal = ZERO
    planned_new_starts: int = 0
    planned_new_starts_started: int = 0
    planned_starts_to_date: int = 0
    planned_starts_to_date_started: int = 0
    planned_completions: int = 0
    planned_completions_done: int = 0
    planned_operations: int = 0
    planned_operations_done: int = 0
    period_plan: Decimal = ZERO
    period_plan_projects: int = 0
    cohort_signed: int = 0
    cohort_started: int = 0
    cohort_operating: int = 0
    cohort_at_capacity: int = 0  # 达产: of the signing cohort, those at design capacity by the period's end
    # List figures (issue 20): Σ 计划总投资 of the listed projects; projects behind schedule; the 续建和计划开工
    # 实际已开工 subset; 竣工 / 投产 in the year whether planned or not; 资金落实.
    total_investment: Decimal = ZERO
    behind_schedule: int = 0
    active_projects: int = 0
    active_plan: Decimal = ZERO
    active_completed: Decimal = ZERO
    completions_in_year: int = 0
    operations_in_year: int = 0
    funds_secured: Decimal = ZERO
    events: dict[str, EventFigure] = field(default_factory=lambda: {k: EventFigure() for k in EVENT_FIGURES})
    by_unit: list[Figures] = field(default_factory=list)
    own_level: bool = False  # a by-unit row for the projects held by the root unit itself (本级)

    def add(self, other: Figures) -> None:
        for name in ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, fig in other.events.items():
            self.events[key].add(fig)

    @property
    def completion_rate(self) -> Decimal | None:
        """年度投资完成率: completed ÷ annual plan."""
        return ratio(self.completed, self.annual_plan)

    @property
    def completion_rate_prev(self) -> Decimal | None:
        return ratio(self.completed_prev, self.annual_plan_prev)

    @property
    def completed_yoy(self) -> Decimal | None:
        return growth(self.completed, self.completed_prev)

    @property
    def schedule_variance(self) -> Decimal | None:
        """超(+)/欠(−)序时, as a fraction: completion rate − schedule share, unrounded."""
        rate = self.completion_rate
        return None if rate is None else rate - self.schedule_share

    @property
    def start_rate(self) -> Decimal | None:
        """开工率: started ÷ planned new starts of the year."""
        return ratio(self.planned_new_starts_started, self.planned_new_starts)

    @property
    def start_rate_to_date(self) -> Decimal | None:
        """序时开工率: started ÷ planned to start through this month."""
        return ratio(self.planned_starts_to_date_started, self.planned_starts_to_date)

    @property
    def completion_count_rate(self) -> Decimal | None:
        """竣工率."""
        return ratio(self.planned_completions_done, self.planned_completions)

    @property
    def operation_rate(self) -> Decimal | None:
        """投产率."""
        return ratio(self.planned_operations_done, self.planned_operations)

    @property
    def period_plan_rate(self) -> Decimal | None:
        """完成同期计划的 x%: completed ÷ Σ planned cumulative through the period (only when plans exist)."""
        return ratio(self.completed, self.period_plan) if self.period_plan_projects else None

    @property
    def ahead_of_period_plan(self) -> Decimal | None:
        """超同期 (万元): completed − period plan."""
        return self.completed - self.period_plan if self.period_plan_projects else None

    @property
    def cohort_start_rate(self) -> Decimal | None:
        """签约项目开工率: of the year's signing cohort, the share started."""
        return ratio(self.cohort_started, self.cohort_signed)

    @property
    def cohort_operating_rate(self) -> Decimal | None:
        """签约项目投产率: of the year's signing cohort, the share in production."""
        return ratio(self.cohort_operating, self.cohort_signed)

    @property
    def cohort_at_capacity_rate(self) -> Decimal | None:
        """签约项目达产率: of the year's signing cohort, the share at design capacity."""
        return ratio(self.cohort_at_capacity, self.cohort_signed)

    @property
    def completed_change(self) -> Decimal:
        """同比增加 (万元): completed − completed a year earlier."""
        return self.completed - self.completed_prev

    @property
    def behind_schedule_share(self) -> Decimal | None:
        """未达到序时进度项目占全年项目数的比例: behind_schedule ÷ projects."""
        return ratio(self.behind_schedule, self.projects)

    @property
    def active_completion_rate(self) -> Decimal | None:
        """续建和计划开工实际已开工项目的年度投资完成率: active_completed ÷ active_plan."""
        return ratio(self.active_completed, self.active_plan)

    @property
    def active_schedule_variance(self) -> Decimal | None:
        rate = self.active_completion_rate
        return None if rate is None else rate - self.schedule_share

    @property
    def completions_all_rate(self) -> Decimal | None:
        """竣工率 (含计划外): projects completed in the year, planned or not, ÷ planned completions."""
        return ratio(self.completions_in_year, self.planned_completions)

    @property
    def operations_all_rate(self) -> Decimal | None:
        """投产率 (含计划外): projects in production from this year, planned or not, ÷ planned operations."""
        return ratio(self.operations_in_year, self.planned_operations)

    @property
    def funds_secured_rate(self) -> Decimal | None:
        """资金落实率: Σ funds secured in the period ÷ annual plan."""
        return ratio(self.funds_secured, self.annual_plan)

    @property
    def half_and_half(self) -> bool | None:
        """双过半: at 1-6月, completion rate ≥ 50%."""
        rate = self.completion_rate
        if rate is None or self.period != Period.year_to_date(self.period.year, 6):
            return None
        return rate >= Decimal("0.5")

    @property
    def new_signed(self) -> EventFigure:
        return self.events["new_signed"]

    @property
    def new_started(self) -> EventFigure:
        return self.events["new_started"]

    @property
    def new_operating(self) -> EventFigure:
        return self.events["new_operating"]


# ---------------------------------------------------------------- querysets (also used for drill-down)


def _lists_of(scope: Scope) -> Q:
    """The lists a scope reads: its city's; for a province root (全省), the lists of every city in it and the
    province's own (a project belongs to one city, so the highest-list rule still picks one entry)."""
    if scope.city.kind == UnitKind.PROVINCE:
        return Q(annual_list__city__path__startswith=scope.city.path)
    return Q(annual_list__city=scope.city)


def entries_qs(scope: Scope, year: int):
    """The list entries in scope for a year: one per project (its highest list) unless a list is chosen."""
    qs = ListEntry.objects.filter(_lists_of(scope), year=year).filter(scope.project_q("project__"))
    if scope.annual_list is not None:
        return qs.filter(annual_list=scope.annual_list)
    # 全部: only the lists that count in it (AnnualList.counts_in_total); a list kept for reference never
    # takes a project away from a lower list that counts.
    qs = qs.filter(annual_list__counts_in_total=True)
    higher = ListEntry.objects.filter(_lists_of(scope), project=OuterRef("project"), year=year,
                                      annual_list__counts_in_total=True).filter(
        Q(annual_list__rank__lt=OuterRef("annual_list__rank"))
        | Q(annual_list__rank=OuterRef("annual_list__rank"), annual_list_id__lt=OuterRef("annual_list_id"))
    )
    return qs.filter(~Exists(higher))


def _stage_reached_by(stage: str, when) -> Exists:
    return Exists(StageEvent.objects.filter(project=OuterRef("project"), stage=stage, date__lte=when))


def report_statuses(basis: str):
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}")
    return (ReportStatus.ACCEPTED,) if basis == "accepted" else SUBMITTED_STATUSES


def listed_project_ids(scope: Scope, year: int):
    """The ids of the projects listed in scope for a year: the projects of entries_qs, without its one-entry-
    per-project rule (which changes which entry counts, never which projects), so a cheaper query."""
    qs = ListEntry.objects.filter(_lists_of(scope), year=year).filter(scope.project_q("project__"))
    if scope.annual_list is not None:
        qs = qs.filter(annual_list=scope.annual_list)
    else:
        qs = qs.filter(annual_list__counts_in_total=True)
    return qs.values("project_id")


def reports_qs(scope: Scope, period: Period, basis: str = "accepted"):
    return MonthlyReport.objects.filter(
        year=period.year, month__gte=period.first_month, month__lte=period.last_month,
        status__in=report_statuses(basis), project__in=listed_project_ids(scope, period.year),
    )


def events_qs(scope: Scope, stage: str, period: Period):
    qs = StageEvent.objects.filter(stage=stage, date__gte=period.start, date__lte=period.end).filter(
        scope.project_q("project__"))
    if scope.annual_list is not None:
        qs = qs.filter(project__in=entries_qs(scope, period.year).values("project_id"))
    return qs


def drilldown(scope: Scope, period: Period, key: str, basis: str = "accepted"):
    """The projects behind a figure: the list a user opens from a number or a bar, whose total equals it."""
    end = period.end
    entries = entries_qs(scope, period.year)
    if key in ("projects", "annual_plan", "completed", "completion_rate"):
        ids = entries.values("project_id")
    elif key == "planned_new_starts":
        ids = entries.filter(planned_new_start=True).values("project_id")
    elif key == "planned_new_starts_started":
        ids = entries.filter(planned_new_start=True).filter(_stage_reached_by(Stage.STARTED, end)).values("project_id")
    elif key == "planned_new_starts_not_started":
        ids = entries.filter(planned_new_start=True).exclude(_stage_reached_by(Stage.STARTED, end)).values("project_id")
    elif key in EVENT_FIGURES:
        ids = events_qs(scope, EVENT_FIGURES[key], period).values("project_id")
        if key == "new_signed":
            # The amount adds the period's capital increases (增资): their projects are on the list too, so
            # its total equals the figure (the count stays the first signings; see the dashboard's list).
            from .attraction import increment_project_ids

            return Project.objects.filter(Q(id__in=ids) | Q(id__in=increment_project_ids(scope, period)))
    elif key in ("planned_starts_to_date", "planned_starts_to_date_started"):  # 序时开工率
        qs = entries.filter(planned_new_start=True, planned_start_month__lte=period.last_month)
        if key.endswith("_started"):
            qs = qs.filter(_stage_reached_by(Stage.STARTED, end))
        ids = qs.values("project_id")
    elif key in PLANNED_FLAG_FIGURES:  # 竣工率, 投产率: the flagged entries, or those of them done
        flag, stage, done = PLANNED_FLAG_FIGURES[key]
        qs = entries.filter(flag)
        ids = (qs.filter(_stage_reached_by(stage, end)) if done else qs).values("project_id")
    elif key in COHORT_FIGURES:
        return cohort_drilldown(scope, period.year, end, COHORT_FIGURES[key])
    else:
        raise KeyError(f"unknown figure {key!r}")
    return Project.objects.filter(id__in=ids)



# drilldown_facts() keys: the listed figures' drill-downs as conditions on the store's rows (the period's end,
# its last month) → Q. The same sets as drilldown() for a scope the store serves.
def _fact_conditions(period: Period) -> dict[str, Q]:
    end, last = period.end, period.last_month
    pns = Q(planned_new_start=True)
    started = Q(started_on__lte=end)
    ptd = pns & Q(planned_start_month__lte=last)
    return {
        "projects": Q(), "annual_plan": Q(), "completed": Q(), "completion_rate": Q(),
        "planned_new_starts": pns, "planned_new_starts_started": pns & started,
        "planned_new_starts_not_started": pns & (Q(started_on__isnull=True) | Q(started_on__gt=end)),
        "planned_starts_to_date": ptd, "planned_starts_to_date_started": ptd & started,
        "planned_completions": Q(planned_completion=True),
        "planned_completions_done": Q(planned_completion=True, completed_on__lte=end),
        "planned_operations": Q(planned_operation=True),
        "planned_operations_done": Q(planned_operation=True, operating_on__lte=end),
    }


FACT_DRILL_KEYS = tuple(_fact_conditions(Period.year_to_date(2000, 1)))


def drilldown_facts(scope: Scope, period: Period, key: str, basis: str = "accepted"):
    """drilldown() of a listed figure on the figure store (for a scope store_serves()): the period year's fact
    rows of the projects behind the figure, each annotated with `done` (the period's 完成投资 on the basis:
    months_sum), ordered as project_rows (unit path, project code). A queryset: a page of it is one query, and
    drilldown_totals() over it equals compute()'s figure for the same scope and period."""
    conditions = _fact_conditions(period)
    if key not in conditions:
        raise KeyError(f"unknown figure {key!r}")
    report_statuses(basis)
    return (facts_qs(scope, [period.year]).filter(conditions[key])
            .annotate(done=months_sum(period, basis)).order_by("unit_path", "project__code", "project_id"))


def drilldown_totals(facts, period: Period, basis: str = "accepted") -> dict:
    """The totals of drilldown_facts() rows in one aggregate query: n, annual_plan, completed, total_investment,
    and how many reached 开工 / 竣工 / 投产 by the period's end (started, completed_stage, operating)."""
    end = period.end
    row = facts.order_by().aggregate(
        n=Count("id"), plan=Sum("annual_plan"), done=Sum(months_sum(period, basis)),
        total=Sum("total_investment"), started=Count("id", filter=Q(started_on__lte=end)),
        completed_stage=Count("id", filter=Q(completed_on__lte=end)),
        operating=Count("id", filter=Q(operating_on__lte=end)))
    return {"count": row["n"], "annual_plan": row["plan"] or ZERO, "completed": row["done"] or ZERO,
            "total_investment": row["total"] or ZERO, "started": row["started"],
            "completed_stage": row["completed_stage"], "operating": row["operating"]}


def facts_dimension_q(scope: Scope, dimension: str, key: int | None) -> Q:
    """dimension_q() on the store's rows: the fact rows of one slice of breakdown()."""
    if dimension in ("category", "sector", "nature"):
        return Q(**{f"{dimension}_id": key}) if key is not None else Q(**{f"{dimension}_id__isnull": True})
    if dimension != "industry":
        raise KeyError(f"unknown dimension {dimension!r}")
    if key is not None:
        from tuijin.industry.models import TaxonomyNode

        return Q(industry_path__startswith=TaxonomyNode.objects.get(pk=key).path)
    under_any = Q(pk__in=[])
    for node in breakdown_nodes(scope.city):
        under_any |= Q(industry_path__startswith=node.path)
    return ~under_any | Q(industry_path="")


# ---------------------------------------------------------------- computation


def _rollup_map(root: OrgUnit) -> tuple[list[OrgUnit], dict[int, OrgUnit | None]]:
    """Children of the root (not departments) and a map unit id → the child whose subtree holds it."""
    units = list(OrgUnit.objects.subtree(root).exclude(kind=UnitKind.DEPARTMENT).only("id", "path", "parent_id",
                                                                                      "name", "sort_order", "kind"))
    children = sorted([u for u in units if u.parent_id == root.pk], key=lambda u: (u.sort_order, u.pk))
    by_path = [(c.path, c) for c in children]
    owner: dict[int, OrgUnit | None] = {}
    for u in units:
        owner[u.pk] = next((c for p, c in by_path if u.path.startswith(p)), None)
    return children, owner


def compute(scope: Scope, period: Period, *, basis: str = "accepted", breakdown: bool = True,
            use_cache: bool = True) -> Figures:
    """Every indicator for the scope and period, and (when `breakdown`) the same for each child unit.

    Results are cached (the shared cache backend, settings.CACHES) under the data version of the scope's city
    for the period's year (tuijin.indicators.versions): every audited write bumps its own city's version in its
    own transaction, so a figure is never served from before a write the reader can see, and a write in one
    city leaves another city's figures cached. The version is read first, on the same database alias as the
    figures (a replica, if the request reads from one). Inside a transaction nothing is cached: its rows may
    still roll back."""
    report_statuses(basis)
    if not use_cache:
        return _compute(scope, period, basis=basis, breakdown=breakdown)
    return cached_figures(scope, period, (basis, breakdown),
                          lambda: _compute(scope, period, basis=basis, breakdown=breakdown))


def cached_figures(scope: Scope, period: Period, parts: tuple, produce):
    """`produce()` through the indicator cache, under the data version of the scope's city for the period's year
    and the city's conventions (see compute). `parts` names what `produce` computes beyond scope and period (the
    basis, a dimension …). Inside a transaction, or with the cache off, it computes."""
    return _cached(lambda alias: _cache_key(scope, period, parts, using=alias), produce)


def cached_for_city(city: OrgUnit, parts: tuple, produce):
    """`produce()` cached under every data version of the city (all years, and the city-less rows): for what
    reads the city's rows of any year (the month the pages open on). `parts` must name everything else it reads."""
    import hashlib

    from .versions import versions_for_city

    def key(alias):
        return "tuijin:city:" + hashlib.sha256(repr([versions_for_city(city, alias), city.pk, *parts]).encode()
                                               ).hexdigest()

    return _cached(key, produce)


def _cached(make_key, produce):
    if settings.INDICATOR_CACHE_SECONDS <= 0 or connection.in_atomic_block:
        return produce()
    from django.db import router

    from tuijin.core.routers import pinned_reads

    from .models import DataVersion

    alias = router.db_for_read(DataVersion)
    with pinned_reads(alias):
        key = make_key(alias)
        found = cache.get(key)
        if found is not None:
            return found
        value = produce()
    cache.set(key, value, settings.INDICATOR_CACHE_SECONDS)
    return value


def data_version(city: OrgUnit, year: int, using: str = "default") -> tuple:
    """The data version figures of `city` for `year` are cached under (tuijin.indicators.versions)."""
    from .versions import versions_for

    return versions_for(city, year, using)


def _cache_key(scope: Scope, period: Period, parts: tuple, using: str = "default") -> str:
    import hashlib

    # The city's conventions are part of the key: figures carry their scope, and what a presenter prints
    # from them depends on the conventions (a changed rounding rule must not be served from before it).
    config = conventions_for(scope.root, period.year)
    conventions = [(f.attname, getattr(config, f.attname)) for f in config._meta.concrete_fields
                   if f.attname not in ("id", "unit_id", "year")]
    key = [data_version(scope.city, period.year, using), conventions, scope.city.pk, scope.root.pk,
             getattr(scope.annual_list, "pk", None),
             getattr(scope.category, "pk", None), getattr(scope.industry_node, "pk", None), scope.min_total_wan,
             str(scope.restrict) if scope.restrict is not None else "", period.year, period.first_month,
             period.last_month, *parts]
    return "tuijin:ind:" + hashlib.sha256(repr(key).encode()).hexdigest()


def _compute(scope: Scope, period: Period, *, basis: str, breakdown: bool) -> Figures:
    share = schedule_share(scope, period)
    prev = period.previous_year()
    per_unit: dict[int, Figures] = defaultdict(lambda: Figures(scope, period, share, basis))
    year_start = datetime.date(period.year, 1, 1)

    if store_serves(scope):
        _core_from_store(scope, period, basis, per_unit)
        entries, reached = _entries_with_stages(scope, period)
        for r in entries.values("project__unit_id").annotate(**_list_aggregates(reached, year_start)).order_by():
            _set_list_figures(per_unit[r["project__unit_id"]], r)
    else:
        entries, reached = _entries_with_stages(scope, period)
        started = reached[Stage.STARTED]
        rows = entries.values("project__unit_id").annotate(
            n=Count("id"),
            plan=Sum("annual_plan"),
            pns=Count("id", filter=Q(planned_new_start=True)),
            pns_started=Count("id", filter=Q(planned_new_start=True) & started),
            ptd=Count("id", filter=Q(planned_new_start=True, planned_start_month__lte=period.last_month)),
            ptd_started=Count("id", filter=Q(planned_new_start=True, planned_start_month__lte=period.last_month)
                              & started),
            pc=Count("id", filter=Q(planned_completion=True)),
            pc_done=Count("id", filter=Q(planned_completion=True) & reached[Stage.COMPLETED]),
            po=Count("id", filter=Q(planned_operation=True)),
            po_done=Count("id", filter=Q(planned_operation=True) & reached[Stage.OPERATING]),
            **_list_aggregates(reached, year_start),
        ).order_by()
        for r in rows:
            f = per_unit[r["project__unit_id"]]
            f.projects, f.annual_plan = r["n"], r["plan"] or ZERO
            f.planned_new_starts, f.planned_new_starts_started = r["pns"], r["pns_started"]
            f.planned_starts_to_date, f.planned_starts_to_date_started = r["ptd"], r["ptd_started"]
            f.planned_completions, f.planned_completions_done = r["pc"], r["pc_done"]
            f.planned_operations, f.planned_operations_done = r["po"], r["po_done"]
            _set_list_figures(f, r)

        prev_plan = entries_qs(scope, prev.year).values("project__unit_id").annotate(plan=Sum("annual_plan")).order_by()
        for r in prev_plan:
            per_unit[r["project__unit_id"]].annual_plan_prev = r["plan"] or ZERO

        # The period's query also sums the 续建和实际已开工 subset's amounts and 资金落实 (issue 20's list figures).
        for p, attr in ((period, "completed"), (prev, "completed_prev")):
            extra = _report_extras(scope, period) if p is period else {}
            for r in reports_qs(scope, p, basis).values("project__unit_id").annotate(s=Sum("amount"), **extra
                                                                                     ).order_by():
                f = per_unit[r["project__unit_id"]]
                setattr(f, attr, r["s"] or ZERO)
                if extra:
                    f.active_completed, f.funds_secured = r["act"] or ZERO, r["fs"] or ZERO

        _period_plan(scope, period, per_unit)
    _behind_schedule(scope, period, basis, share, per_unit)

    for p, suffix in ((period, ""), (prev, "_prev")):
        events = StageEvent.objects.filter(
            stage__in=list(EVENT_FIGURES.values()), date__gte=p.start, date__lte=p.end
        ).filter(scope.project_q("project__"))
        if scope.annual_list is not None:
            events = events.filter(project__in=entries_qs(scope, p.year).values("project_id"))
        stage_key = {v: k for k, v in EVENT_FIGURES.items()}
        for r in events.values("project__unit_id", "stage").annotate(
                n=Count("id"), s=Sum("project__total_investment")).order_by():
            ev = per_unit[r["project__unit_id"]].events[stage_key[r["stage"]]]
            setattr(ev, "count" + suffix, r["n"])
            setattr(ev, "total" + suffix, r["s"] or ZERO)

    # 增资 (capital increases): only the increment enters the new-signing amount, never the count. One query.
    from .attraction import signing_increments

    for (unit_id, i), increment in signing_increments(scope, [period, prev]).items():
        ev = per_unit[unit_id].events["new_signed"]
        if i == 0:
            ev.total += increment
        else:
            ev.total_prev += increment

    _cohort(scope, period, per_unit)

    total = Figures(scope, period, share, basis, unit=scope.root)
    for f in per_unit.values():
        total.add(f)
    if breakdown:
        children, owner = _rollup_map(scope.root)
        by_child = {c.pk: Figures(scope.with_unit(c), period, share, basis, unit=c) for c in children}
        own = Figures(scope, period, share, basis, unit=scope.root)  # 本级: projects on the root unit itself
        has_own = False
        for unit_id, f in per_unit.items():
            child = owner.get(unit_id)
            if child is not None:
                by_child[child.pk].add(f)
            else:
                own.add(f)
                has_own = True
        total.by_unit = [by_child[c.pk] for c in children]
        if has_own:
            own.own_level = True
            total.by_unit.append(own)
    return total


def store_serves(scope: Scope) -> bool:
    """Whether the figure store (tuijin.indicators.store) answers the scope's core figures: 全部 (no list chosen)
    of a city or a unit in it, or of a province none of whose own lists has entries (the store's counting entry
    is the project's city's highest list; a province list would outrank it only in the province's view)."""
    if scope.annual_list is not None:
        return False
    if scope.city.kind == UnitKind.PROVINCE:
        return not ListEntry.objects.filter(annual_list__city=scope.city).exists()
    return True


def facts_qs(scope: Scope, years):
    """The store's rows of the listed projects in scope (counted in 全部) for the given years."""
    from .models import ProjectYearFact

    qs = ProjectYearFact.objects.filter(year__in=list(years), entry__isnull=False,
                                        unit_path__startswith=scope.root.path)
    if scope.category is not None:
        qs = qs.filter(category_id=scope.category.pk)
    if scope.industry_node is not None:
        qs = qs.filter(industry_path__startswith=scope.industry_node.path)
    if scope.min_total_wan is not None:
        qs = qs.filter(total_investment__gte=scope.min_total_wan)
    if scope.restrict is not None:
        qs = qs.filter(project_id__in=Project.objects.filter(scope.restrict).values("pk"))
    return qs


def months_sum(period: Period, basis: str, funds: bool = False):
    """Σ of the store's month columns of the basis over the period's months (an expression on a fact row): 完成投资,
    or with `funds` 落实资金."""
    from django.db.models import DecimalField, ExpressionWrapper, F

    prefix = ("f" if funds else "") + {"accepted": "acc", "submitted": "sub"}[basis]
    expr: Any = None
    for m in range(period.first_month, period.last_month + 1):
        expr = F(f"{prefix}{m}") if expr is None else expr + F(f"{prefix}{m}")
    return ExpressionWrapper(expr, output_field=DecimalField(max_digits=20, decimal_places=2))


def _core_from_store(scope: Scope, period: Period, basis: str, per_unit) -> None:
    """The core figures (项目个数, 年度计划, 完成投资, the planned-flag counts, 同期计划) of this year and last year
    from the figure store: one grouped query over both years' fact rows."""
    report_statuses(basis)
    end, last, first = period.end, period.last_month, period.first_month
    cur, prev = Q(year=period.year), Q(year=period.year - 1)
    pns = cur & Q(planned_new_start=True)
    ptd = pns & Q(planned_start_month__lte=last)
    started = Q(started_on__lte=end)
    done = months_sum(period, basis)
    # 续建和计划开工实际已开工 (issue 20's subset) and 资金落实: the same month columns, no pass over the reports.
    active = cur & (Q(continuing=True) | (Q(planned_new_start=True) & started))
    aggregates = dict(
        n=Count("id", filter=cur), plan=Sum("annual_plan", filter=cur), completed=Sum(done, filter=cur),
        plan_prev=Sum("annual_plan", filter=prev), completed_prev=Sum(done, filter=prev),
        pns=Count("id", filter=pns), pns_started=Count("id", filter=pns & started),
        ptd=Count("id", filter=ptd), ptd_started=Count("id", filter=ptd & started),
        pc=Count("id", filter=cur & Q(planned_completion=True)),
        pc_done=Count("id", filter=cur & Q(planned_completion=True, completed_on__lte=end)),
        po=Count("id", filter=cur & Q(planned_operation=True)),
        po_done=Count("id", filter=cur & Q(planned_operation=True, operating_on__lte=end)),
        pp=Sum(f"plan{last}", filter=cur), pp_n=Count(f"plan{last}", filter=cur),
        act=Sum(done, filter=active), fs=Sum(months_sum(period, basis, funds=True), filter=cur),
    )
    if first > 1:
        aggregates["pp_before"] = Sum(f"plan{first - 1}", filter=cur)
    for r in facts_qs(scope, (period.year, period.year - 1)).values("unit_id").annotate(**aggregates).order_by():
        f = per_unit[r["unit_id"]]
        f.projects, f.annual_plan, f.completed = r["n"], r["plan"] or ZERO, r["completed"] or ZERO
        f.annual_plan_prev, f.completed_prev = r["plan_prev"] or ZERO, r["completed_prev"] or ZERO
        f.planned_new_starts, f.planned_new_starts_started = r["pns"], r["pns_started"]
        f.planned_starts_to_date, f.planned_starts_to_date_started = r["ptd"], r["ptd_started"]
        f.planned_completions, f.planned_completions_done = r["pc"], r["pc_done"]
        f.planned_operations, f.planned_operations_done = r["po"], r["po_done"]
        f.period_plan = (r["pp"] or ZERO) - (r.get("pp_before") or ZERO)
        f.period_plan_projects = r["pp_n"]
        f.active_completed, f.funds_secured = r["act"] or ZERO, r["fs"] or ZERO


def _entries_with_stages(scope: Scope, period: Period):
    """The year's counting entries in scope, each annotated with whether its project reached 开工 / 竣工 / 投产 by
    the period's end: one LEFT JOIN per stage (at most one event per project and stage), which the database
    hashes once, rather than a subquery per entry. Returns the queryset and each stage's 'reached' condition."""
    end = period.end
    stages = (Stage.STARTED, Stage.COMPLETED, Stage.OPERATING)
    entries = entries_qs(scope, period.year).annotate(**{
        f"ev_{stage}": FilteredRelation("project__stage_events", condition=Q(
            project__stage_events__stage=stage, project__stage_events__date__lte=end))
        for stage in stages})
    return entries, {stage: Q(**{f"ev_{stage}__isnull": False}) for stage in stages}


def _list_aggregates(reached: dict, year_start: datetime.date) -> dict:
    """Issue 20's list figures over the entries of _entries_with_stages: Σ总投资, the 续建和计划开工实际已开工
    subset (count, plan), and 竣工 / 投产 in the year whether planned or not."""
    active = _active_q(reached[Stage.STARTED])
    return dict(
        tot=Sum("project__total_investment"),
        act_n=Count("id", filter=active),
        act_plan=Sum("annual_plan", filter=active),
        ci=Count("id", filter=Q(**{f"ev_{Stage.COMPLETED}__date__gte": year_start})),
        oi=Count("id", filter=Q(**{f"ev_{Stage.OPERATING}__date__gte": year_start})),
    )


def _set_list_figures(f: Figures, r: dict) -> None:
    f.total_investment = r["tot"] or ZERO
    f.active_projects, f.active_plan = r["act_n"], r["act_plan"] or ZERO
    f.completions_in_year, f.operations_in_year = r["ci"], r["oi"]


def _report_extras(scope: Scope, period: Period) -> dict:
    """The period's report aggregates of issue 20: the 续建和实际已开工 subset's 完成投资 and 资金落实."""
    active_ids = entries_qs(scope, period.year).filter(_active_q(_stage_reached_by(Stage.STARTED, period.end))
                                                       ).values("project_id")
    return {"act": Sum("amount", filter=Q(project__in=active_ids)), "fs": Sum("funds_secured")}


def _active_q(started: Q | Exists) -> Any:
    """续建和计划开工实际已开工: entries flagged 续建, or flagged 计划新开工 whose project has started (`started`:
    the condition that the 开工 event is on or before the period's end)."""
    return Q(continuing=True) | (Q(planned_new_start=True) & started)


def _behind_schedule(scope: Scope, period: Period, basis: str, share: Decimal, per_unit) -> None:
    """未达到序时进度项目: the listed projects (with an annual plan) whose completion rate is below the schedule
    share. One query streaming a row per listed project (from the figure store when it serves the scope: its
    month columns, no join to the reports); the comparison is made in Decimal here (a rate equal to the share is
    not behind), never in the database's floating point."""
    from django.db.models import DecimalField, Subquery
    from django.db.models.functions import Coalesce

    if store_serves(scope):
        rows = facts_qs(scope, [period.year]).filter(annual_plan__gt=0).annotate(
            done=months_sum(period, basis)).values_list("unit_id", "annual_plan", "done")
    else:
        money: DecimalField = DecimalField(max_digits=16, decimal_places=2)
        done = (MonthlyReport.objects.filter(project=OuterRef("project"), year=period.year,
                                             month__gte=period.first_month, month__lte=period.last_month,
                                             status__in=report_statuses(basis))
                .order_by().values("project").annotate(s=Sum("amount")).values("s"))
        rows = entries_qs(scope, period.year).filter(annual_plan__gt=0).annotate(
            done=Coalesce(Subquery(done, output_field=money), Value(ZERO, output_field=money))
        ).values_list("project__unit_id", "annual_plan", "done")
    for unit_id, plan, completed in rows.iterator(chunk_size=2000):
        rate = ratio(completed, plan)  # plan > 0, so never None
        if rate is not None and rate < share:  # completion rate < schedule share (equal to it: not behind)
            per_unit[unit_id].behind_schedule += 1


def _cohort(scope: Scope, period: Period, per_unit) -> None:
    """The year's signing cohort and how far it has come by the period's end (counted per unit)."""
    signed = StageEvent.objects.filter(stage=Stage.SIGNED, date__gte=datetime.date(period.year, 1, 1),
                                       date__lte=period.end).filter(scope.project_q("project__"))
    if scope.annual_list is not None:
        signed = signed.filter(project__in=entries_qs(scope, period.year).values("project_id"))
    rows = signed.annotate(
        started=_stage_reached_by(Stage.STARTED, period.end),
        operating=_stage_reached_by(Stage.OPERATING, period.end),
        at_capacity=_stage_reached_by(Stage.AT_CAPACITY, period.end),
    ).values("project__unit_id").annotate(
        n=Count("id"), s=Count("id", filter=Q(started=True)), o=Count("id", filter=Q(operating=True)),
        c=Count("id", filter=Q(at_capacity=True)),
    ).order_by()
    for r in rows:
        f = per_unit[r["project__unit_id"]]
        f.cohort_signed, f.cohort_started, f.cohort_operating = r["n"], r["s"], r["o"]
        f.cohort_at_capacity = r["c"]


def _period_plan(scope: Scope, period: Period, per_unit) -> None:
    """同期计划: Σ planned cumulative through the last month minus through the month before the first."""
    entry_ids = entries_qs(scope, period.year).values("id")
    plans = EntryMonthlyPlan.objects.filter(entry__in=entry_ids)
    through = plans.filter(month=period.last_month).values("entry__project__unit_id").annotate(
        s=Sum("cumulative_plan"), n=Count("id")).order_by()
    for r in through:
        f = per_unit[r["entry__project__unit_id"]]
        f.period_plan += r["s"] or ZERO
        f.period_plan_projects += r["n"]
    if period.first_month > 1:
        before = plans.filter(month=period.first_month - 1).values("entry__project__unit_id").annotate(
            s=Sum("cumulative_plan")).order_by()
        for r in before:
            per_unit[r["entry__project__unit_id"]].period_plan -= r["s"] or ZERO


# ---------------------------------------------------------------- per-project figures in bulk


def project_figures(scope: Scope, period: Period, basis: str = "accepted") -> dict[int, Figures]:
    """{project id: Figures} for every listed project in scope, each equal to compute() over the scope narrowed to
    that one project (restrict=Q(pk=…)) for the figures of its own entry: projects (1), annual_plan, completed,
    planned_new_starts / _started, planned_starts_to_date / _started, planned_completions / _done,
    planned_operations / _done (events, cohorts and last year are not filled in). Two queries, however many
    projects: what a list of lagging projects (bulletins, agenda) reads instead of compute() per project."""
    report_statuses(basis)
    share = schedule_share(scope, period)
    end = period.end
    entries = entries_qs(scope, period.year).annotate(**{
        f"ev_{stage}": FilteredRelation("project__stage_events", condition=Q(
            project__stage_events__stage=stage, project__stage_events__date__lte=end))
        for stage in (Stage.STARTED, Stage.COMPLETED, Stage.OPERATING)})
    out: dict[int, Figures] = {}
    for r in entries.values("project_id", "project__unit_id", "annual_plan", "planned_new_start",
                            "planned_start_month", "planned_completion", "planned_operation",
                            f"ev_{Stage.STARTED}__id", f"ev_{Stage.COMPLETED}__id", f"ev_{Stage.OPERATING}__id"):
        started = r[f"ev_{Stage.STARTED}__id"] is not None
        pns = bool(r["planned_new_start"])
        to_date = pns and r["planned_start_month"] is not None and r["planned_start_month"] <= period.last_month
        f = Figures(scope, period, share, basis, projects=1, annual_plan=r["annual_plan"] or ZERO)
        f.planned_new_starts, f.planned_new_starts_started = int(pns), int(pns and started)
        f.planned_starts_to_date, f.planned_starts_to_date_started = int(to_date), int(to_date and started)
        f.planned_completions = int(bool(r["planned_completion"]))
        f.planned_completions_done = int(bool(r["planned_completion"]) and r[f"ev_{Stage.COMPLETED}__id"] is not None)
        f.planned_operations = int(bool(r["planned_operation"]))
        f.planned_operations_done = int(bool(r["planned_operation"]) and r[f"ev_{Stage.OPERATING}__id"] is not None)
        out[r["project_id"]] = f
    for r in reports_qs(scope, period, basis).values("project_id").annotate(s=Sum("amount")).order_by():
        found = out.get(r["project_id"])
        if found is not None:
            found.completed = r["s"] or ZERO
    return out


# ---------------------------------------------------------------- per-project rows


@dataclass
class ProjectRow:
    """One listed project's figures for a period: the rows behind a total (drill-down, 进展情况表)."""

    entry: ListEntry
    month_amount: Decimal | None
    completed: Decimal
    progress_text: str

    @property
    def project(self) -> Project:
        return self.entry.project

    @property
    def annual_plan(self) -> Decimal:
        return self.entry.annual_plan

    @property
    def completion_rate(self) -> Decimal | None:
        """年度投资完成率 of the project."""
        return ratio(self.completed, self.entry.annual_plan)


def project_rows(scope: Scope, period: Period, basis: str = "accepted", chunk_size: int = 2000,
                 only_unit: OrgUnit | None = None):
    """The listed projects in scope with their month, period total and 形象进度, ordered by unit and code
    (`only_unit`: just the projects held by that unit itself, not its subtree). One query, streamed."""
    from django.db.models import DecimalField, Subquery, TextField, Value
    from django.db.models.functions import Coalesce

    money: DecimalField = DecimalField(max_digits=16, decimal_places=2)

    statuses = report_statuses(basis)
    reports = MonthlyReport.objects.filter(project=OuterRef("project"), year=period.year, status__in=statuses)
    last = reports.filter(month=period.last_month)
    total = (reports.filter(month__gte=period.first_month, month__lte=period.last_month)
             .order_by().values("project").annotate(s=Sum("amount")).values("s"))
    rows = (entries_qs(scope, period.year)
            .select_related("project", "project__unit", "project__category", "annual_list")
            .annotate(month_amount=Subquery(last.values("amount")[:1]),
                      completed_sum=Coalesce(Subquery(total, output_field=money), Value(ZERO, output_field=money)),
                      progress=Coalesce(Subquery(last.values("progress_text")[:1], output_field=TextField()),
                                        Value("", output_field=TextField())))
            .order_by("project__unit__path", "project__code"))
    if only_unit is not None:
        rows = rows.filter(project__unit=only_unit)
    for e in rows.iterator(chunk_size=chunk_size):
        yield ProjectRow(e, e.month_amount, e.completed_sum, e.progress)


# ---------------------------------------------------------------- dashboard: series, breakdowns, cohorts (issue 5)
#
# Added for the dashboard (驾驶舱). Each figure here is defined so that it equals what compute() gives for the
# same scope and period, and each has a drill-down returning the projects behind it.

# drilldown() keys for the planned-flag rates: key → (entry filter, stage, whether only those done by the end).
PLANNED_FLAG_FIGURES = {
    "planned_completions": (Q(planned_completion=True), Stage.COMPLETED, False),
    "planned_completions_done": (Q(planned_completion=True), Stage.COMPLETED, True),
    "planned_operations": (Q(planned_operation=True), Stage.OPERATING, False),
    "planned_operations_done": (Q(planned_operation=True), Stage.OPERATING, True),
}
# drilldown() keys for the signing cohort of the period's year (Figures.cohort_*): key → the stage reached.
COHORT_FIGURES = {"cohort_signed": Stage.SIGNED, "cohort_started": Stage.STARTED,
                  "cohort_operating": Stage.OPERATING, "cohort_at_capacity": Stage.AT_CAPACITY}
FUNNEL_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.OPERATING, Stage.AT_CAPACITY)


def cohort_qs(scope: Scope, year: int, as_of: datetime.date):
    """The signing cohort (签约批次) of `year` as known on `as_of`: 签约 events from 1 January of `year` to the
    earlier of 31 December and `as_of`, of projects in scope (on the year's chosen list, if one is chosen).
    With year = the period's year and as_of = its end, this is compute()'s cohort_signed."""
    last = min(datetime.date(year, 12, 31), as_of)
    signed = StageEvent.objects.filter(stage=Stage.SIGNED, date__gte=datetime.date(year, 1, 1),
                                       date__lte=last).filter(scope.project_q("project__"))
    if scope.annual_list is not None:
        signed = signed.filter(project__in=entries_qs(scope, year).values("project_id"))
    return signed


def cohort_funnel(scope: Scope, year: int, as_of: datetime.date) -> dict[str, int]:
    """全生命周期漏斗: of the signing cohort of `year`, how many have been signed, started, are in production and
    at capacity by `as_of` (stage → count, in lifecycle order). One query."""
    row = cohort_qs(scope, year, as_of).annotate(
        started=_stage_reached_by(Stage.STARTED, as_of),
        operating=_stage_reached_by(Stage.OPERATING, as_of),
        at_capacity=_stage_reached_by(Stage.AT_CAPACITY, as_of),
    ).aggregate(n=Count("id"), s=Count("id", filter=Q(started=True)), o=Count("id", filter=Q(operating=True)),
                c=Count("id", filter=Q(at_capacity=True)))
    return {Stage.SIGNED: row["n"], Stage.STARTED: row["s"], Stage.OPERATING: row["o"],
            Stage.AT_CAPACITY: row["c"]}


def cohort_drilldown(scope: Scope, year: int, as_of: datetime.date, stage: str):
    """The projects behind a funnel step: the cohort's projects that reached `stage` by `as_of`."""
    signed = cohort_qs(scope, year, as_of)
    if stage != Stage.SIGNED:
        signed = signed.filter(_stage_reached_by(stage, as_of))
    return Project.objects.filter(id__in=signed.values("project_id"))


def monthly_completed(scope: Scope, year: int, basis: str = "accepted") -> dict[int, Decimal]:
    """当月完成投资 (万元) by month of the year's listed projects in scope: {month: Σ amount}. Summed over months
    1..N it is compute()'s `completed` for 1-N月 (same entries, same report statuses). One query."""
    rows = reports_qs(scope, Period(year, 1, 12), basis).values("month").annotate(s=Sum("amount")).order_by()
    return {r["month"]: r["s"] or ZERO for r in rows}


# ---------------------------------------------------------------- breakdown by any dimension (issues 5, 20)

# The dimensions a breakdown can take, with their Chinese names (the CLI and API accept either).
DIMENSIONS = {"sector": "行业领域", "nature": "建设性质", "category": "项目类别", "list": "清单", "unit": "单位",
              "industry": "产业链"}
DIMENSION_ALIASES = {**{v: k for k, v in DIMENSIONS.items()}, "板块": "unit", "类别": "category",
                     "年度清单": "list", "产业集群": "industry", "行业": "sector", "性质": "nature"}
UNMARKED = "未标注"


def dimension_key(text: str) -> str:
    """'sector' or 行业领域 → 'sector'; an unknown name is refused in Chinese, naming the value."""
    from tuijin.core.errors import InputError

    key = (text or "").strip()
    key = DIMENSION_ALIASES.get(key, key)
    if key not in DIMENSIONS:
        names = "、".join(f"{k}({v})" for k, v in DIMENSIONS.items())
        raise InputError(f"分组维度未知: {text!r}; 可选 {names}", field="by")
    return key


@dataclass
class MonthPoint:
    """One month of plan_vs_actual(): unrounded 万元 and fractions."""

    month: int
    completed: Decimal | None  # 当月完成投资; None: no report of the basis for the month
    completed_cumulative: Decimal | None  # 1-N月累计完成; None after the last month reported
    plan_cumulative: Decimal | None  # 分月计划 (累计) through the month; None where no entry carries one
    completion_rate: Decimal | None  # 年度投资完成率 at the month: completed_cumulative ÷ annual_plan
    plan_rate: Decimal | None  # 同期计划完成率 at the month: completed_cumulative ÷ plan_cumulative


@dataclass
class PlanVsActual:
    """分月计划与实际 of a scope for a year (the project dossier's chart): the year's annual plan, and per month
    the planned cumulative amount (EntryMonthlyPlan) beside the completed month and its cumulative."""

    year: int
    projects: int
    annual_plan: Decimal
    months: list[MonthPoint]
    through: int | None  # the last month with a report of the basis (None: none yet)


def plan_vs_actual(scope: Scope, year: int, basis: str = "accepted") -> PlanVsActual:
    """分月计划与实际: for each month 1-12 of `year`, Σ 分月计划 (the entries' planned cumulative through the month,
    where they carry one), 当月完成投资 and its 1-N月累计, over the same entries and reports as compute(): through
    month N, completed_cumulative is compute()'s `completed` for 1-N月, plan_cumulative its `period_plan`,
    annual_plan its `annual_plan`, completion_rate its `completion_rate` and plan_rate its `period_plan_rate`.
    Months after the last month reported have no cumulative (the line stops there). Three queries, whatever the
    number of months or projects."""
    entries = entries_qs(scope, year)
    totals = entries.aggregate(n=Count("id"), plan=Sum("annual_plan"))
    annual_plan = totals["plan"] or ZERO
    plans = {r["month"]: r["s"] for r in EntryMonthlyPlan.objects.filter(entry__in=entries.values("id"))
             .values("month").annotate(s=Sum("cumulative_plan")).order_by()}
    done = monthly_completed(scope, year, basis)
    through = max(done) if done else None
    months, running = [], ZERO
    for m in range(1, 13):
        amount = done.get(m)
        cumulative = None
        if through is not None and m <= through:
            running += amount or ZERO
            cumulative = running
        plan = plans.get(m)
        months.append(MonthPoint(
            month=m, completed=amount, completed_cumulative=cumulative, plan_cumulative=plan,
            completion_rate=ratio(cumulative, annual_plan) if cumulative is not None else None,
            plan_rate=ratio(cumulative, plan) if cumulative is not None and plan is not None else None))
    return PlanVsActual(year=year, projects=totals["n"], annual_plan=annual_plan, months=months, through=through)


@dataclass
class BreakdownRow:
    """One slice of a breakdown of the listed projects: a category, sector, nature, list, child unit, an industry
    cluster, or 未标注 (key None: projects with no value of the dimension; for 'unit', the root's own 本级)."""

    key: int | None  # the dimension's object id; None: 未标注 (or 本级)
    label: str
    projects: int = 0
    annual_plan: Decimal = ZERO
    completed: Decimal = ZERO
    schedule_share: Decimal | None = None  # the slice's 序时进度 (the scope's, or the list's own curve)

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.completed, self.annual_plan)

    @property
    def schedule_variance(self) -> Decimal | None:
        """超(+)/欠(−)序时 as a fraction: the slice's completion rate − its schedule share, unrounded."""
        rate = self.completion_rate
        return None if rate is None or self.schedule_share is None else rate - self.schedule_share


@dataclass
class Breakdown:
    """A breakdown with its total: the scope's own figures (compute()), so the 合计 row is the headline figure.
    For 'list' a project on several lists counts in each list's row, once in the total."""

    dimension: str
    rows: list[BreakdownRow]
    total: BreakdownRow
    schedule_share: Decimal

    @property
    def label(self) -> str:
        return DIMENSIONS[self.dimension]


def breakdown_nodes(city: OrgUnit):
    """The clusters (depth 1) of the city's primary industry taxonomy, in order (empty without a taxonomy)."""
    from tuijin.industry.models import Taxonomy, TaxonomyNode

    taxonomy = Taxonomy.objects.filter(city=city).order_by("-is_primary", "id").first()
    if taxonomy is None:
        return []
    return list(TaxonomyNode.objects.filter(taxonomy=taxonomy, depth=1).order_by("sort_order", "path"))


def dimension_q(scope: Scope, dimension: str, key: int | None, prefix: str = "") -> Q:
    """The filter on Project for one slice of breakdown(): the same as narrowing the scope to that category,
    sector, nature or industry node; for key None, the projects with no value (for 'industry': tagged with no
    cluster of the primary taxonomy, or with none at all)."""
    p = prefix
    if dimension in ("category", "sector", "nature"):
        return Q(**{f"{p}{dimension}_id": key}) if key is not None else Q(**{f"{p}{dimension}__isnull": True})
    if dimension != "industry":
        raise KeyError(f"unknown dimension {dimension!r}")
    if key is not None:
        from tuijin.industry.models import TaxonomyNode

        node = TaxonomyNode.objects.get(pk=key)
        return Q(**{f"{p}industry_node__path__startswith": node.path})
    under_any = Q(pk__in=[])
    for node in breakdown_nodes(scope.city):
        under_any |= Q(**{f"{p}industry_node__path__startswith": node.path})
    return ~under_any | Q(**{f"{p}industry_node__isnull": True})


def _city_dimension_rows(scope: Scope, model) -> dict:
    """Rows for a city's 行业领域 / 建设性质 (for a province scope, those of its cities, merged by name)."""
    qs = model.objects.filter(city__path__startswith=scope.city.path).order_by("sort_order", "id")
    rows: dict = {}
    by_name: dict[str, BreakdownRow] = {}
    for obj in qs:
        row = by_name.get(obj.name)
        if row is None:
            row = by_name[obj.name] = BreakdownRow(obj.pk, obj.name)
        rows[obj.pk] = row
    rows[None] = BreakdownRow(None, UNMARKED)
    return rows


def breakdown(scope: Scope, period: Period, dimension: str, basis: str = "accepted") -> list[BreakdownRow]:
    """项目个数, 年度计划, 完成投资, 完成率 and 超/欠序时 of the listed projects by a dimension: 'category' (项目
    类别), 'sector' (行业领域), 'nature' (建设性质), 'industry' (the clusters of the city's primary taxonomy; a
    project tagged with a chain counts under its cluster), 'unit' (the root's child units, and 本级), or 'list'
    (each list of the year; a project on several lists counts in each). Projects with no value of the dimension
    count under 未标注. Each slice equals compute() over the scope narrowed to it (for 'list': to that list).
    A fixed number of queries (two grouped ones and the dimension's rows), whatever the number of projects;
    cached like compute()."""
    return cached_figures(scope, period, ("breakdown", dimension_key(dimension), basis),
                          lambda: _breakdown(scope, period, dimension, basis))


def _breakdown(scope: Scope, period: Period, dimension: str, basis: str) -> list[BreakdownRow]:
    from tuijin.projects.models import BuildNature, Category, Sector

    dimension = dimension_key(dimension)
    share = schedule_share(scope, period)
    if dimension == "list":
        return _breakdown_lists(scope, period, basis)
    if dimension in ("category", "sector", "nature"):
        field_name = f"project__{dimension}_id"
        if dimension == "category":
            rows: dict[int | None, BreakdownRow] = {
                c.pk: BreakdownRow(c.pk, c.name) for c in Category.objects.order_by("sort_order", "id")}
            rows[None] = BreakdownRow(None, UNMARKED)
        else:
            rows = _city_dimension_rows(scope, Sector if dimension == "sector" else BuildNature)

        def slot(value):
            return rows.get(value) or rows[None]
    elif dimension == "unit":
        field_name = "project__unit_id"
        children, owner = _rollup_map(scope.root)
        rows = {c.pk: BreakdownRow(c.pk, c.name) for c in children}
        rows[None] = BreakdownRow(None, f"{scope.root.name}本级")

        def slot(value):
            child = owner.get(value)
            return rows[child.pk] if child is not None else rows[None]
    else:  # industry
        field_name = "project__industry_node__path"
        nodes = breakdown_nodes(scope.city)
        rows = {n.pk: BreakdownRow(n.pk, n.name) for n in nodes}
        rows[None] = BreakdownRow(None, "未标注产业链")

        def slot(value):
            for n in nodes:
                if value and value.startswith(n.path):
                    return rows[n.pk]
            return rows[None]
    for r in entries_qs(scope, period.year).values(field_name).annotate(n=Count("id"), plan=Sum("annual_plan")
                                                                       ).order_by():
        row = slot(r[field_name])
        row.projects += r["n"]
        row.annual_plan += r["plan"] or ZERO
    for r in reports_qs(scope, period, basis).values(field_name).annotate(s=Sum("amount")).order_by():
        slot(r[field_name]).completed += r["s"] or ZERO
    out, seen = [], set()
    for row in rows.values():
        if id(row) in seen:  # merged rows (a province's same-named sectors) once
            continue
        seen.add(id(row))
        row.schedule_share = share
        if row.projects or row.key is not None:
            out.append(row)
    return out


def _breakdown_lists(scope: Scope, period: Period, basis: str) -> list[BreakdownRow]:
    """By list: every list of the scope's city with entries in the year (the chosen one only, if one is chosen),
    each with its own schedule share (its curve, if stored). A report counts in every list its project is on."""
    from tuijin.projects.models import AnnualList

    year = period.year
    entries = ListEntry.objects.filter(_lists_of(scope), year=year).filter(scope.project_q("project__"))
    if scope.annual_list is not None:
        entries = entries.filter(annual_list=scope.annual_list)
    lists = {lst.pk: lst for lst in AnnualList.objects.filter(pk__in=entries.values("annual_list_id"))
             .order_by("rank", "id")}
    rows = {pk: BreakdownRow(pk, lst.name) for pk, lst in lists.items()}
    for r in entries.values("annual_list_id").annotate(n=Count("id"), plan=Sum("annual_plan")).order_by():
        rows[r["annual_list_id"]].projects += r["n"]
        rows[r["annual_list_id"]].annual_plan += r["plan"] or ZERO
    reports = MonthlyReport.objects.filter(
        year=year, month__gte=period.first_month, month__lte=period.last_month, status__in=report_statuses(basis),
        project__list_entries__year=year, project__list_entries__annual_list_id__in=list(lists),
    ).filter(scope.project_q("project__"))
    for r in reports.values("project__list_entries__annual_list_id").annotate(s=Sum("amount")).order_by():
        rows[r["project__list_entries__annual_list_id"]].completed += r["s"] or ZERO
    # Each list's own schedule share: its curve if the city stores one, else the scope's (one query for all).
    curves: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for c in ScheduleCurve.objects.filter(city=scope.city, year=year, annual_list_id__in=list(lists)):
        curves[c.annual_list_id][c.month] = c.cumulative_pct / HUNDRED
    base = schedule_share(replace_list(scope, None), period)
    for pk, row in rows.items():
        points = curves.get(pk)
        if points:
            end = _interpolate(points, period.last_month)
            start = _interpolate(points, period.first_month - 1) if period.first_month > 1 else ZERO
            row.schedule_share = end - start
        else:
            row.schedule_share = base
    return list(rows.values())


def replace_list(scope: Scope, annual_list) -> Scope:
    from dataclasses import replace

    return replace(scope, annual_list=annual_list)


def breakdown_table(scope: Scope, period: Period, dimension: str, basis: str = "accepted") -> Breakdown:
    """breakdown() with its 合计: the scope's own figures from compute() (so the total is the headline figure)."""
    dimension = dimension_key(dimension)
    rows = breakdown(scope, period, dimension, basis)
    f = compute(scope, period, basis=basis, breakdown=False)
    total = BreakdownRow(None, "合计", f.projects, f.annual_plan, f.completed, f.schedule_share)
    return Breakdown(dimension, rows, total, f.schedule_share)
