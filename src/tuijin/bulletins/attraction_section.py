"""The 招商引资 paragraph (issue 20): funds arrived by the city's funds sources, by 三次产业 and of 亿元以上 projects,
the sources' targets with 超/欠进度, and 履约项目 / 履约率 — the JSON of `tuijin attraction --by-source --format json`
(indicators.attraction_present.funds_by_source_report) for the bulletin's scope and period, turned into named figures.
Nothing is recomputed here; a period without funds arrived and without signed contracts gives no item.

Items: the summary (到位资金, by source, 亿元以上, 三次产业 shares), one per source with a target (its progress and
超/欠进度), and 履约项目 last."""

from __future__ import annotations

from .sentences import Fig


def _src(scope, period) -> dict:
    unit = f" --unit {scope.root.name}" if scope.unit is not None else ""
    return {
        "indicator": "attraction",
        "filters": scope.describe(),
        "period": period.label,
        "command": f"tuijin attraction --city {scope.city.name}{unit} --by-source --through {period.through} "
        f"--format json",
    }


def attraction_items(scope, period, fb) -> list[dict]:
    from tuijin.indicators.attraction_present import funds_by_source_report

    d = funds_by_source_report(scope, period)
    base = _src(scope, period)
    s = lambda key: {**base, "figure": key}  # noqa: E731
    items = []
    if d["funds_arrived_yi"]:
        parts = [
            f"{r['name']}{fb._fmt(r['arrived_yi'], fb.amount_places)}亿元（占{fb._fmt(r['share_pct'], fb.rate_places)}%）"
            for r in d["sources"]
            if r["arrived_yi"]
        ]
        tiers = {t["code"]: t for t in d["tiers"]}
        items.append(
            {
                "funds_arrived_yi": fb.yi(d["funds_arrived_yi"], s("funds_arrived_yi")),
                "funds_by_source": Fig(
                    "、".join(parts) or None,
                    [(r["code"], r["arrived_yi"]) for r in d["sources"]],
                    s("sources"),
                ),
                "big_arrived_yi": fb.yi(d["big_arrived_yi"] or None, s("big_arrived_yi")),
                "big_share_pct": fb.pct(
                    d["big_share_pct"] if d["big_arrived_yi"] else None, s("big_share_pct")
                ),
                **{
                    f"tier_{key}_share_pct": fb.pct(
                        tiers[code]["share_pct"], s(f"tiers.{code}.share_pct")
                    )
                    for key, code in (
                        ("primary", "primary"),
                        ("secondary", "secondary"),
                        ("tertiary", "tertiary"),
                    )
                },
            }
        )
        for i, r in enumerate(d["sources"]):
            if r["target_wan"] is None:
                continue
            src = {**base, "figure": f"sources[{i}]", "source": r["code"]}
            pp = r["vs_schedule_pp"]
            phrase = (
                None
                if pp is None
                else r["schedule_word"]
                + ("" if pp == 0 else f"{fb._fmt(abs(pp), fb.rate_places)}个百分点")
            )
            items.append(
                {
                    "source_name": Fig(r["name"], r["code"], src, label=True),
                    "source_arrived_yi": Fig(
                        fb._fmt(r["arrived_yi"], fb.amount_places), r["arrived_yi"], src
                    ),
                    "source_target_yi": fb.yi(r["target_yi"], src),
                    "source_progress_pct": fb.pct(r["progress_pct"], src),
                    "source_schedule_phrase": Fig(phrase, pp, src),
                }
            )
    # 履约 is followed through contracts: a city whose signings carry none (registry only) prints no 履约率.
    if d["signed_projects"] and d["signed_contracted_yi"]:
        items.append(
            {
                "signed_projects": fb.count(d["signed_projects"], s("signed_projects")),
                "performing_projects": fb.count(
                    d["performing_projects"], s("performing_projects"), zero_missing=False
                ),
                "performing_rate_pct": fb.pct(d["performing_rate_pct"], s("performing_rate_pct")),
            }
        )
    return items
