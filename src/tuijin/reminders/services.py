"""Writes of 提醒: a run (`run_reminders`, behind `tuijin remind`) makes the reminders that are due, once each
(Reminder's unique key), with one delivery per channel the recipient chose, then sends every delivery whose time
has come — new ones, and failed ones again after RETRY_MINUTES, doubling, until MAX_ATTEMPTS (then 已放弃). A
delivery is claimed before it is sent (a conditional update), so two runs at once never send it twice.

The settings a person changes — their own preference, a city's schedule and endpoints — are checked (the user
themself; the city's administrator), validated and audited. A run writes its own log (Reminder, Delivery) and is
not audited entry by entry: the delivery log is its record."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.policy import OUT_OF_REACH, REVIEW, require_actor
from tuijin.core.text import hidden_character_problem
from tuijin.orgs.models import OrgUnit, UnitKind

from . import channels, selectors
from .models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EndpointKind,
    Kind,
    Preference,
    Reminder,
    Schedule,
)

MOBILE = re.compile(r"^\+?\d{6,15}$")
ENDPOINT_FIELDS = [
    "city",
    "name",
    "kind",
    "url",
    "body_template",
    "active",
]  # the secret is never audited


def _is_operator(actor) -> bool:
    return bool(actor is not None and actor.is_superuser and actor.is_active)


def _may_run(actor, city: OrgUnit | None) -> bool:
    if _is_operator(actor):
        return True
    return city is not None and scoping.administers_city(actor, city)


# ---------------------------------------------------------------- a run


@dataclass
class RunResult:
    """What a run did (or, dry, would do): reminders made, deliveries attempted and how they ended."""

    now: datetime.datetime
    dry_run: bool = False
    made: list = field(default_factory=list)  # Reminder (dry run: selectors.Due)
    retries: list = field(default_factory=list)  # deliveries attempted (dry run: that would be)
    outcomes: dict = field(default_factory=lambda: {s: 0 for s in DeliveryStatus.values})

    def count(self, status: str) -> int:
        return self.outcomes.get(status, 0)


def run_reminders(
    *,
    actor,
    now: datetime.datetime | None = None,
    city: OrgUnit | None = None,
    dry_run: bool = False,
    progress=None,
) -> RunResult:
    """提醒: make what is due in every city (or one), then deliver what is waiting. `actor` is the system
    (accounts.services.system_actor) or the city's administrator for its own city; `now` freezes the clock;
    `dry_run` writes and sends nothing; `progress` (a core ProgressBar) is advanced once per delivery."""
    if not _may_run(actor, city):
        raise PermissionDenied("只有平台运维或本市管理员可以发送提醒")
    now = now or timezone.now()
    result = RunResult(now=now, dry_run=dry_run)
    cities = (
        [city]
        if city is not None
        else list(OrgUnit.objects.filter(kind=UnitKind.CITY, active=True).order_by("path"))
    )
    preferences: dict[int, Preference] = {}
    for c in cities:
        schedule = selectors.schedule_for(c)
        if not schedule.enabled:
            continue
        dues = selectors.due_reminders(actor, c, now, schedule)
        made = set(
            Reminder.objects.filter(
                recipient_id__in={d.recipient.pk for d in dues}, kind__in={d.kind for d in dues}
            ).values_list("recipient_id", "kind", "subject_type", "subject_id", "period")
        )
        endpoints = [e for e in selectors.endpoints_of(c) if e.active]
        for due in dues:
            if due.key in made:
                continue
            made.add(due.key)
            pref = preferences.get(due.recipient.pk)
            if pref is None:
                pref = preferences[due.recipient.pk] = selectors.preference_for(due.recipient)
            if due.kind in (pref.muted_kinds or []) or not (pref.email or pref.robot or pref.sms):
                continue
            if dry_run:
                result.made.append(due)
                continue
            reminder = _make(due, pref, endpoints, now)
            if reminder is not None:
                result.made.append(reminder)
    waiting = list(selectors.retry_due(cities, now))
    if dry_run:
        result.retries = waiting
        return result
    if progress is not None:
        progress.total = max(len(waiting), 1)
    for delivery in waiting:
        status = attempt(delivery, now=now)
        if status is not None:
            result.retries.append(delivery)
            result.outcomes[status] = result.outcomes.get(status, 0) + 1
        if progress is not None:
            progress.advance()
    for r in result.made:  # what was not even tried (no address, no endpoint) is in the log too
        for d in r.deliveries.all():
            if d.status == DeliveryStatus.SKIPPED:
                result.outcomes[DeliveryStatus.SKIPPED] += 1
    return result


def _make(due: selectors.Due, pref: Preference, endpoints: list[Endpoint], now) -> Reminder | None:
    """The reminder and its deliveries, in one transaction; None when a concurrent run made it first."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                city=due.city,
                recipient=due.recipient,
                kind=due.kind,
                subject_type=due.subject_type,
                subject_id=due.subject_id,
                period=due.period,
                title=due.title[:120],
                text=due.text,
                link=due.link[:300],
                created_at=now,
            )
            for row in _deliveries(due, pref, endpoints):
                Delivery.objects.create(
                    reminder=reminder,
                    created_at=now,
                    next_attempt_at=now if row["status"] == DeliveryStatus.PENDING else None,
                    **row,
                )
    except IntegrityError:
        return None
    return reminder


def _deliveries(due: selectors.Due, pref: Preference, endpoints: list[Endpoint]) -> list[dict]:
    user = due.recipient
    rows = []
    pending, skipped = DeliveryStatus.PENDING, DeliveryStatus.SKIPPED
    if pref.email:
        row = {
            "channel": Channel.EMAIL,
            "target": "email",
            "address": user.email,
            "status": pending,
        }
        if not user.email:
            row.update(status=skipped, last_error="接收人未填写邮箱")
        elif due.mail_key and _already_mailed(user, due.mail_key):
            row.update(status=skipped, last_error="问题协调的站内通知已发送同一内容的邮件")
        rows.append(row)
    mobile = selectors.mobile_of(user, pref)
    if pref.robot:
        robots = [e for e in endpoints if e.channel == Channel.ROBOT]
        rows += [
            {
                "channel": Channel.ROBOT,
                "endpoint": e,
                "target": f"endpoint:{e.pk}",
                "address": f"{e.name}{f' @{mobile}' if mobile else ''}",
                "status": pending,
            }
            for e in robots
        ]
        if not robots:
            rows.append(
                {
                    "channel": Channel.ROBOT,
                    "target": "robot",
                    "status": skipped,
                    "last_error": "本市未设置群机器人",
                }
            )
    if pref.sms:
        gateway = next(
            (e for e in endpoints if e.kind == EndpointKind.SMS), None
        )  # one SMS, not one per gateway
        row = {
            "channel": Channel.SMS,
            "target": "sms",
            "address": mobile,
            "status": pending,
            "endpoint": gateway,
        }
        if gateway is None:
            row.update(status=skipped, last_error="本市未设置短信网关")
        elif not mobile:
            row.update(status=skipped, last_error="接收人未填写手机号")
        rows.append(row)
    return rows


def _already_mailed(user, key: str) -> bool:
    from tuijin.problems.models import Notification

    return Notification.objects.filter(recipient=user, key=key, emailed_at__isnull=False).exists()


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.REMINDER_RETRY_MINUTES * 2 ** max(attempts - 1, 0))


def attempt(delivery: Delivery, *, now) -> str | None:
    """One attempt at one delivery: claim it, send it, record the outcome. None if another run holds it."""
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=delivery.status, attempts=delivery.attempts
    ).update(status=DeliveryStatus.SENDING, claimed_at=now)
    if not claimed:
        return None
    reminder = delivery.reminder
    try:
        _send(delivery, reminder)
    except channels.DeliveryError as exc:
        attempts = delivery.attempts + 1
        gave_up = attempts >= settings.REMINDER_MAX_ATTEMPTS or str(exc).startswith(GIVE_UP)
        changes = {
            "status": DeliveryStatus.GAVE_UP if gave_up else DeliveryStatus.FAILED,
            "attempts": attempts,
            "last_error": str(exc)[:1000],
            "next_attempt_at": None if gave_up else now + _backoff(attempts),
        }
    else:
        changes = {
            "status": DeliveryStatus.SENT,
            "attempts": F("attempts") + 1,
            "sent_at": now,
            "last_error": "",
            "next_attempt_at": None,
        }
    Delivery.objects.filter(pk=delivery.pk).update(**changes)
    delivery.refresh_from_db()
    return delivery.status


GIVE_UP = "通道已停用"


def _send(delivery: Delivery, reminder: Reminder) -> None:
    user = reminder.recipient
    if delivery.channel == Channel.EMAIL:
        body = (
            f"{user.get_full_name() or user.username}, 您好:\n\n{reminder.text}\n\n"
            + (f"查看: {reminder.link}\n\n" if reminder.link else "")
            + f"—— 推进 · 重大项目推进平台 (接收哪些提醒可在 {settings.SITE_URL}/reminders/ 设置)"
        )
        channels.send_email(address=delivery.address, subject=f"[推进] {reminder.title}", body=body)
        return
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise channels.DeliveryError(f"{GIVE_UP}: {endpoint.name if endpoint else '—'}")
    mobile = delivery.address if delivery.channel == Channel.SMS else selectors.mobile_of(user)
    channels.send_to_endpoint(endpoint, content=reminder.message(), mobile=mobile)


# ---------------------------------------------------------------- a user's own preference


@transaction.atomic
def set_preference(
    *,
    actor,
    user,
    email: bool,
    robot: bool,
    sms: bool,
    mobile: str = "",
    kinds: list[str] | None = None,
) -> Preference:
    """A user sets which channels and kinds of reminder they get (their own only)."""
    if (
        actor is None
        or getattr(actor, "pk", None) != user.pk
        or not scoping.is_active_member(actor)
    ):
        raise PermissionDenied("只能设置自己的提醒")
    mobile = (mobile or "").strip().replace(" ", "").replace("-", "")
    if mobile and not MOBILE.match(mobile):
        raise InputError(f"手机号格式不对: {mobile[:30]!r} (应为 6-15 位数字)", field="mobile")
    if sms and not (mobile or (user.phone or "").strip()):
        raise InputError("选择短信提醒请填写手机号", field="mobile")
    kinds = list(Kind.values if kinds is None else kinds)
    unknown = [k for k in kinds if k not in Kind.values]
    if unknown:
        raise InputError(f"未知的提醒类型: {unknown[0]!r}", field="kinds")
    pref = Preference.objects.select_for_update().filter(user=user).first()
    before = snapshot(pref) if pref else None
    pref = pref or Preference(user=user)
    pref.email, pref.robot, pref.sms, pref.mobile = bool(email), bool(robot), bool(sms), mobile
    pref.muted_kinds = [k for k in Kind.values if k not in kinds]
    pref.save()
    record_change(
        actor=actor,
        action="update" if before else "create",
        obj=pref,
        before=before,
        after=snapshot(pref),
        reason="提醒偏好",
    )
    return pref


# ---------------------------------------------------------------- a city's schedule and endpoints


def _require_city(actor, city) -> None:
    if not scoping.administers_city(actor, city):
        raise PermissionDenied("只有本市管理员可以设置本市的提醒")


def _range(value, field: str, label: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(f"{label}应为 {low}-{high} 之间的整数, 收到 {value!r}", field=field)
    return value


@transaction.atomic
def set_schedule(
    *,
    actor,
    city: OrgUnit,
    enabled: bool,
    days_before_deadline: int,
    days_after_deadline: int,
    problem_due_days: int,
    weekly_weekday: int,
) -> Schedule:
    _require_city(actor, city)
    schedule = Schedule.objects.select_for_update().filter(city=city).first()
    before = snapshot(schedule) if schedule else None
    schedule = schedule or Schedule(city=city)
    schedule.enabled = bool(enabled)
    schedule.days_before_deadline = _range(
        days_before_deadline, "days_before_deadline", "截止前提醒天数", 0, 31
    )
    schedule.days_after_deadline = _range(
        days_after_deadline, "days_after_deadline", "截止后催报天数", 1, 31
    )
    schedule.problem_due_days = _range(
        problem_due_days, "problem_due_days", "问题时限前提醒天数", 0, 31
    )
    schedule.weekly_weekday = _range(weekly_weekday, "weekly_weekday", "周调度提醒日", 0, 6)
    schedule.save()
    record_change(
        actor=actor,
        action="update" if before else "create",
        obj=schedule,
        before=before,
        after=snapshot(schedule),
        reason="提醒设置",
    )
    return schedule


def _text(value, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError(f"请填写{label}", field=field)
    if len(value) > max_length:
        raise InputError(f"{label}不能超过 {max_length} 个字符", field=field)
    problem = hidden_character_problem(value)
    if problem:
        raise InputError(f"{label}{problem}", field=field)
    return value


@transaction.atomic
def add_endpoint(
    *,
    actor,
    city: OrgUnit,
    name: str,
    kind: str,
    url: str,
    secret: str = "",
    body_template: str = "",
    now=None,
) -> Endpoint:
    """提醒通道: a 企业微信 / 钉钉 group robot or an SMS gateway's HTTP API for the city."""
    _require_city(actor, city)
    name = _text(name, "name", "名称", 60)
    if kind not in EndpointKind.values:
        raise InputError(f"未知的通道类型: {kind!r}", field="kind")
    url = channels.check_url(_text(url, "url", "地址", 500))
    secret = _text(secret, "secret", "加签密钥", 200, required=False)
    body_template = channels.check_body_template(body_template) if kind == EndpointKind.SMS else ""
    if Endpoint.objects.filter(city=city, name=name).exists():
        raise InputError(f"本市已有名为「{name}」的提醒通道", field="name")
    endpoint = Endpoint.objects.create(
        city=city,
        name=name,
        kind=kind,
        url=url,
        secret=secret,
        body_template=body_template,
        created_at=now or timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_change(
        actor=actor,
        action="create",
        obj=endpoint,
        before=None,
        after=snapshot(endpoint, ENDPOINT_FIELDS),
        reason="新增提醒通道",
    )
    return endpoint


@transaction.atomic
def set_endpoint_active(*, actor, endpoint: Endpoint, active: bool) -> Endpoint:
    _require_city(actor, endpoint.city)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = snapshot(endpoint, ENDPOINT_FIELDS)
    endpoint.active = bool(active)
    endpoint.save(update_fields=["active"])
    record_change(
        actor=actor,
        action="update",
        obj=endpoint,
        before=before,
        after=snapshot(endpoint, ENDPOINT_FIELDS),
        reason="启用提醒通道" if active else "停用提醒通道",
    )
    return endpoint


def test_endpoint(*, actor, endpoint: Endpoint, mobile: str = "") -> str:
    """发送测试消息 through one endpoint (to the administrator's own mobile for an SMS gateway); the error in
    Chinese, or "" when it got through. Nothing is logged as a reminder."""
    _require_city(actor, endpoint.city)
    mobile = mobile or selectors.mobile_of(actor)
    content = f"【推进 · 测试消息】{endpoint.city.name}的提醒通道「{endpoint.name}」已连通。"
    try:
        channels.send_to_endpoint(endpoint, content=content, mobile=mobile)
    except channels.DeliveryError as exc:
        return str(exc)
    return ""


test_endpoint.__test__ = False  # not a pytest test, whatever its name


# ---------------------------------------------------------------- 催报 (the 报送进度 board's button)


@transaction.atomic
def remind_missing(*, actor, projects, year: int, month: int, deadline: datetime.date | None = None) -> int:
    """催报: an in-app notification to each reporter of the given projects (those 未报), once per reporter per
    period (a second press notifies nobody twice), each one audited. Returns how many were sent. The actor
    reviews reports (板块 or 市) and every project is within its reach, or nothing is sent."""
    from tuijin.problems.models import Notification
    from tuijin.problems.services import notify
    from tuijin.projects.models import Project

    require_actor(actor, REVIEW)
    projects = list(projects)
    wanted = {p.pk for p in projects}
    reached = Project.objects.visible_to(actor, REVIEW).filter(pk__in=wanted)
    if wanted - set(reached.values_list("pk", flat=True)):
        raise PermissionDenied(f"项目{OUT_OF_REACH}, 不能催报")
    by_reporter: dict[int, tuple] = {}
    for p in projects:
        for u in p.reporters.all():
            if u.is_active:
                by_reporter.setdefault(u.pk, (u, []))[1].append(p.name)
    sent = 0
    when = f", 截止 {deadline}" if deadline else ""
    for user, names in by_reporter.values():
        shown = "、".join(names[:3]) + (f" 等 {len(names)} 个项目" if len(names) > 3 else "")
        made = notify(recipients=[user], kind=Notification.Kind.REMINDER, key=f"remind:{year}-{month:02d}",
                      text=f"催报: {year}年{month}月月报尚未报送 ({shown}){when}")
        for n in made:
            record_change(actor=actor, action="create", obj=n, before=None, after=snapshot(n),
                          reason=f"催报 {year}年{month}月")
            sent += 1
    return sent
