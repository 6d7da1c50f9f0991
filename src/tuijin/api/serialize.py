"""Model instances → response dicts (amounts as decimal strings, labels beside codes)."""

from __future__ import annotations

from decimal import Decimal

from tuijin.orgs.models import UnitKind
from tuijin.progress.models import ReportStatus
from tuijin.projects.models import Stage


def amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def unit(u) -> dict:
    return {"id": u.pk, "name": u.name, "short_name": u.short_name, "kind": u.kind,
            "kind_label": UnitKind(u.kind).label if u.kind in UnitKind.values else u.kind,
            "parent_id": u.parent_id, "depth": u.depth, "region_code": u.region_code}


def annual_list(lst) -> dict:
    return {"id": lst.pk, "city_id": lst.city_id, "city": lst.city.name, "name": lst.name,
            "short_name": lst.short_name, "rank": lst.rank}


def project(p) -> dict:
    node, dept = p.industry_node, p.responsible_department
    return {
        "id": p.pk, "code": p.code, "code_is_legacy": p.code_is_legacy, "name": p.name, "owner": p.owner,
        "unit_id": p.unit_id, "unit": p.unit.name, "category": p.category.code, "category_name": p.category.name,
        "industry_node_id": p.industry_node_id, "industry_node": node.name if node else None,
        "total_investment": amount(p.total_investment), "location": p.location, "description": p.description,
        "responsible_leader": p.responsible_leader, "responsible_department_id": p.responsible_department_id,
        "responsible_department": dept.name if dept else None, "service_contact": p.service_contact,
        "stage": p.stage, "stage_label": Stage(p.stage).label, "created_at": p.created_at,
        "updated_at": p.updated_at,
        "sector": p.sector.code if p.sector_id else None, "sector_name": p.sector.name if p.sector_id else None,
        "nature": p.nature.code if p.nature_id else None, "nature_name": p.nature.name if p.nature_id else None,
        "longitude": None if p.longitude is None else f"{p.longitude:.6f}",
        "latitude": None if p.latitude is None else f"{p.latitude:.6f}",
    }


PROJECT_RELATED = ("unit", "category", "industry_node", "responsible_department", "sector", "nature")


def stage_event(e) -> dict:
    return {"id": e.pk, "project_id": e.project_id, "stage": e.stage, "stage_label": Stage(e.stage).label,
            "date": e.date, "note": e.note, "recorded_by": e.recorded_by.username if e.recorded_by else None,
            "recorded_at": e.recorded_at}


def list_entry(e) -> dict:
    return {"id": e.pk, "list_id": e.annual_list_id, "list_name": e.annual_list.name, "project_id": e.project_id,
            "project_code": e.project.code, "project_name": e.project.name, "year": e.year,
            "annual_plan": amount(e.annual_plan), "planned_new_start": e.planned_new_start,
            "planned_start_month": e.planned_start_month, "continuing": e.continuing,
            "planned_completion": e.planned_completion, "planned_operation": e.planned_operation}


def report(r) -> dict:
    return {"id": r.pk, "project_id": r.project_id, "project_code": r.project.code,
            "project_name": r.project.name, "year": r.year, "month": r.month, "amount": amount(r.amount),
            "ytd": amount(r.ytd), "funds_secured": amount(r.funds_secured), "progress_text": r.progress_text, "problems_text": r.problems_text,
            "status": r.status, "status_label": ReportStatus(r.status).label, "return_reason": r.return_reason,
            "submitted_by": r.submitted_by.username if r.submitted_by else None, "submitted_at": r.submitted_at,
            "updated_at": r.updated_at}
