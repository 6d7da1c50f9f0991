"""Reads of the dossier (一项目一档): everything the project page and its one-page A4 summary show beyond the
project's own record, for a user, from the scoping choke point (out of reach: 404). Figures come from the
indicator engine (plan_vs_actual, compute) and are rounded by present(); nothing is recomputed here.

A fixed number of queries, whatever the number of months, reports, contracts or documents of the project."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from tuijin.core.periods import Period
from tuijin.indicators.engine import compute, plan_vs_actual
from tuijin.indicators.present import present, present_plan_vs_actual
from tuijin.indicators.scope import Scope
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.selectors import conventions_for
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.projects import scoping
from tuijin.projects.models import ListEntry, Milestone, Project, Stage, StageEvent, StagePlan

from .models import ApprovalDocument


def approvals_for(user):
    """审批要件 of the projects the user may see."""
    return ApprovalDocument.objects.filter(project__in=scoping.projects_for(user).values("pk"))


def get_approval_or_404(user, pk) -> ApprovalDocument:
    doc = approvals_for(user).select_related("project").filter(pk=pk).first()
    if doc is None:
        raise Http404("审批要件不存在或不在您的权限范围内")
    return doc


def may_edit(user, project: Project) -> bool:
    return scoping.projects_for(user, scoping.WRITE).filter(pk=project.pk).exists()


# ---------------------------------------------------------------- the dossier


@dataclass
class TimelineItem:
    """One dated line of the timeline: a stage reached or planned, a construction node, a contract's agreed node,
    a signing or an approval."""

    date: datetime.date
    source: str  # 阶段 · 节点 · 合同 · 审批
    label: str
    detail: str = ""
    done: bool = True  # reached (an actual date); False: planned or agreed
    overdue: bool = False  # planned or agreed, not reached, and the date has passed


@dataclass
class ContractRow:
    contract: object
    milestones: list
    instalments: list
    arrivals: list
    arrived: Decimal  # Σ 到位资金 of the contract (万元), summed by the database


@dataclass
class ListYear:
    """One year of the list history: the lists the project was on, each with its annual plan."""

    year: int
    entries: list[ListEntry]


@dataclass
class Dossier:
    project: Project
    city: OrgUnit | None
    year: int | None  # the year of the chart and the key figures
    years: list[int]  # the years the project was listed, newest first (the chart's choices)
    chart: dict | None  # present_plan_vs_actual of the project for `year`
    figures: dict | None  # present(compute(...)) of the project for 1-through月 of `year`
    conventions: object = None
    timeline: list[TimelineItem] = field(default_factory=list)
    list_history: list[ListYear] = field(default_factory=list)
    problems_open: list = field(default_factory=list)
    problems_closed: list = field(default_factory=list)
    contracts: list[ContractRow] = field(default_factory=list)
    approvals: list[ApprovalDocument] = field(default_factory=list)
    latest_progress: MonthlyReport | None = None  # the newest accepted report with a 形象进度
    stage_events: list[StageEvent] = field(default_factory=list)
    today: datetime.date | None = None

    @property
    def through_label(self) -> str:
        if not self.chart or not self.chart["through"]:
            return ""
        t = self.chart["through"]
        return f"{self.year}年1-{t}月" if t > 1 else f"{self.year}年1月"


def project_city(project: Project) -> OrgUnit | None:
    """The project's city (its unit's ancestor, or the unit itself): one query."""
    unit = project.unit
    if unit.kind == UnitKind.CITY:
        return unit
    return OrgUnit.objects.filter(id__in=unit.ancestor_ids, kind=UnitKind.CITY).first()


def project_scope(project: Project, city: OrgUnit) -> Scope:
    """The indicator scope of one project: its city, limited to the project itself."""
    return Scope(city, restrict=Q(pk=project.pk), restrict_label=project.name)


def _timeline(
    project, events, plans, milestones, contracts, approvals, today
) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    reached = {e.stage for e in events}
    for e in events:
        items.append(TimelineItem(e.date, "阶段", e.get_stage_display(), e.note))
    for stage, planned in plans.items():
        if stage not in reached and project.stage != Stage.TERMINATED:
            items.append(
                TimelineItem(
                    planned,
                    "阶段",
                    f"计划{Stage(stage).label}",
                    done=False,
                    overdue=planned < today,
                )
            )
    for m in milestones:
        if m.actual_date:
            detail = f"计划 {m.planned_date:%Y-%m-%d}" if m.planned_date else ""
            items.append(
                TimelineItem(
                    m.actual_date,
                    "节点",
                    m.get_kind_display(),
                    " ".join(filter(None, [detail, m.note])),
                )
            )
        elif m.planned_date:
            items.append(
                TimelineItem(
                    m.planned_date,
                    "节点",
                    f"计划{m.get_kind_display()}",
                    m.note,
                    done=False,
                    overdue=m.planned_date < today,
                )
            )
    for row in contracts:
        c = row.contract
        items.append(TimelineItem(c.signed_on, "合同", c.get_kind_display()))
        for m in row.milestones:
            if m.actual_date:
                items.append(
                    TimelineItem(
                        m.actual_date,
                        "合同",
                        f"合同约定{m.get_kind_display()}",
                        f"约定 {m.due_date:%Y-%m-%d}",
                    )
                )
            else:
                items.append(
                    TimelineItem(
                        m.due_date,
                        "合同",
                        f"合同约定{m.get_kind_display()}",
                        done=False,
                        overdue=m.due_date < today,
                    )
                )
    for a in approvals:
        items.append(TimelineItem(a.issued_on, "审批", a.label, a.number))
    order = {"阶段": 0, "合同": 1, "审批": 2, "节点": 3}
    return sorted(items, key=lambda i: (i.date, order[i.source]))


def listed_years(entries: list[ListEntry]) -> list[int]:
    return sorted({e.year for e in entries}, reverse=True)


def default_year(years: list[int], today: datetime.date) -> int | None:
    """The chart's year: this year if listed, else the newest listed year before it, else the earliest."""
    past = [y for y in years if y <= today.year]
    return max(past) if past else (min(years) if years else None)


def dossier(
    user,
    project: Project,
    *,
    year: int | None = None,
    today: datetime.date | None = None,
    entries: list[ListEntry] | None = None,
    events: list[StageEvent] | None = None,
    plans: dict | None = None,
    milestones: list[Milestone] | None = None,
) -> Dossier:
    """The dossier of a project the user may see (its caller fetched it through the scope). `year`: the chart's
    year (a listed year; any other gives the default: this year, else the newest listed year before it); `entries`, `events`, `plans` (stage → planned date), `milestones`:
    the project's list entries, stage events, stage plans and milestones if the caller has already read them. About twenty queries, whatever the project's history."""
    from tuijin.attraction.models import FundsArrival
    from tuijin.attraction.selectors import contracts_for
    from tuijin.problems.models import Status
    from tuijin.problems.selectors import problems_for

    today = today or timezone.localdate()
    if entries is None:
        entries = list(
            ListEntry.objects.filter(project=project)
            .select_related("annual_list")
            .order_by("-year", "annual_list__rank", "annual_list_id")
        )
    years = listed_years(entries)
    year = year if year in years else default_year(years, today)
    city = project_city(project)

    chart = figures = config = None
    if year is not None and city is not None:
        config = conventions_for(city, year)
        scope = project_scope(project, city)
        pva = plan_vs_actual(scope, year)
        chart = present_plan_vs_actual(pva, config)
        if pva.through:
            figures = present(
                compute(scope, Period.year_to_date(year, pva.through), breakdown=False)
            )

    if events is None:
        events = list(StageEvent.objects.filter(project=project))
    events = sorted(events, key=lambda e: (e.date, e.pk))
    if plans is None:
        plans = dict(StagePlan.objects.filter(project=project).values_list("stage", "planned_date"))
    if milestones is None:
        milestones = list(
            Milestone.objects.filter(project=project).order_by("planned_date", "actual_date", "id")
        )
    contracts = [
        ContractRow(
            c,
            list(c.milestones.all()),
            list(c.instalments.all()),
            list(c.arrivals.all()),
            c.arrived_sum or Decimal(0),
        )
        for c in contracts_for(user)
        .filter(project=project)
        .annotate(arrived_sum=Sum("arrivals__amount"))
        .prefetch_related(
            "milestones", "instalments", Prefetch("arrivals", FundsArrival.objects.order_by("date"))
        )
        .order_by("signed_on", "id")
    ]
    approvals = list(ApprovalDocument.objects.filter(project=project).order_by("issued_on", "id"))
    problems = list(
        problems_for(user)
        .filter(project=project)
        .select_related("lead_department", "category")
        .order_by("-raised_at", "-id")
    )
    latest = (
        MonthlyReport.objects.filter(project=project, status=ReportStatus.ACCEPTED)
        .exclude(progress_text="")
        .order_by("-year", "-month")
        .first()
    )
    by_year: dict[int, list[ListEntry]] = {}
    for e in entries:
        by_year.setdefault(e.year, []).append(e)
    return Dossier(
        project=project,
        city=city,
        year=year,
        years=years,
        chart=chart,
        figures=figures,
        conventions=config,
        timeline=_timeline(project, events, plans, milestones, contracts, approvals, today),
        list_history=[ListYear(y, es) for y, es in by_year.items()],
        problems_open=[p for p in problems if p.status != Status.CLOSED],
        problems_closed=[p for p in problems if p.status == Status.CLOSED],
        contracts=contracts,
        approvals=approvals,
        latest_progress=latest,
        stage_events=events,
        today=today,
    )
