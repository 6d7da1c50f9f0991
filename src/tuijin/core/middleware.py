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


def _private(request, response) -> bool:
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return False
    user = getattr(request, "user", None)
    return (bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
            or "attachment" in response.headers.get("Content-Disposition", ""))
