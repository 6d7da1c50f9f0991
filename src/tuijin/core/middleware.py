"""Security headers the browser enforces: a strict Content-Security-Policy (all assets are served by the app), and
`Cache-Control: private, no-store` on whatever a signed-in user (session or API token) is shown and on every
download, so no shared cache or back button on a shared computer keeps a page, an export or a photo."""

from django.conf import settings

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if _private(request, response):
            response.headers["Cache-Control"] = "private, no-store"
        return response


class RangeConstraintMiddleware:
    """A write that reaches the database with a number out of its column's range (the `CheckConstraint`s of
    `core.bounds`, or PostgreSQL's numeric overflow) answers 400 with a Chinese message instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError, IntegrityError
        from django.shortcuts import render

        from .bounds import constraint_message

        if isinstance(exception, DataError):  # PostgreSQL: a value beyond the column's digits
            message = "数值超出允许范围或格式无效, 未保存"
        elif isinstance(exception, IntegrityError):
            message = constraint_message(exception)
        else:
            return None
        if message is None:
            return None
        return render(request, "400.html", {"message": message}, status=400)


def _private(request, response) -> bool:
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return False
    user = getattr(request, "user", None)
    return (bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
            or "attachment" in response.headers.get("Content-Disposition", ""))
