"""Bench (c): API throughput and p50/p99 latency with 50 concurrent clients on loopback, for a bounded time,
against gunicorn with several workers (production settings), driven by wrk. Zero errors expected.

Endpoints: the indicators JSON of one city and the project list (the API's, from issue 9's item 1), with a
personal token. Without the API, it benches /overview/ with a logged-in session instead, and says so.

With --mix (the deadline mix, issue 21): each endpoint again under the same load while a writer thread in this
process accepts one monthly report a second through the service (progress.services.review_report, 市级确认,
audited, the figure store and the city's data version updated in the same transaction), in --writer-city
(default 镇江市, another city than the one read: its writes must leave the read city's figures cached;
--writer-city same writes in the city read). Reported: req/s, p50/p99, errors, and the writes done, their
latency and failures. Every figure carries the 1-minute load average before and after its run.

    TUIJIN_DATABASE_URL=… python bench/api.py --label pg-100000 [--seconds 20] [--workers 4] [--mix]
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from common import ROOT, counts, load1, load_text, setup_django, vendor, write_result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_wrk(text: str) -> dict:
    def ms(v: str) -> float:
        n, unit = float(re.match(r"[\d.]+", v).group()), re.sub(r"[\d.]+", "", v)
        return round(n * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)

    out = {}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s*{pct}%\s+(\S+)", text, re.M)
        if m:
            out[f"p{pct}_ms"] = ms(m.group(1))
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["requests_per_s"] = float(m.group(1)) if m else 0.0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    out["errors"] = out["non_2xx"] + out["socket_errors"]
    return out


class Writer(threading.Thread):
    """Accepts one monthly report a second (市级确认 through progress.services.review_report) in `city`, oldest
    pending first, until stopped or out of reports; records each write's latency and any failure."""

    def __init__(self, city, actor, interval: float = 1.0, spare: bool = True, spare_not=()):
        super().__init__(daemon=True)
        self.city, self.actor, self.interval = city, actor, interval
        self.spare, self.spare_not = spare, list(spare_not)  # other cities to go on in (not these)
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.exhausted = False
        self.elsewhere = 0  # writes that went on in another city (the writer's city ran out)

    def pending(self) -> list[int]:
        """The city's reports awaiting 市级确认, newest month first; then (a small synthesized province runs out)
        those of the other cities except the one read, so the writes never touch the figures being read."""
        from tuijin.orgs.models import OrgUnit, UnitKind
        from tuijin.progress.models import MonthlyReport, ReportStatus

        pending = MonthlyReport.objects.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.DISTRICT_ACCEPTED])
        order = ("-year", "-month", "id")
        ids = list(pending.filter(project__unit__path__startswith=self.city.path).order_by(*order)
                   .values_list("id", flat=True)[:5000])
        if len(ids) < 600 and self.spare:
            for other in OrgUnit.objects.filter(kind=UnitKind.CITY).exclude(pk__in=[self.city.pk, *self.spare_not]):
                ids += list(pending.filter(project__unit__path__startswith=other.path).order_by(*order)
                            .values_list("id", flat=True)[:600])
        return ids

    def run(self):
        from django.db import connection

        from tuijin.progress.models import MonthlyReport
        from tuijin.progress.services import review_report

        try:
            queue = self.pending()
            next_at = time.monotonic()
            while not self.stop.is_set():
                if not queue:
                    self.exhausted = True
                    break
                report = MonthlyReport.objects.select_related("project__unit").get(pk=queue.pop(0))
                self.elsewhere += not report.project.unit.path.startswith(self.city.path)
                t0 = time.perf_counter()
                try:
                    review_report(report=report, accept=True, level="city", actor=self.actor)
                    self.latencies.append((time.perf_counter() - t0) * 1000)
                except Exception as exc:  # noqa: BLE001 — counted and reported, the load goes on
                    self.failures.append(f"{exc.__class__.__name__}: {exc}"[:200])
                next_at += self.interval
                self.stop.wait(max(0.0, next_at - time.monotonic()))
        finally:
            connection.close()

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        return {"city": self.city.name, "writes": len(lat), "writes_in_other_cities": self.elsewhere, "failures": len(self.failures),
                "failure_samples": self.failures[:5], "exhausted": self.exhausted,
                "write_p50_ms": round(statistics.median(lat), 1) if lat else None,
                "write_max_ms": round(lat[-1], 1) if lat else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--city", default="苏州市")
    ap.add_argument("--through", default="2024-05")
    ap.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each run")
    ap.add_argument("--mix", action="store_true", help="then the deadline mix: the same load while a writer "
                                                       "accepts one monthly report a second")
    ap.add_argument("--writer-city", default="镇江市", help="the city the writer accepts reports in ('same': the "
                                                          "city read)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk): API bench skipped")
    setup_django()
    from django.urls import Resolver404, resolve

    from tuijin.accounts.models import Role, User
    from tuijin.orgs.models import OrgUnit, UnitKind

    city = (OrgUnit.objects.filter(kind=UnitKind.CITY, name=args.city).first()
            or OrgUnit.objects.filter(kind=UnitKind.CITY).order_by("id").first())
    user, _ = User.objects.get_or_create(username="bench-city-admin",
                                         defaults={"unit": city, "role": Role.CITY_ADMIN, "is_active": True})
    q_city = quote(city.name)
    try:
        resolve("/api/v1/indicators")
        from tuijin.api.services import create_token

        _, raw = create_token(user=user, name=f"bench {time.time():.0f}", days=1)
        headers = [f"Authorization: Bearer {raw}"]
        targets = {"indicators": f"/api/v1/indicators?through={args.through}&city={q_city}",
                   "projects": "/api/v1/projects?limit=50"}
        note = "the REST API with a personal token"
    except (Resolver404, ImportError) as exc:
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        headers = [f"Cookie: {settings.SESSION_COOKIE_NAME}={s.session_key}"]
        targets = {"overview": "/overview/"}
        note = f"no API yet ({exc.__class__.__name__}): benched the /overview/ page with a session instead"

    port = free_port()
    env = dict(os.environ, TUIJIN_PRODUCTION="true", TUIJIN_DEBUG="false",
               TUIJIN_SECRET_KEY=secrets.token_urlsafe(48), TUIJIN_ALLOWED_HOSTS="127.0.0.1,localhost",
               PYTHONPATH=str(ROOT / "src"))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "tuijin.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(args.workers), "--timeout", "120", "--log-level", "warning",
                               "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null"],
                              env=env, cwd=ROOT, start_new_session=True)
    data = {"label": args.label, "database": vendor(), "counts": counts(), "server": "gunicorn",
            "workers": args.workers, "connections": args.connections, "seconds": args.seconds, "warmup_seconds": args.warmup, "note": note,
            "targets": {}}
    print(f"api [{args.label}] {vendor()}, {data['counts']['projects']:,} projects: gunicorn × {args.workers}, "
          f"wrk {args.connections} connections × {args.seconds} s — {note}")
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                req = urllib.request.Request(base + next(iter(targets.values())),
                                             headers=dict(h.split(": ", 1) for h in headers))
                with urllib.request.urlopen(req, timeout=60) as r:
                    r.read()
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise SystemExit(f"server did not answer: {exc}") from None
                time.sleep(0.5)
        def load_run(name: str, path: str) -> dict:
            req = urllib.request.Request(base + path, headers=dict(h.split(": ", 1) for h in headers))
            with urllib.request.urlopen(req, timeout=120) as r:
                status = r.status  # warm each worker's caches a little, and check the answer
            cmd = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--timeout", "60s",
                   "--latency"]
            for h in headers:
                cmd += ["-H", h]
            if args.warmup:  # every worker's first requests (imports, connections, caches) are not measured
                subprocess.run([*cmd[:6], f"{args.warmup}s", *cmd[7:], base + path], capture_output=True,
                               timeout=args.warmup + 120)
            before = load1()
            out = subprocess.run([*cmd, base + path], capture_output=True, text=True, timeout=args.seconds + 120)
            return parse_wrk(out.stdout) | {"path": path, "first_status": status, "load_before": before,
                                            "load_after": load1()}

        def show(name: str, result: dict, extra: str = "") -> None:
            print(f"  {name:10s} {result['requests_per_s']:8.1f} req/s, p50 {result.get('p50_ms')} ms, "
                  f"p99 {result.get('p99_ms')} ms, errors {result['errors']} ({load_text(result)}){extra}")

        for name, path in targets.items():
            data["targets"][name] = result = load_run(name, path)
            show(name, result)
        if args.mix:
            wcity = city if args.writer_city == "same" else (
                OrgUnit.objects.filter(kind=UnitKind.CITY, name=args.writer_city).first()
                or OrgUnit.objects.filter(kind=UnitKind.CITY).exclude(pk=city.pk).order_by("id").first() or city)
            writer_user, _ = User.objects.get_or_create(
                username=f"bench-writer-{wcity.pk}",
                defaults={"unit": wcity, "role": Role.CITY_ADMIN, "is_active": True})
            data["mix"] = {"writer_city": wcity.name, "read_city": city.name, "writes_per_s": 1, "targets": {}}
            print(f"  deadline mix: the same load while {wcity.name} accepts one monthly report a second "
                  f"(progress.services.review_report)")
            for name, path in targets.items():
                writer = Writer(wcity, writer_user, spare=wcity.pk != city.pk, spare_not=[city.pk])
                writer.start()
                try:
                    result = load_run(name, path)
                finally:
                    writer.stop.set()
                    writer.join(timeout=60)
                result["writer"] = w = writer.summary()
                data["mix"]["targets"][name] = result
                show(name, result, f"; writer: {w['writes']} writes, p50 {w['write_p50_ms']} ms, max "
                                   f"{w['write_max_ms']} ms, {w['failures']} failures"
                                   + (f" ({w['writes_in_other_cities']} in other cities)"
                                      if w["writes_in_other_cities"] else "")
                                   + (" (ran out of pending reports)" if w["exhausted"] else ""))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    write_result(f"api-{args.label}", data)


if __name__ == "__main__":
    main()
