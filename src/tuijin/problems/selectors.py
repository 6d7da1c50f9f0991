"""Reads of 问题协调: who may see and act on a problem (through projects.scoping), the department and
supervision (督办) pages, overdue counts for the traffic lights, the 百日开工 countdown, the weekly dispatch
agenda and the notification list. Every function takes the user (or is a plain helper over ids) and a date,
so pages and tests can freeze the clock by passing `today`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tuijin.accounts.models import Role, User
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.projects import scoping
from tuijin.projects.models import Project, Stage, StageEvent

from .models import (
    OPEN_STATUSES,
    UNCLOSED_STATUSES,
    Decision,
    EscalationRule,
    LeaderLink,
    Level,
    Meeting,
    Notification,
    Problem,
    ProblemAttachment,
    ProblemCategory,
    Status,
)

DUE_SOON_DAYS = 3  # 临近时限: a deadline within this many days (today included)
# Escalation when a city has stored no rules: overdue 1 day → 市级督办, 8 days (a week at city level) → 分管市领导.
DEFAULT_ESCALATION = ((Level.CITY, 1), (Level.LEADER, 8))

RAISE, ASSIGN, SIGN, START, ANSWER, CLOSE, REOPEN = "raise", "assign", "sign", "start", "answer", "close", "reopen"
STEP_LABELS = {RAISE: "提出问题", ASSIGN: "交办", SIGN: "签收", START: "开始办理", ANSWER: "办结答复",
               CLOSE: "销号", REOPEN: "退回重办"}
# The state a step starts from.
STEP_FROM = {ASSIGN: (Status.RAISED,), SIGN: (Status.ASSIGNED,), START: (Status.SIGNED,),
             ANSWER: (Status.IN_PROGRESS,), CLOSE: (Status.ANSWERED,), REOPEN: (Status.ANSWERED,)}


def today_of(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# ---------------------------------------------------------------- scope and permissions


def problems_q(user) -> Q | None:
    """The filter on Problem for what the user may see: problems of the projects they see, and for a
    department (部门经办) also those their department leads or cooperates on."""
    q = scoping.project_q(user, scoping.READ)
    if q is None:
        return None
    if user.is_superuser and not user.unit_id:
        return Q()
    visible = Q(project__in=Project.objects.filter(q))
    if user.role == Role.DEPARTMENT:
        coop = Problem.cooperating.through.objects.filter(orgunit_id=user.unit_id).values("problem_id")
        visible |= Q(lead_department_id=user.unit_id) | Q(pk__in=coop)
    return visible


def problems_for(user):
    q = problems_q(user)
    if q is None:
        return Problem.objects.none()
    return Problem.objects.filter(q).select_related("project", "project__unit", "category", "lead_department")


def get_problem_or_404(user, pk) -> Problem:
    problem = problems_for(user).filter(pk=pk).first()
    if problem is None:
        raise Http404("问题不存在或不在您的权限范围内")
    return problem


def get_attachment_or_404(user, pk) -> ProblemAttachment:
    """An attachment, if the user may see its problem (404 otherwise)."""
    attachment = ProblemAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404("附件不存在")
    get_problem_or_404(user, attachment.problem_id)
    return attachment


def _in(user, action: str, project_id: int) -> bool:
    return scoping.projects_for(user, action).filter(pk=project_id).exists()


def is_lead_handler(user, problem: Problem) -> bool:
    """The lead department's handler (部门经办 of 牵头部门)."""
    if not scoping.is_active_member(user):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.DEPARTMENT and problem.lead_department_id is not None \
        and user.unit_id == problem.lead_department_id


def may(user, problem: Problem | None, step: str, project: Project | None = None) -> bool:
    """Whether the user's role and reach allow the step (the state is checked by the service)."""
    if not scoping.is_active_member(user):
        return False
    if step == RAISE:
        return _in(user, scoping.REPORT, (project or problem.project).pk)
    if step == ASSIGN:
        return _in(user, scoping.WRITE, problem.project_id)
    if step in (SIGN, START, ANSWER):
        return is_lead_handler(user, problem)
    if step in (CLOSE, REOPEN):
        # 提出方确认: the raiser, or the district / city that administers the project.
        if problem.raised_by_id == user.pk and _in(user, scoping.READ, problem.project_id):
            return True
        return _in(user, scoping.WRITE, problem.project_id)
    return False


def require(user, problem: Problem | None, step: str, project: Project | None = None) -> None:
    if not may(user, problem, step, project):
        raise PermissionDenied(f"您无权执行此操作: {STEP_LABELS.get(step, step)}")


def next_steps(user, problem: Problem) -> list[str]:
    """The steps this user could take now (for the buttons on a problem's page)."""
    return [s for s, froms in STEP_FROM.items() if problem.status in froms and may(user, problem, s)]


def categories():
    return ProblemCategory.objects.filter(active=True)


def city_of(project: Project) -> OrgUnit | None:
    return project.unit.city()


def departments_in(city: OrgUnit):
    """The departments a problem of this city can be assigned to: kind 部门 within the city's subtree."""
    return OrgUnit.objects.subtree(city).filter(kind=UnitKind.DEPARTMENT).order_by("path")


# ---------------------------------------------------------------- lists and pages


def annotate_due(problems, today: datetime.date):
    """Set .overdue and .days_left on each problem (for templates: 逾期 shows everywhere a problem does)."""
    out = list(problems)
    for p in out:
        p.overdue = p.is_overdue(today)
        p.days_left_value = p.days_left(today)
    return out


def problem_list(user, *, status: str = "", category: int | None = None, overdue_only: bool = False,
                 project: Project | None = None, today=None):
    today = today_of(today)
    qs = problems_for(user)
    if status == "open":
        qs = qs.filter(status__in=UNCLOSED_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category_id=category)
    if project is not None:
        qs = qs.filter(project=project)
    if overdue_only:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    return annotate_due(qs, today)


@dataclass
class DepartmentBoard:
    unit: OrgUnit
    overdue: list
    due_soon: list
    open: list
    cooperating: list
    decisions: list


def department_units(user):
    """The departments whose page the user may open: their own (部门经办), or every department of their
    reach (city / district roles)."""
    if not scoping.can(user, scoping.READ):
        return OrgUnit.objects.none()
    if user.role == Role.DEPARTMENT:
        return OrgUnit.objects.filter(pk=user.unit_id)
    return scoping.units_for(user).filter(kind=UnitKind.DEPARTMENT)


def department_board(user, unit: OrgUnit, today=None) -> DepartmentBoard:
    """A department's page: problems it leads (overdue / due soon / other open), those it cooperates on,
    and the meeting decisions it owns that are still open."""
    if not department_units(user).filter(pk=unit.pk).exists():
        raise Http404("部门不存在或不在您的权限范围内")
    today = today_of(today)
    # A department's own handler sees all its problems; a city or district role sees those of its reach.
    base = Problem.objects.all() if user.role == Role.DEPARTMENT or user.is_superuser else problems_for(user)
    base = base.select_related("project", "project__unit", "category", "lead_department")
    led = annotate_due(base.filter(lead_department=unit, status__in=OPEN_STATUSES).order_by("deadline", "id"), today)
    overdue = [p for p in led if p.overdue]
    soon = [p for p in led if not p.overdue and p.days_left_value is not None and p.days_left_value < DUE_SOON_DAYS]
    rest = [p for p in led if p not in overdue and p not in soon]
    coop = annotate_due(base.filter(cooperating=unit, status__in=UNCLOSED_STATUSES).order_by("deadline"), today)
    decisions = list(Decision.objects.filter(owner=unit, state=Decision.State.OPEN)
                     .select_related("meeting", "problem", "project").order_by("deadline"))
    for d in decisions:
        d.overdue = d.is_overdue(today)
    return DepartmentBoard(unit, overdue, soon, rest, coop, decisions)


def supervision_list(user, today=None) -> list:
    """督办: a city leader sees the problems escalated to them; a city or district role sees every escalated
    problem of its reach (市级督办 and above)."""
    today = today_of(today)
    if not scoping.can(user, scoping.READ):
        return []
    if user.role == Role.CITY_LEADER:
        qs = problems_for(user).filter(leader=user, level=Level.LEADER)
    else:
        qs = problems_for(user).filter(level__gte=Level.CITY)
    return annotate_due(qs.filter(status__in=UNCLOSED_STATUSES).order_by("-level", "deadline"), today)


def overdue_counts(project_ids, as_of: datetime.date) -> dict[int, int]:
    """Open problems past their deadline per project (the traffic lights' overdue_problem rule)."""
    # A queryset of ids stays a subquery (a province's listed projects are too many for one IN list on SQLite).
    ids = project_ids if isinstance(project_ids, QuerySet) else list(project_ids)
    rows = (Problem.objects.filter(project_id__in=ids, status__in=OPEN_STATUSES, deadline__lt=as_of)
            .values("project_id").annotate(n=Count("id")))
    return {r["project_id"]: r["n"] for r in rows}


BULLETIN_OVERDUE_NAMED = 10  # overdue problems named in a bulletin (the oldest deadlines first)


def bulletin_figures(*, city: OrgUnit, unit: OrgUnit | None, period, scope) -> dict:
    """The 问题协调 paragraph of a bulletin, over the problems of the scope's projects: raised in the period
    (new_count), answered (办结) in it (closed_count), not yet answered at its end (open_count) and, of those,
    past their deadline (overdue_count, overdue_problems: "项目 问题摘要", the oldest deadlines first). {} when
    the scope has no problem at all raised by the period's end, so such a bulletin has no paragraph. A problem
    reopened after its answer counts by its latest answer. One query for the counts, one for the names."""
    start, end = period.start, period.end
    qs = Problem.objects.filter(project__in=Project.objects.filter(scope.project_q()), raised_at__date__lte=end)
    unanswered = Q(answered_at__isnull=True) | Q(answered_at__date__gt=end)
    overdue_q = unanswered & Q(deadline__lt=end)
    n = qs.aggregate(  # one query for every count
        raised=Count("id"), new=Count("id", filter=Q(raised_at__date__gte=start)),
        closed=Count("id", filter=Q(answered_at__date__gte=start, answered_at__date__lte=end)),
        open=Count("id", filter=unanswered), overdue=Count("id", filter=overdue_q))
    if not n["raised"]:
        return {}
    overdue = (qs.filter(overdue_q).select_related("project").order_by("deadline", "id")[:BULLETIN_OVERDUE_NAMED]
               if n["overdue"] else [])
    return {
        "new_count": n["new"],
        "closed_count": n["closed"],
        "open_count": n["open"],
        "overdue_count": n["overdue"],
        "overdue_problems": [f"{p.project.name} {p.title}" for p in overdue],
    }


# ---------------------------------------------------------------- escalation rules and leaders


def escalation_steps(city: OrgUnit) -> list[tuple[int, int, User | None]]:
    """(level, days overdue, fallback leader) in level order: the city's active rules, else the defaults."""
    rows = list(EscalationRule.objects.filter(city=city, active=True).select_related("leader").order_by("level"))
    if not rows and not EscalationRule.objects.filter(city=city).exists():
        return [(level, days, None) for level, days in DEFAULT_ESCALATION]
    return [(r.level, r.days_overdue, r.leader) for r in rows]


def leader_for(project: Project, city: OrgUnit, fallback: User | None = None) -> User | None:
    """The city leader a problem goes to (分管市领导): the account linked to the project's 责任领导 name,
    else a 市领导 of the city whose name is that name, else the rule's fallback leader."""
    name = (project.responsible_leader or "").strip()
    if name:
        link = LeaderLink.objects.filter(city=city, leader_name=name, user__is_active=True).select_related("user")
        if link.exists():
            return link.first().user
        by_name = User.objects.filter(role=Role.CITY_LEADER, unit=city, is_active=True, first_name=name).first()
        if by_name is not None:
            return by_name
    return fallback


# ---------------------------------------------------------------- 百日开工


@dataclass(frozen=True)
class Countdown:
    signed_on: datetime.date
    limit: int
    days_since: int

    @property
    def days_left(self) -> int:
        return self.limit - self.days_since

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _limit(unit: OrgUnit | None, year: int, cache: dict) -> int:
    """The 百日开工 days of the unit's conventions in the signing year (read once per unit and year)."""
    from tuijin.orgs.selectors import conventions_for

    if unit is None:
        return 100
    if (unit.pk, year) not in cache:
        cache[unit.pk, year] = conventions_for(unit, year).start_deadline_days
    return cache[unit.pk, year]


def start_countdowns(projects, today=None) -> dict[int, Countdown]:
    """百日开工 for lists: {project id: Countdown} of the signed, unstarted (and not terminated) projects among
    `projects` (a queryset or ids). Two queries plus one per city for its limit."""
    today = today_of(today)
    ids = projects.values("pk") if hasattr(projects, "values") else list(projects)
    started = StageEvent.objects.filter(project=OuterRef("project_id"), stage=Stage.STARTED, date__lte=today)
    signed = (StageEvent.objects.filter(project_id__in=ids, stage=Stage.SIGNED, date__lte=today)
              .exclude(project__stage=Stage.TERMINATED).filter(~Exists(started))
              .values_list("project_id", "date", "project__unit_id"))
    rows = list(signed)
    if not rows:
        return {}
    cities, limits, out = {}, {}, {}
    units = OrgUnit.objects.in_bulk({u for _, _, u in rows})
    for pid, date, unit_id in rows:
        unit = units[unit_id]
        if unit_id not in cities:
            cities[unit_id] = unit.city()
        out[pid] = Countdown(date, _limit(cities[unit_id], date.year, limits), (today - date).days)
    return out


def start_countdown(project: Project, today=None) -> Countdown | None:
    """百日开工 for one project's page: None unless it is signed and not started."""
    return start_countdowns([project.pk], today).get(project.pk)


# ---------------------------------------------------------------- weekly dispatch agenda (周调度)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def visible_cities(user):
    from tuijin.accounts.selectors import visible_cities as cities

    return cities(user)


# ---------------------------------------------------------------- meetings


def meetings_for(user):
    if not scoping.can(user, scoping.READ):
        return Meeting.objects.none()
    return Meeting.objects.filter(city__in=visible_cities(user)).select_related("city")


def visible_decisions(user, decisions):
    """Meeting decisions the user may read about: on a problem they see, else on a project in reach or on no
    project, or owned by their own unit. A city's meeting is open to all its users; a decision on another
    district's project is not (it would name that project on the agenda and the meeting page)."""
    q = problems_q(user)
    if q is None:
        return decisions.none()
    seen = (Q(problem__isnull=False, problem__in=Problem.objects.filter(q))
            | Q(problem__isnull=True, project__isnull=True)
            | Q(problem__isnull=True, project__in=scoping.projects_for(user)))
    if user.unit_id:
        seen |= Q(owner_id=user.unit_id)
    return decisions.filter(seen)


def get_meeting_or_404(user, pk) -> Meeting:
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("会议不存在或不在您的权限范围内")
    return meeting


def can_run_meetings(user, city: OrgUnit) -> bool:
    """周调度 and 联审会办 are run by the city's administrators (市管理员)."""
    if not scoping.can(user, scoping.WRITE):
        return False
    if user.is_superuser:
        return True
    return user.unit_id == city.pk


# ---------------------------------------------------------------- notifications


def notifications_for(user):
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("problem", "problem__project")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
