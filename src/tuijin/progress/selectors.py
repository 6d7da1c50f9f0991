"""Reads for the reporting cycle, always through the user's scope: prefilled forms, the review queue, and
which listed projects have not reported (缺报)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from tuijin.accounts import scoping
from tuijin.accounts.scoping import REPORT, REVIEW, projects_for
from tuijin.projects.models import ListEntry

from .models import SUBMITTED_STATUSES, MonthlyReport, ReportStatus
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
