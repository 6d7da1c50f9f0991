"""Benchmark: import N monthly-report rows from an .xlsx with full validation (header detection, scope, period,
consistency, sanity checks, audit), and print rows per second for the database given.

    python bench/import_reports.py --rows 20000 --database-url sqlite:////tmp/bench-import.sqlite3
    python bench/import_reports.py --rows 20000 --database-url postgres://postgres@127.0.0.1:5432/tuijin_bench_import

The set-up (a city with N listed projects and five months of history) is bulk-inserted; only the import is
timed: plan (read + validate) and commit (write + audit), separately and together."""

import argparse
import io
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=19990)  # + title and header rows: within the 20,000-row limit
    ap.add_argument("--database-url", default="sqlite:////tmp/bench-import.sqlite3")
    args = ap.parse_args()
    os.environ["TUIJIN_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    if args.database_url.startswith("postgres"):
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    elif args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from openpyxl import Workbook

    from tuijin.accounts.models import Role, User
    from tuijin.orgs.services import create_unit
    from tuijin.progress.importer import commit_import, plan_import
    from tuijin.progress.models import MonthlyReport, ReportStatus
    from tuijin.projects.models import AnnualList, Category, ListEntry, Project
    from tuijin.projects.services import ensure_categories

    n = args.rows
    ensure_categories()
    province = create_unit(name="基准省", kind="province")
    city = create_unit(name="基准市", kind="city", parent=province)
    districts = [create_unit(name=f"基准{i}区", kind="district", parent=city) for i in range(10)]
    cat = Category.objects.get(name="产业")
    lst = AnnualList.objects.create(city=city, name="市重大项目", rank=2)
    t0 = time.perf_counter()
    projects = Project.objects.bulk_create(
        [Project(code=f"2024-320100-34-03-{i:05d}A", name=f"基准项目{i}", unit=districts[i % 10], category=cat,
                 total_investment=Decimal(50000)) for i in range(n)], batch_size=2000)
    if projects[0].pk is None:
        projects = list(Project.objects.order_by("id"))
    ListEntry.objects.bulk_create([ListEntry(annual_list=lst, project=p, year=2024, annual_plan=Decimal(12000))
                                   for p in projects], batch_size=2000)
    MonthlyReport.objects.bulk_create(
        [MonthlyReport(project=p, year=2024, month=m, amount=Decimal(1000), ytd=Decimal(1000 * m),
                       status=ReportStatus.ACCEPTED) for p in projects for m in range(1, 6)], batch_size=5000)
    admin = User.objects.create_user(username="bench_admin", password="x" * 12, unit=city, role=Role.CITY_ADMIN)
    setup_s = time.perf_counter() - t0

    wb = Workbook()
    ws = wb.active
    ws.append(["基准市市重大项目2024年1-6月进展情况表"])
    ws.append(["单位：万元"])
    ws.append(["项目代码", "项目名称", "当月完成投资", "1-6月累计完成投资", "形象进度"])
    for i, p in enumerate(projects):
        amount = 900 + i % 300
        ws.append([p.code, p.name, amount, 5000 + amount, "主体施工"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()

    load_before = round(os.getloadavg()[0], 2)  # the 1-minute load average beside the figure
    t1 = time.perf_counter()
    plan = plan_import(user=admin, data=data, filename="bench.xlsx")
    t2 = time.perf_counter()
    assert plan.ok, plan.errors[:3]
    written = commit_import(user=admin, plan=plan)
    t3 = time.perf_counter()
    again = plan_import(user=admin, data=data, filename="bench.xlsx")
    assert written == n and again.changes == [] and again.unchanged == n
    result = {
        "benchmark": "import_monthly_reports",
        "backend": connection.vendor,
        "rows": n,
        "setup_s": round(setup_s, 2),
        "plan_s": round(t2 - t1, 2),
        "commit_s": round(t3 - t2, 2),
        "total_s": round(t3 - t1, 2),
        "rows_per_s": round(n / (t3 - t1)),
        "target_rows_per_s": 2000,
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, ensure_ascii=False))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"import_reports-{connection.vendor}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
