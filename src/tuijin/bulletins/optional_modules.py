"""Paragraphs from the apps beside the figures: 民生实事 (tuijin.livelihood), 目标任务 (tuijin.attraction) and
问题协调 (tuijin.problems). Every app is always installed; an adapter returns no items when there is nothing to
say (no programme, no target, no problem), so a bulletin is complete without the paragraph.

- 民生实事 reads the programme's status from the livelihood module (selectors.programme_for /
  programme_status, present.present_status: the JSON of `tuijin livelihood --format json`, issue 7's
  contract) → {items, categories, completed, ahead, on_schedule, behind, item_list: [{name, unit, done,
  progress_pct, status, sub_items}]}, status one of completed / ahead / on_schedule / behind, limited to the
  user's reach. The livelihood module computes every figure; nothing is recomputed here.
- 目标任务 reads the targets of the bulletin's unit and its sub-units for the period's year, evaluated through
  the period's last month and presented by the attraction module (present.target_rows: the rows of `tuijin
  targets --format json`, rounded once by the city's rule) → a summary (how many, how many met, which are
  behind schedule) and one item per target. Limited to the user's units (attraction.selectors.targets_for);
  left out for a user limited to some projects, whose figures a unit's target would exceed.
- 问题协调 calls `tuijin.problems.selectors.bulletin_figures(city=, unit=, period=, scope=)`: a dict with
  open_count, new_count, closed_count, overdue_count and overdue_problems (a list of short descriptions), or
  {} when the scope has no problem.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from .sentences import Fig

log = logging.getLogger(__name__)

STATUS_WORDS = {"completed": "已完成年度目标", "ahead": "超序时推进", "on_schedule": "按序时推进",
                "behind": "欠序时"}


def _number(value) -> str | None:
    """A quantity as the livelihood module gave it: 1113, 4.01 (no float noise, no trailing .0)."""
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = format(d.normalize(), "f")
    return text


def livelihood_status(city, unit, period, user=None, basis: str = "accepted") -> dict | None:
    """The programme's status at the period's end, as the livelihood module presents it (the JSON of
    `tuijin livelihood --format json`), limited to what `user` sees; None without a programme."""
    from tuijin.core.errors import InputError
    from tuijin.livelihood.present import present_status
    from tuijin.livelihood.selectors import programme_for, programme_status

    try:
        programme = programme_for(unit or city, period.year)
        data = present_status(programme_status(programme=programme, month=period.last_month, user=user,
                                               basis=basis))
    except InputError:  # no programme for this level and year
        return None
    return data if isinstance(data, dict) and data.get("items") else None


def _progress_words(item: dict) -> str | None:
    """已完成1113个; for an item split into 事项: 宫颈癌筛查4.01万人、乳腺癌筛查4.73万人."""
    subs = [t for t in item.get("sub_items") or [] if isinstance(t, dict)]
    if subs:
        parts = [f"{t.get('name') or ''}{_number(t.get('done'))}{t.get('unit') or ''}" for t in subs
                 if _number(t.get("done")) is not None]
        return "、".join(parts) or None
    done = _number(item.get("done"))
    return None if done is None else f"已完成{done}{item.get('unit') or ''}"


def livelihood_items(city, unit, period, fb, user=None) -> list[dict]:
    data = livelihood_status(city, unit, period, user, fb.basis)
    if data is None:
        return []
    src = {"indicator": "livelihood", "programme": data.get("programme"), "unit": data.get("unit"),
           "command": f"tuijin livelihood --city {city.name}{f' --unit {unit.name}' if unit else ''} "
                      f"--through {period.through} --format json", "period": period.label}
    s = lambda key: {**src, "figure": key}  # noqa: E731
    summary = {
        "categories": fb.count(data.get("categories"), s("categories")),
        "items": fb.count(data.get("items"), s("items")),
        "done_count": fb.count(data.get("completed"), s("completed")),
        "ahead_count": fb.count(data.get("ahead"), s("ahead")),
        "on_schedule_count": fb.count(data.get("on_schedule"), s("on_schedule")),
        "behind_count": fb.count(data.get("behind"), s("behind")),
        "not_reported_count": fb.count(data.get("not_reported"), s("not_reported")),
    }
    out = [summary]
    item_list = [i for i in data.get("item_list") or [] if isinstance(i, dict) and i.get("name")]
    for i, item in enumerate(item_list):
        if item.get("status") not in ("completed", "ahead"):
            continue
        src_i = {**src, "figure": f"item_list[{i}]", "item": item.get("name")}
        out.append({
            "item_name": Fig(item["name"], item["name"], src_i, label=True),
            "item_progress": Fig(_progress_words(item), item.get("sub_items") or item.get("done"), src_i),
            "item_rate_pct": fb.pct(item.get("progress_pct"), src_i),
            "item_status": Fig(STATUS_WORDS[item["status"]], item["status"], src_i),
        })
    behind = [item["name"] for item in item_list if item.get("status") == "behind"]
    out.append({"behind_items": Fig("、".join(behind) or None, behind, s("item_list.behind"))})
    return out


def target_rows(city, unit, period, user=None, scope=None) -> list[dict] | None:
    """The presented targets of the bulletin's root (and its sub-units) for the period; None for a user
    limited to some projects."""
    if user is not None and scope is not None and scope.restrict is not None and not user.is_superuser:
        return None
    from tuijin.attraction.models import Target
    from tuijin.attraction.selectors import targets_for
    from tuijin.indicators.attraction_present import target_rows as present_rows
    from tuijin.orgs.models import OrgUnit

    root = unit or city
    targets = targets_for(user, period.year) if user is not None else Target.objects.filter(year=period.year)
    targets = (targets.filter(unit__in=OrgUnit.objects.subtree(root))
               .select_related("unit", "annual_list", "category", "source").prefetch_related("steps")
               .order_by("unit__path", "id"))
    return present_rows(targets, period.last_month)


def _measure(fb, unit_label: str, value, src) -> Fig:
    """A target's value or actual in its unit, as the attraction module rounded it (个: whole; 亿元: the
    city's amount places; %: its rate places). A zero is printed: it is a count of something targeted."""
    if value is None:
        return Fig(None, None, src)
    if unit_label == "个":
        return Fig(str(int(value)), value, src)
    if unit_label == "万元":  # a target by funds source: in 万元 as entered
        return Fig(_number(value), value, src)
    return fb.pct(value, src) if unit_label == "%" else fb.yi(value, src)


def target_items(city, unit, period, fb, user=None, scope=None) -> list[dict]:
    rows = target_rows(city, unit, period, user, scope)
    if not rows:
        return []
    root = unit or city
    src = {"indicator": "targets", "unit": root.name, "period": period.label,
           "command": f"tuijin targets --city {city.name}{f' --unit {unit.name}' if unit else ''} "
                      f"--year {period.year} --through {period.through} --format json"}
    s = lambda key: {**src, "figure": key}  # noqa: E731

    def label(r):
        return f"{r['list'] or ''}{r['category'] or ''}{r['indicator_label']}"

    behind = [r for r in rows if r["status"] == "behind"]
    out = [{
        "targets": fb.count(len(rows), s("targets")),
        "targets_met": fb.count(sum(1 for r in rows if r["met"]), s("met")),
        "targets_behind_count": fb.count(len(behind), s("behind")),
        "targets_behind_list": Fig("、".join(f"{r['unit']}{label(r)}" for r in behind) or None,
                                   [(r["unit"], r["indicator"]) for r in behind], s("behind")),
    }]
    for i, r in enumerate(rows):
        src_i = {**src, "figure": f"targets[{i}]", "unit": r["unit"], "target": r["indicator"],
                 "level": r["level"], "list": r["list"], "category": r["category"]}
        out.append({
            "target_unit": Fig(r["unit"], r["unit"], src_i, label=True),
            "target_label": Fig(label(r), r["indicator"], src_i, label=True),
            "target_unit_label": Fig(r["measure"], r["measure"], src_i, label=True),
            "target_above": Fig("超过" if r["strictly_above"] else "", r["strictly_above"], src_i, label=True),
            "target_value": _measure(fb, r["measure"], r["target"], src_i),
            "target_actual": _measure(fb, r["measure"], r["actual"], src_i),
            "target_progress_pct": fb.pct(r["progress_pct"], src_i),
            "target_schedule_pct": fb.pct(r["schedule_pct"], src_i),
            "target_status": Fig(r["status_label"] if r["status"] else None, r["status"], src_i),
        })
    return out


def problem_items(city, unit, period, fb, scope) -> list[dict]:
    from tuijin.problems.selectors import bulletin_figures

    data = bulletin_figures(city=city, unit=unit, period=period, scope=scope)
    if not data:
        return []
    src = {"indicator": "problems", "filters": scope.describe(), "period": period.label}
    s = lambda key: {**src, "figure": key}  # noqa: E731
    overdue = list(data.get("overdue_problems") or [])
    return [{
        "open_count": fb.count(data.get("open_count"), s("open_count")),
        "new_count": fb.count(data.get("new_count"), s("new_count")),
        "closed_count": fb.count(data.get("closed_count"), s("closed_count")),
        "overdue_count": fb.count(data.get("overdue_count"), s("overdue_count")),
        "overdue_problems": Fig("、".join(map(str, overdue)) or None, overdue, s("overdue_problems")),
    }]
