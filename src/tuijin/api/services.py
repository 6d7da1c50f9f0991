"""Writes and checks for API tokens: create (the raw token is returned once), revoke, authenticate.

A token is `tj_` followed by 43 random URL-safe characters; only its SHA-256 is stored (a random token of
that length needs no slow hash). Creating and revoking are audited; authenticating is not, but it stamps
`last_used_at` (at most once a minute, so a busy client does not write on every request)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.policy import MEMBER, require_actor

from .models import Token

TOKEN_PREFIX = "tj_"
TOKEN_FIELDS = ["user", "name", "prefix", "expires_at", "revoked_at", "revoked_by"]
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


def max_token_days() -> int:
    return int(getattr(settings, "TUIJIN_API_TOKEN_MAX_DAYS", 365))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, days: int = 90, actor) -> tuple[Token, str]:
    """A new token for `user` (by the user itself), valid for `days`. Returns the token and its raw value,
    which is never stored and cannot be shown again."""
    require_actor(actor, MEMBER)
    actor = actor or user
    if actor.pk != user.pk:
        raise PermissionDenied("只能为自己创建令牌")
    if not (user.is_active and user.is_authenticated):
        raise PermissionDenied("账号已停用")
    name = (name or "").strip()
    if not name:
        raise InputError("令牌名称不能为空", field="name")
    if len(name) > 60:
        raise InputError("令牌名称不能超过 60 个字", field="name")
    limit = max_token_days()
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        raise InputError(f"有效期应为 1-{limit} 天, 收到 {days!r}", field="days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:10],
                                 expires_at=timezone.now() + datetime.timedelta(days=days))
    record_change(actor=actor, action="create", obj=token, before=None, after=snapshot(token, TOKEN_FIELDS))
    return token, raw


def can_revoke(actor, token: Token) -> bool:
    """The token's owner, or a user manager (市管理员) whose reach holds the owner."""
    if not (actor is not None and actor.is_authenticated and actor.is_active):
        return False
    if token.user_id == actor.pk:
        return True
    return scoping.users_for(actor).filter(pk=token.user_id).exists()


@transaction.atomic
def revoke_token(*, token: Token, actor) -> Token:
    """Revoke a token at once (idempotent: a revoked token stays revoked with its first date)."""
    if not can_revoke(actor, token):
        raise PermissionDenied("您无权吊销该令牌")
    token = Token.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_change(actor=actor, action="update", obj=token, before=before, after=snapshot(token, TOKEN_FIELDS))
    return token


@dataclass
class TokenRefused(Exception):
    """Why a presented token does not authenticate (the API answers 401 with this code and message)."""

    code: str
    message: str


def authenticate_token(raw: str):
    """The active user behind a raw token, or TokenRefused saying why not."""
    raw = (raw or "").strip()
    if not raw:
        raise TokenRefused("invalid_token", "缺少令牌: 请使用 Authorization: Bearer <令牌>")
    token = (Token.objects.select_related("user", "user__unit").filter(key_hash=hash_token(raw)).first()
             if raw.startswith(TOKEN_PREFIX) and len(raw) < 200 else None)
    if token is None:
        raise TokenRefused("invalid_token", "令牌无效")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked", f"令牌已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 吊销")
    if token.is_expired(now):
        raise TokenRefused("token_expired", f"令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期")
    user = token.user
    if not user.is_active:
        raise TokenRefused("user_inactive", "令牌所属账号已停用")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        Token.objects.filter(pk=token.pk).update(last_used_at=now)
    user.api_token = token
    return user
