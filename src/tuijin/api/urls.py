"""/api/v1/: the ninja API (OpenAPI at openapi.json, docs at docs) and the docs page's local assets."""

from django.urls import path

from . import views
from .api import DOCS_ASSETS, api

urlpatterns = [
    *[path(f"docs/assets/{name}", views.docs_asset, {"name": name}, name=f"api-docs-{key}")
      for key, name in DOCS_ASSETS.items()],
    path("", api.urls),
]
