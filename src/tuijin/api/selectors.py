"""Reads for the API: tokens a user may see; the lists and industry nodes a user may name (the web's own
selectors, so the API and the pages offer the same choices)."""

from __future__ import annotations

from tuijin.accounts import scoping

from .models import Token


def own_tokens(user):
    return Token.objects.filter(user=user).order_by("-created_at", "-id")


def managed_tokens(actor):
    """The tokens of the users a user manager (市管理员) manages: its city's users."""
    return (Token.objects.filter(user__in=scoping.users_for(actor).values("id"))
            .select_related("user", "user__unit", "revoked_by").order_by("-created_at", "-id"))


def visible_lists(user):
    """The annual lists of the cities the user reaches (the web's drop-down, so both agree)."""
    from tuijin.web.selectors import visible_lists as web_visible_lists

    return web_visible_lists(user)


def visible_nodes(user):
    """Industry taxonomy nodes of the cities the user reaches (the web's drop-down)."""
    from tuijin.web.selectors import visible_nodes as web_visible_nodes

    return web_visible_nodes(user)
