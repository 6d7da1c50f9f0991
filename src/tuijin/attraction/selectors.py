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


def target_progress(user, year: int, through_month: int, *, root=None) -> list[dict]:
    """目标任务 with their progress through a month: the targets of the units the user sees (targets_for), in
    `root`'s subtree when given, presented (present.target_rows) with the widths of their progress bars and
    the link to the unit's targets. The targets page and the dashboard's panel both show these rows. Queries:
    the targets, their steps, their cities, and the engine's per distinct scope (none per target)."""
    from django.urls import reverse

    from .present import bar_width, target_rows

    qs = targets_for(user, year)
    if root is not None:
        qs = qs.filter(unit__path__startswith=root.path)
    qs = (qs.select_related("unit", "annual_list", "category").prefetch_related("steps")
          .order_by("unit__path", "id"))
    rows = target_rows(qs, through_month)
    base = reverse("attraction:targets")
    for r in rows:
        r["bar_pct"] = bar_width(r["progress_pct"])
        r["schedule_bar_pct"] = bar_width(r["schedule_pct"])
        r["url"] = f"{base}?unit={r['unit_id']}&through={year:04d}-{through_month:02d}"
        pp = r["vs_schedule_pp"]  # 超进度 / 欠进度 y 个百分点, as DOMAIN.md words it
        r["schedule_word"] = None if pp is None else "超进度" if pp > 0 else "欠进度" if pp < 0 else "与进度持平"
        r["schedule_gap_pp"] = abs(pp) if pp else None
    return rows


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
