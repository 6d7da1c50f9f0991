"""Bench (a): the engine's indicators for the whole province (by-city breakdown) and for one city (by-district
breakdown), 1-5月, on the database in TUIJIN_DATABASE_URL; alongside, the same aggregation as one hand-written
DuckDB query over the same rows exported to Parquet, checked against the engine's figures, and the ratio.

    TUIJIN_DATABASE_URL=… python bench/indicators.py --label pg-100000 [--through 2024-05] [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from common import counts, load_text, setup_django, timed, vendor, write_result

COMPARED = ["projects", "annual_plan", "annual_plan_prev", "completed", "completed_prev", "planned_new_starts",
            "planned_new_starts_started", "planned_starts_to_date", "planned_starts_to_date_started",
            "planned_completions", "planned_completions_done", "planned_operations", "planned_operations_done",
            "period_plan", "period_plan_projects", "cohort_signed", "cohort_started", "cohort_operating"]
CENT = Decimal("0.01")
EVENTS = {"new_signed": "new_signed", "new_started": "new_started", "new_operating": "new_operating"}


def engine_rows(figures) -> dict[int, dict]:
    out = {}
    for f in figures.by_unit:
        if f.own_level:
            continue
        row = {k: getattr(f, k) for k in COMPARED}
        for key in EVENTS:
            row[key] = f.events[key].count
            row[key + "_prev"] = f.events[key].count_prev
        row["new_signed_total"] = f.events["new_signed"].total
        out[f.unit.pk] = row
    return out


def compare(engine: dict[int, dict], duck: list[dict]) -> list[str]:
    """Differences between the engine's by-unit figures and DuckDB's (an empty list: they agree)."""
    diffs = []
    for d in duck:
        e = engine.get(d["grp_id"])
        if e is None:
            diffs.append(f"unit {d['grp_id']}: missing from the engine")
            continue
        for k, ev in e.items():
            dv = d.get(k)
            dv = Decimal(0) if dv is None and isinstance(ev, Decimal) else (0 if dv is None else dv)
            # To the cent: SQLite sums DECIMAL columns as binary floats (912990.0599999999), PostgreSQL exactly.
            if Decimal(str(dv)).quantize(CENT) != Decimal(str(ev)).quantize(CENT):
                diffs.append(f"unit {d['grp_id']} {k}: engine {ev} ≠ duckdb {dv}")
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--through", default="2024-05")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--city", default="苏州市", help="the city whose by-district breakdown is timed")
    ap.add_argument("--keep-parquet", help="keep the Parquet files in this folder")
    args = ap.parse_args()
    setup_django()

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from duck import Yardstick, export

    from tuijin.core.periods import Period
    from tuijin.indicators.engine import compute
    from tuijin.indicators.present import present
    from tuijin.indicators.scope import Scope
    from tuijin.orgs.models import OrgUnit, UnitKind

    period = Period.parse(args.through)
    province = OrgUnit.objects.filter(kind=UnitKind.PROVINCE).order_by("id").first()
    city = (OrgUnit.objects.filter(kind=UnitKind.CITY, name=args.city).first()
            or OrgUnit.objects.filter(kind=UnitKind.CITY).order_by("id").first())
    if province is None or city is None:
        raise SystemExit("no province or city: run `tuijin synth` first")
    data = {"label": args.label, "database": vendor(), "period": period.label, "counts": counts()}
    print(f"indicators [{args.label}] {vendor()}, {data['counts']['projects']:,} projects, {period.label}")

    scopes = {"province": Scope(province), "city": Scope(city)}
    engine = {}
    for name, scope in scopes.items():
        # The computation itself (use_cache=False): what a reader waits for after a write; then the same call
        # through the indicator cache, which is what every later reader of unchanged data gets.
        with CaptureQueriesContext(connection) as q:
            compute(scope, period, use_cache=False)
        t = timed(lambda scope=scope: present(compute(scope, period, use_cache=False)), args.repeat)
        figures = compute(scope, period, use_cache=False)
        compute(scope, period)  # fills the cache
        cached = timed(lambda scope=scope: present(compute(scope, period)), args.repeat)
        engine[name] = figures
        data[f"engine_{name}"] = {k: v for k, v in t.items() if k != "result"} | {
            "root": scope.root.name, "breakdown_rows": len(figures.by_unit), "queries": len(q.captured_queries),
            "cached_median_ms": cached["median_ms"], "cached_load_after": cached["load_after"]}
        print(f"  engine {name:9s} {scope.root.name}: cold {t['cold_ms']:8.1f} ms, median {t['median_ms']:8.1f} ms"
              f" ({len(q.captured_queries)} queries, {len(figures.by_unit)} rows; {load_text(t)}); "
              f"cached {cached['median_ms']:.1f} ms ({load_text(cached)})")
        reset_queries()

    tmp = Path(args.keep_parquet) if args.keep_parquet else Path(tempfile.mkdtemp(prefix="tuijin-bench-"))
    t0 = time.perf_counter()
    exported = export(tmp)
    data["export"] = {"seconds": round(time.perf_counter() - t0, 2), "tables": exported}
    print(f"  export to Parquet: {data['export']['seconds']} s")
    import os

    threads = int(os.environ.get("BENCH_DUCKDB_THREADS", "0")) or None
    yard = Yardstick(tmp, threads=threads)
    data["duckdb_threads"] = threads or "default"
    for name, scope in scopes.items():
        lists_root = province.path if scope.root.kind == UnitKind.PROVINCE else scope.root.path
        t = timed(lambda scope=scope, lr=lists_root: yard.figures(scope.root, period, lr), args.repeat)
        diffs = compare(engine_rows(engine[name]), t["result"])
        e_ms = data[f"engine_{name}"]["median_ms"]
        ratio = round(e_ms / t["median_ms"], 1) if t["median_ms"] else None
        data[f"duckdb_{name}"] = {k: v for k, v in t.items() if k != "result"} | {
            "matches_engine": not diffs, "differences": diffs[:20], "engine_over_duckdb": ratio}
        print(f"  duckdb {name:9s}: cold {t['cold_ms']:8.1f} ms, median {t['median_ms']:8.1f} ms; engine ÷ duckdb "
              f"= {ratio}×; figures {'agree' if not diffs else 'DIFFER: ' + '; '.join(diffs[:3])} ({load_text(t)})")
    if not args.keep_parquet:
        shutil.rmtree(tmp, ignore_errors=True)
    write_result(f"indicators-{args.label}", data)


if __name__ == "__main__":
    main()
