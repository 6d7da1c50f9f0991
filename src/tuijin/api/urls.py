"""/api/v1/: the ninja API (OpenAPI at openapi.json, docs at docs) and the docs page's local assets."""

from django.urls import path

from tuijin.core.policy import PUBLIC, requires

from . import views
from .api import DOCS_ASSETS, api


def _declared(urls):
    """django-ninja's own root route (it answers 404 to everyone) declared PUBLIC, like the schema and the docs
    page (`docs_decorator`), so the URL walk finds no route without a policy."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if getattr(pattern, "name", None) == "api-root":
            pattern.callback = requires(PUBLIC)(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    *[path(f"docs/assets/{name}", views.docs_asset, {"name": name}, name=f"api-docs-{key}")
      for key, name in DOCS_ASSETS.items()],
    path("", _declared(api.urls)),
]
