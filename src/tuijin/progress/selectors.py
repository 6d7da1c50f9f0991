"""Reads for the reporting cycle, always through the user's scope: prefilled forms, the review queue, and
which listed projects have not reported (缺报)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tuijin.projects import scoping
from tuijin.projects.models import ListEntry
from tuijin.projects.scoping import REPORT, REVIEW, projects_for

from .models import SUBMITTED_STATUSES, MonthlyReport, ReportingPeriod, ReportStatus
from .services import previous_ytd


def prefill(*, project, year: int, month: int) -> dict:
    """A new month starts from the last one and the project record (no 多头填报)."""
    current = MonthlyReport.objects.filter(project=project, year=year, month=month).first()
    last = (MonthlyReport.objects.filter(project=project).filter(Q(year__lt=year) | Q(year=year, month__lt=month))
            .order_by("-year", "-month").first())
    plan = ListEntry.objects.filter(project=project, year=year).order_by("annual_list__rank").first()
    return {
        "project": project,
        "report": current,
        "previous": last,
        "previous_ytd": previous_ytd(project, year, month),
        "annual_plan": plan.annual_plan if plan else None,
        "total_investment": project.total_investment,
        "progress_text": current.progress_text if current else (last.progress_text if last else ""),
        "problems_text": current.problems_text if current else (last.problems_text if last else ""),
        "amount": current.amount if current else None,
        "funds_secured": current.funds_secured if current else None,
    }


def reportable_projects(user, year: int):
    """The projects the user reports for this year: listed that year and within the REPORT scope."""
    listed = ListEntry.objects.filter(project=OuterRef("pk"), year=year)
    return projects_for(user, REPORT).filter(Exists(listed)).select_related("unit", "category")


def review_queue(user, year: int, month: int):
    """Reports waiting for this user's review: 已报送 for a district, 已报送/板块已审核 for the city."""
    statuses = [ReportStatus.SUBMITTED, ReportStatus.DISTRICT_ACCEPTED]
    return (MonthlyReport.objects.filter(year=year, month=month, status__in=statuses,
                                         project__in=projects_for(user, REVIEW))
            .select_related("project", "project__unit", "submitted_by").order_by("project__unit__path", "project__code"))


def missing_reports(user, year: int, month: int):
    """Listed projects in the user's scope with no submitted report for the month (缺报), for reminders."""
    submitted = MonthlyReport.objects.filter(project=OuterRef("pk"), year=year, month=month,
                                             status__in=SUBMITTED_STATUSES)
    listed = ListEntry.objects.filter(project=OuterRef("pk"), year=year)
    return (projects_for(user).filter(Exists(listed)).exclude(Exists(submitted))
            .select_related("unit").prefetch_related("reporters").order_by("unit__path", "code"))


def get_photo_or_404(user, pk: int):
    """A report photo, if its project is in the user's scope (404 otherwise: nothing leaks)."""
    from django.http import Http404

    from .models import ReportPhoto

    photo = ReportPhoto.objects.select_related("report").filter(pk=pk).first()
    if photo is None:
        raise Http404("照片不存在")
    scoping.get_project_or_404(user, photo.report.project_id)
    return photo


# ---------------------------------------------------------------- which month the pages open on


@dataclass(frozen=True)
class MonthStatus:
    """A reporting month as the pages show it beside every figure: 7月已确认 1/575 (填报中).

    `expected` counts the projects in view listed that year (the same projects 缺报 counts); `accepted` those
    of them with a city-accepted (市级确认) report for the month. A month is closed when its reporting period is
    locked (the deadline passed, or the city locked it) or when every expected report is accepted."""

    year: int
    month: int
    accepted: int
    expected: int
    closed: bool

    @property
    def through(self) -> tuple[int, int]:
        return (self.year, self.month)

    @property
    def label(self) -> str:
        text = f"{self.month}月已确认 {self.accepted}/{self.expected}"
        return text if self.closed else f"{text} (本月填报中, 数据未全部确认)"


def _closed_by_period(city, today: datetime.date) -> dict[tuple[int, int], bool]:
    return {(p.year, p.month): p.is_locked(today) for p in ReportingPeriod.objects.filter(city=city)}


def month_statuses(project_q: Q, city, *, today: datetime.date | None = None) -> list[MonthStatus]:
    """Every month with a city-accepted report for a project matching `project_q`, newest first, with its
    completeness. Three queries whatever the number of projects or months."""
    from tuijin.projects.models import Project

    today = today or timezone.localdate()
    in_view = Project.objects.filter(project_q).values("pk")
    accepted = (MonthlyReport.objects.filter(status=ReportStatus.ACCEPTED, project__in=in_view)
                .values("year", "month").annotate(n=Count("project", distinct=True)).order_by("-year", "-month"))
    rows = list(accepted)
    if not rows:
        return []
    years = {r["year"] for r in rows}
    expected = dict(ListEntry.objects.filter(year__in=years, project__in=in_view).values("year")
                    .annotate(n=Count("project", distinct=True)).values_list("year", "n"))
    by_period = _closed_by_period(city, today)
    out = []
    for r in rows:
        key = (r["year"], r["month"])
        n_expected = expected.get(r["year"], 0)
        complete = n_expected > 0 and r["n"] >= n_expected
        out.append(MonthStatus(r["year"], r["month"], r["n"], n_expected, by_period.get(key, False) or complete))
    return out


def closed_through(project_q: Q, city, *, today: datetime.date | None = None) -> tuple[int, int] | None:
    """The month the pages open on: the latest closed month (its period locked, or every listed project's report
    accepted). One accepted report of a new month does not move it. When no month is closed yet, the latest
    month with any accepted report (the pages then mark it as in progress); None without any."""
    statuses = month_statuses(project_q, city, today=today)
    for s in statuses:
        if s.closed:
            return s.through
    return statuses[0].through if statuses else None


def month_status(project_q: Q, city, year: int, month: int, *, today: datetime.date | None = None) -> MonthStatus:
    """One month's completeness for the projects in view (a month nobody reported: 0 of N, not closed unless
    its period is locked)."""
    from tuijin.projects.models import Project

    today = today or timezone.localdate()
    in_view = Project.objects.filter(project_q).values("pk")
    accepted = (MonthlyReport.objects.filter(status=ReportStatus.ACCEPTED, project__in=in_view, year=year,
                                             month=month).values("project").distinct().count())
    expected = ListEntry.objects.filter(year=year, project__in=in_view).values("project").distinct().count()
    period = ReportingPeriod.objects.filter(city=city, year=year, month=month).first()
    closed = (period is not None and period.is_locked(today)) or (expected > 0 and accepted >= expected)
    return MonthStatus(year, month, accepted, expected, closed)


# ---------------------------------------------------------------- the deadline


def review_rows(user, year: int, month: int):
    """The review queue with what a reviewer compares this month against: last month's cumulative (上月累计,
    0 in January), the year's plan (the highest-ranked list's 年度计划) and the month's photos. Three queries."""
    from django.db.models import Subquery

    prev = (MonthlyReport.objects.filter(project=OuterRef("project"), year=year, month__lt=month)
            .order_by("-month").values("ytd")[:1])
    plan = (ListEntry.objects.filter(project=OuterRef("project"), year=year).order_by("annual_list__rank")
            .values("annual_plan")[:1])
    return (review_queue(user, year, month).annotate(previous_ytd=Subquery(prev), annual_plan=Subquery(plan))
            .prefetch_related("photos"))


def template_facts(projects, year: int, month: int) -> dict[int, dict]:
    """For the monthly template, per project: last month's cumulative (上月累计, 0 in January), the year's plan
    and the latest 形象进度 before the month. Three queries whatever the number of projects."""
    ids = [p.pk for p in projects]
    out = {pk: {"previous_ytd": Decimal(0), "annual_plan": None, "progress_text": ""} for pk in ids}
    seen: set[int] = set()
    for pid, ytd in (MonthlyReport.objects.filter(project_id__in=ids, year=year, month__lt=month)
                     .order_by("project_id", "-month").values_list("project_id", "ytd")):
        if pid not in seen:
            seen.add(pid)
            out[pid]["previous_ytd"] = ytd
    seen = set()
    for pid, plan in (ListEntry.objects.filter(project_id__in=ids, year=year)
                      .order_by("project_id", "annual_list__rank").values_list("project_id", "annual_plan")):
        if pid not in seen:
            seen.add(pid)
            out[pid]["annual_plan"] = plan
    seen = set()
    for pid, text in (MonthlyReport.objects.filter(project_id__in=ids).filter(Q(year__lt=year) | Q(year=year, month__lt=month))
                      .exclude(progress_text="").order_by("project_id", "-year", "-month")
                      .values_list("project_id", "progress_text")):
        if pid not in seen:
            seen.add(pid)
            out[pid]["progress_text"] = text
    return out


@dataclass(frozen=True)
class Deadline:
    """A period's deadline as a reporter sees it: 还剩 N 天, 今天截止, or 已逾期 N 天."""

    deadline: datetime.date
    today: datetime.date
    locked: bool

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def label(self) -> str:
        if self.days_left > 0:
            return f"截止 {self.deadline}, 还剩 {self.days_left} 天"
        if self.days_left == 0:
            return f"今天 ({self.deadline}) 截止"
        return f"截止 {self.deadline}, 已逾期 {-self.days_left} 天"


def deadline_for(user, year: int, month: int, *, today: datetime.date | None = None) -> Deadline | None:
    city = user.unit.city() if getattr(user, "unit_id", None) else None
    period = ReportingPeriod.objects.filter(city=city, year=year, month=month).first() if city else None
    if period is None:
        return None
    today = today or timezone.localdate()
    return Deadline(period.deadline, today, period.is_locked(today))


@dataclass
class BoardRow:
    """报送进度 of one district: 应报 (listed), 已报 (submitted or further), 未报, 已审 (板块已审核 or 市级已确认), 退回."""

    unit: object
    expected: int = 0
    submitted: int = 0
    reviewed: int = 0
    returned: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.submitted


def submission_board(user, year: int, month: int) -> list[BoardRow]:
    """报送进度 by district (the user's city's 板块, or the user's own unit for a district) for the month: two
    grouped queries, rolled up from each project's unit to its district by path."""
    from tuijin.orgs.models import DISTRICT_KINDS, OrgUnit

    in_scope = projects_for(user).filter(Exists(ListEntry.objects.filter(project=OuterRef("pk"), year=year)))
    unit = user.unit if getattr(user, "unit_id", None) else None
    if unit is None:
        return []
    city = unit.city()
    if unit.kind in DISTRICT_KINDS:
        districts = [unit]
    else:
        districts = list(OrgUnit.objects.filter(parent=city, kind__in=DISTRICT_KINDS).order_by("path")) if city else []
    rows = {d.pk: BoardRow(d) for d in districts}
    own = BoardRow(city) if city else None  # projects registered at the city itself (本级)

    def row_for(path: str):
        for d in districts:
            if path.startswith(d.path):
                return rows[d.pk]
        return own

    expected = in_scope.values("unit__path").annotate(n=Count("pk", distinct=True)).order_by()
    for r in expected:
        target = row_for(r["unit__path"])
        if target is not None:
            target.expected += r["n"]
    reports = (MonthlyReport.objects.filter(year=year, month=month, project__in=in_scope)
               .values("project__unit__path", "status").annotate(n=Count("pk")).order_by())
    for r in reports:
        target = row_for(r["project__unit__path"])
        if target is None:
            continue
        if r["status"] in SUBMITTED_STATUSES:
            target.submitted += r["n"]
        if r["status"] in (ReportStatus.DISTRICT_ACCEPTED, ReportStatus.ACCEPTED):
            target.reviewed += r["n"]
        if r["status"] == ReportStatus.RETURNED:
            target.returned += r["n"]
    out = list(rows.values())
    if own is not None and own.expected and len(districts) != 1:
        out.append(own)
    return out
