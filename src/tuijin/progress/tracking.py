"""Progress of a long import seen from the page: the request that imports writes (phase, done, total) to the
Django cache under a token the page chose, every N rows; the page polls a small endpoint that reads it back
and draws a <progress> bar. Works with any database and with the dev server (one process, threads); with
several worker processes the cache must be shared (Redis, database cache) for every poll to see it."""

from __future__ import annotations

import re
import uuid

from django.core.cache import cache

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
TIMEOUT = 60 * 30  # a stale bar disappears after half an hour


def new_token() -> str:
    return uuid.uuid4().hex


def _key(user, token: str) -> str:
    # The user's id is part of the key: one user cannot read another's progress by guessing a token.
    return f"tuijin:import-progress:{getattr(user, 'pk', None) or 0}:{token}"


def valid(token: str | None) -> bool:
    return bool(token) and bool(TOKEN_RE.match(token))


class Tracker:
    """A progress callback (`advance(n)`, as the CLI's ProgressBar) that writes to the cache every `every`
    rows. `total` None means not yet known (the page shows a moving bar and the rows counted)."""

    def __init__(self, user, token: str, *, every: int = 50):
        self.user, self.token, self.every = user, token, max(every, 1)
        self.phase, self.done, self.total, self._since = "", 0, None, 0
        self.enabled = valid(token)

    def start(self, phase: str, total: int | None = None) -> Tracker:
        self.phase, self.done, self.total, self._since = phase, 0, total, 0
        self._write()
        return self

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._since += n
        if self._since >= self.every or (self.total is not None and self.done >= self.total):
            self._since = 0
            self._write()

    __call__ = advance

    def finish(self, message: str = "") -> None:
        if self.total is None:
            self.total = self.done
        self._write(finished=True, message=message)

    def _write(self, finished: bool = False, message: str = "") -> None:
        if not self.enabled:
            return
        cache.set(_key(self.user, self.token), {"phase": self.phase, "done": self.done, "total": self.total,
                                                "finished": finished, "message": message}, TIMEOUT)


def read(user, token: str) -> dict | None:
    """What the importer last wrote for this user's token, or None (not started, expired, invalid token)."""
    if not valid(token):
        return None
    return cache.get(_key(user, token))
