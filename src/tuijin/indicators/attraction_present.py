"""Presenting attraction figures and target progress as plain data (CLI, pages, exports): amounts in 亿元 and
rates in %, rounded once by the city's rule through the engine's Presenter."""

from __future__ import annotations

from decimal import Decimal

from tuijin.attraction.targets import STATUS_LABELS, TargetProgress
from tuijin.core.numbers import HUNDRED, quantize
from tuijin.orgs.selectors import conventions_for

from .attraction import Performance
from .present import Presenter, num
from .targets import evaluate


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


def wan_exact(value: Decimal) -> Decimal:
    """A 万元 amount as entered, with 2 to 4 decimals (12.3450 → 12.345; 12 → 12.00): targets by funds source are
    printed in 万元 with their own precision."""
    d = value.quantize(Decimal("0.0001"))
    for places in ("0.001", "0.01"):
        if d == d.quantize(Decimal(places)):
            d = d.quantize(Decimal(places))
    return d


def _value(presenter: Presenter, unit: str, value):
    if value is None:
        return None
    if unit == "个":
        return num(quantize(value, 0, presenter.config.rounding))
    if unit == "万元":  # a target by funds source: as entered (2 to 4 decimals)
        return num(wan_exact(value))
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
        "indicator_label": f"{t.source.name}到位资金" if t.source_id else spec.label,
        "source": t.source.name if t.source_id else None,
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


def schedule_word(pp) -> str | None:
    """超进度 / 欠进度 / 与进度持平 for a printed difference in points (None: none)."""
    return None if pp is None else "超进度" if pp > 0 else "欠进度" if pp < 0 else "与进度持平"


def funds_report_data(presenter: Presenter, r) -> dict:
    """The JSON of `tuijin attraction --by-source` (indicators.attraction.funds_by_source), rounded once by the
    city's rule: 亿元 amounts, % shares and rates, points against the schedule; targets in 万元 as entered."""
    sources = []
    for row in r.sources:
        t = row.target
        progress, schedule = row.progress, row.schedule
        pp = presenter.pp(progress, schedule)
        sources.append({
            "code": row.source.code, "name": row.source.name, "is_foreign": row.source.is_foreign,
            "arrived_yi": num(presenter.yi(row.arrived)),
            "share_pct": num(presenter.pct(row.share)),
            "target_wan": None if t is None else num(wan_exact(t.value)),
            "target_yi": None if t is None else num(presenter.yi(t.value)),
            "expected_yi": None if t is None else num(presenter.yi(row.expected)),
            "progress_pct": num(presenter.pct(progress)),
            "schedule_pct": num(presenter.pct(schedule)),
            "vs_schedule_pp": num(pp),
            "schedule_word": schedule_word(pp),
            "schedule_gap_pp": num(abs(pp)) if pp else None,
        })
    perf, signing = r.performance, r.signing
    return {
        "funds_arrived_yi": num(presenter.yi(r.total)),
        "sources": sources,
        "tiers": [{"code": t.code, "name": t.label, "arrived_yi": num(presenter.yi(t.arrived)),
                   "projects": t.projects, "share_pct": num(presenter.pct(t.share))} for t in r.tiers],
        "big_projects": r.big_projects,
        "big_arrived_yi": num(presenter.yi(r.big_arrived)),
        "big_share_pct": num(presenter.pct(r.big_share)),
        "signed_projects": signing.signed,
        "signed_contracted_yi": num(presenter.yi(signing.contracted)),
        "performing_projects": signing.performing,
        "performing_rate_pct": num(presenter.pct(signing.performing_rate)),
        "contracts_due": perf.contracts_due,
        "contracts_on_schedule": perf.contracts_on_schedule,
        "milestone_performance_rate_pct": num(presenter.pct(perf.performance_rate)),
    }


def cohort_data(presenter: Presenter, c) -> dict:
    """The JSON of `tuijin attraction --cohort-event / --cohort-year` (indicators.attraction.cohort)."""
    event = c.event
    return {
        "cohort": c.label,
        "event": None if event is None else {"id": event.pk, "name": event.name, "kind": event.get_kind_display(),
                                             "date": event.date.isoformat()},
        "year": c.year,
        "as_of": c.as_of.isoformat(),
        "signed": c.signed,
        "performing": c.performing,
        "performing_rate_pct": num(presenter.pct(c.performing_rate)),
        "started": c.started,
        "start_rate_pct": num(presenter.pct(c.start_rate)),
        "operating": c.operating,
        "operating_rate_pct": num(presenter.pct(c.operating_rate)),
        "contracted_yi": num(presenter.yi(c.contracted)),
        "arrived_yi": num(presenter.yi(c.arrived)),
        "funds_rate_pct": num(presenter.pct(c.funds_rate)),
    }


def _header(scope, period_label: str) -> dict:
    return {"city": scope.city.name, "unit": scope.root.name, "period": period_label}


def funds_by_source_report(scope, period) -> dict:
    """`tuijin attraction --by-source` and the API's /attraction/funds-by-source: the scope's funds arrived by
    source through the period (funds_by_source), rounded by the scope unit's conventions for the year."""
    from .attraction import funds_by_source

    presenter = Presenter(conventions_for(scope.root, period.year))
    return {**_header(scope, period.label), "through": period.through,
            **funds_report_data(presenter, funds_by_source(scope, period))}


def parse_as_of(text, field: str = "as_of"):
    """A cohort's date (YYYY-MM-DD), refused with a message naming the field and value."""
    import datetime

    from tuijin.core.errors import InputError

    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise InputError(f"{field}: 日期格式应为 YYYY-MM-DD, 收到 {text!r}", field=field) from None


def cohort_report(scope, as_of, *, event=None, year: int | None = None) -> dict:
    """`tuijin attraction --cohort-event ID / --cohort-year YEAR --as-of DATE` and the API's /attraction/cohort:
    the projects signed at the event (of the scope's city) or in the year, followed to `as_of` (cohort)."""
    from tuijin.core.errors import InputError

    from .attraction import cohort

    if (event is None) == (year is None):
        raise InputError("请指定一个签约活动或一个签约年份", field="cohort")
    if event is not None:
        if event.city_id != scope.city.pk:
            raise InputError(f"招商活动 {event.name} 不是 {scope.city.name} 的活动", field="event")
        if event.date > as_of:
            raise InputError(f"截至日期 {as_of} 早于活动日期 {event.date}", field="as_of")
    elif not 2000 <= int(year) <= as_of.year:
        raise InputError(f"签约年份 {year} 应不晚于截至日期 {as_of} 的年份", field="year")
    presenter = Presenter(conventions_for(scope.root, as_of.year))
    return {**_header(scope, f"截至{as_of.year}年{as_of.month}月{as_of.day}日"),
            **cohort_data(presenter, cohort(scope, as_of, event=event, year=year))}
