"""Dashboard pages (驾驶舱): thin views that parse the request, call a selector or a service, and render.

Scoping is never done here: every read goes through dashboard.selectors (which starts from projects.scoping via
web.selectors) and every write through dashboard.services (validated, one transaction, audited). A page that
changes something answers GET to every reader and POST only to the city administrator (scoping CONFIGURE)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from tuijin.core.errors import InputError
from tuijin.core.numbers import NumberStyle, plain_text
from tuijin.core.params import id_or_404, parse_id
from tuijin.core.periods import Period
from tuijin.core.policy import READ, requires
from tuijin.core.routers import use_replica
from tuijin.orgs.selectors import conventions_for
from tuijin.projects import scoping
from tuijin.web import selectors as web_selectors

from . import export, selectors, services
from .forms import (
    AdjustmentForm,
    CampaignForm,
    DashboardForm,
    HighlightForm,
    LightsFilterForm,
    RuleForm,
)
from .models import CampaignAdjustment, Highlight, LightRule

LIST_PAGE_SIZE = 100


def _render(request, full: str, partial: str, context: dict, status: int = 200):
    return render(request, partial if request.htmx and not request.htmx.boosted else full, context, status=status)


def _resolve(request, form):
    """(scope, period, unit) from a valid DashboardForm, or a context note explaining why there is none."""
    d = form.cleaned_data
    city = d["city"]
    if city is None:
        return None, "no_city"
    scope = selectors.dashboard_scope(request.user, city, d.get("unit"), d.get("annual_list"))
    through = d["through"] or web_selectors.default_through(scope)
    if through is None:
        return None, "no_reports"
    period = Period.parse(f"{through[0]:04d}-{through[1]:02d}", d["kind"])
    unit = d.get("unit")
    return (scope, period, unit), None


# ---------------------------------------------------------------- 驾驶舱


@requires(READ)
@use_replica()
def index(request):
    started = time.perf_counter()
    form = DashboardForm(request.user, request.GET)
    context = {"form": form, "board": None}
    if not form.is_valid():
        return _render(request, "dashboard/index.html", "dashboard/_results.html", context, status=400)
    resolved, note = _resolve(request, form)
    if resolved is None:
        context[note] = True
        return _render(request, "dashboard/index.html", "dashboard/_results.html", context)
    scope, period, unit = resolved
    city = form.cleaned_data["city"]
    if request.GET.get("part") == "chains":
        # The chain section loads on its own request (hx-trigger="load"), so neither request is slow.
        chain_unit = None if scope.root.pk == city.pk else scope.root
        chains = selectors.chains_section(request.user, city, chain_unit, period, form.cleaned_data["kind"])
        response = render(request, "dashboard/_chains.html", {"chains": chains, "charts": {
            "chains": chains["chart"]} if chains else {}})
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.0f}"
        return response
    board = selectors.dashboard(request.user, scope, period, form.cleaned_data["kind"], city=city, unit=unit,
                                cohort_year=form.cleaned_data.get("cohort"))
    query = {k: v for k, v in request.GET.items() if k in ("city", "unit", "annual_list", "through", "kind")}
    query.setdefault("through", period.through)
    context.update(board=board, city=city, defaulted=not form.cleaned_data["through"], charts=board.charts,
                   month_status=web_selectors.month_status(scope, period),
                   chains_url=None if selectors.is_restricted(request.user) else
                   f"{reverse('dashboard:index')}?{urlencode({**query, 'part': 'chains'})}",
                   competition=selectors.can_see_rankings(request.user) and
                   selectors.campaigns_for(request.user).filter(city=city).exists(),
                   lights_query=urlencode(query))
    response = _render(request, "dashboard/index.html", "dashboard/_results.html", context)
    response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


# ---------------------------------------------------------------- drill-down lists


@requires(READ)
@use_replica()
def drill(request):
    """The projects (or enterprises) behind a figure, with the total that equals it; ?format=xlsx exports."""
    try:
        spec = selectors.parse_drill(request.user, request.GET)
    except InputError as exc:
        return render(request, "dashboard/list.html", {"error": exc.text}, status=400)
    data = selectors.drill_list(request.user, spec)
    if request.GET.get("format") == "xlsx":
        content = export.drill_xlsx(data)
        response = HttpResponse(content, content_type=export.XLSX)
        response["Content-Disposition"] = export.disposition(f"{data.scope_text}-{data.title}.xlsx")
        return response
    page = Paginator(data.rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    export_url = f"{reverse('dashboard:list')}?{urlencode({**spec.query(), 'format': 'xlsx'})}"
    back = {"city": spec.city.pk, "through": spec.period.through, "kind": spec.kind}
    if spec.unit is not None and not spec.own:
        back["unit"] = spec.unit.pk
    if spec.annual_list is not None:
        back["annual_list"] = spec.annual_list.pk
    return render(request, "dashboard/list.html", {
        "data": data, "page": page, "export_url": export_url,
        "back_url": f"{reverse('dashboard:index')}?{urlencode(back)}",
        "offset": (page.number - 1) * LIST_PAGE_SIZE,
        "style": NumberStyle.of(conventions_for(spec.city, spec.period.year)),  # the rows' rates by the city's rule
    })


# ---------------------------------------------------------------- 红黄绿灯


@requires(READ)
@use_replica()
def lights(request):
    form = LightsFilterForm(request.user, request.GET)
    context = {"form": form, "lp": None}
    if not form.is_valid():
        return render(request, "dashboard/lights.html", context, status=400)
    resolved, note = _resolve(request, form)
    if resolved is None:
        context[note] = True
        return render(request, "dashboard/lights.html", context)
    scope, period, _unit = resolved
    lp = selectors.lights_page(request.user, scope, period, form.cleaned_data["level"])
    page = Paginator(lp.projects, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(lp=lp, page=page, offset=(page.number - 1) * LIST_PAGE_SIZE,
                   can_configure=scoping.can(request.user, scoping.CONFIGURE))
    return render(request, "dashboard/lights.html", context)


@requires(READ)
def project_light(request):
    """The light box of a project page (loaded by htmx from the page's include hook, so the page stays fast)."""
    pid = parse_id(request.GET.get("project"))
    if pid is None:
        return HttpResponseBadRequest(f"项目编号无效: {(request.GET.get('project') or '')[:40]!r}")
    project = scoping.get_project_or_404(request.user, pid)
    light, period, city = selectors.project_light(request.user, project)
    return render(request, "dashboard/_light_box.html", {
        "light": light, "period": period, "project": project,
        "rules_url": f"{reverse('dashboard:rules')}?city={city.pk}" if city else None})


def _admin_city(user, city_id):
    """The city whose settings the user may change (CONFIGURE, within reach), or PermissionDenied / 404."""
    if not scoping.can(user, scoping.CONFIGURE):
        raise PermissionDenied("只有市管理员可以修改规则")
    cities = web_selectors.visible_cities(user)
    city = cities.filter(pk=city_id).first() if city_id else cities.first()
    if city is None:
        raise Http404("城市不在您的权限范围内")
    if user.unit_id and not user.is_superuser and not city.is_within(user.unit) and user.unit.pk != city.pk:
        raise PermissionDenied("只能修改本市的规则")
    return city


@requires(READ)
@require_http_methods(["GET", "POST"])
def rules(request):
    """The city's traffic-light rules: readable by every reader, editable by the city administrator."""
    cities = web_selectors.visible_cities(request.user)
    city_id = request.POST.get("city") or request.GET.get("city")
    city = cities.filter(pk=parse_id(city_id) or 0).first() if city_id else cities.first()
    if city_id and city is None:
        raise Http404("城市不在您的权限范围内")
    can_configure = scoping.can(request.user, scoping.CONFIGURE)
    new_form = RuleForm(prefix="new", initial={"applies_to": "both", "active": True})
    if request.method == "POST":
        city = _admin_city(request.user, city.pk if city else None)
        action = request.POST.get("action")
        try:
            if action == "defaults":
                services.install_default_rules(city=city, actor=request.user)
                messages.success(request, "已采用默认规则")
            elif action == "delete":
                rule = LightRule.objects.filter(pk=parse_id(request.POST.get("rule")) or 0, city=city).first()
                if rule is None:
                    raise Http404("规则不存在")
                services.delete_rule(rule=rule, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, f"已删除规则 {rule.name}")
            elif action == "save":
                prefix = request.POST.get("prefix") or "new"
                form = RuleForm(request.POST, prefix=prefix)
                if not form.is_valid():
                    raise InputError("; ".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()))
                d = form.cleaned_data
                rule = None
                if d.get("rule"):
                    rule = LightRule.objects.filter(pk=d["rule"], city=city).first()
                    if rule is None:
                        raise Http404("规则不存在")
                rule = services.save_rule(city=city, actor=request.user, rule=rule, name=d["name"], kind=d["kind"],
                                          yellow=d.get("yellow"), red=d.get("red"), applies_to=d["applies_to"],
                                          active=d.get("active", False), sort_order=d.get("sort_order"),
                                          note=d.get("note") or "", reason=d.get("reason") or "")
                messages.success(request, f"已保存规则 {rule.name}")
            else:
                return HttpResponseBadRequest("未知操作")
        except InputError as exc:
            messages.error(request, exc.text)
            if action == "save" and (request.POST.get("prefix") or "new") == "new":
                new_form = RuleForm(request.POST, prefix="new")
                return render(request, "dashboard/rules.html", _rules_context(request, city, can_configure, new_form),
                              status=400)
        return HttpResponseRedirect(f"{reverse('dashboard:rules')}?city={city.pk}")
    return render(request, "dashboard/rules.html", _rules_context(request, city, can_configure, new_form))


def _plain(value):
    """A stored threshold as entered (1, not 1.00 个月), for the form field; empty stays empty."""
    return None if value is None else plain_text(value)


def _rules_context(request, city, can_configure, new_form):
    rows = selectors.rule_rows(city) if city else []
    forms = []
    for r in rows:
        forms.append((r, RuleForm(prefix=f"r{r.pk}", initial={
            "rule": r.pk, "name": r.name, "kind": r.kind, "yellow": _plain(r.yellow_threshold),
            "red": _plain(r.red_threshold),
            "applies_to": r.applies_to, "active": r.active, "sort_order": r.sort_order, "note": r.note})))
    defaults = [] if rows else selectors.rules_for(city)[0] if city else []
    return {"city": city, "rows": forms, "defaults": defaults, "can_configure": can_configure,
            "new_form": new_form, "cities": web_selectors.visible_cities(request.user)}


# ---------------------------------------------------------------- 双比双看


def _campaign(request, value):
    campaigns = selectors.campaigns_for(request.user)
    if value:
        campaign = campaigns.filter(pk=id_or_404(value, "竞赛编号")).first()
        if campaign is None:
            raise Http404("竞赛不存在或不在您的权限范围内")
        return campaign, campaigns
    return campaigns.first(), campaigns


@requires(READ)
@require_http_methods(["GET", "POST"])
def competition(request):
    campaign, campaigns = _campaign(request, request.POST.get("campaign") or request.GET.get("campaign"))
    context = {"campaign": campaign, "campaigns": campaigns, "page": None,
               "allowed": selectors.can_see_rankings(request.user),
               "can_configure": scoping.can(request.user, scoping.CONFIGURE)}
    if request.method == "POST" and request.POST.get("action") == "create_campaign":
        return _create_campaign(request)
    if campaign is not None and request.method == "POST":
        _admin_city(request.user, campaign.city_id)
        action = request.POST.get("action")
        try:
            if action == "adjust":
                form = AdjustmentForm(campaign, request.POST)
                if not form.is_valid():
                    raise InputError("; ".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()))
                services.add_adjustment(campaign=campaign, actor=request.user, **form.cleaned_data)
                messages.success(request, "已记录加减分")
            elif action == "delete_adjustment":
                adj = CampaignAdjustment.objects.filter(pk=parse_id(request.POST.get("adjustment")) or 0,
                                                        campaign=campaign).first()
                if adj is None:
                    raise Http404("加减分记录不存在")
                services.delete_adjustment(adjustment=adj, actor=request.user)
                messages.success(request, "已删除加减分")
            elif action == "highlight":
                form = HighlightForm(request.user, campaign, request.POST, request.FILES)
                if not form.is_valid():
                    raise InputError("; ".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()))
                services.add_highlight(campaign=campaign, actor=request.user, **form.cleaned_data)
                messages.success(request, "已添加亮点项目")
            elif action in ("publish", "withdraw"):
                services.set_published(campaign=campaign, published=action == "publish", actor=request.user)
                messages.success(request, "已发布红黑榜" if action == "publish" else "已撤回红黑榜")
            else:
                return HttpResponseBadRequest("未知操作")
        except InputError as exc:
            messages.error(request, exc.text)
        return HttpResponseRedirect(f"{reverse('dashboard:competition')}?campaign={campaign.pk}")
    if context["can_configure"]:
        city = web_selectors.visible_cities(request.user).first()
        context["campaign_form"] = CampaignForm(city, initial={"year": 2024}) if city else None
    if campaign is not None and context["allowed"]:
        page = selectors.ranking_page(request.user, campaign)
        context.update(page=page, adjustment_form=AdjustmentForm(campaign),
                       highlight_form=HighlightForm(request.user, campaign),
                       highlight_rows=[(row, page.highlights.get(row["r"].unit.pk, [])) for row in page.rows])
        context["charts"] = {"ranking": page.chart}
    return render(request, "dashboard/competition.html", context)


def _create_campaign(request):
    city = _admin_city(request.user, request.POST.get("city"))
    form = CampaignForm(city, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.create_campaign(
                city=city, name=d["name"], year=d["year"], first_month=d["first_month"], last_month=d["last_month"],
                units=d["units"], indicators=d["indicators"], previous=d.get("previous"),
                description=d.get("description") or "", red_count=d["red_count"], black_count=d["black_count"],
                actor=request.user)
        except InputError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, f"已设立竞赛 {campaign.name}")
            return HttpResponseRedirect(f"{reverse('dashboard:competition')}?campaign={campaign.pk}")
    else:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    campaigns = selectors.campaigns_for(request.user)
    return render(request, "dashboard/competition.html", {
        "campaign": None, "campaigns": campaigns, "page": None, "allowed": True, "can_configure": True,
        "campaign_form": form}, status=400)


@requires(READ)
def honours(request):
    """红黑榜: the published red and black lists of a campaign (a preview for the city administrator)."""
    campaign, campaigns = _campaign(request, request.GET.get("campaign"))
    allowed = selectors.can_see_rankings(request.user)
    can_configure = scoping.can(request.user, scoping.CONFIGURE)
    context = {"campaign": campaign, "campaigns": campaigns, "allowed": allowed, "can_configure": can_configure,
               "red": [], "black": []}
    visible = campaign is not None and (campaign.published_at is not None or can_configure)
    if campaign is not None and visible:
        page = selectors.ranking_page(request.user, campaign)
        red, black = selectors.honour_lists(page)
        context.update(page=page, red=red, black=black)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(export.honours_xlsx(page, red, black), content_type=export.XLSX)
            response["Content-Disposition"] = export.disposition(f"{campaign.name}-红黑榜.xlsx")
            return response
    context["visible"] = visible
    return render(request, "dashboard/honours.html", context)


@requires(READ)
def media(request):
    """A highlight's photo (or its demo placeholder) or video, for a user who may see the highlight."""
    hid = parse_id(request.GET.get("highlight"))
    if hid is None:
        return HttpResponseBadRequest("缺少亮点项目")
    h = Highlight.objects.select_related("campaign", "unit", "project").filter(
        pk=hid, campaign__in=selectors.campaigns_for(request.user)).first()
    if h is None or not selectors.can_see_rankings(request.user):
        raise Http404("亮点项目不存在")
    if h.project_id and not scoping.projects_for(request.user).filter(pk=h.project_id).exists():
        raise Http404("亮点项目不存在")
    if not h.project_id and not web_selectors.visible_units(request.user).filter(pk=h.unit_id).exists():
        raise Http404("亮点项目不存在")
    if request.GET.get("kind") == "video":
        if not h.video:
            raise Http404("没有视频")
        return FileResponse(h.video.open("rb"))
    if h.photo:
        return FileResponse(h.photo.open("rb"))
    if h.is_demo:
        response = HttpResponse(export.placeholder_png(h.title, h.unit.name, h.pk), content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400"
        return response
    raise Http404("没有照片")

