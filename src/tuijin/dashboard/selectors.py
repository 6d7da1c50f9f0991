"""Reads of the dashboard (驾驶舱): the figures, charts, drill-down lists, lights and rankings it shows.

Every read takes the user and starts from the scoping choke point (web.selectors.overview_scope →
indicators.scope.restrict_scope, visible_units, projects.scoping.projects_for), and every figure comes from the engine
(indicators.engine / chains / lights / competition): nothing is computed here but the sum of a drill-down
list's rows, which is exactly what the list exists to show.

A figure on the page is a `Fig`: its unrounded value, its printed text, the URL of the list behind it and
the measure of that list that equals it (count, completed, completion_rate …). The drill-down list page
(`drill_list`) computes that measure from its own rows; tests/dashboard checks every figure against it. For a
scope the figure store serves, a listed drill-down's rows are a queryset over the store paginated in the database
(FactRows) and its totals one aggregate over the same rows (engine.drilldown_facts / drilldown_totals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from tuijin.core import numbers
from tuijin.core.errors import InputError
from tuijin.core.numbers import NumberStyle, growth, ratio
from tuijin.core.params import parse_id, parse_year
from tuijin.core.periods import Period, PeriodError, parse_year_month
from tuijin.indicators import chains as chain_engine
from tuijin.indicators import competition, engine
from tuijin.indicators import lights as light_engine
from tuijin.indicators.present import Presenter, unit_label
from tuijin.indicators.scope import Scope, restrict_scope
from tuijin.industry.models import TaxonomyNode
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.selectors import conventions_for
from tuijin.projects import scoping
from tuijin.projects.models import AnnualList, Category, Project, Sector, Stage, StageEvent
from tuijin.web import selectors as web_selectors

from .models import Campaign, CampaignAdjustment, Highlight, LightRule

ZERO = Decimal(0)
PERIOD_KINDS = [("ytd", "1-N月 (年初至今)"), ("quarter", "季度"), ("half", "半年"), ("month", "当月")]

# Drill-down keys by the kind of list they open.
LISTED_KEYS = ("projects", "annual_plan", "completed", "completion_rate", "planned_new_starts",
               "planned_new_starts_started", "planned_new_starts_not_started", "planned_starts_to_date",
               "planned_starts_to_date_started", "planned_completions", "planned_completions_done",
               "planned_operations", "planned_operations_done")
EVENT_KEYS = tuple(engine.EVENT_FIGURES)
COHORT_KEYS = tuple(engine.COHORT_FIGURES)
ENTERPRISE_KEY = "enterprises"
ALL_KEYS = LISTED_KEYS + EVENT_KEYS + COHORT_KEYS + (ENTERPRISE_KEY,)

KEY_TITLES = {
    "projects": "项目", "annual_plan": "项目 (年度计划投资)", "completed": "项目 (完成投资)",
    "completion_rate": "项目 (年度投资完成率)", "planned_new_starts": "计划新开工项目",
    "planned_new_starts_started": "计划新开工项目中已开工的", "planned_new_starts_not_started": "计划新开工项目中未开工的",
    "planned_starts_to_date": "计划截至本月开工的项目", "planned_starts_to_date_started": "计划截至本月开工且已开工的项目",
    "planned_completions": "计划竣工项目", "planned_completions_done": "计划竣工项目中已竣工的",
    "planned_operations": "计划投产项目", "planned_operations_done": "计划投产项目中已投产的",
    "new_signed": "新签约项目", "new_started": "新开工项目", "new_operating": "新投产 (投用) 项目",
    "cohort_signed": "签约批次: 已签约", "cohort_started": "签约批次: 已开工", "cohort_operating": "签约批次: 已投产",
    "cohort_at_capacity": "签约批次: 已达产", "enterprises": "规上工业企业 (开票销售)",
}
EVENT_STAGE = {**engine.EVENT_FIGURES, **engine.COHORT_FIGURES}
STAGE_LABELS = dict(Stage.choices)


# ---------------------------------------------------------------- rules


def rule_rows(city: OrgUnit) -> list[LightRule]:
    return list(LightRule.objects.filter(city=city).order_by("sort_order", "id"))


def rules_for(city: OrgUnit) -> tuple[list[light_engine.Rule], bool]:
    """The city's active rules as data, and whether they are the defaults (the city has stored none)."""
    rows = rule_rows(city)
    if not rows:
        return list(light_engine.DEFAULT_RULES), True
    return [r.as_rule() for r in rows if r.active], False


# ---------------------------------------------------------------- scope and period


def visible_cities(user):
    return web_selectors.visible_cities(user)


def is_restricted(user) -> bool:
    """A reporter or department handler: limited to assigned projects rather than a unit subtree."""
    from tuijin.accounts.models import Role

    return not user.is_superuser and user.role in (Role.REPORTER, Role.DEPARTMENT)


def dashboard_scope(user, city: OrgUnit, unit: OrgUnit | None = None, annual_list: AnnualList | None = None
                    ) -> Scope:
    """The user's overview scope (their city, narrowed to their district, restricted to what they may see),
    narrowed further to `unit` when one of the user's visible units is chosen."""
    scope = web_selectors.overview_scope(user, city, annual_list)
    if unit is None or unit.pk == scope.root.pk:
        return scope
    if not unit.is_within(city) or unit.kind == UnitKind.DEPARTMENT or \
            not web_selectors.visible_units(user).filter(pk=unit.pk).exists() or not unit.is_within(scope.root):
        raise Http404("单位不在您的权限范围内")
    return restrict_scope(user, scope.with_unit(unit))


def period_params(period: Period, kind: str) -> dict:
    return {"through": period.through, "kind": kind}


# ---------------------------------------------------------------- figures with their drill-down


@dataclass
class Fig:
    """A number on the page: unrounded value, printed text, the list behind it and the list's measure."""

    value: Decimal | int | None
    text: str
    url: str | None = None
    measure: str = "count"

    @property
    def raw(self) -> str:
        return "" if self.value is None else str(self.value)


class Printer:
    """Rounds once, by the conventions of the unit and year (present.Presenter), and prints with their decimals."""

    def __init__(self, unit: OrgUnit, year: int):
        self.config = conventions_for(unit, year)
        self.p = Presenter(self.config)
        c = self.config
        self.variance_label = "超/欠序时" if c.wording == "schedule" else f"{c.ahead_word}/{c.behind_word}"
        self.style = NumberStyle.of(self.config)

    def yi(self, wan) -> str:
        return numbers.yi_text(wan, self.style)

    def yi_num(self, wan) -> float | None:
        v = self.p.yi(wan)
        return None if v is None else float(v)

    def pct(self, fraction) -> str:
        return numbers.rate_text(fraction, self.style)

    def pct_num(self, fraction) -> float | None:
        v = self.p.pct(fraction)
        return None if v is None else float(v)

    def pp(self, rate, share) -> Decimal | None:
        return self.p.pp(rate, share)

    def pp_num(self, rate, share) -> float | None:
        v = self.p.pp(rate, share)
        return None if v is None else float(v)

    def yoy(self, fraction) -> str:
        return numbers.presented_rate_text(self.p.pct(fraction), self.config.rate_places, signed=True)


class Links:
    """Builds drill-down URLs for one dashboard view (its city, unit, list and period)."""

    def __init__(self, scope: Scope, period: Period, kind: str, city: OrgUnit, unit: OrgUnit | None):
        self.base = {"city": city.pk}
        if unit is not None:
            self.base["unit"] = unit.pk
        if scope.annual_list is not None:
            self.base["list"] = scope.annual_list.pk
        self.period, self.kind = period, kind
        self.path = reverse("dashboard:list")

    def url(self, key: str, *, period: Period | None = None, kind: str | None = None, **extra) -> str:
        params = {"key": key, **self.base, "through": (period or self.period).through, "kind": kind or self.kind}
        params.update({k: v for k, v in extra.items() if v is not None})
        return f"{self.path}?{urlencode(params)}"


# ---------------------------------------------------------------- the dashboard


@dataclass
class Kpi:
    label: str
    main: Fig
    unit: str = ""
    subs: list[tuple[str, Fig | str]] = field(default_factory=list)  # (label, figure or plain text)
    yoy: str | None = None
    yoy_class: str = ""


@dataclass
class UnitRow:
    label: str
    unit: OrgUnit | None
    own_level: bool
    figs: dict[str, Fig]
    light: light_engine.Light | None
    dashboard_url: str | None


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    kind: str
    data_title: str
    share_text: str
    kpis: list[Kpi]
    units: list[UnitRow]
    charts: dict[str, dict]
    chains: dict | None
    light_counts: dict[str, int]
    rules: list[light_engine.Rule]
    default_rules: bool
    cohort_year: int
    restricted: bool
    figs: list[Fig] = field(default_factory=list)  # every figure on the page (KPIs, tables, charts)
    targets: list[dict] = field(default_factory=list)  # the 目标任务 panel (indicators.targets.target_progress)
    sectors: list[dict] = field(default_factory=list)  # the 分行业领域 panel (engine.breakdown by sector)


def _kind_of(period: Period) -> str:
    if period.first_month == 1:
        return "ytd"
    if period.first_month == period.last_month:
        return "month"
    return "quarter" if period.last_month - period.first_month == 2 else "half"


def dashboard(user, scope: Scope, period: Period, kind: str, *, city: OrgUnit, unit: OrgUnit | None,
              cohort_year: int | None = None) -> Dashboard:
    """Everything the dashboard shows for a scope and period, each number with its drill-down."""
    pr = Printer(scope.root, period.year)
    links = Links(scope, period, kind, city, unit)
    prev = period.previous_year()
    fig = engine.compute(scope, period)
    restricted = scope.restrict is not None and not user.is_superuser
    rules, default_rules = rules_for(scope.city)
    light_report = light_engine.light_report(scope, period, rules)
    all_figs: list[Fig] = []

    def F(value, text, key, measure, **kw) -> Fig:
        f = Fig(value, text, links.url(key, **kw), measure)
        all_figs.append(f)
        return f

    ev_names = {"new_signed": "新签约", "new_started": "新开工", "new_operating": "新投产"}
    kpis = [
        Kpi("完成投资", F(fig.completed, pr.yi(fig.completed), "completed", "completed"), "亿元",
            [("上年同期", F(fig.completed_prev, pr.yi(fig.completed_prev) + " 亿元", "completed", "completed",
                         period=prev))], pr.yoy(fig.completed_yoy), _sign(fig.completed_yoy)),
        Kpi("年度投资完成率", F(fig.completion_rate, pr.pct(fig.completion_rate), "completion_rate", "completion_rate"),
            "", [("序时进度", pr.pct(fig.schedule_share)),
                 (pr.variance_label, F(fig.schedule_variance,
                                       _variance_text(pr.pp(fig.completion_rate, fig.schedule_share), pr.config),
                                       "completion_rate", "schedule_variance")),
                 ("上年同期", F(fig.completion_rate_prev, pr.pct(fig.completion_rate_prev), "completion_rate",
                              "completion_rate", period=prev))]),
        Kpi("年度计划投资", F(fig.annual_plan, pr.yi(fig.annual_plan), "annual_plan", "annual_plan"), "亿元",
            [("上年", F(fig.annual_plan_prev, pr.yi(fig.annual_plan_prev) + " 亿元", "annual_plan", "annual_plan",
                       period=prev)),
             ("项目", F(fig.projects, f"{fig.projects} 个", "projects", "count"))],
            pr.yoy(growth(fig.annual_plan, fig.annual_plan_prev)), _sign(growth(fig.annual_plan, fig.annual_plan_prev))),
        Kpi("新开工率", Fig(fig.start_rate, pr.pct(fig.start_rate)), "",
            [("计划新开工", F(fig.planned_new_starts, f"{fig.planned_new_starts} 个", "planned_new_starts", "count")),
             ("已开工", F(fig.planned_new_starts_started, f"{fig.planned_new_starts_started} 个",
                        "planned_new_starts_started", "count")),
             ("序时开工率", pr.pct(fig.start_rate_to_date)),
             ("截至本月计划", F(fig.planned_starts_to_date, f"{fig.planned_starts_to_date} 个",
                           "planned_starts_to_date", "count")),
             ("其中已开工", F(fig.planned_starts_to_date_started, f"{fig.planned_starts_to_date_started} 个",
                          "planned_starts_to_date_started", "count"))]),
    ]
    kpis[3].main.url = links.url("planned_new_starts")
    kpis[3].main.measure = "start_rate"
    all_figs.append(kpis[3].main)
    for key, name in ev_names.items():
        ev = fig.events[key]
        kpis.append(Kpi(
            f"{name}项目", F(ev.count, str(ev.count), key, "count"), "个",
            [("计划总投资", F(ev.total, pr.yi(ev.total) + " 亿元", key, "total_investment")),
             ("上年同期", F(ev.count_prev, f"{ev.count_prev} 个", key, "count", period=prev)),
             ("上年投资", F(ev.total_prev, pr.yi(ev.total_prev) + " 亿元", key, "total_investment", period=prev)),
             ("投资同比", pr.yoy(ev.total_yoy))],
            pr.yoy(ev.count_yoy), _sign(ev.count_yoy)))
    kpis.append(Kpi(
        "签约项目开工率", Fig(fig.cohort_start_rate, pr.pct(fig.cohort_start_rate), links.url("cohort_signed"),
                        "start_rate"), "",
        [("本年签约", F(fig.cohort_signed, f"{fig.cohort_signed} 个", "cohort_signed", "count")),
         ("已开工", F(fig.cohort_started, f"{fig.cohort_started} 个", "cohort_started", "count")),
         ("已投产", F(fig.cohort_operating, f"{fig.cohort_operating} 个", "cohort_operating", "count")),
         ("已达产", F(fig.cohort_at_capacity, f"{fig.cohort_at_capacity} 个", "cohort_at_capacity", "count"))]))
    all_figs.append(kpis[-1].main)
    kpis.append(Kpi(
        "竣工率 · 投产率", Fig(fig.completion_count_rate, pr.pct(fig.completion_count_rate),
                           links.url("planned_completions"), "completion_count_rate"), "",
        [("计划竣工", F(fig.planned_completions, f"{fig.planned_completions} 个", "planned_completions", "count")),
         ("已竣工", F(fig.planned_completions_done, f"{fig.planned_completions_done} 个", "planned_completions_done",
                    "count")),
         ("投产率", Fig(fig.operation_rate, pr.pct(fig.operation_rate), links.url("planned_operations"),
                     "operation_rate")),
         ("计划投产", F(fig.planned_operations, f"{fig.planned_operations} 个", "planned_operations", "count")),
         ("已投产", F(fig.planned_operations_done, f"{fig.planned_operations_done} 个", "planned_operations_done",
                    "count"))]))
    all_figs.append(kpis[-1].main)
    all_figs.append(kpis[-1].subs[2][1])

    # by unit
    filterable = set(web_selectors.visible_units(user).values_list("pk", flat=True))
    unit_rows = []
    for f in fig.by_unit:
        if restricted and not (f.projects or any(e.count or e.count_prev for e in f.events.values())):
            continue
        u = None if f.own_level else f.unit
        extra = {"unit": u.pk} if u is not None else {"unit": scope.root.pk, "own": 1}
        if u is not None and u.pk not in filterable:
            continue
        figs = {
            "projects": F(f.projects, str(f.projects), "projects", "count", **extra),
            "annual_plan": F(f.annual_plan, pr.yi(f.annual_plan), "annual_plan", "annual_plan", **extra),
            "completed": F(f.completed, pr.yi(f.completed), "completed", "completed", **extra),
            "completion_rate": F(f.completion_rate, pr.pct(f.completion_rate), "completion_rate", "completion_rate",
                                 **extra),
            "variance": F(f.schedule_variance, _variance_text(pr.pp(f.completion_rate, f.schedule_share), pr.config),
                          "completion_rate", "schedule_variance", **extra),
            "planned_new_starts": F(f.planned_new_starts, str(f.planned_new_starts), "planned_new_starts", "count",
                                    **extra),
            "started": F(f.planned_new_starts_started, str(f.planned_new_starts_started),
                         "planned_new_starts_started", "count", **extra),
            "new_signed": F(f.new_signed.count, str(f.new_signed.count), "new_signed", "count", **extra),
            "new_started": F(f.new_started.count, str(f.new_started.count), "new_started", "count", **extra),
            "new_operating": F(f.new_operating.count, str(f.new_operating.count), "new_operating", "count", **extra),
        }
        dash_url = None
        if u is not None:
            q = {"city": city.pk, "unit": u.pk, "through": period.through, "kind": kind}
            if scope.annual_list is not None:
                q["list"] = scope.annual_list.pk
            dash_url = f"{reverse('dashboard:index')}?{urlencode(q)}"
        unit_rows.append(UnitRow(unit_label(f), u, f.own_level, figs,
                                 light_report.units.get(u.pk) if u is not None else None, dash_url))
    if len(unit_rows) == 1 and unit_rows[0].own_level:
        unit_rows = []

    charts = {
        "monthly": _monthly_chart(scope, period, fig, pr, links, all_figs),
        "units": _units_chart(fig, unit_rows, pr, all_figs),
        "variance": _variance_chart(fig, unit_rows, pr, all_figs),
        "events": _events_chart(fig, pr, links, prev, all_figs),
    }
    cohort_year = cohort_year or period.year - 1  # last year's signings: far enough along to show a lifecycle
    charts["funnel"] = _funnel_chart(scope, period, cohort_year, links, all_figs)
    charts["category"] = _breakdown_chart(scope, period, "category", pr, links, all_figs)
    charts["industry"] = _breakdown_chart(scope, period, "industry", pr, links, all_figs)
    if not charts["units"]["series"][0]["data"]:
        del charts["units"], charts["variance"]
    if not charts["industry"]["series"][0]["data"]:
        del charts["industry"]

    title = f"{scope.root.name} · {period.label} · {scope.annual_list.name if scope.annual_list else '全部清单'}"
    return Dashboard(targets=target_panel(user, scope, period, restricted),
        sectors=sector_panel(scope, period, pr, links, all_figs),
        scope=scope, period=period, kind=kind, data_title=title,
        share_text=pr.pct(fig.schedule_share), kpis=kpis, units=unit_rows, charts=charts, chains=None,
        light_counts=light_report.counts(), rules=rules, default_rules=default_rules, cohort_year=cohort_year,
        restricted=restricted, figs=all_figs,
    )


def sector_panel(scope: Scope, period: Period, pr: Printer, links: Links, all_figs) -> list[dict]:
    """The 分行业领域 panel: each 行业领域 (and 未标注) with projects: count, plan, completed, rate and 超/欠序时,
    each linked to its projects. Empty when no listed project in view carries a 行业领域."""
    rows = engine.breakdown(scope, period, "sector")
    if not any(r.projects for r in rows if r.key is not None):
        return []
    out = []
    for r in rows:
        if not r.projects:
            continue
        key = r.key if r.key is not None else "none"

        def F(value, text, fig_key, measure, key=key) -> Fig:
            f = Fig(value, text, links.url(fig_key, sector=key), measure)
            all_figs.append(f)
            return f

        out.append({
            "label": r.label,
            "projects": F(r.projects, str(r.projects), "projects", "count"),
            "annual_plan": F(r.annual_plan, pr.yi(r.annual_plan), "annual_plan", "annual_plan"),
            "completed": F(r.completed, pr.yi(r.completed), "completed", "completed"),
            "completion_rate": F(r.completion_rate, pr.pct(r.completion_rate), "completion_rate", "completion_rate"),
            "variance": F(r.schedule_variance, _variance_text(pr.pp(r.completion_rate, r.schedule_share), pr.config),
                          "completion_rate", "schedule_variance"),
        })
    return out


def target_panel(user, scope: Scope, period: Period, restricted: bool) -> list[dict]:
    """The 目标任务 panel: the targets of the units in view (the chosen unit and its sub-units, else the user's
    whole view) for the period's year, through its last month. Not for a user limited to some projects: a
    target measures its whole unit, more than such a user may see (the chain section is left out likewise)."""
    if restricted:
        return []
    from tuijin.indicators.targets import target_progress

    return target_progress(user, period.year, period.last_month, root=scope.root)


def _sign(value) -> str:
    if value is None:
        return ""
    return "up" if value > 0 else ("down" if value < 0 else "")


def _variance_text(pp: Decimal | None, config=None) -> str:
    """超 3.5 个百分点 / 欠 …; a unit whose conventions word it otherwise: 快于时间进度 3.5 个百分点 …"""
    ahead, behind = ("超", "欠") if config is None or config.wording == "schedule" else (
        config.ahead_word, config.behind_word)
    if pp is None:
        return "—"
    if pp > 0:
        return f"{ahead} {pp} 个百分点"
    if pp < 0:
        return f"{behind} {-pp} 个百分点"
    return "与序时持平"


def _point(value: float | None, fig: Fig, **extra) -> dict:
    """A chart data item: the plotted number, the printed text, and the list behind it (url, measure, raw)."""
    return {"value": value, "text": fig.text, "raw": fig.raw, "url": fig.url, "measure": fig.measure, **extra}


def _monthly_chart(scope, period, fig, pr: Printer, links: Links, all_figs) -> dict:
    """完成率 month by month (1-N月 cumulative) this year and last, against the schedule share."""
    year, last = period.year, period.last_month
    shares = engine.schedule_shares(scope.city, year, scope.annual_list, pr.config)
    this_months = engine.monthly_completed(scope, year)
    prev_months = engine.monthly_completed(scope, year - 1)
    series_this, series_prev, share_line = [], [], []
    cum_this = cum_prev = ZERO
    for m in range(1, 13):
        cum_prev += prev_months.get(m, ZERO)
        rate_prev = ratio(cum_prev, fig.annual_plan_prev)
        f_prev = Fig(rate_prev, pr.pct(rate_prev), links.url("completion_rate", period=Period(year - 1, 1, m),
                                                             kind="ytd"), "completion_rate")
        all_figs.append(f_prev)
        series_prev.append(_point(pr.pct_num(rate_prev), f_prev))
        share_line.append(float(pr.p.pct(shares[m])))
        if m <= last:
            cum_this += this_months.get(m, ZERO)
            rate = ratio(cum_this, fig.annual_plan)
            f_this = Fig(rate, pr.pct(rate), links.url("completion_rate", period=Period(year, 1, m), kind="ytd"),
                         "completion_rate")
            all_figs.append(f_this)
            series_this.append(_point(pr.pct_num(rate), f_this))
    return {
        "title": "完成率与序时进度 (逐月, 1-N月累计)",
        "tooltip": {"trigger": "axis", "valueFormatter": "pct"},
        "legend": {"top": 0},
        "grid": {"left": 44, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": [f"{m}月" for m in range(1, 13)]},
        "yAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {"name": f"{year}年完成率", "type": "line", "data": series_this, "symbolSize": 8},
            {"name": f"{year - 1}年完成率", "type": "line", "data": series_prev, "symbolSize": 6,
             "lineStyle": {"opacity": .6}},
            {"name": "序时进度", "type": "line", "data": share_line, "symbol": "none",
             "lineStyle": {"type": "dashed", "color": "#888"}, "itemStyle": {"color": "#888"}},
        ],
    }


def _units_chart(fig, unit_rows: list[UnitRow], pr: Printer, all_figs) -> dict:
    """完成率 by unit, sorted, with the schedule share as a line (a mark line)."""
    rows = [r for r in unit_rows if r.figs["completion_rate"].value is not None]
    rows.sort(key=lambda r: r.figs["completion_rate"].value)
    share = pr.pct_num(fig.schedule_share)
    return {
        "title": "各板块年度投资完成率 (点击查看项目)",
        "tooltip": {"trigger": "axis", "valueFormatter": "pct"},
        "grid": {"left": 8, "right": 40, "top": 28, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": [r.label for r in rows]},
        "series": [{
            "name": "完成率", "type": "bar", "barMaxWidth": 22,
            "label": {"show": True, "position": "right", "formatter": "{c}"},
            "data": [_point(pr.pct_num(r.figs["completion_rate"].value), r.figs["completion_rate"], name=r.label)
                     for r in rows],
            "markLine": {"symbol": "none", "lineStyle": {"type": "dashed", "color": "#c62828"},
                         "label": {"formatter": f"序时进度 {share}%", "position": "end"},
                         "data": [{"xAxis": share}]} if share is not None else {},
        }],
    }


def _variance_chart(fig, unit_rows: list[UnitRow], pr: Printer, all_figs) -> dict:
    rows = [r for r in unit_rows if r.figs["variance"].value is not None]
    rows.sort(key=lambda r: r.figs["variance"].value)
    data = []
    for r in rows:
        f = r.figs["variance"]
        v = pr.pp_num(f.value + fig.schedule_share, fig.schedule_share)
        pp = pr.pp(f.value + fig.schedule_share, fig.schedule_share)
        data.append(_point(v, f, name=r.label, text=numbers.points_text(pp, pr.style, signed=True),
                           itemStyle={"color": "#1a7f37" if f.value >= 0 else "#c62828"}))
    return {
        "title": "各板块超/欠序时 (百分点)",
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 40, "top": 28, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [r.label for r in rows]},
        "series": [{"name": "超/欠序时", "type": "bar", "barMaxWidth": 22,
                    "label": {"show": True, "position": "right"}, "data": data}],
    }


def _events_chart(fig, pr: Printer, links: Links, prev: Period, all_figs) -> dict:
    names = {"new_signed": "新签约", "new_started": "新开工", "new_operating": "新投产"}
    this, last = [], []
    for key in names:
        ev = fig.events[key]
        f1 = Fig(ev.count, str(ev.count), links.url(key), "count")
        f0 = Fig(ev.count_prev, str(ev.count_prev), links.url(key, period=prev), "count")
        all_figs.extend([f1, f0])
        this.append(_point(ev.count, f1))
        last.append(_point(ev.count_prev, f0))
    return {
        "title": "新签约 · 新开工 · 新投产 (个数, 与上年同期)",
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 12, "top": 36, "bottom": 24},
        "xAxis": {"type": "category", "data": list(names.values())},
        "yAxis": {"type": "value"},
        "series": [{"name": f"{fig.period.year}年", "type": "bar", "data": this,
                    "label": {"show": True, "position": "top"}},
                   {"name": f"{prev.year}年", "type": "bar", "data": last, "itemStyle": {"opacity": .55}}],
    }


def _funnel_chart(scope, period, cohort_year: int, links: Links, all_figs) -> dict:
    """签约 → 开工 → 投产 → 达产 of a signing cohort, as known at the period's end."""
    as_of = period.end
    counts = engine.cohort_funnel(scope, cohort_year, as_of)
    key_of = {v: k for k, v in engine.COHORT_FIGURES.items()}
    data = []
    for stage in engine.FUNNEL_STAGES:
        n = counts[stage]
        f = Fig(n, str(n), links.url(key_of[stage], cohort=cohort_year), "count")
        all_figs.append(f)
        data.append(_point(n, f, name=STAGE_LABELS[stage]))
    return {
        "title": f"{cohort_year}年签约项目全生命周期 (截至 {as_of:%Y-%m-%d})",
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} 个"},
        "series": [{"name": "签约批次", "type": "funnel", "sort": "none", "left": "8%", "width": "84%",
                    "top": 30, "bottom": 10, "minSize": "8%", "gap": 2,
                    "label": {"show": True, "position": "inside", "formatter": "{b} {c}", "color": "#fff",
                              "textBorderColor": "#333", "textBorderWidth": 2}, "data": data}],
    }


def _breakdown_chart(scope, period, dimension: str, pr: Printer, links: Links, all_figs) -> dict:
    rows = engine.breakdown(scope, period, dimension)
    data = []
    for r in rows:
        if not r.projects:
            continue
        key = r.key if r.key is not None else "none"
        f = Fig(r.completed, pr.yi(r.completed), links.url("completed", **{
            "category" if dimension == "category" else "node": key}), "completed")
        fc = Fig(r.projects, str(r.projects), links.url("projects", **{
            "category" if dimension == "category" else "node": key}), "count")
        all_figs.extend([f, fc])
        data.append(_point(pr.yi_num(r.completed), f, name=r.label, projects=r.projects,
                           rate=pr.pct(r.completion_rate)))
    if dimension == "category":
        return {
            "title": "按项目类别: 完成投资 (亿元)",
            "tooltip": {"trigger": "item", "formatter": "{b}: {c} 亿元 ({d}%)"},
            "legend": {"bottom": 0, "type": "scroll"},
            "series": [{"name": "完成投资", "type": "pie", "radius": ["28%", "56%"], "center": ["50%", "46%"],
                        "label": {"formatter": "{b}\n{c}亿元", "overflow": "none"},
                        "labelLayout": {"hideOverlap": False}, "data": data}],
        }
    return {
        "title": "按产业链 (集群): 完成投资 (亿元)",
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 40, "top": 28, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [d["name"] for d in data], "inverse": True},
        "series": [{"name": "完成投资", "type": "bar", "barMaxWidth": 22, "data": data,
                    "label": {"show": True, "position": "right", "formatter": "{c}"}}],
    }


# ---------------------------------------------------------------- industrial chains (A8, A9)


def chains_section(user, city: OrgUnit, unit: OrgUnit | None, period: Period, kind: str) -> dict | None:
    """The chain report (sales shares and growth) with each figure's enterprise list; None when the user's
    reach is not a unit subtree (a reporter, a department), the city has no taxonomy or no sales reported."""
    if is_restricted(user) or not scoping.can(user, scoping.READ):
        return None
    try:
        report = chain_engine.chain_report(city, period, unit)
    except InputError:
        return None
    if not report.total and not report.total_prev:
        return None  # no above-scale enterprise reports sales in the city: an empty chart says nothing
    pr = Printer(unit or city, period.year)
    base = {"key": ENTERPRISE_KEY, "city": city.pk, "through": period.through, "kind": kind}
    if unit is not None:
        base["unit"] = unit.pk
    figs: list[Fig] = []

    def url(**extra):
        return f"{reverse('dashboard:list')}?{urlencode({**base, **extra})}"

    def one(f: chain_engine.ChainFigure, **extra) -> dict:
        u = url(**extra)
        d = {
            "name": f.name,
            "sales": Fig(f.sales, pr.yi(f.sales), u, "sales"),
            "share": Fig(f.share, pr.pct(f.share), u, "share"),
            "growth": Fig(f.growth, pr.yoy(f.growth), u, "growth"),
            "gap": Fig(f.gap, _gap_text(pr.pp(f.growth, f.total_growth)), u, "gap"),
            "enterprises": Fig(f.enterprises, str(f.enterprises), u, "count"),
        }
        figs.extend(v for v in d.values() if isinstance(v, Fig))
        return d

    total_fig = chain_engine.ChainFigure("规上工业", report.total, report.total_prev, report.total, report.total_prev,
                                         enterprises=chain_engine.chain_enterprises(city, unit).count())
    total = one(total_fig)
    levels = [one(report.clusters_total, level=1), one(report.chains_total, level=2)]
    nodes = [one(c, chain=c.node_id) for c in report.clusters] + [one(c, chain=c.node_id) for c in report.chains]
    chart_nodes = nodes
    chart = {
        "title": f"{report.taxonomy.name}: 开票销售占规上工业比重与同比增速",
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [n["name"] for n in chart_nodes],
                  "axisLabel": {"interval": 0, "rotate": 40}},
        "yAxis": [{"type": "value", "name": "占比%", "axisLabel": {"formatter": "{value}%"}},
                  {"type": "value", "name": "增速%", "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"name": "占规上工业比重", "type": "bar", "barMaxWidth": 26,
             "data": [_point(pr.pct_num(n["share"].value), n["share"]) for n in chart_nodes]},
            {"name": "同比增长", "type": "line", "yAxisIndex": 1, "symbolSize": 8,
             "data": [_point(pr.pct_num(n["growth"].value), n["growth"]) for n in chart_nodes]},
        ],
    }
    return {"taxonomy": report.taxonomy.name, "period": period, "total": total, "levels": levels,
            "nodes": nodes, "chart": chart, "figs": figs,
            "level_names": report.taxonomy.level_names or ["产业集群", "产业链"]}


def _gap_text(pp: Decimal | None) -> str:
    if pp is None:
        return "—"
    if pp >= 0:
        return f"高 {pp} 个百分点"
    return f"低 {-pp} 个百分点"


# ---------------------------------------------------------------- drill-down lists


@dataclass
class DrillSpec:
    key: str
    city: OrgUnit
    unit: OrgUnit | None
    annual_list: AnnualList | None
    period: Period
    kind: str
    own: bool = False
    category: Category | None = None
    node: TaxonomyNode | None = None
    node_none: bool = False
    sector: Sector | None = None
    sector_none: bool = False
    cohort_year: int | None = None
    chain: TaxonomyNode | None = None
    level: int | None = None

    def query(self, **changes) -> dict:
        q = {"key": self.key, "city": self.city.pk, "through": self.period.through, "kind": self.kind}
        if self.unit is not None:
            q["unit"] = self.unit.pk
        if self.own:
            q["own"] = 1
        if self.annual_list is not None:
            q["list"] = self.annual_list.pk
        if self.category is not None:
            q["category"] = self.category.pk
        if self.node is not None:
            q["node"] = self.node.pk
        if self.node_none:
            q["node"] = "none"
        if self.sector is not None:
            q["sector"] = self.sector.pk
        if self.sector_none:
            q["sector"] = "none"
        if self.cohort_year:
            q["cohort"] = self.cohort_year
        if self.chain is not None:
            q["chain"] = self.chain.pk
        if self.level:
            q["level"] = self.level
        q.update(changes)
        return q


def _int(params, name: str, label: str, parse=parse_id) -> int | None:
    """An id (or, with parse=parse_year, a year) from the query string; malformed or out of range is refused."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    value = parse(raw)
    if value is None:
        raise InputError(f"{label}无效: {raw[:40]!r}", field=name)
    return value


def parse_drill(user, params) -> DrillSpec:
    """Resolve a drill-down list's query string; anything out of the user's reach is refused (404)."""
    key = (params.get("key") or "").strip()
    if key not in ALL_KEYS:
        raise InputError(f"未知的指标: {key!r}" if key else "缺少指标 (key)", field="key")
    cities = visible_cities(user)
    city_id = _int(params, "city", "城市")
    city = cities.filter(pk=city_id).first() if city_id else cities.first()
    if city is None:
        raise Http404("城市不在您的权限范围内")
    unit = None
    unit_id = _int(params, "unit", "单位")
    if unit_id:
        unit = OrgUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise Http404("单位不存在")
    lst = None
    list_id = _int(params, "list", "清单")
    if list_id:
        lst = AnnualList.objects.filter(pk=list_id, city=city).first()
        if lst is None:
            raise Http404("清单不存在")
    try:
        year, month = parse_year_month(params.get("through") or "", field="截至月份")
        kind = params.get("kind") or "ytd"
        period = Period.parse(f"{year:04d}-{month:02d}", kind)
    except PeriodError as exc:
        raise InputError(str(exc), field="through") from None
    spec = DrillSpec(key, city, unit, lst, period, kind, own=params.get("own") in ("1", "true"))
    cat_id = _int(params, "category", "类别")
    if cat_id:
        spec.category = Category.objects.filter(pk=cat_id).first()
        if spec.category is None:
            raise InputError("类别不存在", field="category")
    node = (params.get("node") or "").strip()
    if node == "none":
        spec.node_none = True
    elif node:
        node_id = _int(params, "node", "产业节点")
        spec.node = TaxonomyNode.objects.filter(pk=node_id, taxonomy__city=city).first()
        if spec.node is None:
            raise Http404("产业节点不存在")
    sector = (params.get("sector") or "").strip()
    if sector == "none":
        spec.sector_none = True
    elif sector:
        sector_id = _int(params, "sector", "行业领域")
        spec.sector = Sector.objects.filter(pk=sector_id, city=city).first()
        if spec.sector is None:
            raise Http404("行业领域不存在")
    spec.cohort_year = _int(params, "cohort", "签约年度", parse_year)
    chain = _int(params, "chain", "产业链")
    if chain:
        spec.chain = TaxonomyNode.objects.filter(pk=chain, taxonomy__city=city).first()
        if spec.chain is None:
            raise Http404("产业节点不存在")
    spec.level = _int(params, "level", "层级")
    return spec


@dataclass
class DrillRow:
    project: Project | None = None
    enterprise: object = None
    cells: dict = field(default_factory=dict)
    light: light_engine.Light | None = None


@dataclass
class DrillList:
    spec: DrillSpec
    kind: str  # listed | events | enterprises
    title: str
    scope_text: str
    rows: list[DrillRow] | FactRows  # FactRows: a listed drill-down on the figure store, paginated in the database
    totals: dict[str, Decimal | int | None]
    printed: dict[str, str]


def _scope_words(spec: DrillSpec, scope: Scope) -> str:
    bits = [scope.root.name + ("本级" if spec.own else ""), spec.period.label]
    if spec.annual_list is not None:
        bits.append(spec.annual_list.name)
    if spec.category is not None:
        bits.append(spec.category.name)
    if spec.node is not None:
        bits.append(spec.node.name)
    if spec.node_none:
        bits.append("未标注产业链")
    if spec.sector is not None:
        bits.append(spec.sector.name)
    if spec.sector_none:
        bits.append("未标注行业领域")
    if spec.cohort_year:
        bits.append(f"{spec.cohort_year}年签约批次")
    return " · ".join(bits)


def _own_q(scope: Scope) -> Q:
    """本级: projects in the root's subtree but under none of its child units (as compute's 本级 row)."""
    children, _owner = engine._rollup_map(scope.root)
    q = Q()
    for c in children:
        q &= ~Q(unit__path__startswith=c.path)
    return q


def drill_list(user, spec: DrillSpec) -> DrillList:
    """The list behind a figure, with its totals computed from its own rows."""
    pr = Printer(spec.unit or spec.city, spec.period.year)
    if spec.key == ENTERPRISE_KEY:
        return _enterprise_list(user, spec, pr)
    scope = dashboard_scope(user, spec.city, spec.unit, spec.annual_list)
    period = spec.period
    if spec.key in LISTED_KEYS and engine.store_serves(scope):
        return _listed_from_store(spec, scope, pr)
    if spec.key in COHORT_KEYS:
        qs = engine.cohort_drilldown(scope, spec.cohort_year or period.year, period.end,
                                     engine.COHORT_FIGURES[spec.key])
    else:
        qs = engine.drilldown(scope, period, spec.key)
    if spec.own:
        qs = qs.filter(_own_q(scope))
    if spec.category is not None:
        qs = qs.filter(engine.dimension_q(scope, "category", spec.category.pk))
    if spec.node is not None or spec.node_none:
        qs = qs.filter(engine.dimension_q(scope, "industry", spec.node.pk if spec.node else None))
    if spec.sector is not None or spec.sector_none:
        qs = qs.filter(engine.dimension_q(scope, "sector", spec.sector.pk if spec.sector else None))
    title = KEY_TITLES[spec.key]
    words = _scope_words(spec, scope)
    end = period.end
    reached = {stage: set(StageEvent.objects.filter(project__in=qs.values("pk"), stage=stage, date__lte=end)
                          .values_list("project_id", flat=True))
               for stage in (Stage.STARTED, Stage.COMPLETED, Stage.OPERATING)}

    def flag_totals(projects: list[Project]) -> dict:
        n = len(projects)
        return {"start_rate": ratio(sum(1 for p in projects if p.pk in reached[Stage.STARTED]), n),
                "completion_count_rate": ratio(sum(1 for p in projects if p.pk in reached[Stage.COMPLETED]), n),
                "operation_rate": ratio(sum(1 for p in projects if p.pk in reached[Stage.OPERATING]), n)}

    def flags(p: Project) -> dict:
        return {"started": p.pk in reached[Stage.STARTED], "completed_stage": p.pk in reached[Stage.COMPLETED],
                "operating": p.pk in reached[Stage.OPERATING]}

    if spec.key in LISTED_KEYS:
        ids = set(qs.values_list("pk", flat=True))
        rules, _ = rules_for(scope.city)
        lights = light_engine.light_report(scope, period, rules).projects
        rows = []
        for r in engine.project_rows(scope, period):
            if r.project.pk not in ids:
                continue
            rows.append(DrillRow(r.project, cells={
                "list": r.entry.annual_list.name, "annual_plan": r.annual_plan, "completed": r.completed,
                "completion_rate": r.completion_rate, "progress": r.progress_text,
                "planned_start_month": r.entry.planned_start_month, **flags(r.project),
            }, light=lights.get(r.project.pk)))
        plan = sum((r.cells["annual_plan"] for r in rows), ZERO)
        done = sum((r.cells["completed"] for r in rows), ZERO)
        share = engine.schedule_share(scope, period)
        rate = ratio(done, plan)
        totals = {"count": len(rows), "annual_plan": plan, "completed": done, "completion_rate": rate,
                  "schedule_share": share, "schedule_variance": None if rate is None else rate - share,
                  "total_investment": sum((r.project.total_investment for r in rows), ZERO)}
        totals.update(flag_totals([r.project for r in rows]))
        printed = {"count": f"{len(rows)} 个", "annual_plan": pr.yi(plan) + " 亿元", "completed": pr.yi(done) + " 亿元",
                   "completion_rate": pr.pct(rate), "schedule_share": pr.pct(share),
                   "schedule_variance": _variance_text(pr.pp(rate, share), pr.config),
                   **{k: pr.pct(totals[k]) for k in ("start_rate", "completion_count_rate", "operation_rate")}}
        return DrillList(spec, "listed", title, words, rows, totals, printed)
    stage = EVENT_STAGE[spec.key]
    events = dict(StageEvent.objects.filter(project__in=qs.values("pk"), stage=stage).values_list("project_id", "date"))
    projects = list(qs.select_related("unit", "category").order_by("unit__path", "code"))
    increments = {}
    if spec.key == "new_signed":
        # 增资: a capital increase signed in the period adds its increment to the amount, never to the count;
        # a project signed before the period is listed for its increment alone (engine.drilldown).
        from tuijin.indicators.attraction import increments_by_project

        increments = increments_by_project(scope, period, qs.values("pk"))
    rows = []
    for p in projects:
        # Only new_signed's list holds projects that count for an increase alone (signed before the period).
        in_period = not increments or (events.get(p.pk) is not None and period.start <= events[p.pk] <= period.end)
        increment = increments.get(p.pk)
        counted = (p.total_investment if in_period else ZERO) + (increment or ZERO)
        rows.append(DrillRow(p, cells={"date": events.get(p.pk), "stage": STAGE_LABELS.get(p.stage, p.stage),
                                       "counted": in_period, "increment": increment, "amount": counted, **flags(p)}))
    counted_rows = [r.project for r in rows if r.cells["counted"]]
    total = sum((r.cells["amount"] for r in rows), ZERO)
    totals = {"count": len(counted_rows), "total_investment": total, "increments": sum(increments.values(), ZERO),
              **flag_totals(counted_rows)}
    printed = {"count": f"{len(counted_rows)} 个", "total_investment": pr.yi(total) + " 亿元",
               "increments": pr.yi(totals["increments"]) + " 亿元" if increments else "",
               **{k: pr.pct(totals[k]) for k in ("start_rate", "completion_count_rate", "operation_rate")}}
    return DrillList(spec, "events", title + f" ({STAGE_LABELS[stage]}日期)", words, rows, totals, printed)


class FactRows:
    """The rows of a listed drill-down on the figure store, as a sequence the Paginator slices in the database:
    its count is the totals' (no count query), a slice is one query over the page's fact rows (with the
    project, unit, category and list joined and the last month's 形象进度 as a subquery) plus the lights of the
    page's projects only; iterating (the export) reads the rows a chunk at a time. Whatever the number of
    projects, a page costs the same queries and holds only its own rows."""

    CHUNK = 500

    def __init__(self, facts, count: int, scope: Scope, period: Period, basis: str = "accepted"):
        self.facts, self._count, self.scope, self.period, self.basis = facts, count, scope, period, basis

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._rows(self.facts[index])
        if index < 0:
            index += self._count
        rows = self._rows(self.facts[index:index + 1])
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self):
        for start in range(0, self._count, self.CHUNK):
            yield from self[start:start + self.CHUNK]

    def _rows(self, facts) -> list[DrillRow]:
        from dataclasses import replace

        from django.db.models import OuterRef, Subquery, TextField, Value
        from django.db.models.functions import Coalesce

        from tuijin.progress.models import MonthlyReport

        period, end = self.period, self.period.end
        last = MonthlyReport.objects.filter(project=OuterRef("project_id"), year=period.year,
                                            month=period.last_month, status__in=engine.report_statuses(self.basis))
        page = list(facts.select_related("project", "project__unit", "project__category", "annual_list").annotate(
            progress=Coalesce(Subquery(last.values("progress_text")[:1], output_field=TextField()),
                              Value("", output_field=TextField()))))
        if not page:
            return []
        ids = [f.project_id for f in page]
        only = Q(pk__in=ids) if self.scope.restrict is None else self.scope.restrict & Q(pk__in=ids)
        rules, _ = rules_for(self.scope.city)
        lights = light_engine.light_report(replace(self.scope, restrict=only), period, rules, self.basis,
                                           units=False).projects
        rows = []
        for f in page:
            done = f.done if f.done is not None else ZERO
            rows.append(DrillRow(f.project, cells={
                "list": f.annual_list.name, "annual_plan": f.annual_plan, "completed": done,
                "completion_rate": ratio(done, f.annual_plan), "progress": f.progress,
                "planned_start_month": f.planned_start_month,
                "started": f.started_on is not None and f.started_on <= end,
                "completed_stage": f.completed_on is not None and f.completed_on <= end,
                "operating": f.operating_on is not None and f.operating_on <= end,
            }, light=lights.get(f.project_id)))
        return rows


def _listed_from_store(spec: DrillSpec, scope: Scope, pr: Printer) -> DrillList:
    """A listed drill-down (LISTED_KEYS) for a scope the figure store serves: the rows paginated in the database
    (FactRows), the totals one aggregate over the same rows, so they equal compute()'s figure for the scope."""
    period = spec.period
    facts = engine.drilldown_facts(scope, period, spec.key)
    if spec.own:
        children, _owner = engine._rollup_map(scope.root)
        for c in children:
            facts = facts.exclude(unit_path__startswith=c.path)
    if spec.category is not None:
        facts = facts.filter(engine.facts_dimension_q(scope, "category", spec.category.pk))
    if spec.node is not None or spec.node_none:
        facts = facts.filter(engine.facts_dimension_q(scope, "industry", spec.node.pk if spec.node else None))
    if spec.sector is not None or spec.sector_none:
        facts = facts.filter(engine.facts_dimension_q(scope, "sector", spec.sector.pk if spec.sector else None))
    t = engine.drilldown_totals(facts, period)
    n, plan, done = t["count"], t["annual_plan"], t["completed"]
    share = engine.schedule_share(scope, period)
    rate = ratio(done, plan)
    totals = {"count": n, "annual_plan": plan, "completed": done, "completion_rate": rate,
              "schedule_share": share, "schedule_variance": None if rate is None else rate - share,
              "total_investment": t["total_investment"], "start_rate": ratio(t["started"], n),
              "completion_count_rate": ratio(t["completed_stage"], n), "operation_rate": ratio(t["operating"], n)}
    printed = {"count": f"{n} 个", "annual_plan": pr.yi(plan) + " 亿元", "completed": pr.yi(done) + " 亿元",
               "completion_rate": pr.pct(rate), "schedule_share": pr.pct(share),
               "schedule_variance": _variance_text(pr.pp(rate, share), pr.config),
               **{k: pr.pct(totals[k]) for k in ("start_rate", "completion_count_rate", "operation_rate")}}
    return DrillList(spec, "listed", KEY_TITLES[spec.key], _scope_words(spec, scope), FactRows(facts, n, scope, period),
                     totals, printed)


def _enterprise_list(user, spec: DrillSpec, pr: Printer) -> DrillList:
    if is_restricted(user):
        raise Http404("产业链数据按单位查看")
    unit = spec.unit
    if unit is not None:
        dashboard_scope(user, spec.city, unit)  # refuses a unit out of reach
    else:
        root = web_selectors.overview_scope(user, spec.city).root
        unit = None if root.pk == spec.city.pk else root
    enterprises = chain_engine.chain_enterprises(spec.city, unit, node=spec.chain,
                                                 depth=spec.level if spec.chain is None else None)
    everyone = chain_engine.chain_enterprises(spec.city, unit)
    prev = spec.period.previous_year()
    sales, sales_prev = chain_engine.enterprise_sales(enterprises, spec.period), \
        chain_engine.enterprise_sales(enterprises, prev)
    all_sales = sum(chain_engine.enterprise_sales(everyone, spec.period).values(), ZERO)
    all_prev = sum(chain_engine.enterprise_sales(everyone, prev).values(), ZERO)
    rows = []
    for e in enterprises.select_related("unit").prefetch_related("nodes").order_by("unit__path", "name"):
        s, sp = sales.get(e.pk, ZERO), sales_prev.get(e.pk, ZERO)
        rows.append(DrillRow(enterprise=e, cells={"sales": s, "sales_prev": sp, "growth": growth(s, sp),
                                                  "nodes": "、".join(n.name for n in e.nodes.all())}))
    s = sum((r.cells["sales"] for r in rows), ZERO)
    sp = sum((r.cells["sales_prev"] for r in rows), ZERO)
    g, tg = growth(s, sp), growth(all_sales, all_prev)
    totals = {"count": len(rows), "sales": s, "sales_prev": sp, "growth": g, "share": ratio(s, all_sales),
              "gap": None if g is None or tg is None else g - tg}
    printed = {"count": f"{len(rows)} 家", "sales": pr.yi(s) + " 亿元", "sales_prev": pr.yi(sp) + " 亿元",
               "growth": pr.yoy(g), "share": pr.pct(totals["share"]), "gap": _gap_text(pr.pp(g, tg)),
               "all_sales": pr.yi(all_sales) + " 亿元", "all_growth": pr.yoy(tg)}
    name = spec.chain.name if spec.chain else ({1: "产业集群合计", 2: "产业链合计"}.get(spec.level) or "全部规上工业")
    words = " · ".join([(unit or spec.city).name, spec.period.label, name])
    return DrillList(spec, "enterprises", KEY_TITLES[ENTERPRISE_KEY], words, rows, totals, printed)


# ---------------------------------------------------------------- the lights page


@dataclass
class LightsPage:
    scope: Scope
    period: Period
    units: list[tuple[OrgUnit, light_engine.Light, light_engine.Measures]]
    projects: list[tuple[Project, light_engine.Light, light_engine.Measures]]
    counts: dict[str, int]
    rules: list[light_engine.Rule]
    default_rules: bool
    share: Decimal


def lights_page(user, scope: Scope, period: Period, levels: set[str]) -> LightsPage:
    rules, default = rules_for(scope.city)
    report = light_engine.light_report(scope, period, rules)
    filterable = set(web_selectors.visible_units(user).values_list("pk", flat=True))
    children = {u.pk: u for u in OrgUnit.objects.filter(pk__in=report.units)}
    units = [(children[pk], light, report.unit_measures[pk]) for pk, light in report.units.items()
             if pk in filterable]
    units.sort(key=lambda t: (-t[1].rank, t[0].sort_order, t[0].pk))
    wanted = [pid for pid, light in report.projects.items() if light.level in levels]
    projects = {p.pk: p for p in Project.objects.filter(pk__in=wanted).select_related("unit", "category")}
    rows = [(projects[pid], report.projects[pid], report.project_measures[pid]) for pid in wanted if pid in projects]
    rows.sort(key=lambda t: (-t[1].rank, t[0].unit.path, t[0].code))
    share = engine.schedule_share_at(scope.city, period.year, period.last_month, scope.annual_list)
    return LightsPage(scope, period, units, rows, report.counts(), rules, default, share)


def project_light(user, project: Project):
    """The light of a project for its page: (light, period, city) by its city's rules; (None, None, city) when
    the project is on no list that year or the city has no accepted report yet."""
    unit = project.unit
    city = OrgUnit.objects.filter(id__in=[*unit.ancestor_ids, unit.pk], kind=UnitKind.CITY).first()
    if city is None:
        return None, None, None
    rules, _ = rules_for(city)
    return (*light_engine.project_light(project, city, rules), city)


# ---------------------------------------------------------------- competition


def campaigns_for(user):
    if not scoping.can(user, scoping.READ):
        return Campaign.objects.none()
    return Campaign.objects.filter(city__in=visible_cities(user)).select_related("city").order_by(
        "city__path", "-year", "-last_month", "-id")


def can_see_rankings(user) -> bool:
    """City roles, province readers and district administrators see the ranking of the districts; a reporter
    or a department handler (reach: assigned projects) does not."""
    return scoping.can(user, scoping.READ) and not is_restricted(user)


@dataclass
class RankingPage:
    campaign: Campaign
    ranking: competition.Ranking
    adjustments: dict[int, list[CampaignAdjustment]]
    highlights: dict[int, list[Highlight]]
    hidden_highlights: int
    rows: list[dict]
    chart: dict
    previous_label: str


def ranking_page(user, campaign: Campaign) -> RankingPage:
    units = list(campaign.units.order_by("sort_order", "pk"))
    specs = [i.as_spec() for i in campaign.indicators.order_by("sort_order", "id")]
    adjustments: dict[int, list[CampaignAdjustment]] = {}
    for a in campaign.adjustments.select_related("unit").order_by("id"):
        adjustments.setdefault(a.unit_id, []).append(a)
    adj_total = {k: sum((a.points for a in v), ZERO) for k, v in adjustments.items()}
    # The ranking compares the districts over the whole city: a published comparison, not a project list.
    scope = Scope(campaign.city)
    previous_rows = None
    prev_label = ""
    if campaign.previous is not None:
        previous_rows = _campaign_ranking(campaign.previous, scope).rows
        prev_label = campaign.previous.name
    ranking = competition.rank_units(scope, units, specs, campaign.period, adjustments=adj_total,
                                     previous=previous_rows)
    if ranking.previous_period is not None:
        prev_label = f"{ranking.previous_period.label} (同口径, 不含加减分)"
    pr = Printer(campaign.city, campaign.period.year)
    rows = []
    for r in ranking.rows:
        cells = []
        for s in specs:
            v = r.raw[s.key]
            url = None
            if s.drill_key and can_see_rankings(user):
                q = {"key": s.drill_key, "city": campaign.city.pk, "unit": r.unit.pk,
                     "through": campaign.period.through, "kind": _kind_of(campaign.period)}
                url = f"{reverse('dashboard:list')}?{urlencode(q)}"
            cells.append({"raw": _print_raw(s, v, pr), "score": _pts(r.scores[s.key]), "url": url})
        rows.append({"r": r, "cells": cells, "adjustment": _pts(r.adjustment) if r.adjustment else "",
                     "total": _pts(r.total), "adjustments": adjustments.get(r.unit.pk, [])})
    visible_projects = set(scoping.projects_for(user).filter(highlights__campaign=campaign)
                           .values_list("pk", flat=True))
    visible_units = set(web_selectors.visible_units(user).values_list("pk", flat=True))
    highlights: dict[int, list[Highlight]] = {}
    hidden = 0
    for h in campaign.highlights.select_related("unit", "project").order_by("unit__sort_order", "sort_order", "id"):
        ok = (h.project_id in visible_projects) if h.project_id else (h.unit_id in visible_units)
        if ok:
            highlights.setdefault(h.unit_id, []).append(h)
        else:
            hidden += 1
    order = [r.unit for r in ranking.rows]
    chart = {
        "title": "得分构成 (按名次)",
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [u.name for u in order], "inverse": True},
        "series": [{"name": s.name, "type": "bar", "stack": "total",
                    "data": [float(round(r.scores[s.key], 2)) for r in ranking.rows]} for s in specs]
        + [{"name": "加减分", "type": "bar", "stack": "total",
            "data": [float(round(r.adjustment, 2)) for r in ranking.rows]}],
    }
    return RankingPage(campaign, ranking, adjustments, highlights, hidden, rows, chart, prev_label)


def _campaign_ranking(campaign: Campaign, scope: Scope) -> competition.Ranking:
    units = list(campaign.units.order_by("sort_order", "pk"))
    specs = [i.as_spec() for i in campaign.indicators.order_by("sort_order", "id")]
    adj: dict[int, Decimal] = {}
    for a in campaign.adjustments.all():
        adj[a.unit_id] = adj.get(a.unit_id, ZERO) + a.points
    return competition.rank_units(scope, units, specs, campaign.period, adjustments=adj, compare_previous=False)


def _pts(value: Decimal) -> str:
    """竞赛得分: two decimals, half up (tuijin.core.numbers)."""
    return numbers.points_text(value, places=2)


def _print_raw(spec: competition.IndicatorSpec, value: Decimal | None, pr: Printer) -> str:
    if value is None:
        return "—"
    unit = spec.unit_label
    if unit == "亿元":
        return pr.yi(value)
    if spec.kind == "schedule_variance":
        return _variance_text(pr.p.pp(value, ZERO), pr.config)
    if unit == "%":
        return pr.pct(value)
    if unit == "个":
        return numbers.count_text(value)
    return _pts(value)


def honour_lists(page: RankingPage) -> tuple[list[dict], list[dict]]:
    """红榜 (the top `red_count`) and 黑榜 (the bottom `black_count`, lowest last) of a ranking."""
    c = page.campaign
    rows = page.rows
    red = rows[:c.red_count]
    black = [r for r in rows[-c.black_count:] if r not in red] if c.black_count else []
    return red, black


