"""Monthly reports (月报): read within scope; submit for a project with the report permission."""

from __future__ import annotations

from django.db import transaction
from ninja import Router
from ninja.responses import Status

from tuijin.core.policy import READ, REPORT, requires
from tuijin.progress import services
from tuijin.progress.models import MonthlyReport
from tuijin.projects import scoping

from .. import serialize
from ..pagination import paginate
from ..schemas import ReportIn, ReportOut, ReportPage, ReportStatusCode
from .common import (
    Cursor,
    Limit,
    PathId,
    QueryId,
    QueryMonth,
    QueryYear,
    not_found,
    project_filter,
    responses,
)

router = Router(tags=["月报 reports"])

def _reports(user):
    return MonthlyReport.objects.filter(project__in=scoping.projects_for(user).values("id")).select_related(
        "project", "submitted_by")


@router.get("/reports", response=responses({200: ReportPage}), summary="月报列表 (按权限范围)")
@requires(READ)
def list_reports(request, project: QueryId = None, year: QueryYear = None, month: QueryMonth = None,
                 status: ReportStatusCode | None = None, cursor: Cursor = None, limit: Limit = 50):
    qs = _reports(request.auth)
    if project:
        qs = qs.filter(project_id=project_filter(request.auth, project))
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    if status:
        qs = qs.filter(status=status)
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.report)


@router.get("/reports/{report_id}", response=responses({200: ReportOut}), summary="月报详情")
@requires(READ)
def get_report(request, report_id: PathId):
    report = _reports(request.auth).filter(pk=report_id).first()
    if report is None:
        raise not_found("月报")
    return serialize.report(report)


@router.get("/projects/{project_id}/reports", response=responses({200: ReportPage}), summary="项目的月报")
@requires(READ)
def project_reports(request, project_id: PathId, year: QueryYear = None, cursor: Cursor = None, limit: Limit = 50):
    project = scoping.get_project_or_404(request.auth, project_id)
    qs = MonthlyReport.objects.filter(project=project).select_related("project", "submitted_by")
    if year:
        qs = qs.filter(year=year)
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.report)


@router.post("/projects/{project_id}/reports", response=responses({200: ReportOut, 201: ReportOut}),
             summary="填报月报")
@requires(REPORT)
def submit_report(request, project_id: PathId, payload: ReportIn):
    """Enters the project's month (201 when new, 200 when it replaces the month's figures). Give `amount`
    (当月完成投资), `ytd` (1-N月累计) or both; later months' cumulatives follow. The service's sanity checks
    may answer 422 `needs_confirmation` listing warnings: send again with `confirm_warnings: true` once they
    are checked. In a locked period the change is a correction and needs a `reason`."""
    user = request.auth
    project = scoping.get_project_or_404(user, project_id, scoping.REPORT)
    # One transaction for the write and the answer: if reading the row back fails, nothing stays written.
    with transaction.atomic():
        existing = MonthlyReport.objects.filter(project=project, year=payload.year, month=payload.month).exists()
        report = services.save_report(
            project=project, year=payload.year, month=payload.month, amount=payload.amount, ytd=payload.ytd,
            progress_text=payload.progress_text, problems_text=payload.problems_text, status=payload.status,
            actor=user, reason=payload.reason, confirm_warnings=payload.confirm_warnings,
            funds_secured=(payload.funds_secured if "funds_secured" in payload.model_fields_set
                           else services.UNCHANGED),
        )
        report = MonthlyReport.objects.select_related("project", "submitted_by").get(pk=report.pk)
        body = serialize.report(report)
    return Status(200 if existing else 201, body)
