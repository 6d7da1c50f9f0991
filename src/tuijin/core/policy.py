"""The one policy: the roles, what each may do (roles × actions), and the gate every view, API route and write
service goes through. Model-free, so every layer above `core` can ask it; *where* a user reaches (subtree,
assigned projects, department, city) is answered by each scoped model's `visible_to(user, action)`.
"""

from __future__ import annotations

import functools
import inspect

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市管理员"
    CITY_LEADER = "city_leader", "市领导"
    DISTRICT_ADMIN = "district_admin", "板块管理员"
    REPORTER = "reporter", "填报员"
    DEPARTMENT = "department", "部门经办"
    PROVINCE_READER = "province_reader", "省级查看"


READ, WRITE, REPORT, REVIEW, MANAGE_USERS = "read", "write", "report", "review", "manage_users"
AUDIT = "audit"  # search the audit trail of the user's city
CONFIGURE = "configure"  # the city's own settings: conventions (口径), bulletin wording, open-data exports
# Pages anyone may open (the login page, health checks, a kiosk link that carries its own token): declared, so
# the URL walk can tell a page left open on purpose from one that was forgotten.
PUBLIC = "public"
# A logged-in member with any role: pages about the user themself (password, API tokens, reminder settings).
MEMBER = "member"

# What a user is told about a code or name they may not see: the same words whether it exists elsewhere or not
# at all, so no import, filter or form becomes an oracle for another city's (or district's) projects and units.
OUT_OF_REACH = "不在您的范围内或不存在"

ACTION_LABELS = {READ: "查看", WRITE: "新增和修改项目", REPORT: "填报月报", REVIEW: "审核月报",
                 MANAGE_USERS: "管理本单位用户", AUDIT: "查询审计记录",
                 CONFIGURE: "配置本市口径与通报"}

# What each role may do within its reach (DOMAIN.md: 市管理员 everything; 市领导 reads; 板块管理员 reads,
# writes and reviews its subtree; 填报员 monthly reports of its projects; 部门经办 its department's projects).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.CITY_ADMIN: frozenset({READ, WRITE, REPORT, REVIEW, MANAGE_USERS, AUDIT, CONFIGURE}),
    Role.CITY_LEADER: frozenset({READ}),
    Role.DISTRICT_ADMIN: frozenset({READ, WRITE, REPORT, REVIEW}),
    Role.REPORTER: frozenset({READ, REPORT}),
    Role.DEPARTMENT: frozenset({READ}),
    Role.PROVINCE_READER: frozenset({READ}),
}

# Where each role reaches (for `tuijin roles` and the users page; the models' visible_to is what enforces it).
ROLE_REACH: dict[str, str] = {
    Role.CITY_ADMIN: "本市全部项目与单位, 管理本市用户",
    Role.CITY_LEADER: "本市全部项目 (只读)",
    Role.DISTRICT_ADMIN: "本板块 (及下属园区) 的项目",
    Role.REPORTER: "分配给本人的项目",
    Role.DEPARTMENT: "本部门负责的项目",
    Role.PROVINCE_READER: "全省各市的项目 (只读)",
}


def is_active_member(user) -> bool:
    """Logged in, active, and either a superuser or holding a known role in a unit."""
    return bool(user and user.is_authenticated and user.is_active and (
        user.is_superuser or (user.unit_id and user.role in ROLE_ACTIONS)))


def can(user, action: str) -> bool:
    """Whether the user's role allows an action at all (the object must still be in reach)."""
    if action == PUBLIC:
        return True
    if not is_active_member(user):
        return False
    if user.is_superuser or action == MEMBER:
        return True
    return action in ROLE_ACTIONS.get(user.role, frozenset())


def administers_city(user, city) -> bool:
    """Whether the user may set up `city` itself (its org units, lists, breakdown dimensions, industry
    taxonomy): the city's administrator (市管理员 holding the city unit) or a superuser. Fails closed."""
    if city is None or not can(user, CONFIGURE):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.CITY_ADMIN and user.unit_id == city.pk


def require_actor(actor, action: str | None = None) -> None:
    """The first line of every write service: there is an actor (a user, or the named system actor of a command,
    an import run by an operator, or the demo), and its role allows the action. Reach is the service's next
    check, on the object it changes."""
    if actor is None:
        raise PermissionDenied("写操作必须指明操作人 (actor)")
    if action is not None and not can(actor, action):
        raise PermissionDenied(f"您的账号没有“{ACTION_LABELS.get(action, action)}”权限")


def requires(action: str):
    """The gate on every view and API route: `@requires(READ)`. An anonymous visitor of a page is sent to the
    login page (an API route answers 401 through its own auth); a member whose role does not allow the action is
    refused (403). The action is recorded on the view (`view.policy_action`) for the URL walk in the tests.

    On a class-based view, decorate the class: its `dispatch` is wrapped."""

    def decorate(view):
        if isinstance(view, type):
            view.dispatch = _wrap_dispatch(view.dispatch, action)
            view.policy_action = action
            return view

        @functools.wraps(view)
        def gated(request, *args, **kwargs):
            return _check(request, action) or view(request, *args, **kwargs)

        gated.policy_action = action
        try:
            # The view's own signature with its annotations evaluated in the view's module: django-ninja reads a
            # route's parameters from the signature and resolves string annotations (`from __future__ import
            # annotations`) in the *wrapper's* globals, which are this module's, not the route's.
            gated.__signature__ = inspect.signature(view, eval_str=True)
        except (NameError, TypeError, ValueError):
            pass
        return gated

    return decorate


def _wrap_dispatch(dispatch, action):
    @functools.wraps(dispatch)
    def gated(self, request, *args, **kwargs):
        return _check(request, action) or dispatch(self, request, *args, **kwargs)

    return gated


def _check(request, action: str):
    """None when the request may go on; the redirect to the login page for an anonymous visitor of a page."""
    if action == PUBLIC:
        return None
    user = getattr(request, "user", None)
    auth = getattr(request, "auth", None)  # django-ninja puts the token's user here
    if (user is None or not user.is_authenticated) and getattr(auth, "is_authenticated", False):
        user = auth
    if user is None or not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not can(user, action):
        raise PermissionDenied(f"您的账号没有“{ACTION_LABELS.get(action, action)}”权限")
    return None


def policy_action(view) -> str | None:
    """The action a view or route was declared with (None: it was not declared, which the URL walk refuses)."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        action = getattr(view, "policy_action", None) or getattr(getattr(view, "view_class", None),
                                                                  "policy_action", None)
        if action:
            return action
        view = getattr(view, "__wrapped__", None)
    return None
