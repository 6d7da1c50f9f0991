"""Presenting attraction figures and target progress as plain data (CLI, pages, exports): amounts in 亿元 and
rates in %, rounded once by the city's rule through the engine's Presenter."""

from __future__ import annotations

from tuijin.core.numbers import HUNDRED, quantize
from tuijin.indicators.present import Presenter, num
from tuijin.orgs.selectors import conventions_for

from .indicators import Performance
from .targets import STATUS_LABELS, TargetProgress, evaluate


def performance_data(presenter: Presenter, p: Performance) -> dict:
    return {
        "contracts_due": p.contracts_due,
        "contracts_on_schedule": p.contracts_on_schedule,
        "performance_rate_pct": num(presenter.pct(p.performance_rate)),
        "funds_due_yi": num(presenter.yi(p.funds_due)),
        "funds_arrived_yi": num(presenter.yi(p.funds_arrived)),
        "funds_arrival_rate_pct": num(presenter.pct(p.funds_arrival_rate)),
        "foreign_arrived_yi": num(presenter.yi(p.foreign_arrived)),
        "cohort_signed": p.cohort_signed,
        "cohort_started": p.cohort_started,
        "cohort_operating": p.cohort_operating,
        "cohort_start_rate_pct": num(presenter.pct(p.cohort_start_rate)),
        "cohort_operating_rate_pct": num(presenter.pct(p.cohort_operating_rate)),
    }


def _value(presenter: Presenter, unit: str, value):
    if value is None:
        return None
    if unit == "个":
        return num(quantize(value, 0, presenter.config.rounding))
    places = presenter.config.rate_places if unit == "%" else presenter.config.amount_places
    return num(quantize(value, places, presenter.config.rounding))


def target_row(row: TargetProgress, presenter: Presenter | None = None) -> dict:
    t = row.target
    presenter = presenter or Presenter(conventions_for(row.city or t.unit.city(), t.year))
    spec = row.indicator
    progress = row.progress
    schedule = row.schedule
    return {
        "unit": t.unit.name,
        "unit_id": t.unit_id,
        "year": t.year,
        "indicator": t.indicator,
        "indicator_label": spec.label,
        "measure": spec.unit,
        "level": t.get_level_display(),
        "list": t.annual_list.name if t.annual_list_id else None,
        "category": t.category.name if t.category_id else None,
        "description": t.description,
        "due_month": t.due_month,
        "target": _value(presenter, spec.unit, t.value),
        "strictly_above": t.strictly_above,
        "actual": _value(presenter, spec.unit, row.actual),
        "expected_by_now": _value(presenter, spec.unit, row.expected),
        "progress_pct": num(presenter.pct(progress)),
        "schedule_pct": num(presenter.pct(schedule)),
        "vs_schedule_pp": None if progress is None else num(
            quantize((progress - schedule) * HUNDRED, presenter.config.rate_places, presenter.config.rounding)),
        "met": row.met,
        "on_schedule": row.on_schedule,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, "—"),
    }


def target_rows(targets, through_month: int) -> list[dict]:
    """Targets evaluated through a month (targets.evaluate) and presented, one presenter per city: the rows of
    the targets page, the dashboard's 目标任务 panel, the CLI and the bulletin's targets paragraph."""
    presenters: dict[tuple[int, int], Presenter] = {}
    rows = []
    for r in evaluate(targets, through_month):
        city = r.city or r.target.unit.city()
        key = (city.pk, r.target.year)
        if key not in presenters:
            presenters[key] = Presenter(conventions_for(city, r.target.year))
        rows.append(target_row(r, presenters[key]))
    return rows


def bar_width(pct) -> float:
    """A progress bar's width in % (0-100) from a printed percentage (None: empty)."""
    return 0 if pct is None else max(0, min(100, float(pct)))
