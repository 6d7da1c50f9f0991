"""The bench's results (bench/results/*.json) as Markdown tables, with the targets checked; printed and written
to bench/results/summary.md (copy the figures into bench/RESULTS.md / the README)."""

import json
import sys
from urllib.parse import unquote

from common import RESULTS

TARGET_ENGINE_MS, TARGET_RATIO, TARGET_PAGE_MS, TARGET_P99_MS = 500, 5, 500, 300


def load(prefix: str) -> list[dict]:
    out = []
    for p in sorted(RESULTS.glob(f"{prefix}-*.json")):
        try:
            out.append(json.loads(p.read_text()))
        except ValueError:
            continue
    return sorted(out, key=lambda d: (d.get("counts", {}).get("projects", 0), d.get("database", "")))


def ok(flag: bool) -> str:
    return "met" if flag else "**not met**"


def main() -> int:
    lines = []
    machines = {json.dumps(d["machine"], sort_keys=True) for d in load("indicators") + load("api")}
    if machines:
        m = json.loads(sorted(machines)[0])
        lines.append(f"Machine: {m.get('cpus')} cores ({m.get('cpu')}), {m.get('memory_gib')} GiB, Python "
                     f"{m.get('python')}; 1-min load average at the indicators runs: "
                     + ", ".join(sorted({str(d['machine'].get('load_average_1min')) for d in load('indicators')})))
        lines.append("")

    synth = load("synth")
    if synth:
        lines += ["### Synthetic data (`tuijin synth`)", "",
                  "| database | projects | list entries | stage events | monthly reports | seconds |",
                  "|---|---:|---:|---:|---:|---:|"]
        for d in synth:
            c = d["counts"]
            lines.append(f"| {d['database']} | {c['projects']:,} | {c['list_entries']:,} | {c['stage_events']:,} | "
                         f"{c['monthly_reports']:,} | {d['seconds']} |")
        lines.append("")

    ind = load("indicators")
    if ind:
        lines += ["### Indicators, 1-5月 (median of 5 warm runs; cold = first run)", "",
                  "| database | projects | scope | engine cold ms | engine median ms | queries | DuckDB median ms |"
                  " engine ÷ DuckDB | figures agree | cached median ms |",
                  "|---|---:|---|---:|---:|---:|---:|---:|---|---:|"]
        for d in ind:
            for scope in ("province", "city"):
                e, k = d.get(f"engine_{scope}"), d.get(f"duckdb_{scope}")
                if not e or not k:
                    continue
                label = f"{e['root']} (by {'city' if scope == 'province' else 'district'})"
                lines.append(f"| {d['database']} | {d['counts']['projects']:,} | {label} | {e['cold_ms']} | "
                             f"{e['median_ms']} | {e['queries']} | {k['median_ms']} | {k['engine_over_duckdb']}× | "
                             f"{'yes' if k['matches_engine'] else 'NO'} | {e.get('cached_median_ms', '')} |")
        lines.append("")

    pages = load("pages")
    if pages:
        lines += ["### Pages (server time, Django test client, logged-in 市管理员)", "",
                  "| database | projects | page | cold ms | median ms | queries |", "|---|---:|---|---:|---:|---:|"]
        for d in pages:
            for url, r in d["pages"].items():
                if "skipped" in r:
                    lines.append(f"| {d['database']} | {d['counts']['projects']:,} | `{url}` | skipped: "
                                 f"{r['skipped']} | | |")
                else:
                    lines.append(f"| {d['database']} | {d['counts']['projects']:,} | `{url}` | {r['cold_ms']} | "
                                 f"{r['median_ms']} | {r['queries']} |")
        lines.append("")

    api = load("api")
    if api:
        lines += ["### API under load (wrk, loopback)", "",
                  "| database | projects | server | clients × s | endpoint | req/s | p50 ms | p99 ms | errors |",
                  "|---|---:|---|---|---|---:|---:|---:|---:|"]
        for d in api:
            for r in d["targets"].values():
                lines.append(f"| {d['database']} | {d['counts']['projects']:,} | gunicorn × {d['workers']} | "
                             f"{d['connections']} × {d['seconds']} | `{unquote(r['path'])}` | {r['requests_per_s']} | "
                             f"{r.get('p50_ms')} | {r.get('p99_ms')} | {r['errors']} |")
        lines.append("")

    exports = load("export")
    if exports:
        lines += ["### Export of the province's progress table (CSV)", "",
                  "| database | projects | mode | rows | MiB | seconds | peak RSS growth MiB |",
                  "|---|---:|---|---:|---:|---:|---:|"]
        for d in exports:
            lines.append(f"| {d['database']} | {d['counts']['projects']:,} | {d['mode']} | {d['rows']:,} | "
                         f"{d['bytes'] / 1048576:.1f} | {d['seconds']} | {d['peak_growth_mib']} |")
        lines.append("")

    imports = load("import_reports")
    if imports:
        lines += ["### Import of monthly reports from .xlsx, full validation", "",
                  "| database | rows | rows/s (plan + commit) | target 2,000 rows/s |", "|---|---:|---:|---|"]
        for d in imports:
            lines.append(f"| {d.get('backend')} | {d.get('rows', 0):,} | {d.get('rows_per_s')} | "
                         f"{ok((d.get('rows_per_s') or 0) >= 2000)} |")
        lines.append("")

    # Targets, at the largest size measured on PostgreSQL.
    pg = [d for d in ind if d["database"] == "postgresql"]
    if pg:
        big = max(pg, key=lambda d: d["counts"]["projects"])
        e, k = big["engine_province"], big["duckdb_province"]
        lines += [f"### Targets (PostgreSQL, {big['counts']['projects']:,} projects)", "",
                  f"- province indicators < {TARGET_ENGINE_MS} ms: {e['median_ms']} ms, "
                  f"{ok(e['median_ms'] < TARGET_ENGINE_MS)}",
                  f"- within {TARGET_RATIO}× of DuckDB: {k['engine_over_duckdb']}×, "
                  f"{ok((k['engine_over_duckdb'] or 99) <= TARGET_RATIO)}"]
        pgp = [d for d in pages if d["database"] == "postgresql"]
        for d in pgp[-1:]:
            for url, r in d["pages"].items():
                if "median_ms" in r:
                    lines.append(f"- page `{url}` < {TARGET_PAGE_MS} ms: {r['median_ms']} ms, "
                                 f"{ok(r['median_ms'] < TARGET_PAGE_MS)}")
        for d in api[-1:]:
            for r in d["targets"].values():
                p99 = r.get("p99_ms") or 1e9
                lines.append(f"- API `{unquote(r['path'])}` p99 < {TARGET_P99_MS} ms at {d['connections']} clients: "
                             f"{r.get('p99_ms')} ms, {ok(p99 < TARGET_P99_MS and r['errors'] == 0)} "
                             f"({r['errors']} errors)")
        lines.append("")

    text = "\n".join(lines) if lines else "no results yet: run bench/run.sh"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
