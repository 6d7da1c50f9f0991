"""Where every project query that answers a user starts: the projects in the user's reach for an action
(`Project.objects.visible_to(user, action)`, projects.models), as the functions pages, services, imports and
commands call. Out of reach answers 404, so nothing leaks. Re-exports accounts.scoping (the roles × actions
table, units_for, users_for, administers_city …), so a module imports one `scoping`."""

from __future__ import annotations

from django.http import Http404

from tuijin.accounts.scoping import (  # noqa: F401  (one `scoping` for every caller)
    ACTION_LABELS,
    AUDIT,
    CONFIGURE,
    MANAGE_USERS,
    OUT_OF_REACH,
    READ,
    REPORT,
    REVIEW,
    ROLE_ACTIONS,
    ROLE_REACH,
    WRITE,
    administered_city,
    administers_city,
    can,
    is_active_member,
    unit_root,
    units_for,
    users_for,
)
from tuijin.core.policy import Role

from .models import Project


def project_q(user, action: str = READ):
    """The filter on Project for what the user may do `action` on; None means nothing at all."""
    return Project.objects.reach_q(user, action)


def projects_for(user, action: str = READ):
    """The projects the user may see (or act on): the scoped queryset every project query starts from."""
    return Project.objects.visible_to(user, action)


def get_project_or_404(user, pk, action: str = READ):
    """A project by id if in scope for the action: out of reach answers 404, not 403, so nothing leaks."""
    obj = projects_for(user, READ).filter(pk=pk).first()
    if obj is None:
        raise Http404("项目不存在或不在您的权限范围内")
    if action != READ and not projects_for(user, action).filter(pk=pk).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您无权执行此操作")
    return obj


def coverage(user, scope=None) -> str:
    """Whose projects a figure covers, for a user who reaches projects one by one (填报员, 部门经办): "您负责的 5 个
    项目" / "XX局负责的 5 个项目" (without a scope: "…负责的项目"); "" for a unit role, whose unit names it."""
    if user is None or user.is_superuser or user.role not in (Role.REPORTER, Role.DEPARTMENT):
        return ""
    who = user.unit.name if user.role == Role.DEPARTMENT and user.unit_id else "您"
    if scope is None:
        return f"{who}负责的项目"
    return f"{who}负责的 {Project.objects.filter(scope.project_q()).count()} 个项目"
