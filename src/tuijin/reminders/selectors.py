"""Reads of 提醒: what is due for a city at a moment (the reminders a run would make), a user's preference, a
city's schedule and endpoints, and the delivery log (a city administrator's city only).

What is due, and for whom (each once: the key is (recipient, kind, subject, period)):

- 月报截止前提醒 (report_due): from `days_before_deadline` days before an open period's deadline to the deadline day,
  the 填报员 of each listed project that has no submitted report for the month — the same 缺报 as the 报送进度
  board (progress.selectors.missing_reports); once per period.
- 月报逾期催报 (report_overdue): in the `days_after_deadline` days after the deadline, the same reporters and the
  板块管理员 of the districts still missing reports; once per period.
- 问题临近办理时限 (problem_due): an assigned, unanswered problem whose deadline is today or within
  `problem_due_days` days (today included), to its lead department's 部门经办; once per deadline.
- 问题已逾期 (problem_overdue): past its deadline, to the same; once per deadline (an extended deadline reminds
  again).
- 问题督办 (escalated): escalated (问题协调's rules, `tuijin escalate`) within the last week, to the lead
  department, the city's administrators and the 督办市领导; once per level.
- 周调度会 (weekly): the day before and the day of the week's dispatch meeting (or, with none scheduled, on the
  city's weekday), to the city's administrators and leaders and the departments leading overdue problems, with
  the agenda's sections counted (dashboard.agenda.weekly_agenda); once per week."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.accounts.models import Role, User
from tuijin.orgs.models import DISTRICT_KINDS, OrgUnit

from .models import Delivery, DeliveryStatus, Endpoint, Kind, Preference, Reminder, Schedule

ESCALATION_WINDOW_DAYS = (
    7  # an escalation older than this is not announced again (e.g. on a first run)
)


@dataclass
class Due:
    """A reminder a run would make: to whom, about what (subject and period: the once-only key), and what it says."""

    city: OrgUnit
    kind: str
    recipient: User
    subject_type: str
    subject_id: int
    period: str
    title: str
    text: str
    link: str = ""
    mail_key: str = (
        ""  # a 问题协调 notification whose own e-mail says the same (then no second e-mail)
    )

    @property
    def key(self) -> tuple:
        return (self.recipient.pk, self.kind, self.subject_type, self.subject_id, self.period)


def link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def schedule_for(city: OrgUnit) -> Schedule:
    """The city's 提醒设置, or the defaults (unsaved)."""
    return Schedule.objects.filter(city=city).first() or Schedule(city=city)


def preference_for(user) -> Preference:
    """The user's choice, or the default (unsaved): e-mail on, every kind on."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def mobile_of(user, preference: Preference | None = None) -> str:
    preference = preference or preference_for(user)
    return (preference.mobile or getattr(user, "phone", "") or "").strip()


def endpoints_of(city: OrgUnit):
    return Endpoint.objects.filter(city=city).order_by("name", "pk")


def _day(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _names(names: list[str], limit: int = 5) -> str:
    return "、".join(names[:limit]) + (f" 等 {len(names)} 个项目" if len(names) > limit else "")


def _users(**filters):
    return User.objects.filter(is_active=True, **filters).order_by("pk")


# ---------------------------------------------------------------- the reporting deadline


def _missing(actor, period):
    from tuijin.progress.selectors import missing_reports

    return list(
        missing_reports(actor, period.year, period.month).filter(
            unit__path__startswith=period.city.path
        )
    )


def _deadline_dues(actor, city: OrgUnit, today: datetime.date, schedule: Schedule) -> list[Due]:
    from tuijin.progress.models import ReportingPeriod

    out: list[Due] = []
    periods = ReportingPeriod.objects.filter(city=city).select_related("city")
    before = periods.filter(
        locked_at__isnull=True,
        opens_on__lte=today,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=schedule.days_before_deadline),
    )
    after = periods.filter(
        deadline__lt=today,
        deadline__gte=today - datetime.timedelta(days=schedule.days_after_deadline),
    )
    for overdue, qs in ((False, before), (True, after)):
        for period in qs.order_by("year", "month"):
            missing = _missing(actor, period)
            if not missing:
                continue
            ym = f"{period.year}-{period.month:02d}"
            month = f"{period.year}年{period.month}月"
            days = (period.deadline - today).days
            when = (
                f"已于 {_day(period.deadline)} 截止, 逾期 {-days} 天"
                if overdue
                else f"今天 ({_day(period.deadline)}) 截止"
                if days == 0
                else f"{_day(period.deadline)} 截止, 还剩 {days} 天"
            )
            kind = Kind.REPORT_OVERDUE if overdue else Kind.REPORT_DUE
            mine = f"{reverse('progress:mine')}?period={ym}"
            by_reporter: dict[int, tuple[User, list[str]]] = {}
            for p in missing:
                for u in p.reporters.all():
                    if u.is_active:
                        by_reporter.setdefault(u.pk, (u, []))[1].append(p.name)
            for user, names in by_reporter.values():
                out.append(
                    Due(
                        city,
                        kind,
                        user,
                        "progress.reportingperiod",
                        period.pk,
                        ym,
                        title=f"{month}月报{'逾期未报' if overdue else '即将截止'}",
                        text=f"您负责填报的 {len(names)} 个项目 {month}月报尚未报送: {_names(names)}。"
                        f"填报{when}{', 请尽快报送' if overdue else ''}。",
                        link=link(mine),
                    )
                )
            if overdue:
                out += _district_dues(city, period, missing, kind, ym, month, when)
    return out


def _district_dues(city, period, missing, kind, ym, month, when) -> list[Due]:
    """After the deadline, each district's 板块管理员 hears how many of its projects are still missing."""
    districts = list(OrgUnit.objects.subtree(city).filter(kind__in=DISTRICT_KINDS).order_by("path"))
    by_district: dict[int, list[str]] = {}
    for p in missing:
        d = next((d for d in districts if p.unit.path.startswith(d.path)), None)
        if d is not None:
            by_district.setdefault(d.pk, []).append(p.name)
    out = []
    for d in districts:
        names = by_district.get(d.pk)
        if not names:
            continue
        board = f"{reverse('progress:board')}?period={ym}&unit={d.pk}"
        for user in _users(unit=d, role=Role.DISTRICT_ADMIN):
            out.append(
                Due(
                    city,
                    kind,
                    user,
                    "progress.reportingperiod",
                    period.pk,
                    ym,
                    title=f"{d.name} {month}月报逾期未报 {len(names)} 个",
                    text=f"{d.name}有 {len(names)} 个项目 {month}月报逾期未报: {_names(names)}。"
                    f"填报{when}, 请督促填报员报送。",
                    link=link(board),
                )
            )
    return out


# ---------------------------------------------------------------- problems: due, overdue, escalated


def _problem_dues(
    city: OrgUnit, now: datetime.datetime, today: datetime.date, schedule: Schedule
) -> list[Due]:
    from tuijin.problems.models import OPEN_STATUSES, Level, Problem

    out: list[Due] = []
    problems = (
        Problem.objects.filter(
            project__unit__path__startswith=city.path,
            status__in=OPEN_STATUSES,
            deadline__isnull=False,
        )
        .select_related("project", "lead_department", "leader")
        .order_by("deadline", "pk")
    )
    departments: dict[int, list[User]] = {}

    def handlers(p):
        if p.lead_department_id not in departments:
            departments[p.lead_department_id] = list(
                _users(unit_id=p.lead_department_id, role=Role.DEPARTMENT)
            )
        return departments[p.lead_department_id]

    soon = problems.filter(
        deadline__gte=today,
        deadline__lt=today + datetime.timedelta(days=max(schedule.problem_due_days, 1)),
    )
    for p in soon:
        left = (p.deadline - today).days
        for user in handlers(p):
            out.append(
                Due(
                    city,
                    Kind.PROBLEM_DUE,
                    user,
                    "problems.problem",
                    p.pk,
                    p.deadline.isoformat(),
                    title=f"问题临近办理时限: {p.project.name}",
                    text=f"{p.project.name}「{p.title}」(牵头 {p.lead_department}) 办理时限 {_day(p.deadline)}, "
                    + ("今天到期。" if left == 0 else f"还剩 {left} 天。"),
                    link=link(reverse("problems:detail", args=[p.pk])),
                    mail_key=f"due_soon:{p.pk}:{p.deadline:%Y%m%d}",
                )
            )
    for p in problems.filter(deadline__lt=today):
        late = (today - p.deadline).days
        for user in handlers(p):
            out.append(
                Due(
                    city,
                    Kind.PROBLEM_OVERDUE,
                    user,
                    "problems.problem",
                    p.pk,
                    p.deadline.isoformat(),
                    title=f"问题已逾期: {p.project.name}",
                    text=f"{p.project.name}「{p.title}」(牵头 {p.lead_department}) 办理时限 {_day(p.deadline)}, "
                    f"已逾期 {late} 天, 请尽快办理并答复。",
                    link=link(reverse("problems:detail", args=[p.pk])),
                )
            )
    recent = now - datetime.timedelta(days=ESCALATION_WINDOW_DAYS)
    admins = list(_users(unit=city, role=Role.CITY_ADMIN))
    for p in problems.filter(level__gt=0, escalated_at__gte=recent):
        label = Level(p.level).label
        recipients = {u.pk: u for u in [*handlers(p), *admins]}
        if p.leader_id and p.leader.is_active:
            recipients[p.leader_id] = p.leader
        late = (today - p.deadline).days
        for user in recipients.values():
            out.append(
                Due(
                    city,
                    Kind.ESCALATED,
                    user,
                    "problems.problem",
                    p.pk,
                    f"level-{p.level}",
                    title=f"{label}: {p.project.name}",
                    text=f"{p.project.name}「{p.title}」已{label} (牵头 {p.lead_department}, 办理时限 "
                    f"{_day(p.deadline)}" + (f", 逾期 {late} 天" if late > 0 else "") + ")。",
                    link=link(reverse("problems:detail", args=[p.pk])),
                    mail_key=f"escalated:{p.pk}:{p.level}",
                )
            )
    return out


# ---------------------------------------------------------------- the weekly dispatch meeting


def _weekly_dues(actor, city: OrgUnit, today: datetime.date, schedule: Schedule) -> list[Due]:
    from tuijin.dashboard.agenda import AGENDA_SECTIONS, weekly_agenda
    from tuijin.problems.models import OPEN_STATUSES, Meeting, Problem
    from tuijin.problems.selectors import monday_of

    monday = monday_of(today)
    meeting = Meeting.objects.filter(city=city, kind=Meeting.Kind.WEEKLY, week_start=monday).first()
    if meeting is not None:
        if not meeting.held_on - datetime.timedelta(days=1) <= today <= meeting.held_on:
            return []
    elif today.weekday() != schedule.weekly_weekday:
        return []
    leading = Problem.objects.filter(
        project__unit__path__startswith=city.path,
        status__in=OPEN_STATUSES,
        deadline__lt=monday + datetime.timedelta(days=6),
    ).values("lead_department_id")
    recipients = list(_users(unit=city, role__in=[Role.CITY_ADMIN, Role.CITY_LEADER])) + list(
        _users(unit__in=leading, role=Role.DEPARTMENT)
    )
    period = monday.isoformat()
    done = set(
        Reminder.objects.filter(
            kind=Kind.WEEKLY, subject_type="orgs.orgunit", subject_id=city.pk, period=period
        ).values_list("recipient_id", flat=True)
    )
    if all(u.pk in done for u in recipients):
        return []  # the agenda is drafted only when someone still has to hear of it
    agenda = weekly_agenda(actor, city, monday)
    parts = [
        f"{title.split('、', 1)[-1].split(' (')[0]} {len(agenda.sections.get(key, []))} 项"
        for key, title in AGENDA_SECTIONS
        if agenda.sections.get(key)
    ]
    name = (
        meeting.title
        if meeting
        else f"{city.name}重大项目周调度会 ({monday.month}月{monday.day}日周)"
    )
    when = f"{_day(meeting.held_on)}召开" if meeting else "本周召开"
    text = f"{name}{when}。议程共 {agenda.count} 项" + (
        f": {'; '.join(parts)}。" if parts else "。"
    )
    url = link(f"{reverse('agenda:weekly')}?city={city.pk}&week={monday.isoformat()}")
    return [
        Due(
            city,
            Kind.WEEKLY,
            u,
            "orgs.orgunit",
            city.pk,
            period,
            title=f"周调度会提醒: {name}",
            text=text,
            link=url,
        )
        for u in {u.pk: u for u in recipients}.values()
    ]


def due_reminders(
    actor, city: OrgUnit, now: datetime.datetime, schedule: Schedule | None = None
) -> list[Due]:
    """Every reminder due for `city` at `now` (made or not yet: the caller skips the keys already made)."""
    schedule = schedule or schedule_for(city)
    today = timezone.localdate(now)
    return [
        *_deadline_dues(actor, city, today, schedule),
        *_problem_dues(city, now, today, schedule),
        *_weekly_dues(actor, city, today, schedule),
    ]


# ---------------------------------------------------------------- the delivery log


def deliveries_for(user, city: OrgUnit, *, status: str = ""):
    """The city's delivery log (newest first) for its administrator; nothing for anyone else."""
    if not scoping.administers_city(user, city):
        return Delivery.objects.none()
    qs = (
        Delivery.objects.filter(reminder__city=city)
        .select_related("reminder", "reminder__recipient", "endpoint")
        .order_by("-created_at", "-pk")
    )
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    return qs


def status_counts(user, city: OrgUnit) -> dict[str, int]:
    from django.db.models import Count

    rows = deliveries_for(user, city).order_by().values("status").annotate(n=Count("pk"))
    got = {r["status"]: r["n"] for r in rows}
    return {s: got.get(s, 0) for s in DeliveryStatus.values}


def my_reminders(user, limit: int = 20):
    return (
        Reminder.objects.filter(recipient=user)
        .prefetch_related("deliveries")
        .order_by("-created_at", "-pk")[:limit]
    )


def retry_due(cities, now: datetime.datetime, stale_minutes: int = 30):
    """Deliveries to (re)try now: waiting or failed with their time come, or claimed by a run that never finished."""
    stale = now - datetime.timedelta(minutes=stale_minutes)
    return (
        Delivery.objects.filter(reminder__city__in=cities)
        .filter(
            Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)
        )
        .select_related("reminder", "reminder__recipient", "endpoint")
        .order_by("next_attempt_at", "pk")
    )
