"""Shared by the bench scripts: Django set-up for the database in TUIJIN_DATABASE_URL, timing, machine facts,
and the JSON each script writes under bench/results/ (gitignored)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH_DIR / "results"))


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    os.environ.setdefault("TUIJIN_DEBUG", "false")  # no per-query log growing in memory while we measure
    import django

    django.setup()


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def machine() -> dict:
    mem = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpus": os.cpu_count(), "memory_gib": mem, "cpu": cpu, "load_average_1min": load, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def load1() -> float | None:
    """The machine's 1-minute load average now (os.getloadavg), recorded beside every figure: on 2 shared
    cores a figure taken at load 7 is several times the same figure taken idle."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def load_text(d: dict) -> str:
    """'load 3.1→4.2' from a result's load_before / load_after (what the summary prints beside a figure)."""
    a, b = d.get("load_before"), d.get("load_after")
    if a is None and b is None:
        return "load ?"
    return f"load {a}→{b}" if a is not None and b is not None and a != b else f"load {a if a is not None else b}"


def count_queries(fn) -> tuple[int, object]:
    """(number of SQL statements on the default connection, result) for one call of fn."""
    from django.db import connection

    n = []

    def counter(execute, sql, params, many, context):
        n.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        result = fn()
    return len(n), result


def median_of(fn, repeat: int = 5) -> dict:
    """fn run `repeat` times: median, min, max in ms, with the 1-minute load average before and after."""
    before = load1()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(statistics.median(runs), 1), "min_ms": round(min(runs), 1),
            "max_ms": round(max(runs), 1), "runs": repeat, "load_before": before, "load_after": load1()}


def timed(fn, repeat: int = 5) -> dict:
    """Run fn once cold, then `repeat` times: cold, median, min and max in milliseconds, and the last result,
    with the 1-minute load average before and after."""
    before = load1()
    t0 = time.perf_counter()
    result = fn()
    cold = (time.perf_counter() - t0) * 1000
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return {"cold_ms": round(cold, 1), "median_ms": round(statistics.median(runs), 1),
            "min_ms": round(min(runs), 1), "max_ms": round(max(runs), 1), "runs": len(runs), "result": result,
            "load_before": before, "load_after": load1()}


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"bench": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    print(f"  → {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def counts() -> dict:
    from tuijin.progress.models import MonthlyReport
    from tuijin.projects.models import ListEntry, Project, StageEvent

    return {"projects": Project.objects.count(), "list_entries": ListEntry.objects.count(),
            "stage_events": StageEvent.objects.count(), "monthly_reports": MonthlyReport.objects.count()}
