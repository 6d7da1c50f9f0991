"""Service-matrix cases (tests/access/test_service_matrix.py): orgs, projects' lists and dimensions, progress periods, livelihood, industry, reconciliation, bulletins, API tokens.

Each case is (label, service, builder(world, place) → (kwargs without the actor, the object changed or None)).

A builder may add what its service needs to the place (a park of its district, a reporting month of its city, a
taxonomy, an enterprise …) through the services with the system actor, before the matrix counts the rows; it
finds what an earlier call added, so the matrix can call it again and again.

Left out, with the reason:
- progress.may_correct_history and api.can_revoke are checks (they answer a bool and write nothing);
- orgs.create_city and progress.lock_due_periods are the platform operator's (a superuser, or the system actor
  of a command): no city administrator is in reach, so they cannot pass the matrix's third test (the city
  administrator on its own district's object goes through). OPERATOR_CASES below holds them, walked by
  tests/access/test_service_matrix_operator.py: refused for no actor, for the 板块管理员, for the city's own
  市管理员, and written for the system actor.
"""

from __future__ import annotations

import datetime
import importlib
import io
from decimal import Decimal

from tests.factories import SYSTEM

D = datetime.date


def _svc(module: str, name: str):
    return getattr(importlib.import_module(f"tuijin.{module}.services"), name)


def _service(module: str, name: str):
    return lambda: _svc(module, name)


def _photo(name: str = "site.jpg"):
    """A small real JPEG (the services check an upload by its bytes)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 12), (40, 90, 160)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), "image/jpeg")


# ---------------------------------------------------------------- what the builders add to a place


def _park(place, name: str = "矩阵测试园区", *, retired: bool = False):
    """A park (园区) under the place's district: a unit of the city that may be moved, retired or restored."""
    from tuijin.orgs.models import OrgUnit

    unit = OrgUnit.objects.filter(parent=place.unit, name=name).first()
    if unit is None:
        unit = _svc("orgs", "add_unit")(
            actor=SYSTEM, city=place.city, parent=place.unit, name=name, kind="park"
        )
        if retired:
            unit = _svc("orgs", "retire_unit")(actor=SYSTEM, unit=unit, reason="矩阵测试")
    return unit


def _sector(place):
    from tuijin.projects.models import Sector

    return Sector.objects.filter(city=place.city).order_by("pk").first()


def _period(place):
    """A reporting month (填报期) of the place's city, December 2024, past its deadline."""
    from tuijin.progress.models import ReportingPeriod

    period = ReportingPeriod.objects.filter(city=place.city, year=2024, month=12).first()
    return period or _svc("progress", "open_period")(
        city=place.city,
        year=2024,
        month=12,
        opens_on=D(2025, 1, 1),
        deadline=D(2025, 1, 10),
        actor=SYSTEM,
    )


def _submitted_report(place):
    """The place's project's March 2024 report, submitted (waiting for review); the world's are accepted."""
    from tuijin.progress.models import MonthlyReport

    report = MonthlyReport.objects.filter(project=place.project, year=2024, month=3).first()
    # A month before a period of the city (_period) is history: corrected with a reason.
    return report or _svc("progress", "save_report")(
        project=place.project,
        year=2024,
        month=3,
        amount=Decimal(50),
        reason="矩阵测试",
        confirm_warnings=True,
        actor=SYSTEM,
    )


def _item_report(place):
    """A submitted March report of the place's livelihood item (reviewed, or given a photo)."""
    from tuijin.livelihood.models import ItemReport, ReportStatus

    report, _ = ItemReport.objects.get_or_create(
        item=place.item, year=2024, month=3, defaults={"status": ReportStatus.SUBMITTED}
    )
    return report


def _district_programme(place):
    """The place's district's own 2024 programme (a city's item may be counted in it too: share_item)."""
    from tuijin.livelihood.models import Programme

    programme = Programme.objects.filter(unit=place.unit, year=2024).first()
    return programme or _svc("livelihood", "create_programme")(
        unit=place.unit, year=2024, actor=SYSTEM
    )


def _taxonomy(place):
    from tuijin.industry.models import Taxonomy

    taxonomy = Taxonomy.objects.filter(city=place.city, name="矩阵测试产业体系").first()
    return taxonomy or _svc("industry", "create_taxonomy")(
        city=place.city, name="矩阵测试产业体系", actor=SYSTEM
    )


def _enterprise(place):
    from tuijin.industry.models import Enterprise

    enterprise = Enterprise.objects.filter(unit=place.unit, name="矩阵测试企业").first()
    return enterprise or _svc("industry", "create_enterprise")(
        unit=place.unit, name="矩阵测试企业", actor=SYSTEM
    )


def _default_template():
    from tuijin.bulletins.models import SentenceTemplate
    from tuijin.bulletins.selectors import ensure_default_templates

    ensure_default_templates()
    return SentenceTemplate.objects.filter(city__isnull=True, enabled=True).order_by("key").first()


def _city_template(place):
    """The city's own version of a default sentence (reset_template drops it)."""
    from tuijin.bulletins.models import SentenceTemplate

    default = _default_template()
    row = SentenceTemplate.objects.filter(city=place.city, key=default.key).first()
    return row or _svc("bulletins", "save_template")(
        city=place.city, key=default.key, text=default.text, actor=SYSTEM
    )


def _token(user):
    from tuijin.api.models import Token

    token = Token.objects.filter(user=user, name="矩阵测试令牌").first()
    return token or _svc("api", "create_token")(user=user, name="矩阵测试令牌", actor=user)[0]


# ---------------------------------------------------------------- builders: orgs


def _add_unit(w, p):
    return {"city": p.city, "parent": p.unit, "name": "越权新园区", "kind": "park"}, None


def _move_unit(w, p):
    park = _park(p)
    return {"unit": park, "parent": p.city}, park


def _restore_unit(w, p):
    park = _park(p, "矩阵测试已撤销园区", retired=True)
    return {"unit": park}, park


def _retire_unit(w, p):
    park = _park(p)
    return {"unit": park}, park


def _set_conventions(w, p):
    return {"unit": p.unit, "year": 2024, "values": {"rate_places": "3"}}, None


def _update_unit(w, p):
    return {"unit": p.unit, "name": "越权改名区"}, p.unit


# ---------------------------------------------------------------- builders: projects


def _add_dimension(w, p):
    # 行业领域, the city's own (项目类别 are the platform's: a superuser's only).
    return {"kind": "sector", "city": p.city, "code": "intrude", "name": "越权领域"}, None


def _add_list_year(w, p):
    return {"annual_list": p.entry.annual_list, "year": 2026}, None


def _advance_to(w, p):
    # The project was signed on 2024-03-10 (add_leads): it starts and completes.
    dates = {"started": D(2024, 4, 1), "completed": D(2024, 5, 1)}
    return {"project": p.project, "dates": dates}, p.project


def _set_monthly_plan(w, p):
    return {"entry": p.entry, "cumulative": {1: Decimal(10), 2: Decimal(20)}}, p.entry


def _update_dimension(w, p):
    sector = _sector(p)
    return {"obj": sector, "name": "越权改名领域"}, sector


def _update_list(w, p):
    return {"annual_list": p.entry.annual_list, "name": "越权改名清单"}, p.entry.annual_list


# ---------------------------------------------------------------- builders: progress


def _report_photo(w, p):
    return {"report": p.report, "upload": _photo()}, p.report


def _extend_period(w, p):
    period = _period(p)
    return {
        "period": period,
        "deadline": datetime.date.today() + datetime.timedelta(days=30),
    }, period


def _lock_period(w, p):
    period = _period(p)
    return {"period": period, "reason": "越权锁定"}, period


def _reopen_period(w, p):
    period = _period(p)
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    return {"period": period, "deadline": deadline, "reason": "越权重新开放"}, period


def _review_batch(w, p):
    from tuijin.progress.models import MonthlyReport
    from tuijin.progress.services import ReviewDecision

    # The caller's scope is what `allowed_reports` holds: a careless caller passing every report must still be
    # refused by the service (review_report checks the reach of each).
    report = _submitted_report(p)
    decisions = [ReviewDecision(report.pk, accept=False, reason="越权退回")]
    return {
        "decisions": decisions,
        "level": "city",
        "allowed_reports": MonthlyReport.objects.all(),
    }, report


def _shift_later_months(w, p):
    # The world's reports are January and February: February's cumulative moves.
    return {
        "project_id": p.project.pk,
        "year": 2024,
        "month": 1,
        "delta": Decimal(5),
        "reason": "越权调整",
    }, p.report


# ---------------------------------------------------------------- builders: livelihood


def _add_category(w, p):
    return {"programme": p.item.programme, "name": "越权类别"}, p.item.programme


def _add_item(w, p):
    return {
        "programme": p.item.programme,
        "category": "交通出行",
        "name": "越权实事",
        "lead_unit": p.unit,
        "quantity": 10,
        "unit": "个",
    }, p.item.programme


def _item_photo(w, p):
    report = _item_report(p)
    return {"report": report, "upload": _photo()}, report


def _create_programme(w, p):
    return {"unit": p.unit, "year": 2025}, None


def _review_progress(w, p):
    report = _item_report(p)
    return {"report": report, "accept": False, "reason": "越权退回"}, report


def _schedule_backwards(w, p):
    return {"item": p.item, "deadline_month": 10, "start_month": 2}, p.item


def _set_milestones(w, p):
    return {"item": p.item, "points": {6: 50, 12: 100}}, p.item


def _share_item(w, p):
    # Into the place's district's programme: the programme is what the actor must reach (the item is the city's).
    return {"item": p.item, "programme": _district_programme(p)}, p.item


# ---------------------------------------------------------------- builders: industry


def _add_node(w, p):
    taxonomy = _taxonomy(p)
    return {"taxonomy": taxonomy, "name": "越权节点"}, taxonomy


def _create_enterprise(w, p):
    return {"unit": p.unit, "name": "越权企业"}, None


def _record_sales(w, p):
    enterprise = _enterprise(p)
    return {
        "enterprise": enterprise,
        "year": 2024,
        "month": 3,
        "invoiced_sales": Decimal(100),
    }, enterprise


# ---------------------------------------------------------------- builders: reconciliation, bulletins


def _note_finding(w, p):
    return {
        "city": p.city,
        "year": 2024,
        "month": 2,
        "rule": "amount",
        "subject": p.project.code,
        "status": "explained",
        "note": "越权说明",
    }, None


def _save_settings(w, p):
    return {"city": p.city, "threshold_kind": "wan", "threshold": "50"}, None


def _issue_bulletin(w, p):
    return {"city": p.city, "year": 2024, "month": 2, "note": "越权签发"}, None


def _reset_template(w, p):
    row = _city_template(p)
    return {"city": p.city, "key": row.key, "reason": "越权恢复默认"}, row


def _save_template(w, p):
    default = _default_template()
    return {"city": p.city, "key": default.key, "text": default.text, "enabled": False}, None


# ---------------------------------------------------------------- builders: API tokens


def _create_token(w, p):
    # A token is made by its owner for itself: the owner is the place's user, except at jk, where it is the city
    # administrator, the actor of the matrix's third test (so a token for oneself goes through, one for another
    # district's or another city's user does not).
    owner = w.users["city_admin"] if p.key == "jk" else p.user
    return {"user": owner, "name": "越权令牌", "days": 30}, owner


def _revoke_token(w, p):
    # The place's ordinary user's token: its owner, or a 市管理员 whose users include the owner, may revoke it.
    token = _token(p.user)
    return {"token": token}, token


CASES_SETUP: list = [
    # orgs
    ("orgs.add_unit", _service("orgs", "add_unit"), _add_unit),
    ("orgs.move_unit", _service("orgs", "move_unit"), _move_unit),
    ("orgs.restore_unit", _service("orgs", "restore_unit"), _restore_unit),
    ("orgs.retire_unit", _service("orgs", "retire_unit"), _retire_unit),
    ("orgs.set_conventions", _service("orgs", "set_conventions"), _set_conventions),
    ("orgs.update_unit", _service("orgs", "update_unit"), _update_unit),
    # projects: lists and dimensions
    ("projects.add_dimension", _service("projects", "add_dimension"), _add_dimension),
    ("projects.add_list_year", _service("projects", "add_list_year"), _add_list_year),
    ("projects.advance_to", _service("projects", "advance_to"), _advance_to),
    ("projects.set_monthly_plan", _service("projects", "set_monthly_plan"), _set_monthly_plan),
    ("projects.update_dimension", _service("projects", "update_dimension"), _update_dimension),
    ("projects.update_list", _service("projects", "update_list"), _update_list),
    # progress: photos, periods, batches, knock-on cumulatives
    ("progress.add_photo", _service("progress", "add_photo"), _report_photo),
    ("progress.extend_period", _service("progress", "extend_period"), _extend_period),
    ("progress.lock_period", _service("progress", "lock_period"), _lock_period),
    ("progress.reopen_period", _service("progress", "reopen_period"), _reopen_period),
    ("progress.review_batch", _service("progress", "review_batch"), _review_batch),
    (
        "progress.shift_later_months",
        _service("progress", "shift_later_months"),
        _shift_later_months,
    ),
    # livelihood
    ("livelihood.add_category", _service("livelihood", "add_category"), _add_category),
    ("livelihood.add_item", _service("livelihood", "add_item"), _add_item),
    ("livelihood.add_photo", _service("livelihood", "add_photo"), _item_photo),
    ("livelihood.create_programme", _service("livelihood", "create_programme"), _create_programme),
    ("livelihood.review_progress", _service("livelihood", "review_progress"), _review_progress),
    (
        "livelihood.schedule_backwards",
        _service("livelihood", "schedule_backwards"),
        _schedule_backwards,
    ),
    ("livelihood.set_milestones", _service("livelihood", "set_milestones"), _set_milestones),
    ("livelihood.share_item", _service("livelihood", "share_item"), _share_item),
    # industry
    ("industry.add_node", _service("industry", "add_node"), _add_node),
    ("industry.create_enterprise", _service("industry", "create_enterprise"), _create_enterprise),
    ("industry.record_sales", _service("industry", "record_sales"), _record_sales),
    # reconciliation
    ("reconciliation.note_finding", _service("reconciliation", "note_finding"), _note_finding),
    ("reconciliation.save_settings", _service("reconciliation", "save_settings"), _save_settings),
    # bulletins
    ("bulletins.issue_bulletin", _service("bulletins", "issue_bulletin"), _issue_bulletin),
    ("bulletins.reset_template", _service("bulletins", "reset_template"), _reset_template),
    ("bulletins.save_template", _service("bulletins", "save_template"), _save_template),
    # API tokens
    ("api.create_token", _service("api", "create_token"), _create_token),
    ("api.revoke_token", _service("api", "revoke_token"), _revoke_token),
]


# ---------------------------------------------------------------- the platform operator's services

# (label, service, builder(world, place) → (kwargs without the actor, the object changed or None)): refused for
# every user of a city, its own 市管理员 included; the system actor of a command goes through.


def _create_city(w, p):
    return {"name": "矩阵测试市", "province": "江苏省", "region_code": "329900"}, None


def _lock_due_periods(w, p):
    # Every city's periods past their deadline: the place's city's December, due since January 2025.
    period = _period(p)
    return {"today": datetime.date.today()}, period


OPERATOR_CASES: list = [
    ("orgs.create_city", _service("orgs", "create_city"), _create_city),
    ("progress.lock_due_periods", _service("progress", "lock_due_periods"), _lock_due_periods),
]
