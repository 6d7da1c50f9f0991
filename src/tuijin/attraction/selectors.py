"""Reads of 招商引资 and 目标任务 for a user: scoped through accounts.scoping (out of reach → 404)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from tuijin.accounts.scoping import READ, can, units_for

from .models import LEAD_STAGE_ORDER, AttractionEvent, Contract, Lead, LeadStage, Target


def _unit_q(user, field: str) -> Q | None:
    if not can(user, READ):
        return None
    if user.is_superuser and not user.unit_id:
        return Q()
    return Q(**{f"{field}__in": units_for(user)})


def leads_for(user):
    """The leads followed by units the user may see."""
    q = _unit_q(user, "unit")
    return Lead.objects.none() if q is None else Lead.objects.filter(q)


def get_lead_or_404(user, pk) -> Lead:
    lead = leads_for(user).filter(pk=pk).select_related("unit", "city", "duplicate_of").first()
    if lead is None:
        raise Http404("线索不存在或不在您的权限范围内")
    return lead


def contracts_for(user):
    """The contracts of projects the user may see."""
    from tuijin.accounts.scoping import project_q

    q = project_q(user, READ)
    if q is None:
        return Contract.objects.none()
    from tuijin.projects.models import Project

    return Contract.objects.filter(project__in=Project.objects.filter(q))


def events_for(user):
    """The events the user's units took part in (a city user: all of its city's)."""
    q = _unit_q(user, "units")
    return AttractionEvent.objects.none() if q is None else AttractionEvent.objects.filter(q).distinct()


def targets_for(user, year: int | None = None):
    q = _unit_q(user, "unit")
    qs = Target.objects.none() if q is None else Target.objects.filter(q)
    return qs.filter(year=year) if year else qs


def leads_by_stage(leads) -> dict[str, int]:
    """线索 counts by stage (every stage, in pipeline order, 放弃 last). One query."""
    counts = dict(leads.values_list("stage").annotate(n=Count("id")).order_by())
    return {LeadStage(s).label: counts.get(s, 0) for s in [*LEAD_STAGE_ORDER, LeadStage.ABANDONED]}


def event_counts(events) -> dict:
    """招商活动 counts per leading official and per participating unit (two queries)."""
    by_leader = dict(events.exclude(leader="").values_list("leader").annotate(n=Count("id", distinct=True))
                     .order_by())
    by_unit = dict(events.values_list("units__name").annotate(n=Count("id", distinct=True)).order_by())
    return {"total": events.count(), "by_leader": by_leader, "by_unit": {k: v for k, v in by_unit.items() if k}}


def stalled_days() -> int:
    """How long an open lead may go without a step or a contact before it counts as stalled (settings)."""
    from django.conf import settings

    return int(getattr(settings, "ATTRACTION_STALLED_DAYS", 60))


def stalled_leads(user, city, as_of):
    """停滞线索: the open leads of the city the user sees whose last step or contact is more than stalled_days()
    before `as_of`, oldest first, each annotated with `last_activity`. One query."""
    import datetime

    from django.db.models import DateField, Max
    from django.db.models.functions import Coalesce, Greatest

    limit = as_of - datetime.timedelta(days=stalled_days())
    return (leads_for(user).filter(city=city).exclude(stage__in=[LeadStage.SIGNED, LeadStage.ABANDONED])
            .annotate(last_activity=Greatest("stage_date", Coalesce(Max("contacts__date"), "stage_date"),
                                             output_field=DateField()))
            .filter(last_activity__lt=limit).select_related("unit").order_by("last_activity", "id"))


def get_contract_or_404(user, pk):
    contract = contracts_for(user).filter(pk=pk).select_related("project", "project__unit", "lead").first()
    if contract is None:
        raise Http404("合同不存在或不在您的权限范围内")
    return contract
