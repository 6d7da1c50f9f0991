"""Reads for the web pages. Each takes the user and starts from the scoping choke point (projects_for,
units_for, get_project_or_404, restrict_scope), so a page never shows, counts or offers in a drop-down
anything outside the user's reach. Figures come from the indicator engine, never from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.utils import timezone

from tuijin.accounts.models import Role
from tuijin.accounts.selectors import (  # noqa: F401 (the pages' names)
    number_style,
    visible_cities,
    visible_departments,
)
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.present import present
from tuijin.indicators.scope import Scope, restrict_scope
from tuijin.industry.models import TaxonomyNode
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.selectors import conventions_for
from tuijin.progress import selectors as progress_selectors
from tuijin.progress.models import MonthlyReport
from tuijin.projects import scoping
from tuijin.projects.models import (
    STAGE_ORDER,
    AnnualList,
    Category,
    ListEntry,
    Milestone,
    Project,
    Stage,
    StageEvent,
    StagePlan,
)

from .audit_selectors import describe, project_history

PAGE_SIZE = 50
HISTORY_LIMIT = 200


# ---------------------------------------------------------------- what the user may pick from


def visible_units(user):
    """The org units a user may filter by (板块 and parks, never departments), in tree order."""
    return scoping.units_for(user).exclude(kind=UnitKind.DEPARTMENT).order_by("path")


def writable_units(user):
    """The units a user may put a project on: its own subtree, for a role that may write; units in use only
    (a retired unit, 撤销, keeps its projects but takes no new one)."""
    if not scoping.can(user, scoping.WRITE):
        return OrgUnit.objects.none()
    return visible_units(user).filter(active=True)


def dimension_choices(user, kind: str):
    """The 行业领域 (kind 'sector') or 建设性质 ('nature') values in use of the user's cities, in display order."""
    from tuijin.projects.models import BuildNature, Sector

    model = Sector if kind == "sector" else BuildNature
    return model.objects.filter(city__in=visible_cities(user), active=True).order_by("city_id", "sort_order", "id")


def visible_lists(user):
    """The annual lists (年度清单) of the user's cities."""
    return AnnualList.objects.filter(city__in=visible_cities(user)).select_related("city").order_by(
        "city__path", "rank", "id")


def visible_nodes(user):
    """The industry taxonomy nodes (产业链) of the user's cities, each tree in path order."""
    return TaxonomyNode.objects.filter(taxonomy__city__in=visible_cities(user)).select_related(
        "taxonomy").order_by("taxonomy__city__path", "taxonomy_id", "path")


def list_years(user) -> list[int]:
    """The years in which any project the user may see is on an annual list, newest first."""
    return list(ListEntry.objects.filter(project__in=scoping.projects_for(user).values("pk"))
                .order_by("-year").values_list("year", flat=True).distinct())


def categories(*, in_use: bool = False):
    """项目类别 in display order; `in_use`: only those not retired (what a new project may take)."""
    qs = Category.objects.filter(active=True) if in_use else Category.objects.all()
    return qs.order_by("sort_order", "id")


# ---------------------------------------------------------------- 项目库


@dataclass(frozen=True)
class ProjectFilters:
    """The project list's filters, already resolved to objects the user may see."""

    q: str = ""
    unit: OrgUnit | None = None
    annual_list: AnnualList | None = None
    year: int | None = None
    stage: str = ""
    category: Category | None = None
    industry_node: TaxonomyNode | None = None


def projects(user, f: ProjectFilters):
    """The user's projects matching the filters, with what the list prints joined in (one query per page).
    A unit or industry node includes its subtree (a district with its parks, a cluster with its chains)."""
    qs = scoping.projects_for(user).select_related("unit", "category", "industry_node")
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.annual_list is not None or f.year is not None:
        entries = ListEntry.objects.all()
        if f.annual_list is not None:
            entries = entries.filter(annual_list=f.annual_list)
        if f.year is not None:
            entries = entries.filter(year=f.year)
        qs = qs.filter(pk__in=entries.values("project_id"))
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.industry_node is not None:
        qs = qs.filter(industry_node__path__startswith=f.industry_node.path)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q))
    return qs.order_by("unit__path", "code")


def summary(qs) -> dict:
    """项目个数 and Σ 计划总投资 (万元) of a filtered, scoped queryset, in one aggregate query."""
    totals = qs.order_by().aggregate(count=Count("pk"), total=Sum("total_investment"))
    return {"count": totals["count"], "total_wan": totals["total"] if totals["total"] is not None else Decimal(0)}


# ---------------------------------------------------------------- 项目页


@dataclass
class StageRow:
    """One line of the lifecycle table: a stage with its planned and actual dates."""

    stage: str
    label: str
    planned: object = None
    event: StageEvent | None = None
    current: bool = False


@dataclass
class ProjectPage:
    project: Project
    stages: list[StageRow]
    milestones: list[Milestone]
    entries: list[ListEntry]
    reports_by_year: list[tuple[int, list[MonthlyReport]]]
    photos_by_month: list = field(default_factory=list)  # [(year, month, [ReportPhoto, …])], newest first
    history: list = field(default_factory=list)
    history_truncated: bool = False
    can_write: bool = False
    dossier: object = None  # tuijin.dossier.selectors.Dossier: timeline, plan against actual, problems, contracts …


def project_page(user, pk, *, year: int | None = None) -> ProjectPage:
    """Everything the project page (the project's dossier, 一项目一档) shows, in a fixed number of queries. Out of
    scope: 404. `year`: the year of the plan-against-actual chart and key figures (default: this year's list)."""
    from tuijin.dossier.selectors import dossier

    found = scoping.get_project_or_404(user, pk)
    project = Project.objects.select_related(
        "unit", "category", "industry_node", "industry_node__taxonomy", "responsible_department", "sector", "nature",
    ).get(pk=found.pk)
    event_list = list(StageEvent.objects.filter(project=project).select_related("recorded_by"))
    events = {e.stage: e for e in event_list}
    plans = dict(StagePlan.objects.filter(project=project).values_list("stage", "planned_date"))
    stages = [StageRow(s, Stage(s).label, plans.get(s), events.get(s), project.stage == s) for s in STAGE_ORDER]
    if Stage.TERMINATED in events:
        stages.append(StageRow(Stage.TERMINATED, Stage.TERMINATED.label, None, events[Stage.TERMINATED], True))
    entries = list(ListEntry.objects.filter(project=project).select_related("annual_list")
                   .order_by("-year", "annual_list__rank", "annual_list_id"))
    by_year: dict[int, list[MonthlyReport]] = {}
    for r in MonthlyReport.objects.filter(project=project).order_by("-year", "month").prefetch_related("photos"):
        by_year.setdefault(r.year, []).append(r)
    # 现场照片 by month (a gallery, newest month first), from the reports already read: no further query.
    gallery = [(r.year, r.month, list(r.photos.all())) for rs in by_year.values() for r in rs]
    gallery = sorted((g for g in gallery if g[2]), key=lambda g: (g[0], g[1]), reverse=True)
    history = list(project_history(user, project.pk)[:HISTORY_LIMIT + 1])
    milestones = list(Milestone.objects.filter(project=project).order_by("planned_date", "actual_date", "id"))
    return ProjectPage(
        project=project,
        stages=stages,
        milestones=milestones,
        entries=entries,
        reports_by_year=list(by_year.items()),
        photos_by_month=gallery,
        history=describe(history[:HISTORY_LIMIT]),
        history_truncated=len(history) > HISTORY_LIMIT,
        can_write=scoping.projects_for(user, scoping.WRITE).filter(pk=project.pk).exists(),
        dossier=dossier(user, project, year=year, entries=entries, events=event_list, plans=plans,
                        milestones=milestones),
    )


def next_stages(project: Project) -> list[tuple[str, str]]:
    """The stages a project may move into: any later one in lifecycle order, or 终止."""
    if project.stage == Stage.TERMINATED:
        return []
    rank = STAGE_ORDER.index(project.stage) if project.stage in STAGE_ORDER else len(STAGE_ORDER)
    return [(s, Stage(s).label) for s in STAGE_ORDER[rank + 1:]] + [(Stage.TERMINATED, Stage.TERMINATED.label)]


# ---------------------------------------------------------------- 总览


def overview_scope(user, city: OrgUnit, annual_list: AnnualList | None = None) -> Scope:
    """The indicator scope of the user's overview: its city, narrowed to its district (with its parks) for a
    district user, and limited by restrict_scope to exactly the projects the user may see."""
    unit = None
    if user.unit_id and not user.is_superuser and user.role not in (Role.REPORTER, Role.DEPARTMENT):
        if user.unit.kind not in (UnitKind.PROVINCE, UnitKind.CITY):
            unit = user.unit
    return restrict_scope(user, Scope(city, unit, annual_list))


def default_through(scope: Scope) -> tuple[int, int] | None:
    """The month the pages open on: the city's latest closed month (progress.selectors.closed_through), so that
    the first accepted report of a new month does not turn every page to it; None without accepted reports.
    Cached under every data version of the city, with what else it reads in the key: the city's reporting
    periods (a period locked or its deadline moved is not a figure row) and today (a period locks by date)."""
    from tuijin.indicators.engine import cached_for_city
    from tuijin.progress.models import ReportingPeriod

    today = timezone.localdate()
    periods = tuple(ReportingPeriod.objects.filter(city=scope.city).order_by("year", "month").values_list(
        "year", "month", "opens_on", "deadline", "locked_at"))
    q = scope.project_q()
    return cached_for_city(scope.city, ("closed_through", str(q), today, periods),
                           lambda: progress_selectors.closed_through(q, scope.city, today=today))


def month_status(scope: Scope, period) -> progress_selectors.MonthStatus:
    """The reporting completeness of the period's last month for the projects in scope (7月已确认 1/575)."""
    return progress_selectors.month_status(scope.project_q(), scope.city, period.year, period.last_month)


@dataclass
class OverviewRow:
    data: dict  # one unit's presented figures
    unit_id: int | None
    own_level: bool = False
    projects_query: str | None = None  # the project list's query string showing the projects behind 项目数


@dataclass
class Overview:
    data: dict  # present() of the root: its figures, period, basis, filters
    total: OverviewRow
    rows: list[OverviewRow]
    amount_places: int
    rate_places: int
    conventions: object = None  # orgs.Conventions of the root and year: how ahead / behind is worded


def overview(user, scope: Scope, period: Period) -> Overview:
    """The indicator table: the root's figures and each child unit's, from the engine (compute + present).
    A reporter or department sees only the rows holding any of its projects, so no other unit is named."""
    figures = compute(scope, period)
    data = present(figures)
    # Limited to assigned projects (填报员, 部门经办) rather than a unit subtree: name no unit without its projects.
    restricted = scope.restrict is not None and not user.is_superuser
    filterable = set(visible_units(user).values_list("pk", flat=True))

    def projects_query(unit_id: int | None) -> str | None:
        # 项目数 drills down to the project list (listed that year, on the chosen list, in the unit's subtree),
        # whose count equals the figure. Only units the user may filter by get a link.
        params = {"year": period.year}
        if scope.annual_list is not None:
            params["annual_list"] = scope.annual_list.pk
        if unit_id is not None and not (restricted and unit_id == scope.root.pk):
            if unit_id not in filterable:
                return None
            params["unit"] = unit_id
        return urlencode(params)

    rows = [OverviewRow(d, None if fig.own_level else fig.unit.pk, fig.own_level,
                        None if fig.own_level else projects_query(fig.unit.pk))
            for fig, d in zip(figures.by_unit, data["by_unit"], strict=True)]
    if restricted:
        rows = [r for r in rows if r.data["projects"] or any(
            r.data[k]["count"] or r.data[k]["count_prev"] for k in ("new_signed", "new_started", "new_operating"))]
    if len(rows) == 1 and rows[0].own_level:
        rows = []  # a unit without child units: its 本级 row would only repeat the total
    config = conventions_for(scope.root, period.year)
    total = OverviewRow(data, scope.root.pk, projects_query=projects_query(scope.root.pk))
    return Overview(data=data, total=total, rows=rows, amount_places=config.amount_places, conventions=config,
                    rate_places=config.rate_places)


# ---------------------------------------------------------------- 全省 (a province reader's comparison)


@dataclass
class ProvinceRow:
    city: OrgUnit
    data: dict  # present() of the city's figures
    amount_places: int
    rate_places: int


def province_comparison(user, through: tuple[int, int] | None = None) -> tuple[Period | None, list[ProvinceRow]]:
    """全省: each city the user sees, its figures from the engine (compute + present, nothing recomputed here), all
    for the same 1-N月: the month asked for, else the latest month closed in every city (so no city is compared on
    a month it has not closed). A handful of queries per city, none per project."""
    cities = list(visible_cities(user))
    scopes = [(c, overview_scope(user, c)) for c in cities]
    if through is None:
        months = [default_through(s) for _, s in scopes]
        months = [m for m in months if m is not None]
        through = min(months) if months else None
    if through is None:
        return None, []
    period = Period.year_to_date(*through)
    rows = []
    for city, scope in scopes:
        config = conventions_for(city, period.year)
        rows.append(ProvinceRow(city, present(compute(scope, period)), config.amount_places, config.rate_places))
    return period, rows
