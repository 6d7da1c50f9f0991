"""Plain-text tables of presented figures, for the terminal."""

import unicodedata


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def render(headers: list[str], rows: list[list]) -> str:
    cells = [[("—" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(_width(h), *(_width(r[i]) for r in cells)) if cells else _width(h) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(_pad(v, w, right=i > 0) for i, (v, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)


COLUMNS = [
    ("单位", "unit"), ("项目数", "projects"), ("年度计划(亿元)", "annual_plan_yi"), ("完成投资(亿元)", "completed_yi"),
    ("完成率%", "completion_rate_pct"), ("序时%", "schedule_share_pct"), ("超欠序时(百分点)", "schedule_variance_pp"),
    ("计划新开工", "planned_new_starts"), ("已开工", "planned_new_starts_started"), ("开工率%", "start_rate_pct"),
]
EVENTS = [("新签约", "new_signed"), ("新开工", "new_started"), ("新投产", "new_operating")]


def indicator_table(data: dict) -> str:
    head = f"{data['filters'].get('unit')} {data['period']['label']} ({data['basis_label']})"
    filters = ", ".join(f"{k}={v}" for k, v in data["filters"].items() if k not in ("city", "unit"))
    rows = [[data["unit"], *[data[k] for _, k in COLUMNS[1:]]]]
    rows += [[u["unit"], *[u[k] for _, k in COLUMNS[1:]]] for u in data["by_unit"]]
    out = [head + (f"  [{filters}]" if filters else ""), "", render([h for h, _ in COLUMNS], rows), ""]
    ev_headers = ["单位"]
    for label, _ in EVENTS:
        ev_headers += [f"{label}个数", f"{label}(亿元)", "个数同比%", "投资同比%"]
    ev_rows = []
    for d in [data, *data["by_unit"]]:
        row = [d["unit"]]
        for _, key in EVENTS:
            e = d[key]
            row += [e["count"], e["total_yi"], e["count_yoy_pct"], e["total_yoy_pct"]]
        ev_rows.append(row)
    out.append(render(ev_headers, ev_rows))
    return "\n".join(out)


BREAKDOWN_COLUMNS = [
    ("项目数", "projects"), ("年度计划(亿元)", "annual_plan_yi"), ("完成投资(亿元)", "completed_yi"),
    ("完成率%", "completion_rate_pct"), ("序时%", "schedule_share_pct"), ("超欠序时(百分点)", "schedule_variance_pp"),
]


def breakdown_table_text(data: dict) -> str:
    """A presented breakdown (present_breakdown) as a table: one row a slice, then 合计."""
    head = f"{data['unit']} {data['period']['label']} 按{data['dimension_label']}"
    filters = ", ".join(f"{k}={v}" for k, v in data["filters"].items() if k not in ("city", "unit"))
    rows = [[r["label"], *[r[k] for _, k in BREAKDOWN_COLUMNS]] for r in data["rows"]]
    rows.append([data["total"]["label"], *[data["total"][k] for _, k in BREAKDOWN_COLUMNS]])
    return "\n".join([head + (f"  [{filters}]" if filters else ""), "",
                      render([data["dimension_label"], *[h for h, _ in BREAKDOWN_COLUMNS]], rows)])
