"""Cursor pagination on id: `?limit=` (capped) and an opaque `cursor`; the answer carries the `next` link.

A cursor says "after this id" and nothing else, so a page never skips or repeats a row when rows are added
meanwhile, and it costs one indexed range scan however deep the client pages (no OFFSET)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

from ninja import Schema
from pydantic import create_model

from .errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_PREFIX = "id:"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        value = int(text[len(_PREFIX):])
        if not 0 <= value < 2**63:
            raise ValueError(text)
        return value
    except (ValueError, UnicodeError, binascii.Error):
        raise ApiError(422, "invalid_cursor", "cursor 无效: 请使用上一页返回的 next 链接", "cursor") from None


def paginate(request, queryset, *, cursor: str | None, limit: int, serialize) -> dict:
    limit = max(1, min(int(limit), MAX_LIMIT))
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        params = request.GET.copy()
        params["cursor"] = encode_cursor(rows[-1].pk)
        params["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.lists()), doseq=True)}")
    return {"items": [serialize(r) for r in rows], "next": next_url, "limit": limit}


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The response schema of a list: {items: [...], next: url or null, limit: n}."""
    return create_model(name, __base__=Schema, items=(list[item_schema], ...), next=(str | None, None),
                        limit=(int, ...))
