"""Presenting figures: amounts in 亿元 and rates in %, rounded once by the city's rule, as plain data that the
CLI, API, bulletin and pages all print. Nothing here computes a figure; it only rounds and names them."""

from __future__ import annotations

from decimal import Decimal

from tuijin.core.numbers import HUNDRED, number_for_json, quantize, wan_to_yi
from tuijin.orgs.models import Conventions
from tuijin.orgs.selectors import conventions_for

from .engine import EVENT_FIGURES, EventFigure, Figures, PlanVsActual


class Presenter:
    """Rounds (and words ahead / behind) by one unit's conventions for the figures' year."""

    def __init__(self, config: Conventions):
        self.config = config

    def yi(self, wan: Decimal | None) -> Decimal | None:
        return quantize(wan_to_yi(wan), self.config.amount_places, self.config.rounding)

    def pct(self, fraction: Decimal | None) -> Decimal | None:
        return None if fraction is None else quantize(fraction * HUNDRED, self.config.rate_places,
                                                      self.config.rounding)

    def pp(self, rate: Decimal | None, share: Decimal | None) -> Decimal | None:
        """百分点: from unrounded values (default) or from the rates as printed, rounded once."""
        if rate is None or share is None:
            return None
        if self.config.variance_basis == Conventions.VarianceBasis.PRINTED:
            return self.pct(rate) - self.pct(share)
        return quantize((rate - share) * HUNDRED, self.config.rate_places, self.config.rounding)

    def event(self, ev: EventFigure) -> dict:
        return {
            "count": ev.count,
            "total_yi": num(self.yi(ev.total)),
            "count_yoy_pct": num(self.pct(ev.count_yoy)),
            "total_yoy_pct": num(self.pct(ev.total_yoy)),
            "count_prev": ev.count_prev,
            "total_prev_yi": num(self.yi(ev.total_prev)),
            "count_change": ev.count - ev.count_prev,
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
        }
        for key in EVENT_FIGURES:
            data[key] = self.event(f.events[key])
        return data


def unit_label(f: Figures) -> str:
    """A by-unit row's name: the child unit, or '<root>本级' for projects held by the root itself."""
    return f"{f.unit.name}本级" if f.own_level else f.unit.name


def num(value):
    return number_for_json(value)


def present(f: Figures) -> dict:
    """The engine's JSON: the scope's figures, its period and conventions, and `by_unit` for each child unit."""
    presenter = Presenter(conventions_for(f.scope.root, f.period.year))
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
