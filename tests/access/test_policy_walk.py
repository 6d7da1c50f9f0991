"""One policy (issue 18): every page and every API operation declares the action it needs through
`tuijin.core.policy.requires`, so none is left open by forgetting a check. The URL map and the API's routers are
walked, not listed: a new page or route without `@requires(...)` fails here, named.

Left out: Django's own admin (its staff gate; tests/audit/test_admin.py shows it closed to every role) and
django-ninja's operation views in the URL map, which are checked one operation at a time below (one URL pattern
serves every method of a path).
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from tuijin.api.api import api
from tuijin.core.policy import (
    AUDIT,
    CONFIGURE,
    MANAGE_USERS,
    MEMBER,
    PUBLIC,
    READ,
    REPORT,
    REVIEW,
    WRITE,
    policy_action,
)

KNOWN_ACTIONS = {READ, WRITE, REPORT, REVIEW, MANAGE_USERS, AUDIT, CONFIGURE, PUBLIC, MEMBER}


def _pages(patterns=None, prefix: str = ""):
    """(route, view) for every URL pattern outside the admin; ninja's operation views are yielded as None."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if getattr(p, "app_name", None) == admin.site.name or route.startswith("admin/"):
                continue
            yield from _pages(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            if getattr(p.callback, "__module__", "") == "ninja.operation":
                yield route, None  # a path of the API: its operations are walked in _operations
                continue
            yield route, p.callback


def _operations():
    """(method path, view function) for every operation of every router of the API."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method} {prefix}{path}", operation.view_func


PAGES = list(_pages())
OPERATIONS = list(_operations())


def test_the_walk_finds_the_pages_and_the_operations():
    # Plausible sizes, so the test cannot pass by walking nothing (about 140 pages and 30 operations today).
    pages = [route for route, view in PAGES if view is not None]
    assert len(pages) >= 120, pages
    assert len(OPERATIONS) >= 25, OPERATIONS
    assert {"login/", "audit/", "reports/", "screen/k/<str:token>/"} <= set(pages)
    assert {"GET /projects", "POST /projects/{project_id}/reports", "GET /chains"} <= {m for m, _ in OPERATIONS}


def test_every_page_declares_its_policy():
    undeclared = [route for route, view in PAGES if view is not None and policy_action(view) is None]
    assert not undeclared, ("These pages have no declared policy: decorate the view with "
                            "@requires(ACTION) from tuijin.core.policy (PUBLIC if open on purpose): "
                            + ", ".join(undeclared))


def test_every_api_operation_declares_its_policy():
    undeclared = [name for name, view in OPERATIONS if policy_action(view) is None]
    assert not undeclared, ("These API operations have no declared policy: add @requires(ACTION) under the "
                            "router's decorator: " + ", ".join(undeclared))


def test_every_declared_action_is_known():
    unknown = {f"{name}: {policy_action(view)}" for name, view in PAGES + OPERATIONS
               if view is not None and policy_action(view) not in KNOWN_ACTIONS}
    assert not unknown, unknown


def test_the_open_pages_are_the_ones_meant_to_be():
    """PUBLIC is a decision: the login and logout pages, the kiosk link (its token is the credential), the API's
    schema and documentation (and its assets) and ninja's empty root. Anything else open is a mistake."""
    public = {route for route, view in PAGES if view is not None and policy_action(view) == PUBLIC}
    assert public == {
        "login/", "logout/", "screen/k/<str:token>/", "screen/k/<str:token>/data/",
        "api/v1/docs/assets/swagger-ui.css", "api/v1/docs/assets/swagger-ui-bundle.js",
        "api/v1/docs/assets/swagger-ui-init.js", "api/v1/docs/assets/favicon.png",
        "api/v1/openapi.json", "api/v1/docs", "api/v1/",
    }
    assert not [name for name, view in OPERATIONS if policy_action(view) == PUBLIC]


def test_a_write_operation_declares_a_write_action():
    """No API operation that changes data is declared READ (the role check would then rest on the body alone)."""
    loose = [name for name, view in OPERATIONS
             if not name.startswith("GET ") and policy_action(view) in (READ, MEMBER, PUBLIC)]
    assert not loose, loose
