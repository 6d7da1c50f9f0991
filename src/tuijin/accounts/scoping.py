"""The one mechanism that limits what a user sees and may change. Every list, page, form, export, search,
CLI command run as a user and API route asks here; it fails closed (no unit, no role, inactive → nothing).

A user's reach is one of:
- a unit subtree (市管理员 / 市领导 / 省级查看 / 板块管理员): an indexed path-prefix filter;
- the projects assigned to them (填报员);
- the projects their department is responsible for (部门经办).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

# The roles × actions table lives in tuijin.core.policy (model-free, so every layer can ask it); re-exported here
# while callers move over.
from tuijin.core.policy import (  # noqa: F401
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
    can,
    is_active_member,
)

from .models import Role


def project_q(user, action: str = READ) -> Q | None:
    """The filter on Project for what the user may do `action` on; None means nothing at all."""
    if not can(user, action):
        return None
    if user.is_superuser and not user.unit_id:
        return Q()
    if user.role == Role.REPORTER:
        return Q(reporters=user)
    if user.role == Role.DEPARTMENT:
        return Q(responsible_department_id=user.unit_id)
    return Q(unit__path__startswith=user.unit.path)


def projects_for(user, action: str = READ):
    """The projects the user may see (or act on): the scoped queryset every project query starts from."""
    from tuijin.projects.models import Project

    q = project_q(user, action)
    if q is None:
        return Project.objects.none()
    return Project.objects.filter(q)


def units_for(user):
    """The org units the user may see: its unit's subtree (a reporter or department: its own unit)."""
    from tuijin.orgs.models import OrgUnit

    if not can(user, READ):
        return OrgUnit.objects.none()
    if user.is_superuser and not user.unit_id:
        return OrgUnit.objects.all()
    if user.role in (Role.REPORTER, Role.DEPARTMENT):
        return OrgUnit.objects.filter(pk=user.unit_id)
    return OrgUnit.objects.subtree(user.unit)


def unit_root(user):
    """The unit at the top of the user's view (their city for a city role, their district for a district)."""
    if user.is_superuser and not user.unit_id:
        return None
    return user.unit


def get_project_or_404(user, pk, action: str = READ):
    """A project by id if in scope for the action: out of reach answers 404, not 403, so nothing leaks."""
    obj = projects_for(user, READ).filter(pk=pk).first()
    if obj is None:
        raise Http404("项目不存在或不在您的权限范围内")
    if action != READ and not projects_for(user, action).filter(pk=pk).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您无权执行此操作")
    return obj


def users_for(user):
    """The users the user may manage: those of its unit's subtree, for a role with MANAGE_USERS."""
    from .models import User

    if not can(user, MANAGE_USERS):
        return User.objects.none()
    if user.is_superuser and not user.unit_id:
        return User.objects.all()
    return User.objects.filter(unit__path__startswith=user.unit.path)


def coverage(user, scope=None) -> str:
    """Whose projects a figure covers, for a user who reaches projects one by one (填报员, 部门经办): "您负责的 5 个
    项目" / "XX局负责的 5 个项目" (without a scope: "…负责的项目"); "" for a unit role, whose unit names it."""
    if user is None or user.is_superuser or user.role not in (Role.REPORTER, Role.DEPARTMENT):
        return ""
    who = user.unit.name if user.role == Role.DEPARTMENT and user.unit_id else "您"
    if scope is None:
        return f"{who}负责的项目"
    from tuijin.projects.models import Project

    return f"{who}负责的 {Project.objects.filter(scope.project_q()).count()} 个项目"


def restrict_scope(user, scope):
    """Limit an indicator scope to the user's reach, so figures are computed over the scoped set only."""
    from tuijin.indicators.scope import Scope

    q = project_q(user, READ)
    if q is None:
        # Fail closed: no role, no unit or inactive → every figure is computed over no project at all.
        return Scope(scope.city, scope.unit, scope.annual_list, scope.category, scope.industry_node,
                     scope.min_total_wan, restrict=Q(pk__in=[]), restrict_label="无权限")
    root = scope.root
    if user.unit_id and user.role not in (Role.REPORTER, Role.DEPARTMENT) and not user.is_superuser:
        if not root.is_within(user.unit):
            raise Http404("单位不在您的权限范围内")
        # Already limited by the unit subtree; no extra restriction needed.
        return scope
    return Scope(scope.city, scope.unit, scope.annual_list, scope.category, scope.industry_node,
                 scope.min_total_wan, restrict=q, restrict_label=str(user.unit or user.username))


# ---------------------------------------------------------------- 民生实事 (livelihood items)


def livelihood_item_q(user, action: str = READ) -> Q | None:
    """The filter on livelihood Item for what the user may do `action` on; None means nothing at all.

    A unit role (市 / 板块 / 省) reads the programmes owned within its subtree (with the higher-level items
    counted in them) and the items led or co-led by units of its subtree; it reports, reviews and edits only
    as its role allows: reports on its programmes' items and the items its units lead, reviews and edits its
    own programmes. A department (部门经办) or reporter (填报员) reads the items its unit leads or cooperates
    on, and fills in the monthly progress of the items its unit leads (牵头单位填报, issue 7)."""
    from tuijin.livelihood.models import Item

    if not is_active_member(user):
        return None
    if user.is_superuser and not user.unit_id:
        return Q()
    uid = user.unit_id
    if user.role in (Role.DEPARTMENT, Role.REPORTER):
        if action == READ:
            return Q(lead_unit_id=uid) | Q(pk__in=Item.cooperating_units.through.objects.filter(
                orgunit_id=uid).values("item_id"))
        return Q(lead_unit_id=uid) if action == REPORT else None
    if not can(user, action):
        return None
    path = user.unit.path
    own = Q(programme__unit__path__startswith=path)
    if action == READ:
        shared = Item.shared_with.through.objects.filter(programme__unit__path__startswith=path).values("item_id")
        cooperating = Item.cooperating_units.through.objects.filter(
            orgunit__path__startswith=path).values("item_id")
        return own | Q(lead_unit__path__startswith=path) | Q(pk__in=shared) | Q(pk__in=cooperating)
    if action == REPORT:
        return own | Q(lead_unit__path__startswith=path)
    return own


def livelihood_items_for(user, action: str = READ):
    """The livelihood items the user may see (or act on): where every livelihood query starts."""
    from tuijin.livelihood.models import Item

    q = livelihood_item_q(user, action)
    if q is None:
        return Item.objects.none()
    return Item.objects.filter(q)


# ---------------------------------------------------------------- the city's own set-up


def administers_city(user, city) -> bool:
    """Whether the user may set up `city` itself (its org units, lists, breakdown dimensions): the city's
    administrator (市管理员 holding the city unit) or a superuser. Fails closed."""
    from .models import Role

    if city is None or not can(user, CONFIGURE):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.CITY_ADMIN and user.unit_id == city.pk


def administered_city(user):
    """The city a user sets up (its own, for a 市管理员 holding a city); None for anyone else."""
    from tuijin.orgs.models import UnitKind

    if not can(user, CONFIGURE) or not user.unit_id:
        return None
    return user.unit if user.unit.kind == UnitKind.CITY and administers_city(user, user.unit) else None
