"""The bench's results (bench/results/*.json) as Markdown tables, with the targets checked; printed and written
to bench/results/summary.md (copy the figures into bench/RESULTS.md / the README)."""

import json
import sys
from urllib.parse import unquote

from common import RESULTS, load_text

# Issue 21's targets (PostgreSQL, 100,000 projects, 2 cores): engine cold ≤ 1.5× DuckDB on the same rows; the
# dashboard, lights and bulletins page < 300 ms cold (cache off) and < 100 ms warm; a city's bulletin as text
# < 1 s; API p99 < 300 ms at 50 clients, 0 errors, also during the deadline mix; SQLite within 2× of PostgreSQL.
TARGET_ENGINE_MS, TARGET_RATIO, TARGET_P99_MS = 500, 1.5, 300
TARGET_COLD_MS, TARGET_WARM_MS, TARGET_BULLETIN_MS, TARGET_SQLITE_RATIO = 300, 100, 1000, 2
TARGET_PAGES = ("dashboard", "lights", "bulletins page")


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
                     f"{m.get('python')}. Beside every figure: the machine's 1-minute load average (os.getloadavg) "
                     f"before→after its runs; on 2 shared cores a figure taken at load 6 is several times the "
                     f"same figure taken idle.")
        lines.append("")

    synth = load("synth")
    if synth:
        lines += ["### Synthetic data (`tuijin synth`)", "",
                  "| database | projects | list entries | stage events | monthly reports | seconds | load |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for d in synth:
            c = d["counts"]
            lines.append(f"| {d['database']} | {c['projects']:,} | {c['list_entries']:,} | {c['stage_events']:,} | "
                         f"{c['monthly_reports']:,} | {d['seconds']} | {load_text(d)[5:]} |")
        lines.append("")

    ind = load("indicators")
    if ind:
        lines += ["### Engine, 1-5月, cache off (median of 5 runs; cold = first run) against DuckDB over the same rows",
                  "",
                  "| database | projects | scope | engine cold ms | engine median ms | queries | DuckDB median ms |"
                  " engine ÷ DuckDB | figures agree | cached median ms | load: engine; DuckDB |",
                  "|---|---:|---|---:|---:|---:|---:|---:|---|---:|---|"]
        for d in ind:
            for scope in ("province", "city"):
                e, k = d.get(f"engine_{scope}"), d.get(f"duckdb_{scope}")
                if not e or not k:
                    continue
                label = f"{e['root']} (by {'city' if scope == 'province' else 'district'})"
                lines.append(f"| {d['database']} | {d['counts']['projects']:,} | {label} | {e['cold_ms']} | "
                             f"{e['median_ms']} | {e['queries']} | {k['median_ms']} | {k['engine_over_duckdb']}× | "
                             f"{'yes' if k['matches_engine'] else 'NO'} | {e.get('cached_median_ms', '')} | "
                             f"{load_text(e)[5:]}; {load_text(k)[5:]} |")
        lines.append("")

    pages = load("pages")
    if pages:
        lines += ["### Pages (server time, Django test client, logged-in 市管理员; cold = indicator cache off, "
                  "warm = cache filled; medians)", "",
                  "| database | projects | page | cold ms | queries | load | warm ms | queries | load | KiB |",
                  "|---|---:|---|---:|---:|---|---:|---:|---|---:|"]
        for d in pages:
            for name, r in d["pages"].items():
                head = f"| {d['database']} | {d['counts']['projects']:,} | {name} `{r.get('url', name)}` |"
                if "skipped" in r:
                    lines.append(f"{head} skipped: {r['skipped']} | | | | | | |")
                elif "cold" in r:
                    c, w = r["cold"], r["warm"]
                    lines.append(f"{head} {c['median_ms']} | {c['queries']} | {load_text(c)[5:]} | {w['median_ms']} | "
                                 f"{w['queries']} | {load_text(w)[5:]} | {r['bytes'] // 1024} |")
                else:  # a result file from before cold/warm
                    lines.append(f"{head} {r.get('cold_ms')} | {r.get('queries')} | | {r.get('median_ms')} | | | |")
        lines.append("")

    api = load("api")
    if api:
        lines += ["### API under load (wrk, loopback)", "",
                  "| database | projects | server | clients × s | endpoint | req/s | p50 ms | p99 ms | errors | load |",
                  "|---|---:|---|---|---|---:|---:|---:|---:|---|"]
        for d in api:
            for r in d["targets"].values():
                lines.append(f"| {d['database']} | {d['counts']['projects']:,} | gunicorn × {d['workers']} | "
                             f"{d['connections']} × {d['seconds']} | `{unquote(r['path'])}` | {r['requests_per_s']} | "
                             f"{r.get('p50_ms')} | {r.get('p99_ms')} | {r['errors']} | {load_text(r)[5:]} |")
        lines.append("")
        mixes = [d for d in api if d.get("mix")]
        if mixes:
            lines += ["### Deadline mix: the same load while a writer accepts one monthly report a second "
                      "(progress.services.review_report)", "",
                      "| database | projects | clients × s | endpoint | req/s | p50 ms | p99 ms | errors | writes in | "
                      "writes | write p50 / max ms | write failures | load |",
                      "|---|---:|---|---|---:|---:|---:|---:|---|---:|---|---:|---|"]
            for d in mixes:
                for r in d["mix"]["targets"].values():
                    w = r["writer"]
                    lines.append(f"| {d['database']} | {d['counts']['projects']:,} | {d['connections']} × {d['seconds']} | "
                                 f"`{unquote(r['path'])}` | {r['requests_per_s']} | {r.get('p50_ms')} | "
                                 f"{r.get('p99_ms')} | {r['errors']} | {w['city']}"
                                 f"{' (+ other cities: ' + str(w['writes_in_other_cities']) + ')' if w.get('writes_in_other_cities') else ''}"
                                 f" | {w['writes']} | "
                                 f"{w['write_p50_ms']} / {w['write_max_ms']} | {w['failures']} | {load_text(r)[5:]} |")
            lines.append("")

    exports = load("export")
    if exports:
        lines += ["### Export of the province's progress table (CSV)", "",
                  "| database | projects | mode | rows | MiB | seconds | peak RSS growth MiB | load |",
                  "|---|---:|---|---:|---:|---:|---:|---|"]
        for d in exports:
            lines.append(f"| {d['database']} | {d['counts']['projects']:,} | {d['mode']} | {d['rows']:,} | "
                         f"{d['bytes'] / 1048576:.1f} | {d['seconds']} | {d['peak_growth_mib']} | {load_text(d)[5:]} |")
        lines.append("")

    imports = load("import_reports")
    if imports:
        lines += ["### Import of monthly reports from .xlsx, full validation", "",
                  "| database | rows | rows/s (plan + commit) | target 2,000 rows/s | load |", "|---|---:|---:|---|---|"]
        for d in imports:
            lines.append(f"| {d.get('backend')} | {d.get('rows', 0):,} | {d.get('rows_per_s')} | "
                         f"{ok((d.get('rows_per_s') or 0) >= 2000)} | {load_text(d)[5:]} |")
        lines.append("")

    # Targets (issue 21), at the largest size measured on PostgreSQL; each with the load it was taken at.
    pg = [d for d in ind if d["database"] == "postgresql"]
    size = max((d["counts"]["projects"] for d in pg + [p for p in pages if p["database"] == "postgresql"]),
               default=None)
    if size:
        lines += [f"### Targets (issue 21; PostgreSQL, {size:,} projects; the targets are set for 100,000)", ""]
        for d in [d for d in pg if d["counts"]["projects"] == size][-1:]:
            for scope, what in (("province", "province by city"), ("city", "city by district")):
                e, k = d.get(f"engine_{scope}"), d.get(f"duckdb_{scope}")
                if e and k:
                    lines.append(f"- engine cold, {what} ≤ {TARGET_RATIO}× DuckDB: {e['median_ms']} / "
                                 f"{k['median_ms']} ms = {k['engine_over_duckdb']}×, "
                                 f"{ok((k['engine_over_duckdb'] or 99) <= TARGET_RATIO)} ({load_text(e)})")
        pgp = [d for d in pages if d["database"] == "postgresql" and d["counts"]["projects"] == size][-1:]
        for d in pgp:
            for name, r in d["pages"].items():
                if "cold" not in r:
                    continue
                c, w = r["cold"], r["warm"]
                if name in TARGET_PAGES:
                    lines.append(f"- `{r['url']}` cold < {TARGET_COLD_MS} ms: {c['median_ms']} ms, "
                                 f"{ok(c['median_ms'] < TARGET_COLD_MS)} ({load_text(c)}); warm < {TARGET_WARM_MS} ms: "
                                 f"{w['median_ms']} ms, {ok(w['median_ms'] < TARGET_WARM_MS)} ({load_text(w)})")
                elif name.startswith("bulletin text"):
                    lines.append(f"- a city's bulletin as text < {TARGET_BULLETIN_MS} ms: cold {c['median_ms']} ms, "
                                 f"{ok(c['median_ms'] < TARGET_BULLETIN_MS)} ({load_text(c)})")
        for d in [d for d in api if d["counts"]["projects"] == size][-1:]:
            runs = [("", r) for r in d["targets"].values()]
            runs += [(" during the deadline mix", r) for r in d.get("mix", {}).get("targets", {}).values()]
            for when, r in runs:
                p99 = r.get("p99_ms") or 1e9
                lines.append(f"- API `{unquote(r['path'])}` p99 < {TARGET_P99_MS} ms at {d['connections']} clients"
                             f"{when}: {r.get('p99_ms')} ms, {r['errors']} errors, "
                             f"{ok(p99 < TARGET_P99_MS and r['errors'] == 0)} ({load_text(r)})")
        # SQLite within 2× of PostgreSQL on the same figures (same size).
        lite = {d["counts"]["projects"]: d for d in ind if d["database"] == "sqlite"}.get(size)
        big = [d for d in pg if d["counts"]["projects"] == size][-1:]
        if lite and big:
            for scope in ("province", "city"):
                a, b = lite.get(f"engine_{scope}"), big[0].get(f"engine_{scope}")
                if a and b and b["median_ms"]:
                    q = round(a["median_ms"] / b["median_ms"], 2)
                    lines.append(f"- SQLite ÷ PostgreSQL ≤ {TARGET_SQLITE_RATIO}, engine {scope}: {a['median_ms']} / "
                                 f"{b['median_ms']} ms = {q}, {ok(q <= TARGET_SQLITE_RATIO)} "
                                 f"(SQLite {load_text(a)}; PostgreSQL {load_text(b)})")
        litep = [d for d in pages if d["database"] == "sqlite" and d["counts"]["projects"] == size][-1:]
        if litep and pgp:
            for name, r in litep[0]["pages"].items():
                o = pgp[0]["pages"].get(name, {})
                if "cold" in r and "cold" in o and o["cold"]["median_ms"]:
                    q = round(r["cold"]["median_ms"] / o["cold"]["median_ms"], 2)
                    lines.append(f"- SQLite ÷ PostgreSQL ≤ {TARGET_SQLITE_RATIO}, {name} cold: {r['cold']['median_ms']} / "
                                 f"{o['cold']['median_ms']} ms = {q}, {ok(q <= TARGET_SQLITE_RATIO)} "
                                 f"(SQLite {load_text(r['cold'])}; PostgreSQL {load_text(o['cold'])})")
        lines.append("")

    text = "\n".join(lines) if lines else "no results yet: run bench/run.sh"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
