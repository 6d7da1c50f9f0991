"""Writes of 问题协调: the problem workflow (提出 → 交办 → 签收 → 办理中 → 办结 → 销号, or 退回重办), attachments,
escalation (督办) by the city's rules, notifications (in-app and e-mail) and the daily digest, weekly dispatch
and joint review meetings with their decisions. Every function takes keyword arguments, checks the actor's
role and reach (selectors.may), validates, runs in a transaction, records the step (ProblemEvent) and the
change (audit), and takes `now` so tests can freeze the clock."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.accounts.models import Role, User
from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.files import MAX_ATTACHMENT_BYTES, check_attachment
from tuijin.core.policy import CONFIGURE, require_actor
from tuijin.core.text import hidden_character_problem
from tuijin.orgs.models import OrgUnit, UnitKind

from . import selectors as sel
from .models import (
    OPEN_STATUSES,
    Decision,
    DigestSent,
    EscalationRule,
    LeaderLink,
    Level,
    Meeting,
    Notification,
    Problem,
    ProblemAttachment,
    ProblemCategory,
    ProblemEvent,
    Status,
)

CATEGORIES = [("land", "用地", 1), ("environment", "环保", 2), ("finance", "融资", 3), ("approval", "审批", 4),
              ("demolition", "拆迁", 5), ("utilities", "水电气", 6), ("labour", "用工", 7), ("other", "其他", 9)]
TRACKED = ["status", "category", "title", "description", "lead_department", "deadline", "answer", "level",
           "leader", "reopen_count"]


def ensure_categories() -> None:
    """The categories DOMAIN.md names (also seeded by migration; a flushed test database needs them again)."""
    for code, name, order in CATEGORIES:
        ProblemCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def _now(now):
    return now or timezone.now()


def _u(actor):
    """The actor as a stored user for a foreign key (None for the system or an unsaved demo actor)."""
    return actor if getattr(actor, "pk", None) else None


def _today(now) -> datetime.date:
    return timezone.localdate(now)


def _text(value, field: str, label: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError(f"请填写{label}", field=field)
    if max_length and len(value) > max_length:
        raise InputError(f"{label}不能超过 {max_length} 个字", field=field)
    problem = hidden_character_problem(value)
    if problem:
        raise InputError(f"{label}{problem}", field=field)
    return value


def _state(problem: Problem, step: str) -> None:
    allowed = sel.STEP_FROM[step]
    if problem.status not in allowed:
        want = "/".join(Status(s).label for s in allowed)
        raise InputError(f"问题当前为「{problem.get_status_display()}」, 只有「{want}」的问题可以"
                         f"{sel.STEP_LABELS[step]}", field="status")


def _event(problem, action, actor, now, before_status, note=""):
    return ProblemEvent.objects.create(
        problem=problem, action=action, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.username) if actor is not None else "系统",
        at=now, from_status=before_status, to_status=problem.status, note=note)


def _save(problem, actor, before, reason):
    problem.save()
    record_change(actor=actor, action="update", obj=problem, before=before, after=snapshot(problem, TRACKED),
                  reason=reason)


# ---------------------------------------------------------------- notifications


def _users_of(unit_ids, roles=None):
    qs = User.objects.filter(unit_id__in=list(unit_ids), is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs


def _send_mail_later(notification_ids: list[int]) -> None:
    """E-mail the notifications once the transaction has committed (Django's e-mail backend)."""
    def send():
        for n in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
                "recipient"):
            if not n.recipient.email:
                continue
            send_mail(f"[推进] {n.get_kind_display()}: {n.text[:60]}", n.text,
                      getattr(settings, "DEFAULT_FROM_EMAIL", None), [n.recipient.email], fail_silently=True)
            Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())

    transaction.on_commit(send)


def notify(*, recipients, kind: str, text: str, key: str, now=None, problem=None, decision=None) -> list[Notification]:
    """One notification per recipient (an actor does not notify itself is left to the caller); a (recipient,
    key) pair already notified is skipped, so repeated runs notify once."""
    now = _now(now)
    made = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        if Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                made.append(Notification.objects.create(recipient=user, kind=kind, text=text[:300], key=key[:120],
                                                        created_at=now, problem=problem, decision=decision))
        except IntegrityError:  # a concurrent run made it first
            continue
    if made:
        _send_mail_later([n.pk for n in made])
    return made


@transaction.atomic
def mark_read(*, user, ids=None, now=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=_now(now))


def _department_users(problem):
    return _users_of([problem.lead_department_id], [Role.DEPARTMENT]) if problem.lead_department_id else []


def _city_admins(city):
    return _users_of([city.pk], [Role.CITY_ADMIN]) if city else []


def _raisers(problem):
    """Who confirms an answer: the raiser, and the administrators of the project's unit (板块 or 市)."""
    users = list(_users_of([problem.project.unit_id], [Role.DISTRICT_ADMIN, Role.CITY_ADMIN]))
    if problem.raised_by_id and problem.raised_by.is_active:
        users.append(problem.raised_by)
    return users


# ---------------------------------------------------------------- the workflow


@transaction.atomic
def raise_problem(*, actor, project, category: ProblemCategory, title: str, description: str = "", report=None,
                  source: str = Problem.Source.MANUAL, now=None) -> Problem:
    """提出: a reporter (their projects), the district or the city raises a problem on a project."""
    sel.require(actor, None, sel.RAISE, project=project)
    now = _now(now)
    title = _text(title, "title", "问题摘要", max_length=120)
    description = _text(description, "description", "问题描述", required=False)
    if category is None or not isinstance(category, ProblemCategory):
        raise InputError("请选择问题类别", field="category")
    if not category.active:
        raise InputError(f"问题类别「{category}」已停用", field="category")
    if report is not None and report.project_id != project.pk:
        raise InputError("月报不属于该项目", field="report")
    problem = Problem.objects.create(project=project, category=category, title=title, description=description,
                                     report=report, source=source, raised_by=_u(actor), raised_at=now)
    record_change(actor=actor, action="create", obj=problem, before=None, after=snapshot(problem, TRACKED),
                  reason="提出问题")
    _event(problem, ProblemEvent.Action.RAISE, actor, now, "", description or title)
    return problem


def problem_from_report(*, actor, report, category: ProblemCategory, title: str = "", description: str = "",
                        now=None) -> Problem:
    """Turn a monthly report's free-text 存在问题 into a tracked problem (title defaults to its first line).
    The actor and its reach are checked first, so a report out of reach tells nothing about its text."""
    sel.require(actor, None, sel.RAISE, project=report.project)
    text = (report.problems_text or "").strip()
    if not text:
        raise InputError("该月报没有填写存在问题", field="report")
    first = text.splitlines()[0].strip()
    title = (title or "").strip() or (first[:117] + "…" if len(first) > 120 else first)
    return raise_problem(actor=actor, project=report.project, category=category, title=title,
                         description=description or f"{report.year}年{report.month}月月报: {text}", report=report,
                         source=Problem.Source.REPORT, now=now)


def _check_department(unit, city, field: str, label: str) -> None:
    if not isinstance(unit, OrgUnit) or unit.kind != UnitKind.DEPARTMENT:
        raise InputError(f"{label}应为部门, 收到 {unit}", field=field)
    if city is None or not unit.is_within(city):
        raise InputError(f"{label}「{unit}」不属于{city}, 不能交办", field=field)


@transaction.atomic
def assign(*, actor, problem: Problem, lead_department, deadline: datetime.date, cooperating=(), note: str = "",
           now=None) -> Problem:
    """交办: the district or city names the lead department (牵头部门), cooperating departments (配合单位)
    and a deadline (today or later). Departments must belong to the project's city."""
    sel.require(actor, problem, sel.ASSIGN)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    _state(problem, sel.ASSIGN)
    now = _now(now)
    city = sel.city_of(problem.project)
    _check_department(lead_department, city, "lead_department", "牵头部门")
    cooperating = [u for u in cooperating if u is not None]
    for unit in cooperating:
        _check_department(unit, city, "cooperating", "配合单位")
    if any(u.pk == lead_department.pk for u in cooperating):
        raise InputError("牵头部门不必再列为配合单位", field="cooperating")
    if not isinstance(deadline, datetime.date):
        raise InputError("请填写办理时限", field="deadline")
    if deadline < _today(now):
        raise InputError(f"办理时限 {deadline:%Y-%m-%d} 已过, 请填写今天或以后的日期", field="deadline")
    before, old = snapshot(problem, TRACKED), problem.status
    problem.lead_department, problem.deadline, problem.status = lead_department, deadline, Status.ASSIGNED
    problem.assigned_by, problem.assigned_at = _u(actor), now
    _save(problem, actor, before, "交办")
    problem.cooperating.set(cooperating)
    coop = "、".join(u.name for u in cooperating)
    _event(problem, ProblemEvent.Action.ASSIGN, actor, now, old,
           f"牵头 {lead_department}{f'; 配合 {coop}' if coop else ''}; 时限 {deadline:%Y-%m-%d}"
           f"{f'; {note}' if note else ''}")
    notify(recipients=list(_department_users(problem)) + list(_users_of([u.pk for u in cooperating],
                                                                        [Role.DEPARTMENT])),
           kind=Notification.Kind.ASSIGNED, problem=problem, now=now,
           key=f"assigned:{problem.pk}:{now:%Y%m%d%H%M%S%f}",
           text=f"{problem.project.name}「{problem.title}」已交办{lead_department}, 时限 {deadline:%Y-%m-%d}")
    return problem


def _department_step(*, actor, problem, step, status, action, note, now, field_updates):
    sel.require(actor, problem, step)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    _state(problem, step)
    now = _now(now)
    before, old = snapshot(problem, TRACKED), problem.status
    problem.status = status
    for name, value in field_updates(now).items():
        setattr(problem, name, value)
    _save(problem, actor, before, sel.STEP_LABELS[step])
    _event(problem, action, actor, now, old, note)
    return problem, now


@transaction.atomic
def sign(*, actor, problem: Problem, note: str = "", now=None) -> Problem:
    """签收: the lead department's handler acknowledges the assignment."""
    note = _text(note, "note", "说明", required=False, max_length=500)
    problem, _ = _department_step(actor=actor, problem=problem, step=sel.SIGN, status=Status.SIGNED,
                                  action=ProblemEvent.Action.SIGN, note=note, now=now,
                                  field_updates=lambda n: {"signed_by": _u(actor), "signed_at": n})
    return problem


@transaction.atomic
def start(*, actor, problem: Problem, note: str = "", now=None) -> Problem:
    """办理中: the lead department starts working it."""
    note = _text(note, "note", "说明", required=False, max_length=500)
    problem, _ = _department_step(actor=actor, problem=problem, step=sel.START, status=Status.IN_PROGRESS,
                                  action=ProblemEvent.Action.START, note=note, now=now,
                                  field_updates=lambda n: {"started_at": n})
    return problem


@transaction.atomic
def answer(*, actor, problem: Problem, text: str, now=None) -> Problem:
    """办结: the lead department answers (the answer is required); the raiser is asked to confirm."""
    text = _text(text, "answer", "办结答复")
    problem, now = _department_step(actor=actor, problem=problem, step=sel.ANSWER, status=Status.ANSWERED,
                                    action=ProblemEvent.Action.ANSWER, note=text, now=now,
                                    field_updates=lambda n: {"answer": text, "answered_by": _u(actor), "answered_at": n})
    notify(recipients=_raisers(problem), kind=Notification.Kind.ANSWERED, problem=problem, now=now,
           key=f"answered:{problem.pk}:{problem.reopen_count}",
           text=f"{problem.project.name}「{problem.title}」已由{problem.lead_department}办结, 请确认销号")
    return problem


@transaction.atomic
def close(*, actor, problem: Problem, note: str = "", now=None) -> Problem:
    """销号: the raiser (or the district / city) confirms the answer."""
    sel.require(actor, problem, sel.CLOSE)
    note = _text(note, "note", "说明", required=False, max_length=500)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    _state(problem, sel.CLOSE)
    if not problem.answer.strip():
        raise InputError("问题尚无办结答复, 不能销号", field="answer")
    now = _now(now)
    before, old = snapshot(problem, TRACKED), problem.status
    problem.status, problem.closed_by, problem.closed_at = Status.CLOSED, _u(actor), now
    _save(problem, actor, before, "销号")
    _event(problem, ProblemEvent.Action.CLOSE, actor, now, old, note)
    return problem


@transaction.atomic
def reopen(*, actor, problem: Problem, reason: str, now=None) -> Problem:
    """退回重办: the raiser is not satisfied with the answer; the problem goes back to 办理中 with the reason
    (the deadline stays; the lead department is notified)."""
    sel.require(actor, problem, sel.REOPEN)
    reason = _text(reason, "reason", "退回理由")
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    _state(problem, sel.REOPEN)
    now = _now(now)
    before, old = snapshot(problem, TRACKED), problem.status
    problem.status, problem.answer = Status.IN_PROGRESS, ""
    problem.answered_by, problem.answered_at = None, None
    problem.reopen_count += 1
    _save(problem, actor, before, f"退回重办: {reason}")
    _event(problem, ProblemEvent.Action.REOPEN, actor, now, old, reason)
    notify(recipients=_department_users(problem), kind=Notification.Kind.RETURNED, problem=problem, now=now,
           key=f"returned:{problem.pk}:{problem.reopen_count}",
           text=f"{problem.project.name}「{problem.title}」的办结答复被退回: {reason}")
    return problem


@transaction.atomic
def add_attachment(*, actor, problem: Problem, file, name: str = "", now=None) -> ProblemAttachment:
    """附件: anyone who may see the problem and act on it (raiser side or the departments) adds a file."""
    if not sel.problems_for(actor).filter(pk=problem.pk).exists():
        raise PermissionDenied("问题不在您的权限范围内")
    if actor.role in (Role.CITY_LEADER, Role.PROVINCE_READER) and not actor.is_superuser:
        raise PermissionDenied("只读角色不能上传附件")
    if file is None:
        raise InputError("请选择文件", field="file")
    if getattr(file, "size", 0) > MAX_ATTACHMENT_BYTES:
        raise InputError("附件不能超过 20 MB", field="file")
    check_attachment(file, field="file")
    now = _now(now)
    name = _text(name or getattr(file, "name", ""), "name", "文件名", max_length=200)
    att = ProblemAttachment.objects.create(problem=problem, file=file, name=name, uploaded_by=_u(actor), uploaded_at=now)
    record_change(actor=actor, action="create", obj=att, before=None, after=snapshot(att),
                  project_id=problem.project_id, reason="上传附件")
    _event(problem, ProblemEvent.Action.ATTACH, actor, now, problem.status, name)
    return att


# ---------------------------------------------------------------- escalation (督办)


@transaction.atomic
def set_escalation_rule(*, actor, city: OrgUnit, level: int, days_overdue: int, leader=None,
                        active: bool = True) -> EscalationRule:
    require_actor(actor, CONFIGURE)
    if not (actor.is_superuser or actor.unit_id == city.pk):
        raise PermissionDenied("只有市管理员可以设置督办规则")
    if level not in (Level.CITY, Level.LEADER):
        raise InputError("督办层级应为 1 (市级) 或 2 (分管市领导)", field="level")
    if int(days_overdue) < 1:
        raise InputError("逾期天数应为正整数", field="days_overdue")
    if leader is not None and (leader.role != Role.CITY_LEADER or leader.unit_id != city.pk):
        raise InputError(f"{leader} 不是{city}的市领导账号", field="leader")
    rule = EscalationRule.objects.filter(city=city, level=level).first()
    before = snapshot(rule) if rule else None
    rule = rule or EscalationRule(city=city, level=level)
    rule.days_overdue, rule.leader, rule.active = int(days_overdue), leader, active
    rule.save()
    record_change(actor=actor, action="update" if before else "create", obj=rule, before=before,
                  after=snapshot(rule), reason="督办规则")
    return rule


@transaction.atomic
def link_leader(*, actor, city: OrgUnit, leader_name: str, user: User) -> LeaderLink:
    """包挂领导: link a 责任领导 name used on projects (张副市长) to a 市领导 account of the city."""
    require_actor(actor, CONFIGURE)
    if not (actor.is_superuser or actor.unit_id == city.pk):
        raise PermissionDenied("只有市管理员可以设置领导账号")
    leader_name = _text(leader_name, "leader_name", "责任领导", max_length=50)
    if user.role != Role.CITY_LEADER or user.unit_id != city.pk:
        raise InputError(f"{user} 不是{city}的市领导账号", field="user")
    link, created = LeaderLink.objects.update_or_create(city=city, leader_name=leader_name,
                                                        defaults={"user": user})
    record_change(actor=actor, action="create" if created else "update", obj=link, before=None,
                  after=snapshot(link), reason="领导账号对应")
    return link


def run_escalation(*, now=None, city: OrgUnit | None = None) -> list[tuple[Problem, int]]:
    """督办: every open problem past its deadline climbs to the highest level its days overdue reach under its
    city's rules (never down, never twice); due-soon problems notify their department once per deadline.
    Safe to run any number of times a day. Returns the (problem, new level) escalated."""
    now = _now(now)
    today = _today(now)
    done = []
    qs = Problem.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False).select_related(
        "project", "project__unit", "lead_department")
    if city is not None:
        qs = qs.filter(project__unit__path__startswith=city.path)
    steps_cache: dict[int, list] = {}
    for problem in qs.filter(deadline__lt=today).order_by("deadline", "id"):
        c = sel.city_of(problem.project)
        if c is None:
            continue
        if c.pk not in steps_cache:
            steps_cache[c.pk] = sel.escalation_steps(c)
        overdue = (today - problem.deadline).days
        reached = [(lvl, leader) for lvl, days, leader in steps_cache[c.pk] if overdue >= days]
        if not reached:
            continue
        level, fallback = max(reached, key=lambda t: t[0])
        if level <= problem.level:
            continue
        with transaction.atomic():
            done.append((_escalate(problem, c, level, fallback, overdue, now), level))
    for problem in qs.filter(deadline__gte=today, deadline__lt=today + datetime.timedelta(days=sel.DUE_SOON_DAYS)):
        left = (problem.deadline - today).days
        notify(recipients=_department_users(problem), kind=Notification.Kind.DUE_SOON, problem=problem, now=now,
               key=f"due_soon:{problem.pk}:{problem.deadline:%Y%m%d}",
               text=f"{problem.project.name}「{problem.title}」办理时限 {problem.deadline:%Y-%m-%d}"
                    f"{'今天到期' if left == 0 else f', 还剩 {left} 天'}")
    return done


def _escalate(problem: Problem, city: OrgUnit, level: int, fallback, overdue: int, now) -> Problem:
    problem = Problem.objects.select_for_update(of=("self",)).select_related("project", "lead_department").get(pk=problem.pk)
    if level <= problem.level:
        return problem
    before = snapshot(problem, TRACKED)
    problem.level, problem.escalated_at = level, now
    leader = None
    if level >= Level.LEADER:
        leader = sel.leader_for(problem.project, city, fallback)
        problem.leader = leader
    label = Level(level).label
    _save(problem, None, before, f"逾期 {overdue} 天, {label}")
    who = f" ({leader.get_full_name() or leader.username})" if leader else ""
    _event(problem, ProblemEvent.Action.ESCALATE, None, now, problem.status,
           f"时限 {problem.deadline:%Y-%m-%d}, 逾期 {overdue} 天, 升级为{label}{who}")
    recipients = list(_department_users(problem)) + list(_city_admins(city))
    if leader is not None:
        recipients.append(leader)
    notify(recipients=recipients, kind=Notification.Kind.ESCALATED, problem=problem, now=now,
           key=f"escalated:{problem.pk}:{level}",
           text=f"【{label}】{problem.project.name}「{problem.title}」逾期 {overdue} 天 (牵头 {problem.lead_department},"
                f" 时限 {problem.deadline:%Y-%m-%d})")
    return problem


# ---------------------------------------------------------------- daily digest


def digest_for(user, today) -> list[str]:
    """The lines of one user's daily digest: unread notifications, and for a department its overdue and
    due-soon problems, for a leader the problems escalated to them."""
    lines = []
    unread = list(Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("created_at")[:50])
    if unread:
        lines.append(f"未读通知 {len(unread)} 条:")
        lines += [f"  - [{n.get_kind_display()}] {n.text}" for n in unread]
    if user.role == Role.DEPARTMENT and user.unit_id:
        board = sel.department_board(user, user.unit, today)
        if board.overdue:
            lines.append(f"本部门逾期问题 {len(board.overdue)} 个:")
            lines += [f"  - {p.project.name}「{p.title}」时限 {p.deadline:%Y-%m-%d}"
                      + (f" ({p.get_level_display()})" if p.level else "") for p in board.overdue]
        if board.due_soon:
            lines.append(f"临近时限问题 {len(board.due_soon)} 个:")
            lines += [f"  - {p.project.name}「{p.title}」时限 {p.deadline:%Y-%m-%d}" for p in board.due_soon]
    if user.role == Role.CITY_LEADER:
        mine = sel.supervision_list(user, today)
        if mine:
            lines.append(f"提请您督办的问题 {len(mine)} 个:")
            lines += [f"  - {p.project.name}「{p.title}」牵头 {p.lead_department}, 时限 {p.deadline:%Y-%m-%d}"
                      for p in mine]
    return lines


def send_digest(*, now=None, users=None) -> list[tuple[User, int]]:
    """每日摘要: one e-mail per user with an address and something to say, at most once a day (DigestSent)."""
    now = _now(now)
    today = _today(now)
    sent = []
    users = users if users is not None else User.objects.filter(is_active=True).exclude(email="").exclude(role="")
    for user in users:
        if not user.email or DigestSent.objects.filter(recipient=user, day=today).exists():
            continue
        lines = digest_for(user, today)
        if not lines:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(recipient=user, day=today, sent_at=now, items=len(lines))
        except IntegrityError:
            continue
        body = f"{user.get_full_name() or user.username}, 您好:\n\n" + "\n".join(lines) + "\n\n—— 推进 · 重大项目推进平台"
        send_mail(f"[推进] 每日摘要 {today:%Y-%m-%d}", body, getattr(settings, "DEFAULT_FROM_EMAIL", None),
                  [user.email], fail_silently=False)
        sent.append((user, len(lines)))
    return sent


# ---------------------------------------------------------------- meetings: weekly dispatch and joint review


def _require_meeting(actor, city: OrgUnit) -> None:
    if not sel.can_run_meetings(actor, city):
        raise PermissionDenied("只有本市管理员可以组织周调度和联审会办")


@transaction.atomic
def create_weekly_meeting(*, actor, city: OrgUnit, week_start: datetime.date, held_on: datetime.date | None = None,
                          title: str = "", chair: str = "", attendees: str = "", minutes: str = "",
                          now=None) -> Meeting:
    """周调度会: one per city and week (the Monday of `week_start`)."""
    _require_meeting(actor, city)
    if city.kind != UnitKind.CITY:
        raise InputError(f"{city} 不是城市", field="city")
    now = _now(now)
    monday = sel.monday_of(week_start)
    if Meeting.objects.filter(city=city, kind=Meeting.Kind.WEEKLY, week_start=monday).exists():
        raise InputError(f"{city} {monday:%Y-%m-%d} 这一周的周调度会已经建立", field="week_start")
    held_on = held_on or monday
    if not monday <= held_on <= monday + datetime.timedelta(days=6):
        raise InputError("召开日期应在所选的一周之内", field="held_on")
    meeting = Meeting.objects.create(
        city=city, kind=Meeting.Kind.WEEKLY, week_start=monday, held_on=held_on,
        title=_text(title, "title", "会议名称", required=False, max_length=120)
        or f"{city.name}重大项目周调度会 ({monday:%Y-%m-%d} 周)",
        chair=chair.strip()[:60], attendees=attendees.strip(), minutes=minutes.strip(), created_by=_u(actor),
        created_at=now)
    record_change(actor=actor, action="create", obj=meeting, before=None, after=snapshot(meeting), reason="周调度会")
    return meeting


@transaction.atomic
def update_minutes(*, actor, meeting: Meeting, minutes: str, attendees: str | None = None,
                   chair: str | None = None) -> Meeting:
    _require_meeting(actor, meeting.city)
    before = snapshot(meeting)
    meeting.minutes = minutes.strip()
    if attendees is not None:
        meeting.attendees = attendees.strip()
    if chair is not None:
        meeting.chair = chair.strip()[:60]
    meeting.save()
    record_change(actor=actor, action="update", obj=meeting, before=before, after=snapshot(meeting),
                  reason="会议纪要")
    return meeting


@transaction.atomic
def add_decision(*, actor, meeting: Meeting, text: str, owner: OrgUnit, deadline: datetime.date, problem=None,
                 project=None, now=None) -> Decision:
    """决定事项: an assignment with an owner (a department or unit of the city) and a deadline; it is tracked
    on the owner's page and in later agendas until done."""
    _require_meeting(actor, meeting.city)
    now = _now(now)
    text = _text(text, "text", "决定内容")
    if not isinstance(owner, OrgUnit) or not owner.is_within(meeting.city):
        raise InputError(f"责任单位「{owner}」不属于{meeting.city}", field="owner")
    if not isinstance(deadline, datetime.date):
        raise InputError("请填写完成时限", field="deadline")
    if deadline < _today(now):
        raise InputError(f"完成时限 {deadline:%Y-%m-%d} 已过", field="deadline")
    if problem is not None:
        if not problem.project.unit.is_within(meeting.city):
            raise InputError("问题不属于本市", field="problem")
        project = project or problem.project
    if project is not None and not project.unit.is_within(meeting.city):
        raise InputError("项目不属于本市", field="project")
    decision = Decision.objects.create(meeting=meeting, problem=problem, project=project, text=text, owner=owner,
                                       deadline=deadline)
    record_change(actor=actor, action="create", obj=decision, before=None, after=snapshot(decision),
                  project_id=project.pk if project else None, reason=meeting.title)
    if problem is not None:
        _event(problem, ProblemEvent.Action.DECISION, actor, now, problem.status,
               f"{meeting.title}: {text} (责任单位 {owner}, 时限 {deadline:%Y-%m-%d})")
    notify(recipients=_users_of([owner.pk], [Role.DEPARTMENT, Role.DISTRICT_ADMIN, Role.CITY_ADMIN]),
           kind=Notification.Kind.DECISION, decision=decision, problem=problem, now=now,
           key=f"decision:{decision.pk}", text=f"{meeting.title}决定: {text} (时限 {deadline:%Y-%m-%d})")
    return decision


@transaction.atomic
def complete_decision(*, actor, decision: Decision, result: str, now=None) -> Decision:
    """落实: the owner (its handlers) or the city's administrators mark a decision done, with what was done."""
    owner_user = scoping.is_active_member(actor) and actor.unit_id == decision.owner_id \
        and actor.role in (Role.DEPARTMENT, Role.DISTRICT_ADMIN, Role.CITY_ADMIN)
    if not (owner_user or sel.can_run_meetings(actor, decision.meeting.city)):
        raise PermissionDenied("只有责任单位或市管理员可以填报落实情况")
    result = _text(result, "result", "落实情况", max_length=1000)
    if decision.state == Decision.State.DONE:
        raise InputError("该决定事项已落实", field="state")
    before = snapshot(decision)
    decision.state, decision.result, decision.done_by, decision.done_at = Decision.State.DONE, result, _u(actor), _now(now)
    decision.save()
    record_change(actor=actor, action="update", obj=decision, before=before, after=snapshot(decision),
                  project_id=decision.project_id, reason="决定事项落实")
    return decision


JOINT_ASSIGN, JOINT_ANSWER, JOINT_NOTE = "assign", "answer", "note"


@transaction.atomic
def joint_review(*, actor, city: OrgUnit, held_on: datetime.date, departments_present, items: list[dict],
                 title: str = "", minutes: str = "", now=None) -> Meeting:
    """联审会办: a session on several problems with the departments present; each item is
    {"problem", "decision", "owner" (department), "deadline", "outcome"} and moves its problem on:
    - "assign": a raised problem is assigned to the owner with the deadline (交办);
    - "answer": an open problem is answered by the session's decision (办结; the raiser still confirms);
    - "note" (default): the decision is recorded and tracked, the problem's state is unchanged.
    Every item also becomes a decision (assignment) of the session. All or nothing."""
    _require_meeting(actor, city)
    now = _now(now)
    if not items:
        raise InputError("请至少选择一个问题", field="items")
    present = list(departments_present)
    for unit in present:
        _check_department(unit, city, "departments_present", "参会部门")
    meeting = Meeting.objects.create(city=city, kind=Meeting.Kind.JOINT, held_on=held_on,
                                     title=_text(title, "title", "会议名称", required=False, max_length=120)
                                     or f"{city.name}重大项目联审会办 ({held_on:%Y-%m-%d})",
                                     minutes=minutes.strip(), created_by=_u(actor), created_at=now)
    meeting.departments_present.set(present)
    record_change(actor=actor, action="create", obj=meeting, before=None, after=snapshot(meeting), reason="联审会办")
    seen = set()
    for item in items:
        problem = item["problem"]
        if problem.pk in seen:
            raise InputError(f"问题「{problem.title}」重复", field="items")
        seen.add(problem.pk)
        if not sel.problems_for(actor).filter(pk=problem.pk).exists() or not problem.project.unit.is_within(city):
            raise PermissionDenied(f"问题「{problem.title}」不在您的权限范围内")
        outcome = item.get("outcome") or JOINT_NOTE
        text = _text(item.get("decision"), "decision", "会办意见")
        owner = item.get("owner") or problem.lead_department
        deadline = item.get("deadline") or (_today(now) if outcome == JOINT_ANSWER else problem.deadline)
        if owner is None or deadline is None:
            raise InputError(f"问题「{problem.title}」: 请填写责任部门和时限", field="owner")
        meeting.problems.add(problem)
        if outcome == JOINT_ASSIGN:
            assign(actor=actor, problem=problem, lead_department=owner, deadline=deadline,
                   cooperating=[u for u in item.get("cooperating", ()) if u.pk != owner.pk],
                   note=f"{meeting.title}: {text}", now=now)
        elif outcome == JOINT_ANSWER:
            _answer_by_meeting(actor, problem, meeting, text, now)
        elif outcome != JOINT_NOTE:
            raise InputError(f"会办结果未知: {outcome!r}", field="outcome")
        decision = add_decision(actor=actor, meeting=meeting, text=text, owner=owner, deadline=deadline,
                                problem=problem, now=now)
        if outcome == JOINT_ANSWER:  # settled at the session: nothing left to track but the raiser's 销号
            complete_decision(actor=actor, decision=decision, result="会议办结", now=now)
    return meeting


def _answer_by_meeting(actor, problem, meeting, text, now):
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status not in OPEN_STATUSES:
        raise InputError(f"问题「{problem.title}」当前为「{problem.get_status_display()}」, 不能由会议办结",
                         field="outcome")
    before, old = snapshot(problem, TRACKED), problem.status
    problem.status, problem.answer, problem.answered_by, problem.answered_at = Status.ANSWERED, text, _u(actor), now
    _save(problem, actor, before, f"{meeting.title}: 会议办结")
    _event(problem, ProblemEvent.Action.ANSWER, actor, now, old, f"{meeting.title}: {text}")
    notify(recipients=_raisers(problem), kind=Notification.Kind.ANSWERED, problem=problem, now=now,
           key=f"answered:{problem.pk}:{problem.reopen_count}",
           text=f"{problem.project.name}「{problem.title}」经{meeting.title}办结, 请确认销号")
