"""Web pages: thin views that parse the request, call a selector, a service or the engine, and render.

Scoping is never done here: every read goes through web.selectors (which starts from projects.scoping) and
every write through the project services, which validate, run in one transaction and write the audit trail.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tuijin.accounts.models import Role
from tuijin.core.errors import InputError
from tuijin.core.numbers import to_decimal
from tuijin.core.periods import Period
from tuijin.core.policy import READ, WRITE, requires
from tuijin.projects import scoping, services
from tuijin.projects.codes import check_project_code

from . import selectors
from .forms import (
    OverviewForm,
    ProjectCreateForm,
    ProjectEditForm,
    ProjectFilterForm,
    ProjectForm,
    StageForm,
    apply_input_error,
)

# Where each role lands after login (/): its own to-do list; the others the overview.
LANDING = {Role.REPORTER: "progress:mine", Role.DISTRICT_ADMIN: "progress:review",
           Role.DEPARTMENT: "problems:department"}


@requires(READ)
def home(request):
    """/ (where login lands) → the user's to-do list: a 填报员 the reports due, a 板块管理员 the reviews waiting, a
    部门经办 the problems to sign; everyone else the overview. Anonymous visitors go to the login page first."""
    target = LANDING.get(getattr(request.user, "role", ""), "overview")
    return redirect(target)


def _render(request, full: str, partial: str, context: dict, status: int = 200):
    """The whole page, or only its results block when htmx asks for it (filters swap results in place)."""
    return render(request, partial if request.htmx and not request.htmx.boosted else full, context, status=status)


# ---------------------------------------------------------------- 总览


@requires(READ)
def overview(request):
    form = OverviewForm(request.user, request.GET)
    context = {"form": form, "overview": None, "period": None, "scope": None}
    if not form.is_valid():
        return _render(request, "web/overview.html", "web/_overview_results.html", context, status=400)
    city = form.cleaned_data["city"]
    if city is None:
        return _render(request, "web/overview.html", "web/_overview_results.html", context)
    scope = selectors.overview_scope(request.user, city, form.cleaned_data.get("annual_list"))
    through = form.cleaned_data["through"] or selectors.default_through(scope)
    context["defaulted"] = form.cleaned_data["through"] is None
    if through is None:
        context["no_reports"] = True
        return _render(request, "web/overview.html", "web/_overview_results.html", context)
    period = Period.parse(f"{through[0]:04d}-{through[1]:02d}", form.cleaned_data["kind"])
    context.update(overview=selectors.overview(request.user, scope, period), period=period, scope=scope,
                   covers=scoping.coverage(request.user, scope),
                   through=f"{through[0]:04d}-{through[1]:02d}", month_status=selectors.month_status(scope, period))
    return _render(request, "web/overview.html", "web/_overview_results.html", context)


@requires(READ)
def province(request):
    """全省: the cities the user sees side by side (a province reader's view), for one 1-N月 (?through=YYYY-MM)."""
    from tuijin.core.periods import PeriodError, parse_year_month

    through = None
    if request.GET.get("through"):
        try:
            through = parse_year_month(request.GET["through"], "截至月份")
        except PeriodError as exc:
            messages.error(request, str(exc))
    period, rows = selectors.province_comparison(request.user, through)
    return render(request, "web/province.html", {"period": period, "rows": rows,
                                                 "through": period and f"{period.year:04d}-{period.last_month:02d}"})


# ---------------------------------------------------------------- 项目库


@requires(READ)
def project_list(request):
    form = ProjectFilterForm(request.user, request.GET)
    context = {"form": form, "can_write": scoping.can(request.user, scoping.WRITE),
               "style": selectors.number_style(request.user)}
    if not form.is_valid():
        context.update(page=None, summary=None)
        return _render(request, "web/projects/list.html", "web/projects/_results.html", context, status=400)
    qs = selectors.projects(request.user, form.filters())
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(page=page, summary=selectors.summary(qs))
    return _render(request, "web/projects/list.html", "web/projects/_results.html", context)


@requires(READ)
def project_detail(request, pk: int):
    from tuijin.core.params import parse_year

    page = selectors.project_page(request.user, pk, year=parse_year(request.GET.get("year")))
    return render(request, "web/projects/detail.html", {"p": page, "project": page.project,
                                                        "style": selectors.number_style(request.user)})


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def project_create(request):
    form = ProjectCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project, warnings = services.create_project(actor=request.user, **form.cleaned_data)
        except InputError as exc:
            apply_input_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, f"已新增项目 {project.name} ({project.code})")
            return HttpResponseRedirect(reverse("project_detail", args=[project.pk]))
    return render(request, "web/projects/form.html", {"form": form, "project": None},
                  status=400 if form.is_bound else 200)


def _changes(project, cleaned: dict) -> dict:
    """Only the fields the user actually changed, so the audit trail records real changes and an unchanged
    legacy code is not re-checked (the service skips an update whose before and after are equal)."""
    changes = {}
    for name in ProjectForm.FIELDS:
        new, old = cleaned.get(name), getattr(project, name)
        if name == "total_investment":
            try:
                if to_decimal(new) == old:
                    continue
            except ValueError:
                pass  # let the service refuse it, naming the value
        elif name == "code":
            if (new or "").strip().upper() == old:
                continue
        elif new == old or (new in (None, "") and old in (None, "")):
            continue
        changes[name] = new
    return changes


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = scoping.get_project_or_404(request.user, pk, scoping.WRITE)
    if request.method == "POST":
        form = ProjectEditForm(request.user, request.POST, project=project)
    else:
        form = ProjectEditForm(request.user, initial=ProjectForm.initial_for(project), project=project)
    if request.method == "POST" and form.is_valid():
        changes = _changes(project, form.cleaned_data)
        if not changes:
            messages.info(request, "没有修改任何内容")
            return HttpResponseRedirect(reverse("project_detail", args=[project.pk]))
        try:
            project = services.update_project(project=project, actor=request.user,
                                              reason=form.cleaned_data.get("reason") or "", **changes)
        except InputError as exc:
            apply_input_error(form, exc)
        else:
            if "code" in changes and project.code_is_legacy:
                messages.warning(request, check_project_code(project.code).warning)
            messages.success(request, f"已保存 {project.name} 的修改")
            return HttpResponseRedirect(reverse("project_detail", args=[project.pk]))
    return render(request, "web/projects/form.html", {"form": form, "project": project},
                  status=400 if form.is_bound else 200)


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def project_stage(request, pk: int):
    project = scoping.get_project_or_404(request.user, pk, scoping.WRITE)
    form = StageForm(project, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            event = services.record_stage(project=project, stage=d["stage"], date=d["date"], actor=request.user,
                                          note=d.get("note") or "", reason=d.get("reason") or "")
        except InputError as exc:
            apply_input_error(form, exc)
        else:
            messages.success(request, f"已记录: {event.get_stage_display()} {event.date:%Y-%m-%d}")
            return HttpResponseRedirect(reverse("project_detail", args=[project.pk]))
    return render(request, "web/projects/stage_form.html", {"form": form, "project": project},
                  status=400 if form.is_bound else 200)
