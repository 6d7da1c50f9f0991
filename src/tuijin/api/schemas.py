"""Request and response bodies. Amounts are 万元: sent as a number or a decimal string, returned as a decimal
string ("12345.67") so no client ever sees binary-float noise. Ids in a body are checked against the caller's
scope like ids in a URL."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from tuijin.progress.models import ReportStatus
from tuijin.projects.models import Stage

from .pagination import page_of
from .types import Amount, Bool, Date, Id, InputSchema, Latitude, Longitude, Month, Year, text

StageCode = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
NewStageCode = Literal[tuple(s for s in Stage.values if s != Stage.PLANNING)]  # type: ignore[valid-type]
ReportStatusCode = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]


# ---------------------------------------------------------------- who am I


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    unit_id: int | None
    unit: str | None
    city: str | None
    auth: Literal["token", "session"]
    token_name: str | None = None
    token_expires_at: datetime.datetime | None = None


# ---------------------------------------------------------------- org units, categories, lists


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    region_code: str


class CategoryOut(Schema):
    code: str
    name: str


class ListOut(Schema):
    id: int
    city_id: int
    city: str
    name: str
    short_name: str
    rank: int


# ---------------------------------------------------------------- projects


class ProjectOut(Schema):
    id: int
    code: str
    code_is_legacy: bool
    name: str
    owner: str
    unit_id: int
    unit: str
    category: str
    category_name: str
    industry_node_id: int | None
    industry_node: str | None
    total_investment: str
    location: str
    description: str
    responsible_leader: str
    responsible_department_id: int | None
    responsible_department: str | None
    service_contact: str
    stage: str
    stage_label: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    sector: str | None = None  # 行业领域 code
    sector_name: str | None = None
    nature: str | None = None  # 建设性质 code
    nature_name: str | None = None
    longitude: str | None = None  # 经度, decimal degrees (WGS-84), 6 places; null when not set
    latitude: str | None = None  # 纬度


class ProjectCreatedOut(ProjectOut):
    warnings: list[str]


# 项目代码: the 24-character national code or an older layout (the service checks which, and warns on old ones).
ProjectCode = Annotated[text(40, 8), Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z_/-]{7,39}$")]


class ProjectIn(InputSchema):
    code: ProjectCode
    name: text(200, 1)
    unit_id: Id
    category: text(30, 1)
    total_investment: Amount
    owner: text(200) = ""
    industry_node_id: Id | None = None
    location: text(200) = ""
    description: text(5000) = ""
    responsible_leader: text(50) = ""
    responsible_department_id: Id | None = None
    service_contact: text(50) = ""
    sector: text(30) | None = None  # 行业领域, by code or name (the unit's city's)
    nature: text(30) | None = None  # 建设性质, by code or name
    longitude: Longitude = None  # 经度 (73 至 136) and 纬度 (3 至 54): both or neither
    latitude: Latitude = None
    signed_on: Date | None = None
    started_on: Date | None = None
    completed_on: Date | None = None
    operating_on: Date | None = None


class ProjectPatch(InputSchema):
    """Only the fields sent are changed; `reason` is kept in the audit trail."""

    code: ProjectCode | None = None
    name: text(200, 1) | None = None
    unit_id: Id | None = None
    category: text(30, 1) | None = None
    total_investment: Amount | None = None
    owner: text(200) | None = None
    industry_node_id: Id | None = None
    location: text(200) | None = None
    description: text(5000) | None = None
    responsible_leader: text(50) | None = None
    responsible_department_id: Id | None = None
    service_contact: text(50) | None = None
    sector: text(30) | None = None
    nature: text(30) | None = None
    longitude: Longitude = None  # send both (or both null to clear the position)
    latitude: Latitude = None
    reason: text(500) = ""


class StageEventOut(Schema):
    id: int
    project_id: int
    stage: str
    stage_label: str
    date: datetime.date
    note: str
    recorded_by: str | None
    recorded_at: datetime.datetime


class StageEventIn(InputSchema):
    stage: NewStageCode
    date: Date
    note: text(300) = ""
    reason: text(500) = ""


# ---------------------------------------------------------------- list entries


class ListEntryOut(Schema):
    id: int
    list_id: int
    list_name: str
    project_id: int
    project_code: str
    project_name: str
    year: int
    annual_plan: str
    planned_new_start: bool
    planned_start_month: int | None
    continuing: bool
    planned_completion: bool
    planned_operation: bool


class ListEntryIn(InputSchema):
    list_id: Id
    year: Year
    annual_plan: Amount
    planned_new_start: Bool = False
    planned_start_month: Month | None = None
    continuing: Bool = False
    planned_completion: Bool = False
    planned_operation: Bool = False


# ---------------------------------------------------------------- monthly reports


class ReportOut(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    year: int
    month: int
    amount: str
    ytd: str
    funds_secured: str | None = None
    progress_text: str
    problems_text: str
    status: str
    status_label: str
    return_reason: str
    submitted_by: str | None
    submitted_at: datetime.datetime | None
    updated_at: datetime.datetime


class ReportIn(InputSchema):
    """A month's figures: this month's amount, the 1-N月 cumulative, or both (they must then agree)."""

    year: Year
    month: Month
    amount: Amount | None = None
    ytd: Amount | None = None
    funds_secured: Amount | None = None  # 当月落实资金 (万元), optional; omitted: the stored value stays
    progress_text: text(5000) = ""
    problems_text: text(5000) = ""
    status: Literal["draft", "submitted"] = "submitted"
    reason: text(500) = ""
    confirm_warnings: Bool = False


UnitPage = page_of(UnitOut, "UnitPage")
ListPage = page_of(ListOut, "ListPage")
ProjectPage = page_of(ProjectOut, "ProjectPage")
StageEventPage = page_of(StageEventOut, "StageEventPage")
ListEntryPage = page_of(ListEntryOut, "ListEntryPage")
ReportPage = page_of(ReportOut, "ReportPage")
