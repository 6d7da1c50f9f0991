"""目标任务 evaluated: each target's actual value from the engine's figures for its scope (and the attraction
performance figures), against the part of it due by the month (attraction.targets says what a target may be
set on and how it stands; this module computes the figures), and the rows the targets page and the dashboard's
panel show."""

from __future__ import annotations

from decimal import Decimal

from tuijin.attraction.selectors import targets_for
from tuijin.attraction.targets import (
    INDICATORS,
    SOURCE_INDICATOR,
    TargetProgress,
    cities_of,
    expected_by,
)
from tuijin.core.periods import Period
from tuijin.orgs.models import OrgUnit

from .attraction import performance
from .engine import compute, schedule_shares
from .scope import Scope


def target_scope(target, city: OrgUnit | None = None) -> Scope:
    unit = target.unit
    city = city or unit.city()
    return Scope(city, None if unit.pk == city.pk else unit, target.annual_list, target.category)


def evaluate(targets, through_month: int) -> list[TargetProgress]:
    """Progress of each target through a month of its year: the engine's figures for the target's scope (read
    once per distinct scope) and, for performance indicators, the attraction figures. Besides those, one
    query finds the targets' cities; pass targets with unit, list and category selected and steps prefetched,
    so nothing is read per target."""
    targets = list(targets)
    cities = cities_of({t.unit_id: t.unit for t in targets}.values())
    cache: dict = {}
    rows = []
    for t in targets:
        spec = INDICATORS[t.indicator]
        period = Period.year_to_date(t.year, through_month)
        scope = target_scope(t, cities.get(t.unit_id))
        key = (scope.root.pk, getattr(scope.annual_list, "pk", None), getattr(scope.category, "pk", None), t.year)
        if key not in cache:
            cache[key] = [compute(scope, period, breakdown=False), None]
        if spec.needs_performance and cache[key][1] is None:
            cache[key][1] = performance(scope, period, breakdown=False)
        figures, perf = cache[key]
        if t.indicator == SOURCE_INDICATOR:
            skey = ("shares", scope.city.pk, t.year)
            if skey not in cache:
                cache[skey] = schedule_shares(scope.city, t.year)
            rows.append(TargetProgress(t, through_month, perf.arrived_by_source.get(t.source_id, Decimal(0)),
                                       expected_by(t, through_month, cache[skey]), scope.city))
            continue
        rows.append(TargetProgress(t, through_month, spec.read(figures, perf), expected_by(t, through_month),
                                   scope.city))
    return rows


def target_progress(user, year: int, through_month: int, *, root=None) -> list[dict]:
    """目标任务 with their progress through a month: the targets of the units the user sees (targets_for), in
    `root`'s subtree when given, presented (present.target_rows) with the widths of their progress bars and
    the link to the unit's targets. The targets page and the dashboard's panel both show these rows. Queries:
    the targets, their steps, their cities, and the engine's per distinct scope (none per target)."""
    from django.urls import reverse

    from .attraction_present import bar_width, target_rows

    qs = targets_for(user, year)
    if root is not None:
        qs = qs.filter(unit__path__startswith=root.path)
    qs = (qs.select_related("unit", "annual_list", "category", "source").prefetch_related("steps")
          .order_by("unit__path", "id"))
    rows = target_rows(qs, through_month)
    base = reverse("attraction_figures:targets")
    for r in rows:
        r["bar_pct"] = bar_width(r["progress_pct"])
        r["schedule_bar_pct"] = bar_width(r["schedule_pct"])
        r["url"] = f"{base}?unit={r['unit_id']}&through={year:04d}-{through_month:02d}"
        pp = r["vs_schedule_pp"]  # 超进度 / 欠进度 y 个百分点, as DOMAIN.md words it
        r["schedule_word"] = None if pp is None else "超进度" if pp > 0 else "欠进度" if pp < 0 else "与进度持平"
        r["schedule_gap_pp"] = abs(pp) if pp else None
    return rows
