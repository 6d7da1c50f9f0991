"""Puts the request's client address where the audit trail reads it (tuijin.audit.services.current_ip).

The address is REMOTE_ADDR. X-Forwarded-For is believed only when settings.TRUSTED_PROXY_COUNT says how
many reverse proxies stand in front of the app (TUIJIN_TRUSTED_PROXIES): the client is then the entry that
many places from the right, since anything further left was written by the client and can be forged.
django-axes uses the same function (AXES_CLIENT_IP_CALLABLE), so lockouts and the audit trail agree."""

from __future__ import annotations

import ipaddress

from django.conf import settings

from .services import current_ip


def _valid(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as the configured proxies."""
    remote = _valid(request.META.get("REMOTE_ADDR"))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote


class AuditContextMiddleware:
    """Sets current_ip for the duration of each request and resets it afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
