"""Presenting figures: amounts in 亿元 and rates in %, rounded once by the city's rule, as plain data that the
CLI, API, bulletin and pages all print. Nothing here computes a figure; it only rounds and names them."""

from __future__ import annotations

from decimal import Decimal

from tuijin.core.numbers import HUNDRED, NumberStyle, number_for_json, quantize, wan_to_yi
from tuijin.orgs.models import Conventions
from tuijin.orgs.selectors import conventions_for

from .engine import EVENT_FIGURES, Breakdown, BreakdownRow, EventFigure, Figures, PlanVsActual


class Presenter:
    """Rounds (and words ahead / behind) by one unit's conventions for the figures' year; `style` overrides the
    decimals and rounding rule (a bulletin table printed at 2 places while its headline has 1)."""

    def __init__(self, config: Conventions, style: NumberStyle | None = None):
        self.config = config
        self.style = style or NumberStyle.of(config)

    def yi(self, wan: Decimal | None) -> Decimal | None:
        return quantize(wan_to_yi(wan), self.style.amount_places, self.style.rounding)

    def pct(self, fraction: Decimal | None) -> Decimal | None:
        return None if fraction is None else quantize(fraction * HUNDRED, self.style.rate_places,
                                                      self.style.rounding)

    def pp(self, rate: Decimal | None, share: Decimal | None) -> Decimal | None:
        """百分点: from unrounded values (default) or from the rates as printed, rounded once."""
        if rate is None or share is None:
            return None
        if self.config.variance_basis == Conventions.VarianceBasis.PRINTED:
            return self.pct(rate) - self.pct(share)
        return quantize((rate - share) * HUNDRED, self.style.rate_places, self.style.rounding)

    def event(self, ev: EventFigure) -> dict:
        return {
            "count": ev.count,
            "total_yi": num(self.yi(ev.total)),
            "count_yoy_pct": num(self.pct(ev.count_yoy)),
            "total_yoy_pct": num(self.pct(ev.total_yoy)),
            "count_prev": ev.count_prev,
            "total_prev_yi": num(self.yi(ev.total_prev)),
            "count_change": ev.count_change,
            "total_change_yi": num(self.yi(ev.total_change)),
        }

    def figures(self, f: Figures) -> dict:
        data = {
            "projects": f.projects,
            "annual_plan_yi": num(self.yi(f.annual_plan)),
            "completed_yi": num(self.yi(f.completed)),
            "completion_rate_pct": num(self.pct(f.completion_rate)),
            "schedule_share_pct": num(self.pct(f.schedule_share)),
            "schedule_variance_pp": num(self.pp(f.completion_rate, f.schedule_share)),
            "planned_new_starts": f.planned_new_starts,
            "planned_new_starts_started": f.planned_new_starts_started,
            "start_rate_pct": num(self.pct(f.start_rate)),
            "planned_starts_to_date": f.planned_starts_to_date,
            "planned_starts_to_date_started": f.planned_starts_to_date_started,
            "start_rate_to_date_pct": num(self.pct(f.start_rate_to_date)),
            "planned_completions": f.planned_completions,
            "planned_completions_done": f.planned_completions_done,
            "completion_count_rate_pct": num(self.pct(f.completion_count_rate)),
            "planned_operations": f.planned_operations,
            "planned_operations_done": f.planned_operations_done,
            "operation_rate_pct": num(self.pct(f.operation_rate)),
            "completed_prev_yi": num(self.yi(f.completed_prev)),
            "completed_yoy_pct": num(self.pct(f.completed_yoy)),
            "completed_change_yi": num(self.yi(f.completed_change)),
            "period_plan_yi": num(self.yi(f.period_plan)) if f.period_plan_projects else None,
            "period_plan_rate_pct": num(self.pct(f.period_plan_rate)),
            "ahead_of_period_plan_yi": num(self.yi(f.ahead_of_period_plan)),
            "half_and_half": f.half_and_half,
            "cohort_signed": f.cohort_signed,
            "cohort_started": f.cohort_started,
            "cohort_operating": f.cohort_operating,
            "cohort_start_rate_pct": num(self.pct(f.cohort_start_rate)),
            "cohort_operating_rate_pct": num(self.pct(f.cohort_operating_rate)),
            "cohort_at_capacity": f.cohort_at_capacity,
            "cohort_at_capacity_rate_pct": num(self.pct(f.cohort_at_capacity_rate)),
            # list figures (issue 20)
            "total_investment_yi": num(self.yi(f.total_investment)),
            "behind_schedule": f.behind_schedule,
            "behind_schedule_share_pct": num(self.pct(f.behind_schedule_share)),
            "active_projects": f.active_projects,
            "active_plan_yi": num(self.yi(f.active_plan)),
            "active_completed_yi": num(self.yi(f.active_completed)),
            "active_completion_rate_pct": num(self.pct(f.active_completion_rate)),
            "active_schedule_variance_pp": num(self.pp(f.active_completion_rate, f.schedule_share)),
            "completions_in_year": f.completions_in_year,
            "completions_all_rate_pct": num(self.pct(f.completions_all_rate)),
            "operations_in_year": f.operations_in_year,
            "operations_all_rate_pct": num(self.pct(f.operations_all_rate)),
            "funds_secured_yi": num(self.yi(f.funds_secured)),
            "funds_secured_rate_pct": num(self.pct(f.funds_secured_rate)),
        }
        for key in EVENT_FIGURES:
            data[key] = self.event(f.events[key])
        return data


def unit_label(f: Figures) -> str:
    """A by-unit row's name: the child unit, or '<root>本级' for projects held by the root itself."""
    return f"{f.unit.name}本级" if f.own_level else f.unit.name


def num(value):
    return number_for_json(value)


def present(f: Figures, style: NumberStyle | None = None) -> dict:
    """The engine's JSON: the scope's figures, its period and conventions, and `by_unit` for each child unit
    (`style`: other decimals than the conventions', for a table that prints its own)."""
    presenter = Presenter(conventions_for(f.scope.root, f.period.year), style)
    data = {
        "city": f.scope.city.name,
        "unit": f.scope.root.name,
        "period": {"year": f.period.year, "first_month": f.period.first_month, "last_month": f.period.last_month,
                   "label": f.period.label},
        "basis": f.basis,
        "basis_label": "市级确认数" if f.basis == "accepted" else "报送数(含未确认)",
        "filters": f.scope.describe(),
        **presenter.figures(f),
        "by_unit": [{"unit": unit_label(c), "own_level": c.own_level, **presenter.figures(c)} for c in f.by_unit],
    }
    return data


def present_row(presenter: Presenter, row: BreakdownRow) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "projects": row.projects,
        "annual_plan_yi": num(presenter.yi(row.annual_plan)),
        "completed_yi": num(presenter.yi(row.completed)),
        "completion_rate_pct": num(presenter.pct(row.completion_rate)),
        "schedule_share_pct": num(presenter.pct(row.schedule_share)),
        "schedule_variance_pp": num(presenter.pp(row.completion_rate, row.schedule_share)),
    }


def present_breakdown(b: Breakdown, scope, period, style: NumberStyle | None = None,
                      total_as_sum: bool = False) -> dict:
    """A breakdown as the CLI's JSON, the API, the dashboard and the bulletin table print it: each row and the
    合计 rounded once by the unit's rule (or `style`). `total_as_sum` (合计按分项相加): the 合计's amounts are
    the sum of the rows' printed amounts instead of the total rounded once (not for 'list', whose rows overlap)."""
    presenter = Presenter(conventions_for(scope.root, period.year), style)
    rows = [present_row(presenter, r) for r in b.rows]
    total = present_row(presenter, b.total)
    if total_as_sum and b.dimension != "list":
        for key, attr in (("annual_plan_yi", "annual_plan"), ("completed_yi", "completed")):
            total[key] = num(sum((presenter.yi(getattr(r, attr)) for r in b.rows), Decimal(0)))
    return {
        "dimension": b.dimension,
        "dimension_label": b.label,
        "unit": scope.root.name,
        "period": {"year": period.year, "first_month": period.first_month, "last_month": period.last_month,
                   "label": period.label},
        "filters": scope.describe(),
        "total_as_sum": bool(total_as_sum and b.dimension != "list"),
        "rows": rows,
        "total": total,
    }


def present_plan_vs_actual(pva: PlanVsActual, config: Conventions) -> dict:
    """分月计划与实际 for a chart or a table: amounts in 万元 (2 decimals), rates in % by the conventions; a month
    without a figure is null (never 0). Nothing is computed here, only rounded once."""
    presenter = Presenter(config)

    def wan(value):
        return num(quantize(value, 2, config.rounding))

    return {
        "year": pva.year,
        "projects": pva.projects,
        "annual_plan_wan": wan(pva.annual_plan) if pva.projects else None,
        "through": pva.through,
        "months": [m.month for m in pva.months],
        "labels": [f"{m.month}月" for m in pva.months],
        "completed_wan": [wan(m.completed) for m in pva.months],
        "completed_cumulative_wan": [wan(m.completed_cumulative) for m in pva.months],
        "plan_cumulative_wan": [wan(m.plan_cumulative) for m in pva.months],
        "completion_rate_pct": [num(presenter.pct(m.completion_rate)) for m in pva.months],
        "plan_rate_pct": [num(presenter.pct(m.plan_rate)) for m in pva.months],
    }
