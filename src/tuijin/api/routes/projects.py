"""Projects: the scoped list with the web list's filters, detail, create, update, and stage events."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import Router
from ninja.responses import Status

from tuijin.core.policy import READ, WRITE, requires
from tuijin.projects import scoping, services
from tuijin.projects.models import StageEvent
from tuijin.web import selectors as web_selectors

from .. import serialize
from ..pagination import paginate
from ..schemas import (
    ProjectCreatedOut,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
    StageCode,
    StageEventIn,
    StageEventOut,
    StageEventPage,
)
from .common import (
    Cursor,
    Limit,
    PathId,
    QueryId,
    QueryText,
    QueryYear,
    category_by_code,
    department_for,
    dimension_for,
    invalid,
    list_in_scope,
    node_in_scope,
    responses,
    unit_in_scope,
)

router = Router(tags=["项目 projects"])


def _recheck(user, project) -> None:
    """After a write, the project must still be one the user may write (else the transaction rolls back)."""
    if not scoping.projects_for(user, scoping.WRITE).filter(pk=project.pk).exists():
        raise PermissionDenied("保存后的项目不在您的权限范围内")


def _load(pk):
    from tuijin.projects.models import Project

    return Project.objects.select_related(*serialize.PROJECT_RELATED).get(pk=pk)


@router.get("/projects", response=responses({200: ProjectPage}), summary="项目列表 (按权限范围)")
@requires(READ)
def list_projects(request, unit: QueryId = None, list: QueryId = None, year: QueryYear = None,  # noqa: A002
                  stage: StageCode | None = None, category: QueryText = None, industry: QueryId = None,
                  q: QueryText = None, cursor: Cursor = None, limit: Limit = 50):
    """Filters as on the web list: `unit` (id, with its subtree), `list` (id) and/or `year`, `stage`,
    `category` (code, e.g. `industry`), `industry` (taxonomy node id, with its subtree), `q` (name or code)."""
    user = request.auth
    filters = web_selectors.ProjectFilters(
        q=(q or "").strip(),
        unit=unit_in_scope(user, unit) if unit else None,
        annual_list=list_in_scope(user, list) if list else None,
        year=year, stage=stage or "",
        category=category_by_code(category) if category else None,
        industry_node=node_in_scope(user, industry, field="industry") if industry else None,
    )
    # The web list's own query (tuijin.web.selectors.projects), so the two can never filter differently.
    qs = web_selectors.projects(user, filters).select_related(*serialize.PROJECT_RELATED)
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.project)


@router.get("/projects/{project_id}", response=responses({200: ProjectOut}), summary="项目详情")
@requires(READ)
def get_project(request, project_id: PathId):
    project = scoping.get_project_or_404(request.auth, project_id)
    return serialize.project(_load(project.pk))


def _resolve_refs(user, data: dict, unit_for_dept) -> dict:
    """Payload ids → objects, each checked against the caller's scope (422 naming the field if not)."""
    out = {}
    if "unit_id" in data:
        out["unit"] = unit_in_scope(user, data["unit_id"], field="unit_id", body=True)
    if "category" in data:
        out["category"] = category_by_code(data["category"])
    if "industry_node_id" in data:
        node_id = data["industry_node_id"]
        out["industry_node"] = node_in_scope(user, node_id, field="industry_node_id", body=True) if node_id else None
    if "responsible_department_id" in data:
        dept_id = data["responsible_department_id"]
        unit = out.get("unit") or unit_for_dept
        out["responsible_department"] = department_for(unit, dept_id) if dept_id else None
    for kind in ("sector", "nature"):
        if data.get(kind):
            out[kind] = dimension_for(out.get("unit") or unit_for_dept, kind, data[kind], field=kind)
        elif kind in data:
            out[kind] = None
    return out


@router.post("/projects", response=responses({201: ProjectCreatedOut}), summary="新增项目 (谋划)")
@requires(WRITE)
def create_project(request, payload: ProjectIn):
    """Registers a project in 谋划 (and, optionally, its past 签约/开工/竣工/投产 dates `signed_on` …
    `operating_on`, recorded as stage events in order; a future or out-of-order date is a 422 naming it). Needs the write permission (市管理员, 板块管理员) and a unit in reach."""
    user = request.auth
    data = payload.model_dump()
    refs = _resolve_refs(user, data, None)
    with transaction.atomic():
        project, warnings = services.create_project(
            code=data["code"], name=data["name"], unit=refs["unit"], category=refs["category"],
            total_investment=data["total_investment"], owner=data["owner"],
            industry_node=refs.get("industry_node"), location=data["location"], description=data["description"],
            responsible_leader=data["responsible_leader"],
            responsible_department=refs.get("responsible_department"), service_contact=data["service_contact"],
            sector=refs.get("sector"), nature=refs.get("nature"),
            longitude=data["longitude"], latitude=data["latitude"],
            signed_on=data["signed_on"], started_on=data["started_on"], completed_on=data["completed_on"],
            operating_on=data["operating_on"], actor=user,
        )
        _recheck(user, project)
    return Status(201, {**serialize.project(_load(project.pk)), "warnings": warnings})


REQUIRED_ON_PATCH = ("code", "name", "unit_id", "category", "total_investment")


@router.patch("/projects/{project_id}", response=responses({200: ProjectOut}), summary="修改项目")
@requires(WRITE)
def update_project(request, project_id: PathId, payload: ProjectPatch):
    """Changes the fields sent (not the stage: stages move by stage events). `reason` goes to the audit trail."""
    user = request.auth
    project = scoping.get_project_or_404(user, project_id, scoping.WRITE)
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    for key in REQUIRED_ON_PATCH:
        if key in data and data[key] is None:
            raise invalid(key, f"{key} 不能为空")
    changes = {k: (None if k in ("longitude", "latitude") else "") if v is None else v for k, v in data.items()
               if k not in ("unit_id", "category", "industry_node_id", "responsible_department_id", "sector",
                            "nature")}
    changes.update(_resolve_refs(user, data, project.unit))
    if changes:
        with transaction.atomic():
            project = services.update_project(project=project, actor=user, reason=reason, **changes)
            _recheck(user, project)
    return serialize.project(_load(project.pk))


@router.get("/projects/{project_id}/stage-events", response=responses({200: StageEventPage}),
            summary="项目阶段事件")
@requires(READ)
def list_stage_events(request, project_id: PathId, cursor: Cursor = None, limit: Limit = 50):
    project = scoping.get_project_or_404(request.auth, project_id)
    qs = StageEvent.objects.filter(project=project).select_related("recorded_by")
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.stage_event)


@router.post("/projects/{project_id}/stage-events", response=responses({201: StageEventOut}),
             summary="记录阶段事件 (签约、开工、竣工、投产、达产、终止)")
@requires(WRITE)
def record_stage_event(request, project_id: PathId, payload: StageEventIn):
    """Moves the project forward into `stage` on `date` (never into the future, never backwards)."""
    user = request.auth
    project = scoping.get_project_or_404(user, project_id, scoping.WRITE)
    event = services.record_stage(project=project, stage=payload.stage, date=payload.date, actor=user,
                                  note=payload.note, reason=payload.reason)
    event = StageEvent.objects.select_related("recorded_by").get(pk=event.pk)
    return Status(201, serialize.stage_event(event))
