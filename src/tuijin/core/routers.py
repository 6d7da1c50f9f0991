"""Read replicas: reads that may be a moment stale (dashboards, indicators, exports) go to a replica; everything
else, and every write, goes to the primary.

Settings: `TUIJIN_DATABASE_REPLICA_URLS` (comma-separated) adds the aliases `replica1`, `replica2` … and this
router. Nothing reaches a replica unless the code asks for it:

    from tuijin.core.routers import use_replica

    with use_replica():              # or @use_replica() on a view / function
        figures = compute(scope, period)

`ReplicaReadsMiddleware` does the same for GET/HEAD requests whose path starts with one of
`TUIJIN_REPLICA_READ_PATHS` (default: the overview, the indicators API and exports).

Rules, in order:
1. Writes always go to the primary (`default`).
2. Outside `use_replica()`, reads go to the primary.
3. Inside it, reads of the data apps (org units, projects, reports, industry …) go to a healthy replica, chosen
   round-robin; users, sessions, login records and the audit trail always read from the primary (a session
   written a moment ago must never look missing).
4. While the primary connection is inside a transaction (atomic block), reads stay on the primary: a
   transaction must see its own writes.
5. A replica is healthy if a connection to it opens within `TUIJIN_REPLICA_CONNECT_TIMEOUT` seconds (default 1)
   and it answers; the answer is cached for `TUIJIN_REPLICA_CHECK_SECONDS` (default 5). A replica that fails a
   query is marked down at once. With no healthy replica, reads fall back to the primary.
6. Read-your-writes: a request that wrote leaves a short-lived cookie; for `TUIJIN_REPLICA_PIN_SECONDS`
   (default 5) that browser's reads stay on the primary, so a user who has just accepted a report never sees
   the figure from before it on a lagging replica.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import threading
import time
from contextlib import ContextDecorator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)

# The apps whose tables may be read from a replica. Everything else (accounts, sessions, axes, audit, admin,
# contenttypes, api tokens) is read from the primary only.
REPLICA_APPS = frozenset({"orgs", "industry", "projects", "progress", "indicators", "livelihood", "bulletins",
                          "problems", "attraction"})
PIN_COOKIE = "tuijin_primary"

_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("tuijin_use_replica", default=False)
_wrote: contextvars.ContextVar[list | None] = contextvars.ContextVar("tuijin_wrote", default=None)
_pinned: contextvars.ContextVar[str | None] = contextvars.ContextVar("tuijin_pinned_alias", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


class use_replica(ContextDecorator):
    """Within this block (or decorated function), reads of the data apps may go to a replica."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._tokens: list = []

    def __enter__(self):
        self._tokens.append(_wanted.set(self.enabled))
        return self

    def __exit__(self, *exc):
        _wanted.reset(self._tokens.pop())
        return False


class pinned_reads(ContextDecorator):
    """Within this block, every read the router would send to a replica goes to `alias` (the one chosen for the
    first read): the indicator engine reads the data version and the figures on the same database, so a lagging
    replica's figures are never cached under a newer version read elsewhere."""

    def __init__(self, alias: str):
        self.alias = alias
        self._tokens: list = []

    def __enter__(self):
        self._tokens.append(_pinned.set(self.alias))
        return self

    def __exit__(self, *exc):
        _pinned.reset(self._tokens.pop())
        return False


def primary_only():
    """The opposite: inside, every read goes to the primary (e.g. right after a write in the same request)."""
    return use_replica(False)


# ------------------------------------------------------------------ health


class _Health:
    """Whether each replica answers, checked with a short timeout and remembered for a few seconds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.state: dict[str, tuple[bool, float]] = {}

    @property
    def ttl(self) -> float:
        return float(os.environ.get("TUIJIN_REPLICA_CHECK_SECONDS", "5"))

    @property
    def timeout(self) -> float:
        return float(os.environ.get("TUIJIN_REPLICA_CONNECT_TIMEOUT", "1"))

    def healthy(self, alias: str) -> bool:
        now = time.monotonic()
        with self.lock:
            known = self.state.get(alias)
        if known is not None and now - known[1] < self.ttl:
            return known[0]
        ok = self.probe(alias)
        with self.lock:
            self.state[alias] = (ok, time.monotonic())
        if not ok:
            log.warning("read replica %s is unreachable: reading from the primary", alias)
        return ok

    def mark_down(self, alias: str) -> None:
        with self.lock:
            self.state[alias] = (False, time.monotonic())

    def forget(self) -> None:
        with self.lock:
            self.state.clear()

    def probe(self, alias: str) -> bool:
        conn = connections[alias]
        s = conn.settings_dict
        if conn.vendor == "postgresql":
            import psycopg

            try:
                with psycopg.connect(host=s.get("HOST") or None, port=s.get("PORT") or None, dbname=s["NAME"],
                                     user=s.get("USER") or None, password=s.get("PASSWORD") or None,
                                     connect_timeout=max(1, round(self.timeout)), autocommit=True) as c:
                    c.execute("SELECT 1")
                return True
            except Exception:  # noqa: BLE001 - any failure means: do not read from it now
                return False
        try:  # other backends: ask Django's own connection
            conn.ensure_connection()
            return conn.is_usable()
        except Exception:  # noqa: BLE001
            return False


health = _Health()
_round_robin = itertools.count()


def pick_replica() -> str | None:
    aliases = replica_aliases()
    if not aliases:
        return None
    start = next(_round_robin)
    for i in range(len(aliases)):
        alias = aliases[(start + i) % len(aliases)]
        if health.healthy(alias):
            return alias
    return None


def _in_transaction() -> bool:
    conn = connections[DEFAULT_DB_ALIAS]
    return conn.in_atomic_block


class ReplicaRouter:
    """Django database router implementing the rules above."""

    def db_for_read(self, model, **hints):
        if not _wanted.get() or model._meta.app_label not in REPLICA_APPS or _in_transaction():
            return DEFAULT_DB_ALIAS
        return _pinned.get() or pick_replica() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        wrote = _wrote.get()
        if wrote is not None and model._meta.app_label in REPLICA_APPS:
            wrote.append(model._meta.label)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The primary and its replicas hold the same rows: an object read from one may point at one from another.
        pool = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in pool and obj2._state.db in pool:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas follow the primary's WAL; never migrate them directly.
        return db not in replica_aliases()


def replica_failed(alias: str) -> None:
    """Called when a query on a replica fails: stop using it until the next health check succeeds."""
    health.mark_down(alias)


def _watch_errors(alias):
    """An execute wrapper that marks the replica down when a query on it fails at the connection level."""

    def wrapper(execute, sql, params, many, context):
        from django.db import InterfaceError, OperationalError

        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError):
            replica_failed(alias)
            raise

    return wrapper


def install_error_watch(sender=None, connection=None, **kwargs) -> None:
    """connection_created signal: wrap every new replica connection with the error watch."""
    if connection is not None and connection.alias in replica_aliases():
        if not any(getattr(w, "_tuijin_watch", False) for w in connection.execute_wrappers):
            w = _watch_errors(connection.alias)
            w._tuijin_watch = True
            connection.execute_wrappers.append(w)


def _paths() -> tuple[str, ...]:
    raw = os.environ.get("TUIJIN_REPLICA_READ_PATHS", "/overview/,/api/v1/indicators,/api/v1/figures,/exports/")
    return tuple(p.strip() for p in raw.split(",") if p.strip())


class ReplicaReadsMiddleware:
    """GET/HEAD on the read-mostly pages and API routes read from a replica (unless this browser wrote within
    the pin window); any request that writes sets the pin cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = _paths()
        self.pin = int(os.environ.get("TUIJIN_REPLICA_PIN_SECONDS", "5"))

    def __call__(self, request):
        pinned = False
        raw = request.COOKIES.get(PIN_COOKIE)
        if raw:
            try:
                pinned = float(raw) > time.time()
            except ValueError:
                pinned = False
        wanted = (request.method in ("GET", "HEAD") and not pinned and replica_aliases()
                  and request.path.startswith(self.paths))
        wrote_token = _wrote.set([])
        try:
            with use_replica(bool(wanted)):
                response = self.get_response(request)
            wrote = _wrote.get()
        finally:
            _wrote.reset(wrote_token)
        if wrote and self.pin > 0 and replica_aliases():
            response.set_cookie(PIN_COOKIE, f"{time.time() + self.pin:.0f}", max_age=self.pin, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response


def replica_settings(urls: str, default: dict, parse) -> dict[str, dict]:
    """DATABASES entries for TUIJIN_DATABASE_REPLICA_URLS: `replica1`, `replica2` …; in tests each mirrors the
    default database (Django's convention), so the test suite never tries to create a database on a replica."""
    out = {}
    for i, url in enumerate([u.strip() for u in urls.split(",") if u.strip()], start=1):
        cfg = parse(url, conn_max_age=default.get("CONN_MAX_AGE", 60))
        if cfg["ENGINE"] != default["ENGINE"]:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"TUIJIN_DATABASE_REPLICA_URLS: replica {i} is not the primary's engine")
        if cfg["ENGINE"] == "django.db.backends.postgresql":
            options = cfg.setdefault("OPTIONS", {})
            options.update({k: v for k, v in default.get("OPTIONS", {}).items() if k not in options})
            options["connect_timeout"] = max(1, round(float(os.environ.get("TUIJIN_REPLICA_CONNECT_TIMEOUT", "1"))))
        cfg["TEST"] = {"MIRROR": "default"}
        out[f"replica{i}"] = cfg
    return out


connection_created.connect(install_error_watch, dispatch_uid="tuijin-replica-error-watch")
