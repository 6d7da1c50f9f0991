"""Bulletin pages: the bulletin as text with a copy button and downloads (.docx, PDF, JSON); the city
administrator's template editor; the OC4IDS download. Thin: forms parse, services write, the generator and
the engine compute."""

from __future__ import annotations

import json
import subprocess

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tuijin.accounts import scoping
from tuijin.core.errors import InputError
from tuijin.core.numbers import WAN_PER_YI
from tuijin.core.params import parse_id
from tuijin.core.periods import Period
from tuijin.core.policy import CONFIGURE, READ, requires
from tuijin.orgs.models import OrgUnit
from tuijin.progress import selectors as progress_selectors

from . import services
from .defaults import FIGURES, LABELS, SECTION_TITLES
from .formats import PDF_MISSING, pdf_converter, to_docx, to_json, to_pdf, to_text
from .forms import BulletinForm, ConfigForm, NewTemplateForm, cities_for
from .generator import generate
from .models import Section
from .selectors import (
    bulletin_config,
    effective_templates,
    is_city_admin,
    template_name,
    template_preview,
)


def _default_through(city: OrgUnit) -> str:
    """The city's latest closed month (progress.selectors.closed_through), else last month."""
    last = progress_selectors.closed_through(Q(unit__path__startswith=city.path), city)
    if last:
        return f"{last[0]:04d}-{last[1]:02d}"
    today = timezone.localdate()
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{y:04d}-{m:02d}"


def _bulletin_from_request(request):
    """(form, bulletin or None). The form's choices are the user's reach; restrict_scope does the rest."""
    if not scoping.can(request.user, scoping.READ):
        raise PermissionDenied("您的账号没有查看权限")
    cities = cities_for(request.user)
    data = request.GET.copy()
    if not data.get("city"):
        first = cities.first()
        if first is None:
            raise Http404("没有可查看的城市")
        data["city"] = str(first.pk)
    city = cities.filter(pk=data["city"]).first() if data["city"].isdigit() else None
    if city is not None and not data.get("through"):
        data["through"] = _default_through(city)
    form = BulletinForm(request.user, data)
    if city is not None and not data.get("unit") and form.fields["unit"].required:
        data["unit"] = str(request.user.unit_id)  # a district's user: its own unit by default
        form = BulletinForm(request.user, data)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    year, month = d["through"]
    period = Period.parse(f"{year:04d}-{month:02d}", d.get("period") or "ytd")
    bulletin = generate(d["city"], period, unit=d.get("unit"), user=request.user)
    return form, bulletin


@requires(READ)
def bulletin(request):
    form, b = _bulletin_from_request(request)
    return _page(request, form, b)


def _page(request, form, b, *, pdf_problem: str = "", status: int | None = None):
    """The bulletin page; `pdf_problem` says on it why a PDF could not be made (no LibreOffice, a failure)."""
    context = {"form": form, "bulletin": b, "text": to_text(b) if b else "", "pdf": pdf_converter() is not None,
               "pdf_missing": PDF_MISSING, "pdf_problem": pdf_problem,
               "query": request.GET.urlencode() if b is None else _query(form),
               "can_edit": b is not None and is_city_admin(request.user, b.city),
               "reconciliation": _reconciliation(request.user, b)}
    return render(request, "bulletins/bulletin.html", context, status=status or (200 if b else 400))


def _reconciliation(user, b) -> dict | None:
    """The city bulletin's 统计对账 status for its period and whether it is issued (for those who read the
    reconciliation: the city's 市管理员 and 市领导), and whether the user may issue it (签发: its 市管理员)."""
    if b is None or b.unit is not None:
        return None
    from tuijin.reconciliation import selectors as recon
    from tuijin.reconciliation.rules import gate_problem, reconcile

    from .models import BulletinIssue

    if not recon.may_read(user, b.city):
        return None
    year, month = b.period.year, b.period.last_month
    issue = BulletinIssue.objects.filter(city=b.city, year=year, month=month).select_related("issued_by").first()
    can_issue = is_city_admin(user, b.city) and issue is None
    return {"r": reconcile(b.city, year, month), "issue": issue, "can_issue": can_issue,
            "through": f"{year:04d}-{month:02d}", "settings": recon.settings_for(b.city),
            "blocked": gate_problem(b.city, year, month) if can_issue else None}


@requires(CONFIGURE)
@require_http_methods(["POST"])
def issue(request):
    """签发: the city's bulletin through a month, refused while the city's reconciliation rule is not met."""
    from tuijin.core.periods import PeriodError, parse_year_month

    city = _admin_city(request, "只有市管理员可以签发通报")
    through = request.POST.get("through", "")
    try:
        year, month = parse_year_month(through, "截至月份")
        services.issue_bulletin(actor=request.user, city=city, year=year, month=month,
                                note=request.POST.get("note", ""))
    except (InputError, PeriodError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(f"{reverse('bulletins:bulletin')}?city={city.pk}" + (f"&through={through}" if through else ""))
    messages.success(request, f"{city.name} {year}年1-{month}月通报已签发")
    return redirect(f"{reverse('bulletins:bulletin')}?city={city.pk}&through={through}")


def _query(form) -> str:
    from urllib.parse import urlencode

    d = form.cleaned_data
    params = {"city": d["city"].pk, "through": f"{d['through'][0]:04d}-{d['through'][1]:02d}",
              "period": d.get("period") or "ytd"}
    if d.get("unit"):
        params["unit"] = d["unit"].pk
    return urlencode(params)


@requires(READ)
def download(request):
    fmt = request.GET.get("format", "")
    if fmt not in ("docx", "pdf", "json", "txt"):
        return HttpResponse("format 应为 docx、pdf、json 或 txt", status=400, content_type="text/plain; charset=utf-8")
    form, b = _bulletin_from_request(request)
    if b is None:
        return HttpResponse("; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()), status=400,
                            content_type="text/plain; charset=utf-8")
    if fmt == "pdf" and pdf_converter() is None:
        # A link followed from the page: the page again, saying what is missing, rather than an error.
        return _page(request, form, b, pdf_problem=PDF_MISSING, status=503)
    name = f"{(b.unit or b.city).name}-通报-{b.period.through}"
    if fmt == "docx":
        data, ctype = to_docx(b), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "pdf":
        try:
            data, ctype = to_pdf(b), "application/pdf"
        except (RuntimeError, subprocess.SubprocessError) as exc:
            return _page(request, form, b, pdf_problem=f"PDF 生成失败，请下载 Word 版。原因: {exc}", status=503)
    elif fmt == "json":
        data, ctype = json.dumps(to_json(b), ensure_ascii=False, indent=2).encode(), "application/json"
    else:
        data, ctype = to_text(b).encode(), "text/plain; charset=utf-8"
    response = HttpResponse(data, content_type=ctype)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"
    return response


# ---------------------------------------------------------------- templates (市管理员)


def _admin_city(request, refusal: str = "只有市管理员可以修改通报句式") -> OrgUnit:
    """The city named by ?city= (default: the user's), if the user is its administrator."""
    if not is_city_admin(request.user, None):
        raise PermissionDenied(refusal)
    cities = cities_for(request.user)
    raw = request.GET.get("city") or request.POST.get("city")
    if raw:
        city = cities.filter(pk=parse_id(raw)).first() if parse_id(raw) else None
        if city is None:
            raise Http404("城市不存在或不在您的权限范围内")
    else:
        city = cities.first()
    if city is None or not is_city_admin(request.user, city):
        raise PermissionDenied(refusal)
    return city


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def templates(request):
    city = _admin_city(request)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "save":
                services.save_template(city=city, key=request.POST.get("key", ""), text=request.POST.get("text", ""),
                                       enabled=request.POST.get("enabled") == "on",
                                       order=request.POST.get("order") or None, actor=request.user, reason=reason)
                messages.success(request, f"句式 {request.POST.get('key')} 已保存")
            elif action == "add":
                form = NewTemplateForm(request.POST)
                if not form.is_valid():
                    raise InputError("; ".join(f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
                                               for k, v in form.errors.items()))
                d = form.cleaned_data
                if effective_key_exists(city, d["key"]):
                    raise InputError(f"句式键已存在: {d['key']}", field="key")
                services.save_template(city=city, key=d["key"], text=d["text"], order=d["order"],
                                       section=d["section"], actor=request.user, reason=d.get("reason", ""))
                messages.success(request, f"已新增句式 {d['key']}")
            elif action == "reset":
                if services.reset_template(city=city, key=request.POST.get("key", ""), actor=request.user,
                                           reason=reason):
                    messages.success(request, f"句式 {request.POST.get('key')} 已恢复默认")
            elif action == "config":
                _save_config(request, city)
                messages.success(request, "通报设置已保存")
            else:
                raise InputError("操作未知", field="action")
            return redirect(f"{reverse('bulletins:templates')}?city={city.pk}")
        except InputError as exc:
            messages.error(request, f"{request.POST.get('key', '')} {exc.text}".strip())
            status = 400
    rows = effective_templates(city)
    sections = []
    for key in Section.values:
        mine = [t for t in rows if t.section == key]
        if mine:
            sections.append({"key": key, "title": SECTION_TITLES[key],
                             "templates": [(t, template_name(t), template_preview(t.text, t.section)) for t in mine],
                             "figures": sorted(FIGURES.get(key, {}).items())})
    cfg = bulletin_config(city)
    config_form = ConfigForm(city, initial={
        "heading": cfg.heading, "issuer": cfg.issuer,
        "threshold_yi": (cfg.threshold_wan / WAN_PER_YI).normalize() if cfg.threshold_wan is not None else None,
        "signing_category": cfg.signing_category_id, "lagging_limit": cfg.lagging_limit,
        "lag_threshold_pp": cfg.lag_threshold_pp,
        "lists": list(cfg.lists.values_list("id", flat=True)) if cfg.pk else [],
        "lagging_lists": list(cfg.lagging_lists.values_list("id", flat=True)) if cfg.pk else [],
        **{f: getattr(cfg, f) for f in ("include_ranking", "include_unit_events", "include_lagging",
                                        "include_chains", "include_targets", "include_livelihood",
                                        "include_problems", "include_sectors", "table_amount_places",
                                        "table_rate_places", "start_rate_places", "total_as_sum")},
    })
    return render(request, "bulletins/templates.html", {
        "city": city, "sections": sections, "labels": sorted(LABELS.items()), "config_form": config_form,
        "new_form": NewTemplateForm(), "several_cities": cities_for(request.user).count() > 1,
    }, status=status)


def effective_key_exists(city, key) -> bool:
    return any(t.key == key for t in effective_templates(city))


def _save_config(request, city):
    form = ConfigForm(city, request.POST)
    if not form.is_valid():
        raise InputError("; ".join(f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
                                   for k, v in form.errors.items()))
    d = form.cleaned_data
    threshold = d.get("threshold_yi")
    services.save_config(
        city=city, actor=request.user, reason=d.get("reason", ""), lists=d["lists"], lagging_lists=d["lagging_lists"],
        heading=d["heading"], issuer=d["issuer"],
        threshold_wan=None if threshold is None else threshold * WAN_PER_YI,
        signing_category=d["signing_category"], lagging_limit=d["lagging_limit"],
        lag_threshold_pp=d["lag_threshold_pp"],
        **{f: d[f] for f in ("include_ranking", "include_unit_events", "include_lagging", "include_chains",
                             "include_targets", "include_livelihood", "include_problems", "include_sectors",
                             "table_amount_places", "table_rate_places", "start_rate_places", "total_as_sum")},
    )


# ---------------------------------------------------------------- OC4IDS (市管理员)


@requires(CONFIGURE)
def oc4ids(request):
    city = _admin_city(request, "只有市管理员可以导出 OC4IDS 数据")
    from .oc4ids import build_package

    try:
        package = build_package(city)
    except InputError as exc:
        return HttpResponse(exc.text, status=400, content_type="text/plain; charset=utf-8")
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="oc4ids-{city.region_code or city.pk}.json"'
    return response

