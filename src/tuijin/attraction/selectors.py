"""Reads of 招商引资 and 目标任务 for a user: scoped through accounts.scoping (out of reach → 404)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from tuijin.accounts.scoping import READ, WRITE, can, units_for

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
    from tuijin.projects.scoping import project_q

    q = project_q(user, READ)
    if q is None:
        return Contract.objects.none()
    from tuijin.projects.models import Project

    return Contract.objects.filter(project__in=Project.objects.filter(q))


def events_for(user):
    """The events the user's units took part in (a city user: all of its city's)."""
    q = _unit_q(user, "units")
    return AttractionEvent.objects.none() if q is None else AttractionEvent.objects.filter(q).distinct()


def get_event_or_404(user, pk) -> AttractionEvent:
    event = events_for(user).filter(pk=pk).select_related("city").first()
    if event is None:
        raise Http404("招商活动不存在或不在您的权限范围内")
    return event


def may_write_at(user, unit) -> bool:
    """Whether the user may write at `unit`: the write right and the unit within its own (None is the system:
    the demo, the CLI; a superuser without a unit reaches everything)."""
    if user is None or getattr(user, "is_superuser", False) and not getattr(user, "unit_id", None):
        return True
    return bool(can(user, WRITE) and user.unit_id and unit.is_within(user.unit))


def may_edit_event(user, event, units=None) -> bool:
    """A city-level writer may edit any event of its city; a district's writer only an event whose every
    participating unit is within its own unit (it cannot drop another district from a joint event).
    `units`: the event's units when already loaded."""
    if may_write_at(user, event.city):
        return True
    units = list(event.units.all() if units is None else units)
    return bool(units) and all(may_write_at(user, u) for u in units)


def event_units_choices(user, city):
    """The units a user may name as taking part in an event of `city`: any unit of the city for a city-level
    writer, else the user's own subtree (no writer: none)."""
    from tuijin.orgs.models import OrgUnit

    if city is None or not can(user, WRITE):
        return OrgUnit.objects.none()
    if may_write_at(user, city):
        return OrgUnit.objects.subtree(city)
    return OrgUnit.objects.subtree(user.unit).filter(path__startswith=city.path)


def targets_for(user, year: int | None = None):
    q = _unit_q(user, "unit")
    qs = Target.objects.none() if q is None else Target.objects.filter(q)
    return qs.filter(year=year) if year else qs


def leads_by_stage(leads) -> dict[str, int]:
    """线索 counts by stage (every stage, in pipeline order, 放弃 last). One query."""
    counts = dict(leads.values_list("stage").annotate(n=Count("id")).order_by())
    return {LeadStage(s).label: counts.get(s, 0) for s in [*LEAD_STAGE_ORDER, LeadStage.ABANDONED]}


def event_counts(events) -> dict:
    """招商活动 counts per leading official (市领导带队招商) and per participating unit, most first (two queries
    and a count). For a user's events (events_for) the units are those the user sees."""
    by_leader = events.exclude(leader="").values_list("leader").annotate(n=Count("id", distinct=True)).order_by()
    by_unit = events.values_list("units__name").annotate(n=Count("id", distinct=True)).order_by()

    def most_first(rows):
        return dict(sorted(((k, n) for k, n in rows if k), key=lambda t: (-t[1], t[0])))

    return {"total": events.count(), "by_leader": most_first(by_leader), "by_unit": most_first(by_unit)}


def with_event_figures(user, events):
    """The events annotated with what the user sees of them: `lead_count` (leads met), `contract_count` and
    `contract_total` (contracts signed there, Σ investment 万元). Subqueries: no row multiplication."""
    from django.db.models import DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    met = (AttractionEvent.leads.through.objects.filter(attractionevent=OuterRef("pk"), lead__in=leads_for(user))
           .values("attractionevent").annotate(n=Count("lead")).values("n"))
    signed = contracts_for(user).filter(event=OuterRef("pk")).values("event").order_by()
    money = DecimalField(max_digits=16, decimal_places=2)
    return events.annotate(
        lead_count=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)),
        contract_count=Coalesce(Subquery(signed.annotate(n=Count("id")).values("n"), output_field=IntegerField()),
                                Value(0)),
        contract_total=Subquery(signed.annotate(s=Sum("investment")).values("s"), output_field=money))


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


def funds_sources(city, *, active_only: bool = True):
    """The city's 资金来源 in their order (the choices of a funds arrival; None: none)."""
    from .models import FundsSource

    if city is None:
        return FundsSource.objects.none()
    qs = FundsSource.objects.filter(city=city)
    return (qs.filter(active=True) if active_only else qs).order_by("sort_order", "id")
