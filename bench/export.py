"""Bench (d): peak memory of exporting the whole province's progress table (进展情况表) as CSV.

Issue 4's export is not built yet, so this measures the way it must work: the engine's `project_rows`
generator (one query, read in chunks: a server-side cursor on PostgreSQL) written as CSV through a
StreamingHttpResponse, whose content is consumed here as a WSGI server would. `--mode list` builds the same
table in memory first, for comparison. Peak memory is the process's maximum resident set size (ru_maxrss)
after the export minus before it.

    TUIJIN_DATABASE_URL=… python bench/export.py --label pg-100000 [--mode stream|list]
"""

import argparse
import csv
import resource
import time

from common import counts, load1, load_text, setup_django, vendor, write_result

HEADER = ["项目代码", "项目名称", "所属单位", "类别", "清单", "年度计划投资(万元)", "当月完成投资(万元)",
          "1-N月累计完成投资(万元)", "年度投资完成率(%)", "形象进度"]


class _Line:
    """A file-like object whose write() returns the line: csv.writer feeds a generator with it."""

    def write(self, value):
        return value


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--through", default="2024-05")
    ap.add_argument("--mode", choices=["stream", "list"], default="stream")
    args = ap.parse_args()
    setup_django()
    from django.http import StreamingHttpResponse

    from tuijin.core.periods import Period
    from tuijin.indicators.engine import project_rows
    from tuijin.indicators.scope import Scope
    from tuijin.orgs.models import OrgUnit, UnitKind

    period = Period.parse(args.through)
    province = OrgUnit.objects.filter(kind=UnitKind.PROVINCE).order_by("id").first()
    data = {"label": args.label, "database": vendor(), "mode": args.mode, "counts": counts(),
            "period": period.label, "note": "issue 4's export is not built yet: measured on the engine's "
            "project_rows() generator through StreamingHttpResponse"}
    writer = csv.writer(_Line())

    def lines(rows):
        yield "\ufeff" + writer.writerow(HEADER)
        for r in rows:
            rate = r.completion_rate
            yield writer.writerow([r.project.code, r.project.name, r.project.unit.name, r.project.category.name,
                                   r.entry.annual_list.name, r.annual_plan, r.month_amount or "", r.completed,
                                   "" if rate is None else f"{rate * 100:.1f}", r.progress_text])

    warm = project_rows(Scope(province), Period.month(period.year, 1), chunk_size=10)
    next(warm, None)  # the imports and the connection, before the baseline
    warm.close()
    before = rss_mib()
    load_before = load1()
    t0 = time.perf_counter()
    rows = project_rows(Scope(province), period)
    if args.mode == "list":
        rows = list(rows)
    response = StreamingHttpResponse(lines(rows), content_type="text/csv; charset=utf-8")
    n_bytes = n_lines = 0
    for chunk in response:  # what the WSGI server does with a streaming response
        n_bytes += len(chunk)
        n_lines += 1
    seconds = time.perf_counter() - t0
    after = rss_mib()
    data.update({"rows": n_lines - 1, "bytes": n_bytes, "seconds": round(seconds, 1),
                 "rss_before_mib": round(before, 1), "rss_peak_mib": round(after, 1),
                 "peak_growth_mib": round(after - before, 1), "load_before": load_before, "load_after": load1()})
    print(f"export [{args.label}] {args.mode}: {n_lines - 1:,} rows, {n_bytes / 1024 / 1024:.1f} MiB of CSV in "
          f"{seconds:.1f} s; peak RSS {before:.0f} → {after:.0f} MiB (+{after - before:.0f} MiB) ({load_text(data)})")
    write_result(f"export-{args.label}-{args.mode}", data)


if __name__ == "__main__":
    main()
