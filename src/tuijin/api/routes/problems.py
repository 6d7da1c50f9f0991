"""Problems (问题协调): read the problems in the caller's reach (tuijin.problems.selectors.problems_for: the
problems of the projects it sees, and for a department handler those its department leads or cooperates on)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status as HttpStatus

from tuijin.core.policy import READ, REPORT, requires
from tuijin.problems import services
from tuijin.problems.models import OPEN_STATUSES, UNCLOSED_STATUSES, Level, ProblemCategory, Status
from tuijin.problems.selectors import get_problem_or_404, problems_for
from tuijin.projects import scoping

from ..pagination import page_of, paginate
from ..types import InputSchema, text
from .common import Cursor, Limit, PathId, QueryId, QueryText, invalid, project_filter, responses

router = Router(tags=["问题 problems"])

StatusFilter = Literal[tuple([*Status.values, "open"])]  # type: ignore[valid-type]


class ProblemOut(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    category: str
    category_name: str
    title: str
    description: str
    source: str
    status: str
    status_label: str
    raised_at: datetime.datetime
    raised_by: str | None
    lead_department_id: int | None
    lead_department: str | None
    deadline: datetime.date | None
    overdue: bool
    days_left: int | None
    answer: str
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    level: int
    level_label: str


ProblemPage = page_of(ProblemOut, "ProblemPage")


class ProblemIn(InputSchema):
    category: text(30, 1)
    title: text(120, 1)
    description: text(5000) = ""


def _category(code: str, field: str = "category") -> ProblemCategory:
    cat = ProblemCategory.objects.filter(code=code).first() or ProblemCategory.objects.filter(name=code).first()
    if cat is None:
        known = ", ".join(ProblemCategory.objects.values_list("code", flat=True))
        raise invalid(field, f"问题类别不存在: {code!r}; 可选: {known}")
    return cat


def _problem(p, today) -> dict:
    dept = p.lead_department
    return {
        "id": p.pk, "project_id": p.project_id, "project_code": p.project.code, "project_name": p.project.name,
        "category": p.category.code, "category_name": p.category.name, "title": p.title,
        "description": p.description, "source": p.source, "status": p.status,
        "status_label": Status(p.status).label, "raised_at": p.raised_at,
        "raised_by": p.raised_by.username if p.raised_by else None, "lead_department_id": p.lead_department_id,
        "lead_department": dept.name if dept else None, "deadline": p.deadline, "overdue": p.is_overdue(today),
        "days_left": p.days_left(today), "answer": p.answer, "answered_at": p.answered_at,
        "closed_at": p.closed_at, "level": p.level, "level_label": Level(p.level).label,
    }


@router.get("/problems", response=responses({200: ProblemPage}), summary="问题列表 (按权限范围)")
@requires(READ)
def list_problems(request, status: StatusFilter | None = None, category: QueryText = None,
                  project: QueryId = None, overdue: bool = False, cursor: Cursor = None, limit: Limit = 50):
    """`status` (or `open`: not yet closed), `category` (code, e.g. `land`), `project` (id), `overdue`
    (assigned, not answered, past its deadline)."""
    today = timezone.localdate()
    qs = problems_for(request.auth).select_related("raised_by")
    if status == "open":
        qs = qs.filter(status__in=UNCLOSED_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=_category(category))
    if project:
        qs = qs.filter(project_id=project_filter(request.auth, project))
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=lambda p: _problem(p, today))


@router.get("/problems/{problem_id}", response=responses({200: ProblemOut}), summary="问题详情")
@requires(READ)
def get_problem(request, problem_id: PathId):
    problem = get_problem_or_404(request.auth, problem_id)
    return _problem(problem, timezone.localdate())


@router.post("/projects/{project_id}/problems", response=responses({201: ProblemOut}), summary="提出问题")
@requires(REPORT)
def raise_problem(request, project_id: PathId, payload: ProblemIn):
    """Raises a problem on the project (用地, 环保, 融资 … by `category` code): the project's reporter, its
    district or the city. It then waits to be assigned (交办) on the problems pages."""
    user = request.auth
    project = scoping.get_project_or_404(user, project_id, scoping.REPORT)
    problem = services.raise_problem(actor=user, project=project, category=_category(payload.category),
                                     title=payload.title, description=payload.description)
    problem = problems_for(user).select_related("raised_by").get(pk=problem.pk)
    return HttpStatus(201, _problem(problem, timezone.localdate()))
