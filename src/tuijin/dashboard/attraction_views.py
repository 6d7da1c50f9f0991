"""The pages of 招商引资's figures (/attraction/contracts/, /attraction/targets/): contracts with their performance
(履约) by unit and funds source, the contracts behind one figure, and a unit's targets with their progress. They
read the figures (indicators.attraction, indicators.targets) and the dashboard's scope, so they sit here, above
them; the rest of 招商引资's pages are attraction.views."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Sum
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from tuijin.attraction import selectors
from tuijin.attraction.models import ContractMilestone
from tuijin.attraction.views import _period, _target_form
from tuijin.core.params import parse_id
from tuijin.core.periods import Period
from tuijin.core.policy import READ, requires
from tuijin.indicators.attraction import (
    FIGURE_LISTS,
    funds_by_source,
    performance,
    performance_contracts,
)
from tuijin.indicators.attraction_present import funds_report_data, performance_data
from tuijin.indicators.present import Presenter
from tuijin.indicators.targets import target_progress
from tuijin.orgs.selectors import conventions_for
from tuijin.projects import scoping
from tuijin.web import selectors as web_selectors

from .forms import PerformanceForm


def _performance_scope(request, form):
    """(scope, period, query) from a valid PerformanceForm: the dashboard's scope (the one that limits a user to
    their units) narrowed to an industry node; None when there is no city or no period to show."""
    from tuijin.dashboard.selectors import dashboard_scope
    from tuijin.web.selectors import default_through

    d = form.cleaned_data
    city = d["city"]
    if city is None:
        return None
    scope = dashboard_scope(request.user, city, d.get("unit"), d.get("annual_list"))
    if d.get("industry_node") is not None:
        scope = dataclasses.replace(scope, industry_node=d["industry_node"])
    through = d["through"] or default_through(scope)
    if through is None:
        today = timezone.localdate()
        through = (today.year, today.month)
    period = Period.parse(f"{through[0]:04d}-{through[1]:02d}", d["kind"])
    query = {k: v for k, v in request.GET.items() if k in ("city", "unit", "industry_node", "annual_list", "kind")}
    query["through"] = period.through
    return scope, period, query


CONTRACTS_PAGE_SIZE = 50


@requires(READ)
def contracts(request):
    """签约项目履约: the performance figures of the chosen scope and period (each opens its list) by unit, and the
    contracts of the scope with their milestones and funds."""
    form = PerformanceForm(request.user, request.GET)
    context = {"form": form, "summary": None}
    resolved = _performance_scope(request, form) if form.is_valid() else None
    qs = selectors.contracts_for(request.user)
    if resolved is not None:
        scope, period, query = resolved
        presenter = Presenter(conventions_for(scope.root, period.year))
        perf = performance(scope, period)
        summary = performance_data(presenter, perf)
        # The cohort rates open the dashboard's cohort lists (same scope: its parameter names differ).
        dash = {"city": scope.city.pk, "through": period.through, "kind": form.cleaned_data["kind"],
                "cohort": period.year, "list": getattr(scope.annual_list, "pk", ""),
                "node": getattr(scope.industry_node, "pk", "")}
        summary["query"] = urlencode(query)
        summary["dash_query"] = urlencode({**dash, "unit": scope.root.pk})
        summary["by_unit"] = [{"unit": p.unit, **performance_data(presenter, p),
                               "query": urlencode({**query, "unit": p.unit.pk}),
                               "dash_query": urlencode({**dash, "unit": p.unit.pk})} for p in perf.by_unit]
        qs = qs.filter(scope.project_q("project__"), signed_on__lte=period.end)
        # 到位资金分来源 (with the scope unit's targets per source), 三次产业, 亿元以上 and 履约项目: a small table.
        by_source = funds_report_data(presenter, funds_by_source(scope, period, perf=perf))
        context.update(summary=summary, period=period, by_source=by_source)
    qs = (qs.select_related("project", "project__unit", "lead")
          .prefetch_related(Prefetch("milestones", queryset=ContractMilestone.objects.order_by("due_date")))
          .annotate(arrived=Sum("arrivals__amount")).order_by("-signed_on", "id"))
    context["contracts"] = Paginator(qs, CONTRACTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context["style"] = web_selectors.number_style(request.user)
    return render(request, "attraction/contracts.html", context, status=200 if form.is_valid() else 400)


@requires(READ)
def contract_figure(request):
    """The contracts behind one performance figure (应履约 / 按约履约 / 未按约 / 应到位 / 到位 / 到位外资): their
    number, or the sum of their amounts, is the figure on the contracts page."""
    key = request.GET.get("key", "")
    form = PerformanceForm(request.user, request.GET)
    if key not in FIGURE_LISTS or not form.is_valid():
        error = f"未知的指标: {key!r}" if key not in FIGURE_LISTS else "; ".join(
            f"{form.fields[k].label if k in form.fields else ''} {', '.join(v)}".strip() for k, v in form.errors.items())
        return render(request, "attraction/figure.html", {"error": error}, status=400)
    resolved = _performance_scope(request, form)
    if resolved is None:
        return render(request, "attraction/figure.html", {"error": "没有可查看的城市"}, status=400)
    scope, period, query = resolved
    title, with_amount = FIGURE_LISTS[key]
    rows = list(performance_contracts(scope, period, key).select_related("project", "project__unit", "lead")
                .prefetch_related(Prefetch("milestones", queryset=ContractMilestone.objects.order_by("due_date")))
                .order_by("project__unit__path", "signed_on", "id"))
    presenter = Presenter(conventions_for(scope.root, period.year))
    total = sum((r.amount for r in rows), Decimal(0)) if with_amount else None
    return render(request, "attraction/figure.html", {
        "title": title, "key": key, "rows": rows, "with_amount": with_amount, "period": period,
        "scope_text": scope.root.name + (f" · {scope.industry_node.name}" if scope.industry_node else ""),
        "count": len(rows), "total": total, "total_yi": presenter.yi(total) if with_amount else None,
        "back": f"{reverse('attraction_figures:contracts')}?{urlencode(query)}",
    })


@requires(READ)
def targets(request):
    """目标任务: the targets of the user's units for a year, with progress through a month; ?unit=<id> keeps one
    unit's (and its sub-units') targets: the page the dashboard's 目标任务 panel links each unit to."""
    period = _period(request)
    unit = _unit_param(request)
    rows = target_progress(request.user, period.year, period.last_month, root=unit)
    form = _target_form(request.user, initial={"year": period.year, "unit": unit.pk if unit else None}) \
        if scoping.can(request.user, scoping.WRITE) else None
    return render(request, "attraction/targets.html", {"rows": rows, "period": period, "form": form, "unit": unit})


def _unit_param(request):
    """?unit=<id>: one of the units the user sees (another answers 404); a malformed id is said and ignored."""
    raw = (request.GET.get("unit") or "").strip()
    if not raw:
        return None
    if parse_id(raw) is None:
        messages.error(request, f"单位编号无效: {raw[:40]!r}")
        return None
    unit = scoping.units_for(request.user).filter(pk=parse_id(raw)).first()
    if unit is None:
        raise Http404("单位不存在或不在您的权限范围内")
    return unit
