"""Helpers shared by the routes: parameter types, looking ids up inside the caller's scope."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Query

from tuijin.core.periods import THROUGH_PATTERN
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.selectors import city_by_name
from tuijin.projects import scoping
from tuijin.projects.models import Category

from .. import selectors
from ..errors import ERROR_RESPONSES, ApiError
from ..types import MAX_ID, Text

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Cursor = Annotated[str | None, Query(max_length=100, description="上一页 `next` 链接中的游标")]
Limit = Annotated[int, Query(ge=1, description="每页条数, 默认 50, 超过 200 按 200")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
QueryYear = Annotated[int | None, Query(ge=2000, le=2100)]
QueryMonth = Annotated[int | None, Query(ge=1, le=12)]
QueryText = Annotated[Text | None, Query(max_length=100)]
Name = Annotated[Text | None, Query(max_length=100)]
Through = Annotated[str, Query(pattern=THROUGH_PATTERN, description="截至月份 YYYY-MM, 或季度 YYYY-Q1…Q4、半年 YYYY-H1/H2",
                               examples=["2024-05", "2024-Q1", "2024-H1"])]


def responses(ok: dict) -> dict:
    return {**ok, **ERROR_RESPONSES}


def not_found(what: str, field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", f"{what}不存在或不在您的权限范围内", field)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_input", message, field)


def unit_in_scope(user, unit_id: int, *, field: str = "unit", body: bool = False) -> OrgUnit:
    unit = scoping.units_for(user).filter(pk=unit_id).first()
    if unit is None:
        if body:
            raise invalid(field, f"单位 {unit_id} 不存在或不在您的权限范围内")
        raise not_found("单位", field)
    return unit


def project_filter(user, project_id: int, *, field: str = "project") -> int:
    """A list filter's project id: one in the caller's reach, else 404 (as docs/api.md says), never an empty
    page that looks like a project without rows."""
    if not scoping.projects_for(user).filter(pk=project_id).exists():
        raise not_found("项目", field)
    return project_id


def category_by_code(code: str, *, field: str = "category") -> Category:
    cat = Category.objects.filter(code=code).first() or Category.objects.filter(name=code).first()
    if cat is None:
        known = ", ".join(Category.objects.values_list("code", flat=True))
        raise invalid(field, f"项目类别不存在: {code!r}; 可选: {known}")
    return cat


def dimension_for(unit, kind: str, value: str, *, field: str):
    """A 行业领域 / 建设性质 of the unit's city, in use, by code or name; 422 naming the field and the valid
    names otherwise."""
    from tuijin.projects.models import BuildNature, Sector

    model, label = {"sector": (Sector, "行业领域"), "nature": (BuildNature, "建设性质")}[kind]
    city = unit.city() if unit is not None else None
    offered = model.objects.filter(city=city, active=True) if city else model.objects.none()
    found = offered.filter(code=value).first() or offered.filter(name=value).first()
    if found is None:
        known = "、".join(offered.values_list("name", flat=True)) or "(本市尚未设置)"
        raise invalid(field, f"{label}不存在或已停用: {value!r}; 可选: {known}")
    return found


def node_in_scope(user, node_id: int, *, field: str, body: bool = False):
    node = selectors.visible_nodes(user).filter(pk=node_id).first()
    if node is None:
        if body:
            raise invalid(field, f"产业节点 {node_id} 不存在或不在您的权限范围内")
        raise not_found("产业节点", field)
    return node


def list_in_scope(user, list_id: int, *, field: str = "list", body: bool = False):
    lst = selectors.visible_lists(user).select_related("city").filter(pk=list_id).first()
    if lst is None:
        if body:
            raise invalid(field, f"清单 {list_id} 不存在或不在您的权限范围内")
        raise not_found("清单", field)
    return lst


def department_for(unit: OrgUnit, dept_id: int, *, field: str = "responsible_department_id") -> OrgUnit:
    """A department of the project's city (a district writer may name the city's departments)."""
    city = unit.city() or unit
    dept = OrgUnit.objects.filter(pk=dept_id, kind=UnitKind.DEPARTMENT, path__startswith=city.path).first()
    if dept is None:
        raise invalid(field, f"部门 {dept_id} 不存在或不属于 {city.name}")
    return dept


def home_city(user) -> OrgUnit | None:
    return user.unit.city() if user.unit_id else None


def city_in_reach(user, name: str | None) -> OrgUnit:
    """The city named (default: the caller's), which must hold the caller's unit or lie within it (404)."""
    if name:
        city = city_by_name(name)
    else:
        city = home_city(user)
        if city is None:
            raise ApiError(422, "invalid_input", "请用 city 参数指定城市", "city")
    if user.unit_id and not user.is_superuser:
        if not (city.is_within(user.unit) or user.unit.is_within(city)):
            raise not_found("城市", "city")
    return city
