"""Presenting 民生实事 figures as plain data (the CLI's JSON and table, the pages, the 公示表): shares in %,
rounded once by the city's rule (indicators.present.Presenter), quantities as entered, words in Chinese."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from tuijin.core.numbers import number_for_json
from tuijin.core.periods import Period
from tuijin.indicators.present import Presenter
from tuijin.orgs.models import UnitKind
from tuijin.orgs.selectors import conventions_for

from . import progress
from .models import TargetKind
from .selectors import BASIS_LABELS, ProgrammeStatus


def presenter_for(programme) -> Presenter:
    """The conventions of the programme's unit (or its city's) for the programme's year."""
    return Presenter(conventions_for(programme.unit, programme.year))


def quantity(value: Decimal | None):
    """A quantity as entered, for JSON: 2000 (not 2000.00), 4.01."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def quantity_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    value = value.normalize()
    return f"{int(value)}" if value == value.to_integral_value() else f"{value:f}"


def pct(p: Presenter, fraction: Decimal | None):
    return number_for_json(p.pct(fraction))


def target_dict(p: Presenter, t: progress.TargetState) -> dict:
    target = t.target
    data = {"name": target.name, "kind": target.kind, "target": quantity(t.quantity), "unit": target.unit,
            "done": quantity(t.done), "progress_pct": pct(p, t.share), "met": t.met}
    if target.kind == TargetKind.DELIVERABLES:
        data["unit"] = target.unit or "项"
    return data


def item_dict(p: Presenter, s: progress.ItemState) -> dict:
    """One row of item_list. A plain item carries its target, unit and done; an item split into 事项 has them
    per sub-item in `sub_items` (and null at the item level), its progress being its slowest sub-item's."""
    item = s.item
    targets = [target_dict(p, t) for t in s.targets]
    plain = len(s.targets) == 1 and not s.targets[0].target.name
    return {
        "seq": item.seq,
        "name": item.name,
        "category": item.category.name,
        "lead_department": item.lead_unit.name,
        "cooperating_units": sorted(u.name for u in item.cooperating_units.all()),
        "responsible_leader": item.responsible_leader,
        "target": targets[0]["target"] if plain else None,
        "unit": targets[0]["unit"] if plain else "",
        "done": targets[0]["done"] if plain else None,
        "progress_pct": pct(p, s.done_share),
        "planned_pct": pct(p, s.planned),
        "variance_pp": number_for_json(p.pp(s.done_share, s.planned)),
        "status": s.status,
        "status_label": s.status_label,
        "plan": item.get_plan_kind_display(),
        "planned_investment_wan": quantity(item.planned_investment),
        "investment_ytd_wan": quantity(s.investment_ytd),
        "sub_items": [] if plain else targets,
        "progress_text": s.report.progress_text if s.report else "",
        "is_demo": item.is_demo,
    }


def tally_dict(p: Presenter, t: progress.Tally, name_key: str) -> dict:
    return {name_key: t.label, "items": t.items, **t.counts,
            "planned_investment_yi": number_for_json(p.yi(t.planned_investment)) if t.investment_items else None,
            "investment_ytd_yi": number_for_json(p.yi(t.investment_ytd)) if t.investment_items else None,
            "investment_rate_pct": pct(p, t.investment_rate)}


def present_status(status: ProgrammeStatus) -> dict:
    """The programme's JSON (the CLI's `--format json`; the pages read the same data)."""
    programme = status.programme
    p = presenter_for(programme)
    unit = programme.unit
    city = unit.city() if unit.kind != UnitKind.PROVINCE else None
    total = status.total
    return {
        "city": city.name if city else None,
        "unit": unit.name,
        "programme": programme.name,
        "year": programme.year,
        "through": f"{programme.year:04d}-{status.month:02d}",
        # as bulletins name it: 2024年1-5月, 2024年一季度, 2024年上半年, 2024年前三季度, 2024年全年 (Period.label)
        "period": Period.year_to_date(programme.year, status.month).label if status.month > 1
        else f"{programme.year}年1月",
        "basis": status.basis,
        "basis_label": BASIS_LABELS[status.basis],
        "tolerance_pp": number_for_json(programme.tolerance_pp.normalize()),
        "rate_places": p.config.rate_places,
        "amount_places": p.config.amount_places,
        "items": total.items,
        "categories": status.categories,
        "completed": total.counts[progress.COMPLETED],
        "ahead": total.counts[progress.AHEAD],
        "on_schedule": total.counts[progress.ON_SCHEDULE],
        "behind": total.counts[progress.BEHIND],
        "not_reported": total.counts[progress.NOT_REPORTED],
        "planned_investment_yi": number_for_json(p.yi(total.planned_investment)) if total.investment_items else None,
        "investment_ytd_yi": number_for_json(p.yi(total.investment_ytd)) if total.investment_items else None,
        "investment_rate_pct": pct(p, total.investment_rate),
        "by_category": [tally_dict(p, t, "category") for t in status.by_category],
        "by_lead_department": [tally_dict(p, t, "lead_department") for t in status.by_lead_unit],
        "lagging": [{"name": s.item.name, "lead_department": s.item.lead_unit.name,
                     "responsible_leader": s.item.responsible_leader, "progress_pct": pct(p, s.done_share),
                     "planned_pct": pct(p, s.planned), "variance_pp": number_for_json(p.pp(s.done_share, s.planned)),
                     "note": "提请分管领导研究调度"} for s in status.lagging],
        "item_list": [item_dict(p, s) for s in status.states],
    }


def target_text(item: dict) -> tuple[str, str]:
    """(目标, 完成) as words: '2000个' / '1113个'; per 事项 for an item split into sub-items."""
    if not item["sub_items"]:
        return f"{_n(item['target'])}{item['unit']}", f"{_n(item['done'])}{item['unit']}"
    target = "; ".join(f"{s['name']} {_n(s['target'])}{s['unit']}" for s in item["sub_items"])
    done = "; ".join(f"{s['name']} {_n(s['done'])}{s['unit']}" for s in item["sub_items"])
    return target, done


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(headers: list[str], rows: list[list], numeric: set[int]) -> str:
    """A plain-text table: text columns left-aligned, the `numeric` columns right-aligned."""
    cells = [["—" if v is None else str(v) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values):
        return "  ".join((" " * (w - _width(v)) + v) if i in numeric else (v + " " * (w - _width(v)))
                         for i, (v, w) in enumerate(zip(values, widths, strict=True))).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths)] + [line(r) for r in cells])


def _n(value) -> str:
    return "—" if value is None else str(value)


def _p(value) -> str | None:
    return None if value is None else f"{value}%"


def status_table(data: dict) -> str:
    """The terminal table (`--format table`): the counts in words, then one line per item."""
    head = (f"{data['programme']} {data['period']} ({data['basis_label']}): 共 {data['categories']} 类 "
            f"{data['items']} 件, 已完成 {data['completed']} 件, 超序时 {data['ahead']} 件, "
            f"按序时 {data['on_schedule']} 件, 欠序时 {data['behind']} 件, 未报 {data['not_reported']} 件")
    rows = []
    for it in data["item_list"]:
        target, done = target_text(it)
        rows.append([it["seq"], it["category"], it["name"], it["lead_department"], target, done,
                     _p(it["progress_pct"]), _p(it["planned_pct"]), it["status_label"]])
    out = [head, "", render(["序号", "类别", "实事", "牵头单位", "年度目标", "累计完成", "完成进度", "计划进度", "状态"],
                            rows, numeric={0, 6, 7})]
    if data["lagging"]:
        out += ["", "欠序时实事 (提请分管领导研究调度):"]
        out += [f"  {x['name']} — {x['lead_department']}, 分管领导 {x['responsible_leader'] or '未填'}, "
                f"完成 {x['progress_pct']}% / 计划 {x['planned_pct']}%" for x in data["lagging"]]
    return "\n".join(out)
