"""Bench (b): the server time of the pages for a logged-in city administrator of a synthesized city, through
Django's test client in this process (no network: the time is the server's), cold and warm, with query counts:

- cold: the indicator cache off (settings.INDICATOR_CACHE_SECONDS = 0, what TUIJIN_INDICATOR_CACHE_SECONDS=0
  does: compute(…) then never reads or writes the cache), median of N requests;
- warm: the cache on, filled by one request, then median of N requests for unchanged data.

Pages: /overview/, /projects/ (first page and page 50), /dashboard/, /dashboard/lights/, /bulletins/ (the page,
first view), the bulletin of the whole city as text (/bulletins/download/?format=txt: generation + to_text), and
/problems/weekly/ (the weekly agenda, for the week after the data's last month). Every figure is written with
the machine's 1-minute load average before and after it.

    TUIJIN_DATABASE_URL=… python bench/pages.py --label pg-100000 [--city 苏州市] [--repeat 5]
"""

import argparse
import datetime

from common import count_queries, counts, load_text, median_of, setup_django, vendor, write_result


def pages(week: datetime.date) -> list[tuple[str, str]]:
    """(name, url): what is timed, in order."""
    return [
        ("overview", "/overview/"),
        ("projects", "/projects/"),
        ("projects p50", "/projects/?page=50"),
        ("dashboard", "/dashboard/"),
        ("lights", "/dashboard/lights/"),
        ("bulletins page", "/bulletins/"),
        ("bulletin text (city)", "/bulletins/download/?format=txt"),
        ("weekly agenda", f"/problems/weekly/?week={week:%Y-%m-%d}"),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--city", default="苏州市")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", help="comma-separated page names to time (default: all)")
    args = ap.parse_args()
    setup_django()
    from django.conf import settings
    from django.db.models import Max
    from django.test import Client
    from django.urls import Resolver404, resolve

    from tuijin.accounts.models import Role, User
    from tuijin.orgs.models import OrgUnit, UnitKind
    from tuijin.progress.models import MonthlyReport

    city = (OrgUnit.objects.filter(kind=UnitKind.CITY, name=args.city).first()
            or OrgUnit.objects.filter(kind=UnitKind.CITY).order_by("id").first())
    if city is None:
        raise SystemExit("no city: run `tuijin synth` first")
    user, _ = User.objects.get_or_create(username="bench-city-admin",
                                         defaults={"unit": city, "role": Role.CITY_ADMIN, "is_active": True})
    # The weekly agenda of the week after the data's last reported month (the meeting at the deadline).
    last = MonthlyReport.objects.aggregate(y=Max("year"))["y"]
    last_m = MonthlyReport.objects.filter(year=last).aggregate(m=Max("month"))["m"] if last else None
    if last and last_m:
        first = datetime.date(last + (last_m == 12), last_m % 12 + 1, 1)
    else:
        first = datetime.date.today()
    week = first + datetime.timedelta(days=(7 - first.weekday()) % 7)  # the first Monday of that month

    client = Client()
    client.force_login(user)
    cache_seconds = settings.INDICATOR_CACHE_SECONDS or 600
    data = {"label": args.label, "database": vendor(), "counts": counts(), "city": city.name, "role": "市管理员",
            "repeat": args.repeat, "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "week": str(week), "pages": {}}
    print(f"pages [{args.label}] {vendor()}, {data['counts']['projects']:,} projects, {city.name} 市管理员, "
          f"median of {args.repeat}")
    only = set(args.only.split(",")) if args.only else None
    for name, url in pages(week):
        if only and name not in only:
            continue
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            print(f"  {name}: {url}: no such URL: skipped")
            data["pages"][name] = {"url": url, "skipped": "no such page yet"}
            continue

        def get(url=url):
            r = client.get(url)
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}")
            return r

        try:
            # Cold: the indicator cache off for every request (no read, no write).
            settings.INDICATOR_CACHE_SECONDS = 0
            cold_queries, first = count_queries(get)
            cold = median_of(get, args.repeat)
            # Warm: the cache on; one request fills it, then unchanged data is read back.
            settings.INDICATOR_CACHE_SECONDS = cache_seconds
            get()
            warm_queries, _ = count_queries(get)
            warm = median_of(get, args.repeat)
        except RuntimeError as exc:
            settings.INDICATOR_CACHE_SECONDS = cache_seconds
            print(f"  {name}: {url}: {exc}: skipped")
            data["pages"][name] = {"url": url, "skipped": str(exc)}
            continue
        data["pages"][name] = {"url": url, "bytes": len(first.content), "cold": cold | {"queries": cold_queries},
                               "warm": warm | {"queries": warm_queries}}
        print(f"  {name:22s} cold {cold['median_ms']:8.1f} ms {cold_queries:4d} q ({load_text(cold)}); "
              f"warm {warm['median_ms']:8.1f} ms {warm_queries:4d} q ({load_text(warm)}); "
              f"{len(first.content) // 1024} KiB")
    write_result(f"pages-{args.label}", data)


if __name__ == "__main__":
    main()
