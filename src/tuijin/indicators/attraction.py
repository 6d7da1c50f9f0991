"""招商引资 indicators, computed in the database for any scope and period, by unit, with drill-down to projects.
The new-signing figures themselves stay in the one engine (indicators.engine.compute); this module gives it the
capital-increase increments (增资) and computes the performance (履约) figures:

- signing_increments: Σ increments of 增资 contracts signed in the period, of projects in scope (万元). The engine
  adds them to new_signed.total (never to the count): a project counts once, at its first signing.
- contracts_due (应履约合同): contracts in scope with at least one agreed milestone (注册, 拿地, 开工, 投产) due in
  the period; contracts_on_schedule (按约履约): of those, the ones whose every milestone due in the period was
  reached on or before its agreed date (开工 / 投产 also count as reached by the project's stage event).
  履约率 = on schedule ÷ due.
- funds_due (应到位资金): Σ instalments due in the period; funds_arrived (到位资金): Σ funds arrived in the period.
  资金到位率 = arrived ÷ due. foreign_arrived (实际到位外资): Σ funds arrived in the period from the city's
  sources marked foreign (境外); arrived_by_source: Σ funds arrived in the period per funds source.
- cohort start / operating rates (签约项目开工率 / 投产率): the engine's signing cohort (compute()).
A figure whose denominator is zero is absent (None), never 0%.

For the weekly dispatch agenda (stalled_contracts, below): overdue_milestones (agreed milestones due
more than N days before a date and not reached by it, by the same rule as the 履约率) and overdue_instalments
(the oldest instalment due that long that the funds arrived by the date do not cover).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from tuijin.attraction.models import (
    AgreedMilestone,
    Contract,
    ContractKind,
    ContractMilestone,
    FundsArrival,
    FundsInstalment,
)
from tuijin.attraction.selectors import contracts_for, stalled_days
from tuijin.core.numbers import ratio
from tuijin.core.periods import Period
from tuijin.projects.models import Project, Stage, StageEvent

from .scope import Scope

ZERO = Decimal(0)


def _contracts(scope: Scope, period: Period):
    qs = Contract.objects.filter(scope.project_q("project__"), signed_on__lte=period.end)
    if scope.annual_list is not None:
        from .engine import entries_qs

        qs = qs.filter(project__in=entries_qs(scope, period.year).values("project_id"))
    return qs


def _increase_in(scope: Scope, period: Period) -> Q:
    """增资 contracts signed in the period (of projects on the period's chosen list, if one is chosen)."""
    q = Q(signed_on__gte=period.start, signed_on__lte=period.end)
    if scope.annual_list is not None:
        from .engine import entries_qs

        q &= Q(project__in=entries_qs(scope, period.year).values("project_id"))
    return q


def _increases(scope: Scope):
    return Contract.objects.filter(scope.project_q("project__"), kind=ContractKind.INCREASE)


def signing_increments(scope: Scope, periods: list[Period]) -> dict[tuple[int, int], Decimal]:
    """增资: {(project unit id, index of the period): Σ increments signed in that period} for the projects in
    scope (on the period's chosen list, if one is chosen). One query for all the periods."""
    sums, any_period = {}, Q(pk__in=[])
    for i, p in enumerate(periods):
        in_p = _increase_in(scope, p)
        sums[f"s{i}"] = Sum("investment", filter=in_p)
        any_period |= in_p
    out = {}
    for r in _increases(scope).filter(any_period).values("project__unit_id").annotate(**sums).order_by():
        for i in range(len(periods)):
            if r[f"s{i}"]:
                out[(r["project__unit_id"], i)] = r[f"s{i}"]
    return out


def increments_by_project(scope: Scope, period: Period, projects=None) -> dict[int, Decimal]:
    """增资 of the period per project ({project id: Σ increments}): the rows behind the increments that
    signing_increments adds to the new-signing amount. `projects` (a queryset of ids) narrows it."""
    qs = _increases(scope).filter(_increase_in(scope, period))
    if projects is not None:
        qs = qs.filter(project__in=projects)
    return dict(qs.values("project_id").annotate(s=Sum("investment")).values_list("project_id", "s").order_by())


def increment_project_ids(scope: Scope, period: Period):
    """Ids of the projects in scope with a capital increase signed in the period (a subquery)."""
    return _increases(scope).filter(_increase_in(scope, period)).values("project_id")


def _reached_stage(kind: str, stage: str, by) -> Q:
    return Q(kind=kind) & Exists(StageEvent.objects.filter(project=OuterRef("contract__project"), stage=stage,
                                                           date__lte=by))


def _reached(by=None) -> Q:
    """A milestone reached by a date (`by`; None: by its own agreed date): its actual date, or for 开工 / 投产 the
    project's stage event."""
    own, outer = (F("due_date"), OuterRef("due_date")) if by is None else (by, by)
    return (Q(actual_date__isnull=False, actual_date__lte=own)
            | _reached_stage(AgreedMilestone.STARTED, Stage.STARTED, outer)
            | _reached_stage(AgreedMilestone.OPERATING, Stage.OPERATING, outer))


def _milestones_due(period: Period):
    return ContractMilestone.objects.filter(due_date__gte=period.start, due_date__lte=period.end)


def _late(period: Period):
    """Milestones due in the period and not reached by their agreed date."""
    return _milestones_due(period).exclude(_reached())


def overdue_milestones(contracts, as_of: datetime.date, days: int):
    """逾期未履约节点: the agreed milestones of `contracts` due more than `days` days before `as_of` and not reached
    by `as_of` (a milestone reached late is no longer overdue). One query, with contract, project and unit."""
    limit = as_of - datetime.timedelta(days=days)
    return (ContractMilestone.objects.filter(contract__in=contracts, due_date__lt=limit).exclude(_reached(as_of))
            .select_related("contract__project__unit").order_by("due_date", "contract_id", "id"))


def overdue_instalments(contracts, as_of: datetime.date, days: int) -> list[FundsInstalment]:
    """逾期未到位资金: for each contract of `contracts`, its oldest instalment due more than `days` days before
    `as_of` that the funds arrived by `as_of` do not cover (arrivals pay the instalments in order of their due
    dates), annotated with `due_through` (Σ instalments due by its date) and `arrived` (Σ arrived by `as_of`),
    万元. One query."""
    limit = as_of - datetime.timedelta(days=days)
    money = DecimalField(max_digits=16, decimal_places=2)
    due_through = (FundsInstalment.objects.filter(contract=OuterRef("contract"), due_date__lte=OuterRef("due_date"))
                   .values("contract").annotate(s=Sum("amount")).values("s"))
    arrived = (FundsArrival.objects.filter(contract=OuterRef("contract"), date__lte=as_of)
               .values("contract").annotate(s=Sum("amount")).values("s"))
    rows = (FundsInstalment.objects.filter(contract__in=contracts, due_date__lt=limit)
            .annotate(due_through=Subquery(due_through, output_field=money),
                      arrived=Coalesce(Subquery(arrived, output_field=money), Value(ZERO), output_field=money))
            .filter(due_through__gt=F("arrived")).select_related("contract__project__unit")
            .order_by("contract_id", "due_date", "id"))
    first: dict[int, FundsInstalment] = {}
    for row in rows:
        first.setdefault(row.contract_id, row)
    return list(first.values())


@dataclass
class Performance:
    """履约 figures of one scope (or one child unit) and period, unrounded."""

    unit: object = None
    own_level: bool = False
    contracts_due: int = 0
    contracts_on_schedule: int = 0
    funds_due: Decimal = ZERO
    funds_arrived: Decimal = ZERO
    foreign_arrived: Decimal = ZERO
    cohort_signed: int = 0
    cohort_started: int = 0
    cohort_operating: int = 0
    arrived_by_source: dict[int, Decimal] = field(default_factory=dict)  # FundsSource id → Σ arrived (万元)
    by_unit: list[Performance] = field(default_factory=list)

    ADDITIVE = ("contracts_due", "contracts_on_schedule", "funds_due", "funds_arrived", "foreign_arrived",
                "cohort_signed", "cohort_started", "cohort_operating")

    def add(self, other: Performance) -> None:
        for name in self.ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for source_id, amount in other.arrived_by_source.items():
            self.arrived_by_source[source_id] = self.arrived_by_source.get(source_id, ZERO) + amount

    @property
    def performance_rate(self) -> Decimal | None:
        """履约率: contracts on schedule ÷ contracts due."""
        return ratio(self.contracts_on_schedule, self.contracts_due)

    @property
    def funds_arrival_rate(self) -> Decimal | None:
        """资金到位率: funds arrived ÷ contracted funds due."""
        return ratio(self.funds_arrived, self.funds_due)

    @property
    def cohort_start_rate(self) -> Decimal | None:
        """签约项目开工率."""
        return ratio(self.cohort_started, self.cohort_signed)

    @property
    def cohort_operating_rate(self) -> Decimal | None:
        """签约项目投产率."""
        return ratio(self.cohort_operating, self.cohort_signed)


def performance(scope: Scope, period: Period, *, breakdown: bool = True) -> Performance:
    """履约率, 资金到位率, 实际到位外资 and the signing cohort's rates for the scope and period (and each child unit).
    Four grouped queries plus the engine's compute()."""
    from .engine import _rollup_map, compute

    per_unit: dict[int, Performance] = defaultdict(Performance)
    contracts = _contracts(scope, period)
    due = Exists(_milestones_due(period).filter(contract=OuterRef("pk")))
    late = Exists(_late(period).filter(contract=OuterRef("pk")))
    for r in contracts.filter(due).annotate(late=late).values("project__unit_id").annotate(
            n=Count("id"), ok=Count("id", filter=Q(late=False))).order_by():
        f = per_unit[r["project__unit_id"]]
        f.contracts_due, f.contracts_on_schedule = r["n"], r["ok"]
    ids = contracts.values("id")
    for r in FundsInstalment.objects.filter(contract__in=ids, due_date__gte=period.start, due_date__lte=period.end
                                            ).values("contract__project__unit_id").annotate(s=Sum("amount")).order_by():
        per_unit[r["contract__project__unit_id"]].funds_due = r["s"] or ZERO
    for r in FundsArrival.objects.filter(contract__in=ids, date__gte=period.start, date__lte=period.end).values(
            "contract__project__unit_id", "source_id", "source__is_foreign").annotate(s=Sum("amount")).order_by():
        f = per_unit[r["contract__project__unit_id"]]
        f.funds_arrived += r["s"] or ZERO
        if r["source__is_foreign"]:
            f.foreign_arrived += r["s"] or ZERO
        f.arrived_by_source[r["source_id"]] = f.arrived_by_source.get(r["source_id"], ZERO) + (r["s"] or ZERO)

    figures = compute(scope, period, breakdown=breakdown)
    total = Performance(unit=scope.root)
    for f in per_unit.values():
        total.add(f)
    total.cohort_signed, total.cohort_started = figures.cohort_signed, figures.cohort_started
    total.cohort_operating = figures.cohort_operating
    if breakdown:
        children, owner = _rollup_map(scope.root)
        by_child = {c.pk: Performance(unit=c) for c in children}
        own = Performance(unit=scope.root, own_level=True)
        for unit_id, f in per_unit.items():
            child = owner.get(unit_id)
            (by_child[child.pk] if child is not None else own).add(f)
        cohort = {fig.unit.pk: fig for fig in figures.by_unit if not fig.own_level}
        for c in children:
            fig = cohort.get(c.pk)
            if fig is not None:
                p = by_child[c.pk]
                p.cohort_signed, p.cohort_started, p.cohort_operating = (
                    fig.cohort_signed, fig.cohort_started, fig.cohort_operating)
        total.by_unit = [by_child[c.pk] for c in children]
    return total


# The figures a performance list can be opened from: key → (title, whether each row carries an amount).
FIGURE_LISTS = {
    "contracts_due": ("应履约合同", False),
    "contracts_on_schedule": ("按约履约合同", False),
    "contracts_late": ("未按约履约合同", False),
    "funds_due": ("应到位资金", True),
    "funds_arrived": ("到位资金", True),
    "foreign_arrived": ("实际到位外资", True),
}


def performance_contracts(scope: Scope, period: Period, key: str):
    """The contracts behind a performance figure (the list a user opens from it): their number is the figure
    for the contract counts; for the money figures each carries `amount` (its instalments due / funds arrived
    in the period) and Σ amount is the figure."""
    if key not in FIGURE_LISTS:
        raise KeyError(f"unknown figure {key!r}")
    contracts = _contracts(scope, period)
    due = Exists(_milestones_due(period).filter(contract=OuterRef("pk")))
    late = Exists(_late(period).filter(contract=OuterRef("pk")))
    if key == "contracts_due":
        return contracts.filter(due)
    if key == "contracts_on_schedule":
        return contracts.filter(due).exclude(late)
    if key == "contracts_late":
        return contracts.filter(late)
    if key == "funds_due":
        in_p = Q(instalments__due_date__gte=period.start, instalments__due_date__lte=period.end)
        return contracts.annotate(amount=Sum("instalments__amount", filter=in_p)).filter(amount__gt=0)
    in_p = Q(arrivals__date__gte=period.start, arrivals__date__lte=period.end)
    if key == "foreign_arrived":
        in_p &= Q(arrivals__source__is_foreign=True)
    return contracts.annotate(amount=Sum("arrivals__amount", filter=in_p)).filter(amount__gt=0)


def performance_drilldown(scope: Scope, period: Period, key: str):
    """The projects behind a performance figure (see performance_contracts)."""
    return Project.objects.filter(id__in=performance_contracts(scope, period, key).values("project_id"))


# ---------------------------------------------------------------- funds by source, 履约项目, cohorts

BIG_PROJECT_WAN = Decimal(10000)  # 亿元以上: total planned investment ≥ 10,000 万元 (inclusive)


def performing_q(as_of: datetime.date) -> Q:
    """履约项目 (a signed project that has begun to perform) by `as_of`, on Project rows: an agreed 注册 reached
    (its actual date), funds arrived on any of its contracts, or its 开工 stage event, each on or before `as_of`."""
    pk = OuterRef("pk")
    registered = ContractMilestone.objects.filter(contract__project=pk, kind=AgreedMilestone.REGISTERED,
                                                  actual_date__isnull=False, actual_date__lte=as_of)
    arrived = FundsArrival.objects.filter(contract__project=pk, date__lte=as_of)
    started = StageEvent.objects.filter(project=pk, stage=Stage.STARTED, date__lte=as_of)
    return Q(Exists(registered)) | Q(Exists(arrived)) | Q(Exists(started))


def _stage_by(stage: str, as_of: datetime.date) -> Q:
    return Q(Exists(StageEvent.objects.filter(project=OuterRef("pk"), stage=stage, date__lte=as_of)))


@dataclass
class Cohort:
    """A cohort of signed projects (签约项目: those signed at one event, or in one year) followed to `as_of`,
    unrounded. Every rate is over the signed projects (a project counts once however many contracts it has)."""

    label: str
    as_of: datetime.date
    signed: int = 0  # 签约项目
    performing: int = 0  # 履约项目: registered, funds arrived or started by as_of (performing_q)
    started: int = 0  # 已开工: 开工 stage event by as_of
    operating: int = 0  # 已投产: 投产 stage event by as_of
    contracted: Decimal = ZERO  # Σ investment of the cohort's contracts (first signings and increases, 万元)
    arrived: Decimal = ZERO  # Σ funds arrived on those contracts by as_of (万元)
    event: object = None
    year: int | None = None

    @property
    def performing_rate(self) -> Decimal | None:
        """履约率 = 履约项目 ÷ 签约项目."""
        return ratio(self.performing, self.signed)

    @property
    def start_rate(self) -> Decimal | None:
        """开工率 = 已开工 ÷ 签约项目."""
        return ratio(self.started, self.signed)

    @property
    def operating_rate(self) -> Decimal | None:
        """投产率 = 已投产 ÷ 签约项目."""
        return ratio(self.operating, self.signed)

    @property
    def funds_rate(self) -> Decimal | None:
        """资金到位率 = Σ arrived by as_of ÷ Σ contracted investment."""
        return ratio(self.arrived, self.contracted)


def cohort_members(scope: Scope, as_of: datetime.date, *, event=None, year: int | None = None):
    """(project ids, contracts) of a cohort, as subqueries. `event`: the projects in scope with a contract signed
    at the event (签约活动, not a 再签约) on or before `as_of`, and those contracts. `year`: the projects in scope
    whose first signing (签约 event) falls in the year, by `as_of` (the engine's signing cohort, cohort_qs), and
    their contracts (not 再签约) signed by `as_of`."""
    if (event is None) == (year is None):
        raise ValueError("a cohort is of one event or one year")
    if event is not None:
        contracts = (Contract.objects.filter(scope.project_q("project__"), event=event, signed_on__lte=as_of)
                     .exclude(kind=ContractKind.RESIGNED))
        return contracts.values("project_id"), contracts
    from .engine import cohort_qs

    projects = cohort_qs(scope, year, as_of).values("project_id")
    contracts = Contract.objects.filter(project__in=projects, signed_on__lte=as_of).exclude(kind=ContractKind.RESIGNED)
    return projects, contracts


def cohort(scope: Scope, as_of: datetime.date, *, event=None, year: int | None = None) -> Cohort:
    """签约项目 of one event or one year followed to `as_of`: 履约率, 开工率, 投产率 and 资金到位率 over the signed
    projects (cohort_members). Three queries."""
    projects, contracts = cohort_members(scope, as_of, event=event, year=year)
    label = f"{event.name}签约项目" if event is not None else f"{year}年签约项目"
    c = Cohort(label=label, as_of=as_of, event=event, year=year)
    row = Project.objects.filter(id__in=projects).aggregate(
        n=Count("id"), p=Count("id", filter=performing_q(as_of)), s=Count("id", filter=_stage_by(Stage.STARTED, as_of)),
        o=Count("id", filter=_stage_by(Stage.OPERATING, as_of)))
    c.signed, c.performing, c.started, c.operating = row["n"], row["p"], row["s"], row["o"]
    c.contracted = contracts.aggregate(s=Sum("investment"))["s"] or ZERO
    c.arrived = (FundsArrival.objects.filter(contract__in=contracts.values("id"), date__lte=as_of)
                 .aggregate(s=Sum("amount"))["s"] or ZERO)
    return c


@dataclass
class SourceRow:
    """到位资金 from one of the city's sources in the period, with the scope unit's target for it (万元)."""

    source: object  # FundsSource
    arrived: Decimal = ZERO
    share: Decimal | None = None  # arrived ÷ all funds arrived
    target: object = None  # Target (indicator source_funds_arrived), or None
    expected: Decimal | None = None  # the target due by the period's end (targets.expected_by, city schedule)

    @property
    def progress(self) -> Decimal | None:
        """完成目标的 x%: arrived ÷ target."""
        return None if self.target is None else ratio(self.arrived, self.target.value)

    @property
    def schedule(self) -> Decimal | None:
        """进度: the share of the target due by now."""
        if self.target is None:
            return None
        return ratio(self.expected, self.target.value) if self.target.value else Decimal(1)


@dataclass
class TierRow:
    """到位资金 of the projects of one 三次产业 (by the contract's industry_tier), and how many projects."""

    code: str
    label: str
    arrived: Decimal = ZERO
    projects: int = 0
    share: Decimal | None = None


@dataclass
class FundsReport:
    """到位资金 by source, by 三次产业 and of 亿元以上 projects, and 履约项目, for a scope and period (unrounded)."""

    scope: Scope
    period: Period
    total: Decimal = ZERO
    sources: list[SourceRow] = field(default_factory=list)
    tiers: list[TierRow] = field(default_factory=list)
    big_arrived: Decimal = ZERO  # of 亿元以上 projects (计划总投资 ≥ 1 亿元)
    big_projects: int = 0
    signing: Cohort | None = None  # the year's signing cohort by the period's end: 履约项目 / 签约项目
    performance: Performance | None = None  # the milestone-based 履约率 (contracts due / on schedule)

    @property
    def big_share(self) -> Decimal | None:
        return ratio(self.big_arrived, self.total)


def funds_by_source(scope: Scope, period: Period, *, level: str = "city", perf: Performance | None = None
                    ) -> FundsReport:
    """到位资金 in the period (the contracts of `performance`) split by the city's funds sources (in their order,
    retired ones only when they have funds), each with its share of the total and the scope unit's target on it
    (分来源到位资金, `level`, the scope's list / category) with progress and the schedule due by the period's end
    (the city's 序时进度); by 三次产业 with shares; the share of 亿元以上 projects; 履约项目 and 履约率 of the year's
    signing cohort by the period's end, beside the milestone-based 履约率 (`perf`: performance() of the same scope
    and period when the caller has it). About ten queries."""
    from tuijin.attraction.models import FundsSource, IndustryTier, Target
    from tuijin.attraction.targets import SOURCE_INDICATOR, expected_by

    from .engine import schedule_shares

    report = FundsReport(scope=scope, period=period)
    arrivals = FundsArrival.objects.filter(contract__in=_contracts(scope, period).values("id"),
                                           date__gte=period.start, date__lte=period.end)
    by_source = dict(arrivals.values("source_id").annotate(s=Sum("amount")).values_list("source_id", "s").order_by())
    report.total = sum(by_source.values(), ZERO)
    big = Q(contract__project__total_investment__gte=BIG_PROJECT_WAN)
    tiers = {r["contract__industry_tier"]: r for r in arrivals.values("contract__industry_tier").annotate(
        s=Sum("amount"), n=Count("contract__project", distinct=True), bs=Sum("amount", filter=big),
        bn=Count("contract__project", distinct=True, filter=big)).order_by()}
    # A user limited to some projects (a reporter) sees no unit target: it measures the whole unit.
    targets = {} if scope.restrict is not None else {t.source_id: t for t in Target.objects.filter(
        unit=scope.root, year=period.year, indicator=SOURCE_INDICATOR, level=level, annual_list=scope.annual_list,
        category=scope.category).prefetch_related("steps")}
    shares = schedule_shares(scope.city, period.year)
    for src in FundsSource.objects.filter(city=scope.city).order_by("sort_order", "id"):
        arrived = by_source.get(src.pk) or ZERO
        if not src.active and not arrived and src.pk not in targets:
            continue
        t = targets.get(src.pk)
        report.sources.append(SourceRow(src, arrived, ratio(arrived, report.total), t,
                                        None if t is None else expected_by(t, period.last_month, shares)))
    for code, label in IndustryTier.choices:
        r = tiers.get(code) or {}
        report.tiers.append(TierRow(code, label, r.get("s") or ZERO, r.get("n") or 0,
                                    ratio(r.get("s") or ZERO, report.total)))
        report.big_arrived += r.get("bs") or ZERO
        report.big_projects += r.get("bn") or 0
    report.signing = cohort(scope, period.end, year=period.year)
    report.performance = perf if perf is not None else performance(scope, period, breakdown=False)
    return report


# ---------------------------------------------------------------- 逾期未履约 (the weekly agenda's section)


@dataclass
class StalledContract:
    """A contract on the weekly agenda: its overdue milestones and its oldest uncovered instalment (or none)."""

    contract: Contract
    milestones: list = field(default_factory=list)  # ContractMilestone, oldest first
    instalment: object = None  # FundsInstalment annotated with due_through and arrived (万元)

    @property
    def since(self):
        """The oldest overdue due date."""
        return min([m.due_date for m in self.milestones] + ([self.instalment.due_date] if self.instalment else []))


def stalled_contracts(user, city, as_of) -> list[StalledContract]:
    """逾期未履约的签约项目: the contracts of the city's projects the user sees with an agreed milestone due more
    than stalled_days() before `as_of` and not reached by then (开工 / 投产 also by the project's stage event), or
    an instalment overdue that long and not covered by the funds arrived by then; oldest first. Two queries."""
    contracts = contracts_for(user).filter(project__unit__path__startswith=city.path)
    days = stalled_days()
    by_contract: dict[int, StalledContract] = {}
    for m in overdue_milestones(contracts, as_of, days):
        by_contract.setdefault(m.contract_id, StalledContract(m.contract)).milestones.append(m)
    for i in overdue_instalments(contracts, as_of, days):
        by_contract.setdefault(i.contract_id, StalledContract(i.contract)).instalment = i
    return sorted(by_contract.values(), key=lambda s: (s.since, s.contract.project.code, s.contract.pk))
