"""Bench (c): API throughput and p50/p99 latency with 50 concurrent clients on loopback, for a bounded time,
against gunicorn with several workers (production settings), driven by wrk. Zero errors expected.

Endpoints: the indicators JSON of one city and the project list (the API's, from issue 9's item 1), with a
personal token. Without the API, it benches /overview/ with a logged-in session instead, and says so.

    TUIJIN_DATABASE_URL=… python bench/api.py --label pg-100000 [--seconds 20] [--workers 4]
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from common import ROOT, counts, setup_django, vendor, write_result


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--city", default="苏州市")
    ap.add_argument("--through", default="2024-05")
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
            "workers": args.workers, "connections": args.connections, "seconds": args.seconds, "note": note,
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
                    status = r.status
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise SystemExit(f"server did not answer: {exc}") from None
                time.sleep(0.5)
        for name, path in targets.items():
            req = urllib.request.Request(base + path, headers=dict(h.split(": ", 1) for h in headers))
            with urllib.request.urlopen(req, timeout=120) as r:
                status = r.status  # warm each worker's caches a little, and check the answer
            cmd = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--timeout", "60s",
                   "--latency"]
            for h in headers:
                cmd += ["-H", h]
            out = subprocess.run([*cmd, base + path], capture_output=True, text=True, timeout=args.seconds + 120)
            result = parse_wrk(out.stdout) | {"path": path, "first_status": status}
            data["targets"][name] = result
            print(f"  {name:10s} {result['requests_per_s']:8.1f} req/s, p50 {result.get('p50_ms')} ms, "
                  f"p99 {result.get('p99_ms')} ms, errors {result['errors']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    write_result(f"api-{args.label}", data)


if __name__ == "__main__":
    main()
