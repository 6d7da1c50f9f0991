"""Pages of 招商引资: the pipeline board (by stage, usable on a phone), a lead with its log and the forms that
move it, sign it (the contract) or log a contact; the events list; a contract; setting a target. The pages of
figures (contracts with their performance, a unit's targets) are dashboard.attraction_views. Thin: reads
through attraction.selectors (scoped by accounts.scoping.units_for), writes through services."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.accounts.selectors import number_style
from tuijin.core.errors import InputError
from tuijin.core.forms import apply_input_error
from tuijin.core.params import parse_id
from tuijin.core.periods import Period, PeriodError
from tuijin.core.policy import READ, WRITE, requires
from tuijin.orgs.models import OrgUnit
from tuijin.progress.spreadsheets import check_size
from tuijin.projects import scoping

from . import excel, selectors, services
from .forms import (
    ArrivalForm,
    ContactForm,
    EventForm,
    ImportForm,
    LeadEventForm,
    LeadForm,
    MilestoneForm,
    MoveForm,
    SignForm,
    TargetForm,
)
from .models import LEAD_STAGE_ORDER, LeadStage

BOARD_CARDS = 8  # the newest cards per column on the board; the rest behind "全部 N 条"


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {'; '.join(errors)}" if label else "; ".join(errors))


def _apply(request, form, service, success, **target):
    """A posted form: on valid input call the service with the form's fields and `target`, and say what
    happened (the service's InputError, or `success`, which may take the cleaned data)."""
    if not form.is_valid():
        _form_errors(request, form)
        return
    try:
        service(actor=request.user, **target, **form.cleaned_data)
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, success(form.cleaned_data) if callable(success) else success)


def _period(request) -> Period:
    try:
        return Period.parse(request.GET["through"]) if request.GET.get("through") else Period.year_to_date(
            timezone.localdate().year, timezone.localdate().month)
    except PeriodError as exc:
        messages.error(request, str(exc))
        today = timezone.localdate()
        return Period.year_to_date(today.year, today.month)


@requires(READ)
def pipeline(request):
    """招商线索看板: the leads the user sees, one column per stage (stacked on a phone). Each column shows its count,
    its 意向投资 and its newest cards; ?stage=… opens one column in full (a city has hundreds of leads)."""
    leads = selectors.leads_for(request.user).select_related("unit").order_by("-stage_date", "id")
    columns = {s: [] for s in [*LEAD_STAGE_ORDER, LeadStage.ABANDONED]}
    for lead in leads:
        columns[lead.stage].append(lead)
    only = request.GET.get("stage") if request.GET.get("stage") in columns else None
    board = [{"stage": s, "label": LeadStage(s).label, "count": len(ls),
              "amount": sum((lead.intended_investment for lead in ls), Decimal(0)),
              "leads": ls if only else ls[:BOARD_CARDS], "more": 0 if only else max(0, len(ls) - BOARD_CARDS)}
             for s, ls in columns.items() if only is None or s == only]
    form = LeadForm(initial={"stage_date": timezone.localdate()})
    return render(request, "attraction/pipeline.html", {"board": board, "form": form, "only": only,
                                                        "may_write": scoping.can(request.user, scoping.WRITE)})


@requires(WRITE)
@require_POST
def lead_create(request):
    form = LeadForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("attraction:pipeline")
    try:
        lead = services.create_lead(unit=request.user.unit, actor=request.user, **form.cleaned_data)
    except InputError as exc:
        messages.error(request, exc.text)
        return redirect("attraction:pipeline")
    messages.success(request, f"已登记线索 {lead.title}")
    return redirect("attraction:lead", lead.pk)


@requires(READ)
def lead_detail(request, lead_id: int):
    """招商线索: the investor, the intended project, the contact log, the contract once signed."""
    lead = selectors.get_lead_or_404(request.user, lead_id)
    today = timezone.localdate()
    return render(request, "attraction/lead.html", {"style": number_style(request.user),
        "lead": lead, "contacts": lead.contacts.order_by("-date", "-id"),
        "contracts": lead.contracts.select_related("project"),
        "duplicates": selectors.leads_for(request.user).filter(city=lead.city, investor_key=lead.investor_key)
        .exclude(pk=lead.pk).select_related("unit"),
        "open": lead.stage not in (LeadStage.SIGNED, LeadStage.ABANDONED),
        "may_write": scoping.can(request.user, scoping.WRITE),
        "move_form": MoveForm(initial={"date": today}), "contact_form": ContactForm(initial={"date": today}),
        "sign_form": SignForm(initial={"signed_on": today, "investment": lead.intended_investment},
                              events=_lead_events(request.user, lead)),
        "events": lead.events.filter(pk__in=selectors.events_for(request.user).values("pk")).order_by("-date"),
        "event_form": LeadEventForm(events=_lead_events(request.user, lead).exclude(leads=lead)),
    })


def _lead_events(user, lead):
    """The events a lead may be recorded at (met, or signed): those of its city the user sees."""
    return selectors.events_for(user).filter(city=lead.city).order_by("-date", "id")


def _lead_for_write(request, lead_id):
    return selectors.get_lead_or_404(request.user, lead_id)


@requires(WRITE)
@require_POST
def lead_move(request, lead_id: int):
    lead = _lead_for_write(request, lead_id)
    _apply(request, MoveForm(request.POST), services.move_lead, lambda d: f"已进入{LeadStage(d['stage']).label}",
           lead=lead)
    return redirect("attraction:lead", lead.pk)


@requires(WRITE)
@require_POST
def lead_contact(request, lead_id: int):
    lead = _lead_for_write(request, lead_id)
    _apply(request, ContactForm(request.POST), services.log_contact, "已记录洽谈", lead=lead)
    return redirect("attraction:lead", lead.pk)


@requires(WRITE)
@require_POST
def lead_sign(request, lead_id: int):
    """签约: the contract; the project is created in the registry (or an existing one, in scope, linked)."""
    lead = _lead_for_write(request, lead_id)
    form = SignForm(request.POST, events=_lead_events(request.user, lead))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("attraction:lead", lead.pk)
    d = form.cleaned_data
    project = None
    if d["existing_code"]:
        project = scoping.projects_for(request.user).filter(code=d["existing_code"].strip().upper()).first()
        if project is None:
            messages.error(request, f"关联已有项目: 项目代码 {d['existing_code']!r} 不存在或不在您的权限范围内")
            return redirect("attraction:lead", lead.pk)
    try:
        contract = services.sign_lead(
            lead=lead, actor=request.user, signed_on=d["signed_on"], investment=d["investment"], project=project,
            code=d["code"], category=d["category"], registered_capital=d["registered_capital"] or 0,
            foreign_capital=d["foreign_capital"] or 0, foreign_currency=d["foreign_currency"],
            foreign_amount=d["foreign_amount"], fx_rate=d["fx_rate"], milestones=form.milestones(),
            confirm_new_project=d["confirm_new_project"], event=d["event"],
            industry_tier=d.get("industry_tier") or "secondary")
    except InputError as exc:
        messages.error(request, exc.text)
        return redirect("attraction:lead", lead.pk)
    messages.success(request, f"已签约: 项目 {contract.project.name} ({contract.get_kind_display()})")
    return redirect("attraction:lead", lead.pk)


@requires(WRITE)
@require_POST
def lead_decide(request, lead_id: int):
    """重复招商裁定: the city decides which unit owns an investor's lead; the others are closed."""
    lead = _lead_for_write(request, lead_id)
    owner = selectors.leads_for(request.user).filter(
        city=lead.city, investor_key=lead.investor_key, unit_id=parse_id(request.POST.get("owner_unit")) or 0).first()
    if owner is None:
        messages.error(request, f"归属单位无效: {request.POST.get('owner_unit')!r}")
        return redirect("attraction:lead", lead.pk)
    try:
        services.decide_duplicate(lead=lead, owner_unit=owner.unit, decision=request.POST.get("decision", ""),
                                  actor=request.user)
        messages.success(request, f"已裁定由 {owner.unit.name} 跟进")
    except InputError as exc:
        messages.error(request, exc.text)
    return redirect("attraction:lead", lead.pk)


@requires(READ)
def events(request):
    """招商活动: the events the user's units took part in, with counts per leading official and per unit, and the
    leads met and contracts signed at each (those the user sees). The same few queries for any number of events."""
    user = request.user
    base = selectors.events_for(user)
    qs = selectors.with_event_figures(user, base).prefetch_related("units").order_by("-date", "id")
    counts = selectors.event_counts(base)
    return render(request, "attraction/events.html", {"style": number_style(request.user),
        "events": qs, "counts": counts, "led": sum(counts["by_leader"].values()),
        "may_write": scoping.can(user, scoping.WRITE)})


def _event_form(request, data=None, **kwargs) -> EventForm:
    user = request.user
    city = kwargs.pop("city", None) or (user.unit.city() if user.unit_id else None)
    city_units = OrgUnit.objects.subtree(city) if city is not None else OrgUnit.objects.none()
    return EventForm(data, offered=selectors.event_units_choices(user, city), city_units=city_units, **kwargs)


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def event_create(request):
    """登记招商活动: a city-level writer names any unit of its city, a district's writer its own units."""
    data = request.POST if request.method == "POST" else None
    form = _event_form(request, data, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        units = form.cleaned_data["units"]
        city = request.user.unit.city() if request.user.unit_id else units[0].city()
        return _save_event(request, form, None, lambda **d: services.create_event(city=city, **d), "已登记")
    return _save_event(request, form, None)


def _save_event(request, form, event, service=None, verb=""):
    """The event form after its checks: call the service with the form's fields and go to the event's page,
    or show the form again (with the service's message on its field)."""
    if service is not None:
        try:
            event = service(actor=request.user, **form.cleaned_data)
        except InputError as exc:
            apply_input_error(form, exc)
        else:
            messages.success(request, f"{verb}招商活动 {event.name}")
            return redirect("attraction:event", event.pk)
    return render(request, "attraction/event_form.html", {"form": form, "event": event},
                  status=400 if form.is_bound else 200)


@requires(READ)
def event_detail(request, event_id: int):
    """招商活动: the event, the leads met there and the contracts signed there (those the user sees)."""
    user = request.user
    event = selectors.get_event_or_404(user, event_id)
    units = list(event.units.all())
    contracts = (selectors.contracts_for(user).filter(event=event).select_related("project", "project__unit", "lead")
                 .order_by("signed_on", "id"))
    return render(request, "attraction/event.html", {"style": number_style(request.user),
        "event": event, "units": units, "contracts": contracts,
        "total": contracts.aggregate(s=Sum("investment"))["s"],
        "leads": selectors.leads_for(user).filter(events=event).select_related("unit").order_by("unit__path", "id"),
        "may_edit": scoping.can(user, scoping.WRITE) and selectors.may_edit_event(user, event, units)})


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id: int):
    """修改招商活动: 404 outside the user's events; 403 for an event with units outside the user's reach."""
    event = selectors.get_event_or_404(request.user, event_id)
    units = list(event.units.all())
    if not selectors.may_edit_event(request.user, event, units):
        raise PermissionDenied("该活动有您权限范围以外的参加单位, 须由市级修改")
    initial = {"name": event.name, "kind": event.kind, "date": event.date, "place": event.place,
               "leader": event.leader, "units": units}
    data = request.POST if request.method == "POST" else None
    form = _event_form(request, data, city=event.city, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save_event(request, form, event, lambda **d: services.update_event(event=event, **d), "已保存")
    return _save_event(request, form, event)


@requires(WRITE)
@require_POST
def lead_event(request, lead_id: int):
    """对接线索: the lead was met at an event (one the user sees, of the lead's city)."""
    lead = _lead_for_write(request, lead_id)
    _apply(request, LeadEventForm(request.POST, events=_lead_events(request.user, lead)), services.add_lead_to_event,
           lambda d: f"已记录: 在 {d['event'].name} 对接", lead=lead)
    return redirect("attraction:lead", lead.pk)


@requires(READ)
def contract_detail(request, contract_id: int):
    """签约合同: agreed milestones (约定 / 实际), instalments and funds arrived, with the forms that record them."""
    contract = selectors.get_contract_or_404(request.user, contract_id)
    today = timezone.localdate()
    return render(request, "attraction/contract.html", {"style": number_style(request.user),
        "contract": contract, "milestones": contract.milestones.order_by("due_date"),
        "instalments": contract.instalments.all(), "arrivals": contract.arrivals.select_related("source"),
        "may_write": scoping.can(request.user, scoping.WRITE),
        "milestone_form": MilestoneForm(initial={"actual_date": today}),
        "arrival_form": ArrivalForm(initial={"date": today}, sources=selectors.funds_sources(contract.project.unit.city())),
    })


def _contract_for_write(request, contract_id):
    return selectors.get_contract_or_404(request.user, contract_id)


@requires(WRITE)
@require_POST
def contract_milestone(request, contract_id: int):
    contract = _contract_for_write(request, contract_id)
    _apply(request, MilestoneForm(request.POST), services.record_milestone_reached, "已记录节点完成日期",
           contract=contract)
    return redirect("attraction:contract", contract.pk)


@requires(WRITE)
@require_POST
def contract_arrival(request, contract_id: int):
    """到位资金: above the contracted investment only when confirmed (the warning names both amounts)."""
    contract = _contract_for_write(request, contract_id)
    sources = selectors.funds_sources(contract.project.unit.city())
    _apply(request, ArrivalForm(request.POST, sources=sources), services.record_funds_arrival, "已记录到位资金",
           contract=contract)
    return redirect("attraction:contract", contract.pk)


def _target_form(user, data=None, **kwargs) -> TargetForm:
    from tuijin.projects.models import AnnualList

    city = user.unit.city() if user.unit_id else None
    lists = AnnualList.objects.filter(city=city) if city else AnnualList.objects.none()
    return TargetForm(data, units=scoping.units_for(user).exclude(kind="department"), lists=lists,
                      sources=selectors.funds_sources(city), **kwargs)


@requires(WRITE)
@require_POST
def target_create(request):
    """下达目标任务: the indicator is checked by the service (an unknown one is refused, naming it)."""
    form = _target_form(request.user, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("attraction_figures:targets")
    d = form.cleaned_data
    try:
        t = services.set_target(actor=request.user, unit=d["unit"], year=d["year"], indicator=d["indicator"],
                                value=d["value"], level=d["level"], annual_list=d["annual_list"],
                                due_month=d["due_month"], strictly_above=d["strictly_above"],
                                description=d["description"], source=d.get("source") or None)
    except InputError as exc:
        messages.error(request, exc.text)
        return redirect("attraction_figures:targets")
    messages.success(request, f"已下达 {t.unit.name} {t.year} 年目标")
    return redirect(f"{reverse('attraction_figures:targets')}?through={t.year}-12")




@requires(WRITE)
@require_http_methods(["GET", "POST"])
def import_register(request):
    """导入台账: upload → preview of every row and cell problem → confirm (the same file again); all or nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size, upload.name)  # before reading it into memory
            plan = excel.plan_import(user=request.user, data=upload.read(), filename=upload.name,
                                     kind=form.cleaned_data["kind"])
        except InputError as exc:
            form.add_error("file", exc.messages)
        else:
            if "commit" in request.POST and plan.ok:
                try:
                    n = excel.commit_import(plan, user=request.user)
                except InputError as exc:
                    messages.error(request, exc.text)
                else:
                    messages.success(request, f"已导入 {n} 行")
                    return redirect("attraction:pipeline")
    n = settings.IMPORT_PREVIEW_ROWS
    return render(request, "attraction/import.html", {
        "form": form, "plan": plan, "preview_rows": n, "preview_slice": f":{n}",
        "hidden_rows": max(0, len(plan.rows) - n) if plan else 0})


@requires(READ)
def export_leads(request):
    """招商线索台账 (.xlsx) of the leads the user sees."""
    buf = io.BytesIO()
    excel.write_leads_xlsx(buf, selectors.leads_for(request.user))
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="attraction-leads.xlsx")


@requires(READ)
def export_contracts(request):
    """签约项目履约表 (.xlsx) of the contracts the user sees."""
    buf = io.BytesIO()
    excel.write_contracts_xlsx(buf, selectors.contracts_for(request.user))
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="attraction-contracts.xlsx")
