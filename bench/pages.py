"""Bench (b): the server time of the dashboard (/overview/) and the project list (/projects/) for a logged-in
city administrator, through Django's test client in this process (no network: the time is the server's).

    TUIJIN_DATABASE_URL=… python bench/pages.py --label pg-100000 [--city 苏州市]
"""

import argparse

from common import counts, setup_django, timed, vendor, write_result

PAGES = ["/overview/", "/projects/", "/projects/?page=50"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--city", default="苏州市")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve

    from tuijin.accounts.models import Role, User
    from tuijin.orgs.models import OrgUnit, UnitKind

    city = (OrgUnit.objects.filter(kind=UnitKind.CITY, name=args.city).first()
            or OrgUnit.objects.filter(kind=UnitKind.CITY).order_by("id").first())
    user, _ = User.objects.get_or_create(username="bench-city-admin",
                                         defaults={"unit": city, "role": Role.CITY_ADMIN, "is_active": True})
    client = Client()
    client.force_login(user)
    data = {"label": args.label, "database": vendor(), "counts": counts(), "city": city.name, "pages": {}}
    print(f"pages [{args.label}] {vendor()}, {data['counts']['projects']:,} projects, {city.name} 市管理员")
    for url in PAGES:
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            print(f"  {url}: not built yet (no URL): skipped")
            data["pages"][url] = {"skipped": "no such page yet"}
            continue
        n_queries = []

        def count(execute, sql, params, many, context, n_queries=n_queries):
            n_queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            first = client.get(url)
        if first.status_code != 200:
            print(f"  {url}: HTTP {first.status_code}: skipped")
            data["pages"][url] = {"skipped": f"HTTP {first.status_code}"}
            continue
        t = timed(lambda url=url: client.get(url).status_code, args.repeat)
        data["pages"][url] = {k: v for k, v in t.items() if k != "result"} | {
            "queries": len(n_queries), "bytes": len(first.content)}
        print(f"  {url:22s} cold {t['cold_ms']:8.1f} ms, median {t['median_ms']:8.1f} ms, "
              f"{len(n_queries)} queries, {len(first.content) // 1024} KiB")
    write_result(f"pages-{args.label}", data)


if __name__ == "__main__":
    main()
