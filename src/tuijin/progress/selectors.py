"""Reads for the reporting cycle, always through the user's scope: prefilled forms, the review queue, and
which listed projects have not reported (缺报)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.accounts.scoping import REPORT, REVIEW, projects_for
from tuijin.projects.models import ListEntry

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
