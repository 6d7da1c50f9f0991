"""Reads of the map (一张图) and the big screen (大屏). Every read starts from the user's scope (dashboard.
selectors.dashboard_scope → web.selectors → projects.scoping) and every figure comes from the engine:
`engine.compute` (each district's 年度投资完成率 and 超/欠序时, its by-unit breakdown), `lights.light_report` (each
project's light) and `dashboard.selectors.dashboard` (the screen's headline figures, ranking and trend). Nothing
is recomputed here; a point's size is its 计划总投资 as recorded. A fixed number of queries whatever the number
of projects (tests/geo pin it)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from tuijin.core.periods import Period
from tuijin.dashboard import selectors as dash
from tuijin.indicators import engine
from tuijin.indicators import lights as light_engine
from tuijin.indicators.present import unit_label
from tuijin.indicators.scope import Scope
from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import Stage, StageEvent
from tuijin.web import selectors as web_selectors

from .models import Boundary

MEASURES = {"rate": "年度投资完成率", "variance": "超/欠序时进度"}
LIGHT_COLOURS = {
    "red": "#d32f2f",
    "yellow": "#f2b705",
    "green": "#2e9d4b",
    "none": "#9e9e9e",
}  # dashboard.css


def _feature(unit: OrgUnit, geometry: dict) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": unit.name, "unit": unit.pk},
        "geometry": geometry,
    }


def map_data(
    user,
    scope: Scope,
    period: Period,
    kind: str,
    *,
    city: OrgUnit,
    unit: OrgUnit | None,
    measure: str = "rate",
) -> dict:
    """The map of a scope and period: the child units' boundaries shaded by their 完成率 or 超/欠序时 (each with
    the drill-down list of its projects), and the listed projects with a position as points coloured by light."""
    pr = dash.Printer(scope.root, period.year)
    links = dash.Links(scope, period, kind, city, unit)
    fig = engine.compute(scope, period)
    rules, _default = dash.rules_for(scope.city)
    report = light_engine.light_report(scope, period, rules)
    filterable = set(web_selectors.visible_units(user).values_list("pk", flat=True))
    rows = [f for f in fig.by_unit if not f.own_level and f.unit.pk in filterable]
    shapes = {
        b.unit_id: b.geometry
        for b in Boundary.objects.filter(unit_id__in=[f.unit.pk for f in rows])
    }
    if not rows and scope.root.pk in filterable:  # a unit without sub-units: its own outline
        own = Boundary.objects.filter(unit=scope.root).first()
        if own is not None:
            shapes[scope.root.pk] = own.geometry
    features, regions = [], []
    for f in rows:
        u = f.unit
        if u.pk in shapes:
            features.append(_feature(u, shapes[u.pk]))
        pp = pr.pp(f.completion_rate, f.schedule_share)
        value = (
            pr.pct_num(f.completion_rate)
            if measure == "rate"
            else (None if pp is None else float(pp))
        )
        light = report.units.get(u.pk)
        q = {"city": city.pk, "unit": u.pk, "through": period.through, "kind": kind}
        if scope.annual_list is not None:
            q["annual_list"] = scope.annual_list.pk
        regions.append(
            {
                "name": u.name,
                "label": unit_label(f),
                "unit": u.pk,
                "value": value,
                "has_shape": u.pk in shapes,
                "rate": pr.pct(f.completion_rate),
                "variance": dash._variance_text(pp, pr.config),
                "completed": pr.yi(f.completed),
                "plan": pr.yi(f.annual_plan),
                "projects": f.projects,
                "light": light.level if light else "none",
                "light_label": light.label if light else "",
                "url": links.url("projects", unit=u.pk),
                "map_url": f"{reverse('geo:map')}?{urlencode(q)}",
            }
        )
    if not rows and scope.root.pk in shapes:
        features.append(_feature(scope.root, shapes[scope.root.pk]))
    listed = engine.drilldown(scope, period, "projects").filter(
        longitude__isnull=False, latitude__isnull=False
    )
    points = []
    without = 0
    for p in (
        listed.select_related("unit")
        .only(
            "pk",
            "name",
            "code",
            "longitude",
            "latitude",
            "total_investment",
            "unit__name",
            "unit__path",
        )
        .order_by("-total_investment", "pk")
    ):
        light = report.projects.get(p.pk)
        level = light.level if light else "none"
        points.append(
            {
                "name": p.name,
                "code": p.code,
                "unit": p.unit.name,
                "value": [
                    float(p.longitude),
                    float(p.latitude),
                    pr.yi_num(p.total_investment) or 0,
                ],
                "total": pr.yi(p.total_investment),
                "light": level,
                "light_label": light.label if light else "未评价",
                "reason": light.reason if light else "",
                "url": reverse("project_detail", args=[p.pk]),
            }
        )
    without = fig.projects - len(points)
    values = [r["value"] for r in regions if r["value"] is not None]
    return {
        "title": f"{scope.root.name} · {period.label} · {scope.annual_list.name if scope.annual_list else '全部清单'}",
        "measure": measure,
        "measure_label": MEASURES[measure] if measure == "rate" else pr.variance_label,
        "variance_label": pr.variance_label,
        "unit_suffix": "%" if measure == "rate" else "个百分点",
        "range": [min(values, default=0), max(values, default=0)],
        "share": pr.pct(fig.schedule_share),
        "geo": {"type": "FeatureCollection", "features": features},
        "regions": regions,
        "points": points,
        "without_position": max(without, 0),
        "light_counts": report.counts(),
        "colours": LIGHT_COLOURS,
        "light_labels": {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "none": "未评价"},
    }


def _kpi(k: dash.Kpi) -> dict:
    return {
        "label": k.label,
        "value": k.main.text,
        "unit": k.unit,
        "subs": [(label, s.text if isinstance(s, dash.Fig) else s) for label, s in k.subs[:3]],
        "yoy": k.yoy or "",
        "yoy_class": k.yoy_class,
    }


def new_signings(scope: Scope, period: Period, pr: dash.Printer, limit: int = 8) -> list[dict]:
    """The latest projects behind the 新签约 figure (engine.drilldown), newest first: name, unit, date, amount."""
    qs = engine.drilldown(scope, period, "new_signed")
    dates = dict(
        StageEvent.objects.filter(
            project__in=qs.values("pk"), stage=Stage.SIGNED, date__range=(period.start, period.end)
        )
        .order_by("-date", "-project_id")
        .values_list("project_id", "date")[:limit]
    )
    projects = {p.pk: p for p in qs.filter(pk__in=list(dates)).select_related("unit")}
    return [
        {
            "name": projects[pid].name,
            "unit": projects[pid].unit.name,
            "date": f"{d:%m-%d}",
            "total": pr.yi(projects[pid].total_investment),
        }
        for pid, d in sorted(dates.items(), key=lambda t: (t[1], t[0]), reverse=True)
        if pid in projects
    ]


def screen_data(user, scope: Scope, period: Period, kind: str, *, city: OrgUnit) -> dict:
    """Everything the big screen shows: the dashboard's headline figures, the district ranking (by 完成率, as
    the engine gives it), the month-by-month trend chart, the latest signings, the lights and the map."""
    board = dash.dashboard(user, scope, period, kind, city=city, unit=None)
    pr = dash.Printer(scope.root, period.year)
    kpis = [_kpi(k) for k in board.kpis[:6]]
    ranking = []
    for r in board.units:
        if r.own_level or r.figs["completion_rate"].value is None:
            continue
        ranking.append(
            {
                "name": r.label,
                "rate": r.figs["completion_rate"].text,
                "rate_num": pr.pct_num(r.figs["completion_rate"].value),
                "variance": r.figs["variance"].text,
                "completed": r.figs["completed"].text,
                "light": r.light.level if r.light else "none",
            }
        )
    ranking.sort(key=lambda x: -x["rate_num"])
    trend = board.charts.get("monthly")
    return {
        "title": f"{scope.root.name}重大项目推进",
        "period": period.label,
        "list": scope.annual_list.name if scope.annual_list else "全部清单",
        "share": board.share_text,
        "kpis": kpis,
        "ranking": ranking,
        "trend": trend,
        "signings": new_signings(scope, period, pr),
        "lights": board.light_counts,
        "map": map_data(user, scope, period, kind, city=city, unit=None),
    }
