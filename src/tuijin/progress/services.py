"""Writes for the monthly reporting cycle (月度调度填报): open and lock periods, enter a month (amount or
cumulative, kept consistent), sanity checks to confirm, submit → 板块审核 → 市级确认 (or 退回 with a reason),
and corrections of a locked period with a recorded reason. Every write is audited."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.accounts.models import Role
from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import MONEY, parse_number
from tuijin.core.derived import refresh_facts
from tuijin.core.errors import InputError
from tuijin.core.files import check_photo
from tuijin.core.policy import CONFIGURE, OUT_OF_REACH, REPORT, REVIEW, require_actor

from .checks import Finding, check_report
from .models import MonthlyReport, ReportingPeriod, ReportStatus


class NeedsConfirmation(InputError):
    """The report has warnings the reporter must confirm (save again with confirm_warnings=True)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("请确认: " + "; ".join(f.message for f in findings), field="confirm_warnings")


def _money(value, field: str, label: str) -> Decimal | None:
    if isinstance(value, str) and not value.strip():
        return None
    return parse_number(value, MONEY, label=label, field=field)


def previous_ytd(project, year: int, month: int) -> Decimal:
    """The cumulative of the latest earlier month of the same year (0 in January)."""
    prev = (MonthlyReport.objects.filter(project=project, year=year, month__lt=month)
            .order_by("-month").values_list("ytd", flat=True).first())
    return prev if prev is not None else Decimal(0)


def period_for(project, year: int, month: int) -> ReportingPeriod | None:
    city = project.unit.city()
    return ReportingPeriod.objects.filter(city=city, year=year, month=month).first() if city else None


# ---------------------------------------------------------------- locked months (历史数据锁定)
#
# A month is locked when (1) its own reporting period is locked (deadline passed): any reporter may correct it
# with a reason, and it goes through review again; or it is history: (2) it lies before the city's current
# open period (the earliest period still open, else the latest period), or (3) its year is over and it, or a
# later month of that year whose 1-N月累计 it would move, has been accepted (市级已确认). History is corrected
# only by the 市管理员 (the level that accepts it), with a reason; the correction is audited with the reason and
# goes through review again, and every later month's cumulative it moves is changed and audited the same way.


@dataclass(frozen=True)
class MonthLock:
    year: int
    month: int
    why: str  # the reason the month is locked, in words
    history: bool  # True: only a 市管理员 may correct it
    period: ReportingPeriod | None = None

    @property
    def message(self) -> str:
        return f"{self.year}年{self.month}月已锁定 ({self.why}), 更正须填写原因"

    @property
    def role_message(self) -> str:
        return f"{self.year}年{self.month}月为历史数据 ({self.why}), 只有市管理员可以更正"


def may_correct_history(actor) -> bool:
    """Who may correct a locked historical month: the city administrator (or a superuser); an internal call
    without a user (migrations, the demo, maintenance scripts) is trusted but still needs the reason."""
    if actor is None:
        return True
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "role", None) == Role.CITY_ADMIN)


def open_boundary(city, today: datetime.date) -> ReportingPeriod | None:
    """The city's current open period (the earliest one not locked), else its latest period; None without any.
    Every month before it is history."""
    if city is None:
        return None
    periods = sorted(ReportingPeriod.objects.filter(city=city), key=lambda p: (p.year, p.month))
    open_ = [p for p in periods if not p.is_locked(today)]
    return open_[0] if open_ else (periods[-1] if periods else None)


def month_lock(*, project, year: int, month: int, today: datetime.date, city=None, boundary=..., period=...,
               accepted_from_here: bool | None = None) -> MonthLock | None:
    """Why (year, month) of a project is locked, or None. `city`, `boundary`, `period` (the month's own) and
    `accepted_from_here` (the month or a later month of its year is accepted) may be given by bulk callers
    that computed them once."""
    city = city if city is not None else project.unit.city()
    if period is ...:
        period = ReportingPeriod.objects.filter(city=city, year=year, month=month).first() if city else None
    if boundary is ...:
        boundary = open_boundary(city, today)
    if boundary is not None and (year, month) < (boundary.year, boundary.month):
        return MonthLock(year, month, f"早于当前填报期 {boundary.year}年{boundary.month}月", True, period)
    if year < today.year:
        if accepted_from_here is None:
            accepted_from_here = MonthlyReport.objects.filter(project=project, year=year, month__gte=month,
                                                              status=ReportStatus.ACCEPTED).exists()
        if accepted_from_here:
            return MonthLock(year, month, f"{year}年度已结束, 本月或以后月份已经市级确认", True, period)
    if period is not None and period.is_locked(today):
        return MonthLock(year, month, f"截止 {period.deadline}", False, period)
    return None


@transaction.atomic(savepoint=False)  # the caller's transaction (save_report, the import); its own without one
def shift_later_months(*, project_id: int, year: int, month: int, delta: Decimal, actor, reason: str
                       ) -> list[MonthlyReport]:
    """Move every later month's 1-N月累计 of the same year by `delta` (an earlier month changed), each change
    audited with the reason of the change that caused it. The actor reports on the project (REPORT), as for
    the change that caused it."""
    from tuijin.audit.models import AuditEntry
    from tuijin.audit.services import change_entry

    require_actor(actor, REPORT)
    if not delta:
        return []
    _check_reach(actor, project_id, REPORT)
    later = list(MonthlyReport.objects.select_for_update().filter(project_id=project_id, year=year,
                                                                   month__gt=month).order_by("month"))
    if not later:
        return []
    befores = [snapshot(r) for r in later]
    now = timezone.now()
    for r in later:
        r.ytd += delta
        r.updated_at = now
    MonthlyReport.objects.bulk_update(later, ["ytd", "updated_at"])
    why = f"{year}年{month}月当月完成投资变动 {delta:+} 万元, 1-N月累计随之调整" + (f"; 原因: {reason}" if reason else "")
    AuditEntry.objects.bulk_create([change_entry(actor=actor, action="update", obj=r, before=b, after=snapshot(r),
                                                 reason=why) for r, b in zip(later, befores, strict=True)])
    from tuijin.core.derived import bump_projects

    bump_projects([project_id], year)
    return later


UNCHANGED = object()  # save_report(funds_secured=…) not given: an existing report keeps its value


def _check_reach(actor, project, action: str) -> None:
    """The actor reaches the project (or the project of this id) for the action (a 填报员 its assigned projects, a
    板块 its subtree, the city all of it; the system actor of a command everything). Refused in the same words
    whether the project exists elsewhere or not."""
    from tuijin.projects import scoping

    pk = project if isinstance(project, int) else project.pk
    if not scoping.projects_for(actor, action).filter(pk=pk).exists():
        raise PermissionDenied(f"项目{OUT_OF_REACH}")


def _check_city(actor, city) -> None:
    from tuijin.accounts import scoping

    if not scoping.administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以管理本市的填报期")


@transaction.atomic
def save_report(*, project, year: int, month: int, amount=None, ytd=None, progress_text: str = "",
                problems_text: str = "", actor, status: str = ReportStatus.SUBMITTED,
                reason: str = "", confirm_warnings: bool = False, today: datetime.date | None = None,
                funds_secured=UNCHANGED) -> MonthlyReport:
    """Enter a project's month. Give this month's amount, the year-to-date cumulative, or both (then they
    must agree); a cumulative below last month's is refused. Later months' cumulatives follow the change.
    In a locked period the change is a correction: it needs a reason and goes through review again.
    `funds_secured` (当月落实资金, 万元, optional): None or "" clears it; not given keeps the stored value."""
    require_actor(actor, REPORT)
    _check_reach(actor, project, REPORT)
    today = today or timezone.localdate()
    if not 1 <= int(month) <= 12:
        raise InputError(f"月份应在 1-12 之间, 收到 {month!r}", field="month")
    if status not in ReportStatus.values:
        raise InputError(f"状态未知: {status!r}", field="status")
    amount = _money(amount, "amount", "当月完成投资")
    ytd = _money(ytd, "ytd", "1-N月累计完成投资")
    if funds_secured is not UNCHANGED:
        funds_secured = _money(funds_secured, "funds_secured", "当月落实资金")
    if amount is None and ytd is None:
        raise InputError("请填写当月完成投资或1-N月累计完成投资", field="amount")
    prev = previous_ytd(project, year, month)
    if ytd is not None and ytd < prev:
        raise InputError(f"{year}年1-{month}月累计 {ytd} 低于上月累计 {prev} (万元)", field="ytd")
    if amount is None:
        amount = ytd - prev
    elif ytd is None:
        ytd = prev + amount
    elif prev + amount != ytd:
        raise InputError(f"当月 {amount} + 上月累计 {prev} ≠ 1-{month}月累计 {ytd} (万元)", field="ytd")
    if ytd > MONEY.high:
        raise InputError(f"1-N月累计完成投资：上月累计 {prev} + 当月 {amount} = {ytd} 超出允许范围"
                         f"（{MONEY.describe()}）", field="amount")

    lock = month_lock(project=project, year=year, month=month, today=today)
    if lock is not None:
        if not reason.strip():
            raise InputError(lock.message, field="reason")
        if lock.history and not may_correct_history(actor):
            raise InputError(lock.role_message, field="reason")
        status = ReportStatus.SUBMITTED

    findings = check_report(project=project, year=year, month=month, amount=amount, ytd=ytd, today=today)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise InputError("; ".join(f.message for f in errors), field="amount")
    warnings = [f for f in findings if f.level == "warning"]
    if warnings and not confirm_warnings:
        raise NeedsConfirmation(warnings)

    report = MonthlyReport.objects.select_for_update().filter(project=project, year=year, month=month).first()
    before = snapshot(report) if report else None
    delta = Decimal(0)
    if report is None:
        report = MonthlyReport(project=project, year=year, month=month)
        delta = amount  # later months entered before this one did not include it
    else:
        delta = amount - report.amount
    report.amount, report.ytd = amount, ytd
    report.progress_text, report.problems_text = progress_text, problems_text
    if funds_secured is not UNCHANGED:
        report.funds_secured = funds_secured
    report.status = status
    report.confirmed_warnings = [f.code for f in warnings]
    if status != ReportStatus.DRAFT:
        report.submitted_by = actor if getattr(actor, "pk", None) else None
        report.submitted_at = timezone.now()
    report.save()
    if delta:
        later = (MonthlyReport.objects.filter(project=project, year=year, month__gt=month)
                 .order_by("-ytd").values_list("ytd", flat=True).first())
        if later is not None and later + delta > MONEY.high:
            raise InputError(f"当月完成投资：{amount} 使以后月份的累计 {later + delta} 超出允许范围"
                             f"（{MONEY.describe()}）", field="amount")
    record_change(actor=actor, action="update" if before else "create", obj=report, before=before,
                  after=snapshot(report), reason=reason or ("确认提示: " + "; ".join(f.code for f in warnings)
                                                            if warnings else ""))
    shift_later_months(project_id=project.pk, year=year, month=month, delta=delta, actor=actor, reason=reason)
    refresh_facts([project.pk], [year])  # the figure store, in this transaction
    return report


# Review steps: who may move a report from which status to which.
DISTRICT_STEP = {ReportStatus.SUBMITTED}
CITY_STEP = {ReportStatus.SUBMITTED, ReportStatus.DISTRICT_ACCEPTED}


@transaction.atomic
def review_report(*, report: MonthlyReport, accept: bool, level: str, actor, reason: str = ""
                  ) -> MonthlyReport:
    """板块审核 (level 'district': 已报送 → 板块已审核) or 市级确认 (level 'city': → 市级已确认); either may
    return it (退回) with a reason the reporter sees. The reviewer must reach the report's project to review."""
    require_actor(actor, REVIEW)
    _check_reach(actor, report.project, REVIEW)
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    allowed = DISTRICT_STEP if level == "district" else CITY_STEP
    if level not in ("district", "city"):
        raise InputError(f"审核级别未知: {level!r}", field="level")
    if report.status not in allowed:
        raise InputError(f"{report} 当前状态为 {report.get_status_display()}, 不能审核", field="status")
    if not accept and not reason.strip():
        raise InputError("退回必须填写原因", field="reason")
    before = snapshot(report)
    if accept:
        report.status = ReportStatus.DISTRICT_ACCEPTED if level == "district" else ReportStatus.ACCEPTED
    else:
        report.status = ReportStatus.RETURNED
        report.return_reason = reason.strip()
    report.save(update_fields=["status", "return_reason", "updated_at"])
    record_change(actor=actor, action="update", obj=report, before=before, after=snapshot(report), reason=reason)
    refresh_facts([report.project_id], [report.year])
    return report


@transaction.atomic
def set_report_status(*, report: MonthlyReport, status: str, actor, reason: str = "") -> MonthlyReport:
    """Set a status directly (imports and administrators); 退回 needs a reason."""
    require_actor(actor, REVIEW)
    _check_reach(actor, report.project, REVIEW)
    if status == ReportStatus.RETURNED and not reason.strip():
        raise InputError("退回必须填写原因", field="reason")
    before = snapshot(report)
    report.status = status
    report.return_reason = reason if status == ReportStatus.RETURNED else report.return_reason
    report.save(update_fields=["status", "return_reason", "updated_at"])
    record_change(actor=actor, action="update", obj=report, before=before, after=snapshot(report), reason=reason)
    refresh_facts([report.project_id], [report.year])
    return report


@transaction.atomic
def open_period(*, city, year: int, month: int, opens_on: datetime.date, deadline: datetime.date, actor
                ) -> ReportingPeriod:
    """开启填报期: the city opens a month for reporting with its window and deadline (its administrator)."""
    require_actor(actor, CONFIGURE)
    _check_city(actor, city)
    if not 1 <= int(month) <= 12:
        raise InputError(f"月份应在 1-12 之间, 收到 {month!r}", field="month")
    if deadline < opens_on:
        raise InputError(f"截止日期 {deadline} 早于开始日期 {opens_on}", field="deadline")
    if ReportingPeriod.objects.filter(city=city, year=year, month=month).exists():
        raise InputError(f"{city.name} {year}年{month}月 填报期已存在", field="month")
    period = ReportingPeriod.objects.create(city=city, year=year, month=month, opens_on=opens_on,
                                            deadline=deadline, created_by=actor if getattr(actor, "pk", None) else None)
    record_change(actor=actor, action="create", obj=period, before=None, after=snapshot(period))
    return period


@transaction.atomic
def lock_due_periods(*, today: datetime.date | None = None, actor) -> list[ReportingPeriod]:
    """Lock every period whose deadline has passed (safe to run repeatedly): every city's, so the cron's system
    actor (or a superuser) only."""
    require_actor(actor, CONFIGURE)
    if not actor.is_superuser:
        raise PermissionDenied("到期锁定各市填报期由系统执行")
    today = today or timezone.localdate()
    due = list(ReportingPeriod.objects.select_for_update().filter(locked_at__isnull=True, deadline__lt=today))
    for period in due:
        before = snapshot(period)
        period.locked_at = timezone.now()
        period.save(update_fields=["locked_at"])
        record_change(actor=actor, action="update", obj=period, before=before, after=snapshot(period))
    return due


def _check_photo(upload) -> None:
    if getattr(upload, "size", 0) > 15 * 1024 * 1024:
        raise InputError(f"照片 {upload.name} 超过 15 MB", field="photos")
    check_photo(upload, field="photos")  # by its bytes, not the declared type


@transaction.atomic
def add_photo(*, report: MonthlyReport, upload, actor):
    """Attach a site photo, keeping when (and, if the file says, where) it was taken."""
    require_actor(actor, REPORT)
    _check_reach(actor, report.project, REPORT)
    from .models import ReportPhoto
    from .photos import exif_facts

    _check_photo(upload)
    facts = exif_facts(upload)
    photo = ReportPhoto(report=report, image=upload, uploaded_by=actor if getattr(actor, "pk", None) else None,
                        **facts)
    photo.save()
    record_change(actor=actor, action="create", obj=photo, before=None, after=snapshot(photo),
                  project_id=report.project_id)
    return photo


@transaction.atomic
def save_report_with_attachments(*, project, year: int, month: int, milestones=(), photos=(), actor,
                                 **report) -> MonthlyReport:
    """The report form's one write: the month's report (save_report), the milestones ticked on it (dated the
    month's last day, or today if earlier) and its site photos, all or nothing. The photos are checked before
    anything is written, so a bad file never leaves a saved report behind."""
    from tuijin.projects.services import record_milestone

    require_actor(actor, REPORT)
    _check_reach(actor, project, REPORT)

    for upload in photos:
        _check_photo(upload)
    saved = save_report(project=project, year=year, month=month, actor=actor, **report)
    last_day = datetime.date(year, month, calendar.monthrange(year, month)[1])
    for kind in milestones:
        record_milestone(project=project, kind=kind, actual_date=min(last_day, timezone.localdate()),
                         actor=actor, note=f"{year}年{month}月月报")
    for upload in photos:
        add_photo(report=saved, upload=upload, actor=actor)
    return saved


# ---------------------------------------------------------------- the deadline: batches, 本月无变化, periods, 催报


@dataclass(frozen=True)
class ReviewDecision:
    """One row of a bulk review (批量审核): accept, or return with the reason the reporter sees."""

    report_id: int
    accept: bool
    reason: str = ""


@transaction.atomic
def review_batch(*, decisions: list[ReviewDecision], level: str, actor, allowed_reports) -> list[MonthlyReport]:
    """批量审核: every decision through `review_report` (so each is checked and audited like a single one), in one
    transaction: a return without its reason, or a report out of reach or no longer waiting, writes nothing.
    `allowed_reports` is the queryset of reports the actor may review (its scope)."""
    require_actor(actor, REVIEW)
    if not decisions:
        raise InputError("请至少勾选一份月报", field="reports")
    reports = {r.pk: r for r in allowed_reports.filter(pk__in=[d.report_id for d in decisions])
               .select_related("project")}
    missing = [d.report_id for d in decisions if d.report_id not in reports]
    if missing:
        raise InputError(f"月报 {missing[0]} 不存在或不在您的审核范围内", field="reports")
    no_reason = [reports[d.report_id].project.name for d in decisions if not d.accept and not d.reason.strip()]
    if no_reason:
        raise InputError(f"退回必须逐份填写原因: {'、'.join(no_reason)}", field="reason")
    done = []
    for d in decisions:
        try:
            done.append(review_report(report=reports[d.report_id], accept=d.accept, level=level, actor=actor,
                                      reason=d.reason))
        except InputError as exc:
            raise InputError(f"{reports[d.report_id].project.name}: {'; '.join(exc.messages)}",
                             field=exc.field) from None
    return done


def file_unchanged(*, project, year: int, month: int, actor, confirm_warnings: bool = False,
                   today: datetime.date | None = None) -> MonthlyReport:
    """本月无变化: this month's report with 当月完成投资 0 and the previous month's 形象进度 and 存在问题, through
    `save_report` (the same validation, locks and checks as the form). A month already reported is refused:
    the button is for a month with nothing yet."""
    existing = MonthlyReport.objects.filter(project=project, year=year, month=month).first()
    if existing is not None and existing.status != ReportStatus.DRAFT:
        raise InputError(f"{project.name} {year}年{month}月已{existing.get_status_display()}, 请在表单中修改",
                         field="amount")
    from django.db.models import Q

    last = (MonthlyReport.objects.filter(project=project).filter(Q(year__lt=year) | Q(year=year, month__lt=month))
            .order_by("-year", "-month").first())
    return save_report(project=project, year=year, month=month, amount=Decimal(0),
                       progress_text=last.progress_text if last else "",
                       problems_text=last.problems_text if last else "", actor=actor,
                       status=ReportStatus.SUBMITTED, confirm_warnings=confirm_warnings, today=today)


def _period_change(period: ReportingPeriod, actor, reason: str, **changes) -> ReportingPeriod:
    before = snapshot(period)
    for k, v in changes.items():
        setattr(period, k, v)
    period.save(update_fields=list(changes))
    record_change(actor=actor, action="update", obj=period, before=before, after=snapshot(period), reason=reason)
    return period


@transaction.atomic
def lock_period(*, period: ReportingPeriod, actor, reason: str = "") -> ReportingPeriod:
    """锁定: close a period before its deadline (every later change then needs a reason)."""
    require_actor(actor, CONFIGURE)
    _check_city(actor, period.city)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.locked_at is not None:
        raise InputError(f"{period.year}年{period.month}月填报期已锁定", field="period")
    return _period_change(period, actor, reason, locked_at=timezone.now())


@transaction.atomic
def extend_period(*, period: ReportingPeriod, deadline: datetime.date, actor, reason: str = "",
                  today: datetime.date | None = None) -> ReportingPeriod:
    """延期: move a period's deadline later; a locked period stays locked until reopened."""
    require_actor(actor, CONFIGURE)
    _check_city(actor, period.city)
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if deadline <= period.deadline:
        raise InputError(f"新的截止日期 {deadline} 须晚于原截止日期 {period.deadline}", field="deadline")
    if deadline < today:
        raise InputError(f"新的截止日期 {deadline} 早于今天 {today}", field="deadline")
    return _period_change(period, actor, reason, deadline=deadline)


@transaction.atomic
def reopen_period(*, period: ReportingPeriod, deadline: datetime.date, actor, reason: str,
                  today: datetime.date | None = None) -> ReportingPeriod:
    """重新开放: unlock a locked period until a new deadline; the reason is required and audited."""
    require_actor(actor, CONFIGURE)
    _check_city(actor, period.city)
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not reason.strip():
        raise InputError("重新开放填报期必须填写原因", field="reason")
    if not period.is_locked(today):
        raise InputError(f"{period.year}年{period.month}月填报期未锁定, 无需重新开放", field="period")
    if deadline < today:
        raise InputError(f"新的截止日期 {deadline} 早于今天 {today}", field="deadline")
    return _period_change(period, actor, reason, locked_at=None, deadline=deadline)
