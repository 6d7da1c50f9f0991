"""The yardstick: the engine's aggregation written by hand as one DuckDB query over the same rows, exported
to Parquet (PostgreSQL: psycopg's COPY … TO STDOUT; SQLite: the sqlite3 cursor). DuckDB's own PostgreSQL and
SQLite extensions are downloaded at run time, which fails offline, so rows move through CSV files."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import duckdb

# The columns the engine reads, per table, with the types DuckDB should give them.
TABLES = {
    "unit": ("orgs_orgunit", {"id": "BIGINT", "path": "VARCHAR", "kind": "VARCHAR"}),
    "project": ("projects_project", {"id": "BIGINT", "unit_id": "BIGINT", "category_id": "BIGINT",
                                      "total_investment": "DECIMAL(14,2)"}),
    "list": ("projects_annuallist", {"id": "BIGINT", "city_id": "BIGINT", "rank": "INTEGER"}),
    "entry": ("projects_listentry", {"id": "BIGINT", "annual_list_id": "BIGINT", "project_id": "BIGINT",
                                      "year": "INTEGER", "annual_plan": "DECIMAL(14,2)",
                                      "planned_new_start": "BOOLEAN", "planned_start_month": "INTEGER",
                                      "planned_completion": "BOOLEAN", "planned_operation": "BOOLEAN"}),
    "event": ("projects_stageevent", {"project_id": "BIGINT", "stage": "VARCHAR", "date": "DATE"}),
    "report": ("progress_monthlyreport", {"project_id": "BIGINT", "year": "INTEGER", "month": "INTEGER",
                                           "amount": "DECIMAL(14,2)", "status": "VARCHAR"}),
    "plan": ("projects_entrymonthlyplan", {"entry_id": "BIGINT", "month": "INTEGER",
                                            "cumulative_plan": "DECIMAL(14,2)"}),
}


def export(directory: Path) -> dict:
    """Every table above to <name>.parquet; returns seconds and rows per table."""
    from django.db import connection

    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    con = duckdb.connect()
    for name, (table, cols) in TABLES.items():
        t0 = time.perf_counter()
        csv_path, pq_path = directory / f"{name}.csv", directory / f"{name}.parquet"
        select = ", ".join(f'"{c}"' for c in cols)
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            raw = connection.connection
            with raw.cursor() as cur, open(csv_path, "wb") as fh:
                with cur.copy(f'COPY (SELECT {select} FROM "{table}") TO STDOUT (FORMAT csv, HEADER)') as cp:
                    for block in cp:
                        fh.write(block)
            raw.commit()
        else:
            cur = connection.connection.cursor()
            cur.execute(f'SELECT {select} FROM "{table}"')
            with open(csv_path, "w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(cols)
                while rows := cur.fetchmany(10000):
                    w.writerows(rows)
            cur.close()
        types = ", ".join(f"'{c}': '{t}'" for c, t in cols.items())
        con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, columns={{{types}}})) "
                    f"TO '{pq_path}' (FORMAT parquet)")
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{pq_path}')").fetchone()[0]
        csv_path.unlink()
        out[name] = {"rows": rows, "seconds": round(time.perf_counter() - t0, 2)}
    con.close()
    return out


# One query: the engine's figures for each child of the root (by-city for the province, by-district for a city).
# Entries: one per project and year, on its highest-ranked list; reports: accepted, months of the period, of
# projects listed that year; events: 签约/开工/投产 in the period and a year earlier; the year's signing cohort.
QUERY = """
WITH grp AS (
    SELECT id AS grp_id, path AS grp_path FROM unit
    WHERE starts_with(path, $root) AND path <> $root AND kind <> 'department'
      AND length(path) - length(replace(path, '/', '')) = $depth
),
proj AS (
    SELECT p.id, p.total_investment, g.grp_id
    FROM project p JOIN unit u ON u.id = p.unit_id JOIN grp g ON starts_with(u.path, g.grp_path)
),
ranked AS (
    SELECT e.*, row_number() OVER (PARTITION BY e.project_id, e.year ORDER BY l.rank, l.id) AS rn
    FROM entry e JOIN list l ON l.id = e.annual_list_id JOIN unit c ON c.id = l.city_id
    WHERE e.year IN ($year, $year - 1) AND starts_with(c.path, $lists_root)
),
top AS (SELECT * FROM ranked WHERE rn = 1),
ev AS (
    SELECT project_id,
           max(date) FILTER (WHERE stage = 'signed') AS signed,
           max(date) FILTER (WHERE stage = 'started') AS started,
           max(date) FILTER (WHERE stage = 'completed') AS completed,
           max(date) FILTER (WHERE stage = 'operating') AS operating
    FROM event GROUP BY project_id
),
rep AS (
    SELECT project_id, year, sum(amount) AS done FROM report
    WHERE status = 'accepted' AND month BETWEEN $first AND $last AND year IN ($year, $year - 1)
    GROUP BY project_id, year
),
listed AS (
    SELECT pr.grp_id,
        count(*) FILTER (WHERE t.year = $year) AS projects,
        sum(t.annual_plan) FILTER (WHERE t.year = $year) AS annual_plan,
        sum(t.annual_plan) FILTER (WHERE t.year = $year - 1) AS annual_plan_prev,
        sum(r.done) FILTER (WHERE t.year = $year) AS completed,
        sum(r.done) FILTER (WHERE t.year = $year - 1) AS completed_prev,
        count(*) FILTER (WHERE t.year = $year AND t.planned_new_start) AS planned_new_starts,
        count(*) FILTER (WHERE t.year = $year AND t.planned_new_start AND ev.started <= $end)
            AS planned_new_starts_started,
        count(*) FILTER (WHERE t.year = $year AND t.planned_new_start AND t.planned_start_month <= $last)
            AS planned_starts_to_date,
        count(*) FILTER (WHERE t.year = $year AND t.planned_new_start AND t.planned_start_month <= $last
                         AND ev.started <= $end) AS planned_starts_to_date_started,
        count(*) FILTER (WHERE t.year = $year AND t.planned_completion) AS planned_completions,
        count(*) FILTER (WHERE t.year = $year AND t.planned_completion AND ev.completed <= $end)
            AS planned_completions_done,
        count(*) FILTER (WHERE t.year = $year AND t.planned_operation) AS planned_operations,
        count(*) FILTER (WHERE t.year = $year AND t.planned_operation AND ev.operating <= $end)
            AS planned_operations_done
    FROM top t JOIN proj pr ON pr.id = t.project_id
    LEFT JOIN rep r ON r.project_id = t.project_id AND r.year = t.year
    LEFT JOIN ev ON ev.project_id = t.project_id
    GROUP BY pr.grp_id
),
plans AS (
    SELECT pr.grp_id, sum(pl.cumulative_plan) AS period_plan, count(*) AS period_plan_projects
    FROM plan pl JOIN top t ON t.id = pl.entry_id AND t.year = $year JOIN proj pr ON pr.id = t.project_id
    WHERE pl.month = $last GROUP BY pr.grp_id
),
events AS (
    SELECT pr.grp_id,
        count(*) FILTER (WHERE e.stage = 'signed' AND e.date BETWEEN $start AND $end) AS new_signed,
        sum(pr.total_investment) FILTER (WHERE e.stage = 'signed' AND e.date BETWEEN $start AND $end)
            AS new_signed_total,
        count(*) FILTER (WHERE e.stage = 'started' AND e.date BETWEEN $start AND $end) AS new_started,
        count(*) FILTER (WHERE e.stage = 'operating' AND e.date BETWEEN $start AND $end) AS new_operating,
        count(*) FILTER (WHERE e.stage = 'signed' AND e.date BETWEEN $prev_start AND $prev_end) AS new_signed_prev,
        count(*) FILTER (WHERE e.stage = 'started' AND e.date BETWEEN $prev_start AND $prev_end)
            AS new_started_prev,
        count(*) FILTER (WHERE e.stage = 'operating' AND e.date BETWEEN $prev_start AND $prev_end)
            AS new_operating_prev
    FROM event e JOIN proj pr ON pr.id = e.project_id
    WHERE e.stage IN ('signed', 'started', 'operating')
    GROUP BY pr.grp_id
),
cohort AS (
    SELECT pr.grp_id, count(*) AS cohort_signed,
        count(*) FILTER (WHERE ev.started <= $end) AS cohort_started,
        count(*) FILTER (WHERE ev.operating <= $end) AS cohort_operating
    FROM ev JOIN proj pr ON pr.id = ev.project_id
    WHERE ev.signed BETWEEN $year_start AND $end GROUP BY pr.grp_id
)
SELECT g.grp_id, listed.*, plans.period_plan, plans.period_plan_projects, events.*, cohort.*
FROM grp g
LEFT JOIN listed ON listed.grp_id = g.grp_id
LEFT JOIN plans ON plans.grp_id = g.grp_id
LEFT JOIN events ON events.grp_id = g.grp_id
LEFT JOIN cohort ON cohort.grp_id = g.grp_id
ORDER BY g.grp_id
"""


class Yardstick:
    """DuckDB over the exported Parquet files, one view per table."""

    def __init__(self, directory: Path, threads: int | None = None):
        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        for name in TABLES:
            self.con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{directory / name}.parquet')")

    def figures(self, root, period, lists_root: str) -> list[dict]:
        import datetime

        prev = period.previous_year()
        params = {
            "root": root.path, "depth": root.path.count("/") + 1, "lists_root": lists_root,
            "year": period.year, "first": period.first_month, "last": period.last_month,
            "start": period.start, "end": period.end, "prev_start": prev.start, "prev_end": prev.end,
            "year_start": datetime.date(period.year, 1, 1),
        }
        cur = self.con.execute(QUERY, params)
        names = [d[0] for d in cur.description]
        rows = []
        for r in cur.fetchall():
            row = {}
            for k, v in zip(names, r, strict=True):
                if k not in row or row[k] is None:  # the joined grp_id columns repeat; keep the first non-null
                    row[k] = v
            rows.append(row)
        return rows
