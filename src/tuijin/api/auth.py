"""Who is calling: a personal token (`Authorization: Bearer tj_…`) or the browser's session.

A request that carries an Authorization header is judged on it alone: a malformed, unknown, revoked or
expired token answers 401 with a code saying which, and never falls back to the session. Without the header
the session is used, and an unsafe method (POST, PATCH, …) must carry the CSRF token, as a form would."""

from __future__ import annotations

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .errors import TokenAuthError
from .services import TokenRefused, authenticate_token


class TokenAuth(HttpBearer):
    """Bearer token, checked against the hashed tokens users create on /api/tokens/."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise TokenAuthError("invalid_authorization", "Authorization 头应为 Bearer <令牌>")
        return self.authenticate(request, value.strip())

    def authenticate(self, request, token: str):
        try:
            user = authenticate_token(token)
        except TokenRefused as exc:
            raise TokenAuthError(exc.code, exc.message) from None
        request.user = user
        request.api_token = user.api_token
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (the docs page's "Try it out" uses it), CSRF-checked for writes."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=True)

    def __call__(self, request):
        if request.headers.get("Authorization") is not None:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None
