"""Org units, categories, annual lists and list entries (年度清单项目)."""

from __future__ import annotations

from typing import Literal

from ninja import Router
from ninja.responses import Status

from tuijin.core.policy import READ, WRITE, requires
from tuijin.orgs.models import UnitKind
from tuijin.projects import scoping, services
from tuijin.projects.models import Category, ListEntry

from .. import selectors, serialize
from ..pagination import paginate
from ..schemas import (
    CategoryOut,
    ListEntryIn,
    ListEntryOut,
    ListEntryPage,
    ListPage,
    UnitOut,
    UnitPage,
)
from .common import (
    Cursor,
    Limit,
    PathId,
    QueryId,
    QueryYear,
    list_in_scope,
    not_found,
    project_filter,
    responses,
    unit_in_scope,
)

router = Router()

UnitKindCode = Literal[tuple(UnitKind.values)]  # type: ignore[valid-type]


@router.get("/units", response=responses({200: UnitPage}), tags=["单位 org units"], summary="单位列表 (按权限范围)")
@requires(READ)
def list_units(request, kind: UnitKindCode | None = None, parent: QueryId = None, cursor: Cursor = None,
               limit: Limit = 50):
    """The org units the caller reaches: its unit's subtree (a reporter or department handler: its own unit)."""
    qs = scoping.units_for(request.auth)
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent=unit_in_scope(request.auth, parent, field="parent"))
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.unit)


@router.get("/units/{unit_id}", response=responses({200: UnitOut}), tags=["单位 org units"], summary="单位详情")
@requires(READ)
def get_unit(request, unit_id: PathId):
    unit = scoping.units_for(request.auth).filter(pk=unit_id).first()
    if unit is None:
        raise not_found("单位")
    return serialize.unit(unit)


@router.get("/categories", response=responses({200: list[CategoryOut]}), tags=["单位 org units"],
            summary="项目类别")
@requires(READ)
def list_categories(request):
    return [{"code": c.code, "name": c.name} for c in Category.objects.order_by("sort_order", "id")]


@router.get("/lists", response=responses({200: ListPage}), tags=["年度清单 lists"], summary="年度清单")
@requires(READ)
def list_lists(request, cursor: Cursor = None, limit: Limit = 50):
    qs = selectors.visible_lists(request.auth).select_related("city")
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.annual_list)


@router.get("/list-entries", response=responses({200: ListEntryPage}), tags=["年度清单 lists"],
            summary="清单项目 (按年度、清单)")
@requires(READ)
def list_entries(request, year: QueryYear = None, list: QueryId = None, project: QueryId = None,  # noqa: A002
                 cursor: Cursor = None, limit: Limit = 50):
    user = request.auth
    qs = ListEntry.objects.filter(project__in=scoping.projects_for(user).values("id")).select_related(
        "annual_list", "project")
    if year:
        qs = qs.filter(year=year)
    if list:
        qs = qs.filter(annual_list=list_in_scope(user, list))
    if project:
        qs = qs.filter(project_id=project_filter(user, project))
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.list_entry)


@router.get("/projects/{project_id}/list-entries", response=responses({200: ListEntryPage}),
            tags=["年度清单 lists"], summary="项目所在的清单")
@requires(READ)
def project_list_entries(request, project_id: PathId, cursor: Cursor = None, limit: Limit = 50):
    project = scoping.get_project_or_404(request.auth, project_id)
    qs = ListEntry.objects.filter(project=project).select_related("annual_list", "project")
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=serialize.list_entry)


@router.post("/projects/{project_id}/list-entries", response=responses({201: ListEntryOut}),
             tags=["年度清单 lists"], summary="将项目列入年度清单")
@requires(WRITE)
def create_list_entry(request, project_id: PathId, payload: ListEntryIn):
    """Puts the project on a list (of its city) for a year with its annual plan (万元) and that year's flags.
    Needs the write permission on the project."""
    user = request.auth
    project = scoping.get_project_or_404(user, project_id, scoping.WRITE)
    lst = list_in_scope(user, payload.list_id, field="list_id", body=True)
    entry = services.add_list_entry(
        annual_list=lst, project=project, year=payload.year, annual_plan=payload.annual_plan, actor=user,
        planned_new_start=payload.planned_new_start, planned_start_month=payload.planned_start_month,
        continuing=payload.continuing, planned_completion=payload.planned_completion,
        planned_operation=payload.planned_operation,
    )
    entry = ListEntry.objects.select_related("annual_list", "project").get(pk=entry.pk)
    return Status(201, serialize.list_entry(entry))
