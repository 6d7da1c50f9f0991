#!/usr/bin/env bash
# The whole bench, end to end, on a fresh clone: `make bench` or `bash bench/run.sh`.
#
# For each size (BENCH_SIZES, default "10000 100000") and database (BENCH_DBS, default "sqlite postgres"):
# synthesize the province (`tuijin synth`), then time the engine (cache off) against DuckDB; at the largest size
# also the pages cold (indicator cache off) and warm with query counts (/overview/, /projects/, /dashboard/,
# /dashboard/lights/, /bulletins/, a city's bulletin as text, /problems/weekly/), the streaming export, and
# (PostgreSQL) the API under 50 clients, alone and in the deadline mix (a writer accepting one monthly report a
# second in BENCH_WRITER_CITY, default 镇江市). Every figure carries the machine's 1-minute load average.
# Results: bench/results/*.json, and a summary table printed at the end (bench/results/summary.md).
#
# Bounded: every step runs under `timeout` (BENCH_STEP_TIMEOUT seconds, default 1800) and the API load runs
# BENCH_API_SECONDS (default 20) per endpoint and phase (after 3 s of unmeasured warm-up). BENCH_QUICK=1:
# 2,000 projects only, a smoke run of about three minutes.
# Databases: SQLite files /tmp/bench-<size>.sqlite3; PostgreSQL databases tuijin_bench_<size> on
# BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), created (and emptied) here.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
TUIJIN=.venv/bin/tuijin
SIZES=${BENCH_SIZES:-"10000 100000"}
DBS=${BENCH_DBS:-"sqlite postgres"}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
STEP=${BENCH_STEP_TIMEOUT:-1800}
API_SECONDS=${BENCH_API_SECONDS:-20}
if [ "${BENCH_QUICK:-0}" = 1 ]; then SIZES=2000; API_SECONDS=5; fi
started=$(date +%s)

[ -x "$PY" ] || { echo "no .venv: run make venv first"; exit 1; }
if ! $PY -c "import duckdb" 2>/dev/null || [ ! -x .venv/bin/gunicorn ]; then
  echo "== installing the bench extra (duckdb, gunicorn)"
  # The extra's requirements only (from pyproject.toml), not the project again: a worktree sharing another
  # checkout's .venv must not re-point its editable install.
  reqs=$($PY -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"]))')
  echo "$reqs" | xargs .venv/bin/pip install -q || { echo "pip install failed"; exit 1; }
fi
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing wrk (Debian)"
    (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)) \
      || echo "   wrk could not be installed: the API bench will be skipped"
  else
    echo "   wrk not installed and not root: the API bench will be skipped"
  fi
fi
mkdir -p bench/results
largest=$(echo $SIZES | tr ' ' '\n' | sort -n | tail -n1)
status=0

step() {  # step <label> <command…>: run under the time limit, note a failure, go on
  local label=$1; shift
  local t0=$(date +%s)
  timeout "$STEP" "$@"
  local rc=$?
  echo "   ($label: $(( $(date +%s) - t0 )) s, exit $rc)"
  [ $rc -eq 0 ] || status=1
}

pg_ready() { $PY - "$PG" <<'EOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"   PostgreSQL not reachable at {sys.argv[1]}: {exc}"); sys.exit(1)
EOF
}

fresh_pg() { $PY - "$PG" "$1" <<'EOF'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    c.execute(f'CREATE DATABASE "{sys.argv[2]}"')
EOF
}

for size in $SIZES; do
  for db in $DBS; do
    case $db in
      sqlite)
        url="sqlite:////tmp/bench-$size.sqlite3"; rm -f "/tmp/bench-$size.sqlite3"*;;
      postgres)
        pg_ready || { status=1; continue; }
        url="$PG/tuijin_bench_$size"; fresh_pg "tuijin_bench_$size" || { status=1; continue; };;
      *) echo "unknown database $db"; status=1; continue;;
    esac
    label="$db-$size"
    export TUIJIN_DATABASE_URL=$url TUIJIN_DEBUG=false
    echo "== $label: synth"
    step synth $PY bench/synth.py --label "$label" --projects "$size"
    echo "== $label: indicators vs DuckDB"
    step indicators $PY bench/indicators.py --label "$label"
    if [ "$size" = "$largest" ]; then
      echo "== $label: pages"
      step pages $PY bench/pages.py --label "$label"
      echo "== $label: export (streaming, then built in memory for comparison)"
      step export $PY bench/export.py --label "$label" --mode stream
      step export-list $PY bench/export.py --label "$label" --mode list
      if [ "$db" = postgres ] && command -v wrk >/dev/null; then
        echo "== $label: API under load"
        step api $PY bench/api.py --label "$label" --seconds "$API_SECONDS" --mix \
          --writer-city "${BENCH_WRITER_CITY:-镇江市}"
      fi
    fi
    unset TUIJIN_DATABASE_URL
  done
done

# The monthly-report import (issue 4's target: 2,000 rows/s with full validation), on each database.
IMPORT_ROWS=${BENCH_IMPORT_ROWS:-19990}  # the file (title and header rows included) within IMPORT_MAX_ROWS = 20,000
[ "${BENCH_QUICK:-0}" = 1 ] && IMPORT_ROWS=2000
for db in $DBS; do
  case $db in
    sqlite) url="sqlite:////tmp/bench-import.sqlite3"; rm -f /tmp/bench-import.sqlite3*;;
    postgres) pg_ready || { status=1; continue; }; url="$PG/tuijin_bench_import"
              fresh_pg tuijin_bench_import || { status=1; continue; };;
    *) continue;;
  esac
  echo "== $db: import $IMPORT_ROWS monthly-report rows"
  step import $PY bench/import_reports.py --rows "$IMPORT_ROWS" --database-url "$url"
done

echo "== summary"
$PY bench/report.py
echo "== bench finished in $(( $(date +%s) - started )) s$([ $status -eq 0 ] || echo ' (with failures)')"
exit $status
