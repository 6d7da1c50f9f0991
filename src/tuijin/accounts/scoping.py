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

from .models import Role

READ, WRITE, REPORT, REVIEW, MANAGE_USERS = "read", "write", "report", "review", "manage_users"
# What a user is told about a code or name they may not see: the same words whether it exists elsewhere or not
# at all, so no import, filter or form becomes an oracle for another city's (or district's) projects and units.
OUT_OF_REACH = "不在您的范围内或不存在"
AUDIT = "audit"  # search the audit trail of the user's city
CONFIGURE = "configure"  # the city's own settings: conventions (口径), bulletin wording, open-data exports

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

# Where each role reaches (for `tuijin roles` and the users page; scoping below is what enforces it).
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
    """Whether the user's role allows an action at all (the object must still be in scope)."""
    if not is_active_member(user):
        return False
    if user.is_superuser:
        return True
    return action in ROLE_ACTIONS.get(user.role, frozenset())


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
