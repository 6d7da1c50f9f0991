"""What limits what a user sees and may change, for the apps at or below accounts: the roles × actions table
(core.policy, re-exported), the units and users in reach. It fails closed (no unit, no role, inactive → nothing).

A user's reach is one of:
- a unit subtree (市管理员 / 市领导 / 省级查看 / 板块管理员): an indexed path-prefix filter;
- the projects assigned to them (填报员);
- the projects their department is responsible for (部门经办).

Reach over a model lives on the model's queryset (`visible_to(user, action)`, as netbox's RestrictedQuerySet):
`OrgUnit.objects.visible_to`, `Project.objects.visible_to` (projects.scoping: projects_for, get_project_or_404,
coverage), `Item.objects.visible_to` (livelihood.scoping); an indicator scope is cut down by
indicators.scope.restrict_scope. Those modules re-export this one's names, so a page imports one `scoping`.
"""

from __future__ import annotations

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

# Who sets a city up (its 市管理员): in orgs, which asks it of its own pages and services.
from tuijin.orgs.selectors import administered_city, administers_city  # noqa: F401


def units_for(user):
    """The org units the user may see: its unit's subtree (a reporter or department: its own unit)."""
    from tuijin.orgs.models import OrgUnit

    return OrgUnit.objects.visible_to(user)


def unit_root(user):
    """The unit at the top of the user's view (their city for a city role, their district for a district)."""
    if user.is_superuser and not user.unit_id:
        return None
    return user.unit


def users_for(user):
    """The users the user may manage: those of its unit's subtree, for a role with MANAGE_USERS."""
    from .models import User

    if not can(user, MANAGE_USERS):
        return User.objects.none()
    if user.is_superuser and not user.unit_id:
        return User.objects.all()
    return User.objects.filter(unit__path__startswith=user.unit.path)

