"""Pages of the monthly reporting cycle: my reports, the report form, review, missing reports, import, export.
Thin: every read goes through progress.selectors / projects.scoping, every write through progress.services."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.accounts.models import Role
from tuijin.core import exports
from tuijin.core.errors import InputError
from tuijin.core.files import file_response
from tuijin.core.params import parse_id, parse_year
from tuijin.core.policy import CONFIGURE, READ, REPORT, REVIEW, WRITE, require_actor, requires
from tuijin.projects import scoping
from tuijin.projects.models import MilestoneKind

from . import registry, selectors, services, setup_imports, tracking
from .excel import (
    write_list_template,
    write_plans_template,
    write_projects_template,
    write_report_template,
)
from .forms import (
    ImportForm,
    OpenPeriodForm,
    PeriodActionForm,
    PeriodChoiceForm,
    ReportForm,
    ReviewForm,
)
from .importer import commit_import, plan_import
from .models import MonthlyReport, ReportingPeriod, ReportStatus
from .spreadsheets import check_size


def _period(request) -> tuple[int, int]:
    """The month the user works on: ?period=YYYY-MM, else the city's latest open period, else last month."""
    form = PeriodChoiceForm(request.GET)
    if form.is_valid() and form.cleaned_data["period"]:
        return form.cleaned_data["period"]
    city = request.user.unit.city() if request.user.unit_id else None
    latest = ReportingPeriod.objects.filter(city=city).order_by("-year", "-month").first() if city else None
    if latest:
        return latest.year, latest.month
    today = timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@requires(REPORT)
def my_reports(request):
    """填报: the projects the user reports, with this month's status."""
    year, month = _period(request)
    projects = list(selectors.reportable_projects(request.user, year))
    reports = {r.project_id: r for r in MonthlyReport.objects.filter(project__in=projects, year=year, month=month)}
    rows = [(p, reports.get(p.pk)) for p in projects]
    return render(request, "progress/my_reports.html", {
        "rows": rows, "year": year, "month": month, "can_review": scoping.can(request.user, scoping.REVIEW),
        "deadline": selectors.deadline_for(request.user, year, month),
        "due": sum(1 for _, r in rows if r is None or r.status in (ReportStatus.DRAFT, ReportStatus.RETURNED))})


@requires(REPORT)
@require_POST
def file_unchanged(request, project_id: int, year: int, month: int):
    """本月无变化: one click files the month with 0 and last month's 形象进度 (the form's own service)."""
    project = scoping.get_project_or_404(request.user, project_id, scoping.REPORT)
    try:
        services.file_unchanged(project=project, year=year, month=month, actor=request.user,
                                confirm_warnings=bool(request.POST.get("confirm_warnings")))
    except services.NeedsConfirmation as exc:
        messages.warning(request, f"{project.name}: {exc.text} — 请在表单中核实后报送")
        return redirect("progress:form", project.pk, year, month)
    except InputError as exc:
        messages.error(request, f"{project.name}: {'; '.join(exc.messages)}")
    else:
        messages.success(request, f"{project.name} {year}年{month}月月报已报送 (本月无变化)")
    return redirect(f"{reverse('progress:mine')}?period={year:04d}-{month:02d}")


@requires(REPORT)
@require_http_methods(["GET", "POST"])
def report_form(request, project_id: int, year: int, month: int):
    """A project's month: prefilled from last month and the project record; save, submit or correct."""
    project = scoping.get_project_or_404(request.user, project_id, scoping.REPORT)
    data = selectors.prefill(project=project, year=year, month=month)
    choices = [(k.value, k.label) for k in MilestoneKind]
    period = services.period_for(project, year, month)
    lock = services.month_lock(project=project, year=year, month=month, today=timezone.localdate())
    warnings = []
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, milestone_choices=choices)
        if form.is_valid():
            c = form.cleaned_data
            status = ReportStatus.DRAFT if "save_draft" in request.POST else ReportStatus.SUBMITTED
            try:
                services.save_report_with_attachments(
                    project=project, year=year, month=month, amount=c["amount"], ytd=c["ytd"],
                    funds_secured=c["funds_secured"], progress_text=c["progress_text"], problems_text=c["problems_text"], actor=request.user,
                    status=status, reason=c["reason"], confirm_warnings=c["confirm_warnings"],
                    milestones=c["milestones"], photos=c["photos"])
            except services.NeedsConfirmation as exc:
                warnings = exc.findings
            except InputError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{project.name} {year}年{month}月月报已{'保存' if status == 'draft' else '报送'}")
                return redirect(f"{reverse('progress:mine')}?period={year:04d}-{month:02d}")
    else:
        form = ReportForm(initial={"amount": data["amount"], "funds_secured": data.get("funds_secured"),
                                   "progress_text": data["progress_text"],
                                   "problems_text": data["problems_text"]}, milestone_choices=choices)
    return render(request, "progress/report_form.html", {
        "form": form, "project": project, "year": year, "month": month, "data": data, "locked": lock,
        "period": period, "warnings": warnings,
        "history": MonthlyReport.objects.filter(project=project, year=year).order_by("month")
                   .prefetch_related("photos"),
    })


@requires(READ)
def photo(request, pk: int):
    """A report photo, served after the scope check of its project."""
    return file_response(selectors.get_photo_or_404(request.user, pk).image)


def _review_level(user) -> str:
    return "city" if user.is_superuser or user.role == Role.CITY_ADMIN else "district"


@requires(REVIEW)
def review_list(request):
    """审核: reports waiting for this user's decision."""
    year, month = _period(request)
    return render(request, "progress/review.html", {
        "reports": selectors.review_rows(request.user, year, month), "year": year, "month": month,
        "level": _review_level(request.user)})


@requires(REVIEW)
@require_POST
def review_batch(request):
    """批量审核: the ticked reports accepted (批量通过) or returned (批量退回, each with its own reason), or one row's
    own button; all in one transaction through the review service, each audited."""
    year, month = _posted_period(request)
    back = redirect(f"{reverse('progress:review')}?period={year:04d}-{month:02d}")
    one_accept, one_return = parse_id(request.POST.get("one_accept", "")), parse_id(request.POST.get("one_return", ""))
    if one_accept or one_return:
        ids, accept = [one_accept or one_return], bool(one_accept)
    else:
        ids = [i for i in (parse_id(v) for v in request.POST.getlist("report")) if i is not None]
        accept = request.POST.get("decision") == "accept"
        if request.POST.get("decision") not in ("accept", "return"):
            messages.error(request, "请选择批量通过或批量退回")
            return back
    decisions = [services.ReviewDecision(i, accept, (request.POST.get(f"reason_{i}") or "").strip()[:500])
                 for i in ids]
    allowed = MonthlyReport.objects.filter(project__in=scoping.projects_for(request.user, scoping.REVIEW))
    try:
        done = services.review_batch(decisions=decisions, level=_review_level(request.user), actor=request.user,
                                     allowed_reports=allowed)
    except InputError as exc:
        messages.error(request, "未作任何改动: " + "; ".join(exc.messages))
    else:
        word = "已通过" if accept else "已退回"
        messages.success(request, f"{len(done)} 份月报{word}: " + "、".join(r.project.name for r in done[:5])
                         + (" 等" if len(done) > 5 else ""))
    return back


def _posted_period(request) -> tuple[int, int]:
    form = PeriodChoiceForm(request.POST)
    if form.is_valid() and form.cleaned_data["period"]:
        return form.cleaned_data["period"]
    return _period(request)


@requires(READ)
def board(request):
    """报送进度: by district, how many listed projects have reported the month (已报/未报/已审/退回), with the
    projects still missing one district at a time (?unit=ID) and 催报 to their reporters."""
    year, month = _period(request)
    rows = selectors.submission_board(request.user, year, month)
    unit_id = parse_id(request.GET.get("unit", ""))
    chosen = next((r.unit for r in rows if r.unit.pk == unit_id), None) if unit_id else None
    missing_rows = None
    if chosen is not None:
        missing_rows = selectors.missing_reports(request.user, year, month).filter(
            unit__path__startswith=chosen.path)
        if chosen.kind == "city":
            missing_rows = missing_rows.filter(unit=chosen)
    total = selectors.BoardRow(None, sum(r.expected for r in rows), sum(r.submitted for r in rows),
                               sum(r.reviewed for r in rows), sum(r.returned for r in rows))
    return render(request, "progress/board.html", {
        "rows": rows, "total": total, "year": year, "month": month, "chosen": chosen, "missing": missing_rows,
        "deadline": selectors.deadline_for(request.user, year, month),
        "can_remind": scoping.can(request.user, scoping.REVIEW), "level": _review_level(request.user)
        if scoping.can(request.user, scoping.REVIEW) else None})


@requires(REVIEW)
@require_POST
@requires(REVIEW)
@require_POST
def review_report(request, pk: int):
    report = MonthlyReport.objects.filter(pk=pk, project__in=scoping.projects_for(request.user, scoping.REVIEW)
                                          ).select_related("project").first()
    if report is None:
        raise Http404("月报不存在或不在您的权限范围内")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"请选择通过或退回: {form.error_text()}")
    else:
        try:
            services.review_report(report=report, accept=form.cleaned_data["decision"] == "accept",
                                   level=_review_level(request.user), actor=request.user,
                                   reason=form.cleaned_data["reason"])
        except InputError as exc:
            messages.error(request, f"{report.project.name}: {'; '.join(exc.messages)}")
        else:
            messages.success(request, f"{report.project.name} {report.year}年{report.month}月月报: "
                                      f"{'已通过' if form.cleaned_data['decision'] == 'accept' else '已退回'}")
    return redirect(f"{reverse('progress:review')}?period={report.year:04d}-{report.month:02d}")


@requires(READ)
def missing(request):
    """缺报: listed projects without a submitted report for the month; exportable as a reminder list."""
    year, month = _period(request)
    rows = selectors.missing_reports(request.user, year, month)
    if request.GET.get("format") == "csv":
        def lines():
            yield ["项目代码", "项目名称", "所属单位", "填报员"]
            for p in rows.iterator(chunk_size=1000):
                yield [p.code, p.name, p.unit.name, "、".join(u.get_full_name() or u.username for u in p.reporters.all())]
        response = StreamingHttpResponse(exports.iter_csv(lines(), chunk_rows=100),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="missing-{year}-{month:02d}.csv"'
        return response
    return render(request, "progress/missing.html", {"rows": rows, "year": year, "month": month})


@requires(REPORT)
def report_template(request):
    """月报填报模板 (.xlsx) with the user's own projects pre-listed."""
    year, month = _period(request)
    buf = io.BytesIO()
    projects = list(selectors.reportable_projects(request.user, year).order_by("unit__path", "code"))
    write_report_template(buf, projects, year, month, title_prefix=request.user.unit.name if request.user.unit_id else "",
                          facts=selectors.template_facts(projects, year, month))
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename=f"report-template-{year}-{month:02d}.xlsx")


def _plan(request, form, data: bytes, filename: str, kind: str, tracker):
    c = form.cleaned_data
    if kind == registry.KIND_PROJECTS:
        return registry.plan_projects(user=request.user, data=data, filename=filename, progress=tracker)
    if kind == registry.KIND_UNITS:
        return setup_imports.plan_units(user=request.user, data=data, filename=filename, progress=tracker)
    if kind == registry.KIND_LISTS:
        return setup_imports.plan_lists(user=request.user, data=data, filename=filename, progress=tracker)
    if kind == registry.KIND_LIST:
        return registry.plan_list(user=request.user, data=data, filename=filename, annual_list=c["annual_list"],
                                  year=c["year"], progress=tracker)
    if kind == registry.KIND_PLANS:
        return registry.plan_plans(user=request.user, data=data, filename=filename, annual_list=c["annual_list"],
                                   year=c["year"], progress=tracker)
    year, month = c["period"] or (None, None)
    return plan_import(user=request.user, data=data, filename=filename, year=year, month=month,
                       reason=c["reason"], progress=tracker)


def _commit(request, plan, kind: str, tracker) -> str:
    """Write the plan; returns the message for the user."""
    tracker.start("写入", total=len(plan.changes))
    if kind == registry.KIND_PROJECTS:
        n = registry.commit_projects(user=request.user, plan=plan, progress=tracker)
        text = f"项目库已导入: 新增 {plan.created} 个, 修改 {plan.updated} 个, 未变 {plan.unchanged} 个"
    elif kind in (registry.KIND_UNITS, registry.KIND_LISTS):
        commit = setup_imports.commit_units if kind == registry.KIND_UNITS else setup_imports.commit_lists
        n = commit(user=request.user, plan=plan, progress=tracker)
        text = (f"{registry.KIND_LABELS[kind]}已导入: 新增 {plan.created} 个, 修改 {plan.updated} 个, "
                f"未变 {plan.unchanged} 个")
    elif kind == registry.KIND_LIST:
        n = registry.commit_list(user=request.user, plan=plan, progress=tracker)
        text = (f"{plan.year}年{plan.annual_list.name}已导入: 列入 {plan.created} 个, 修改 {plan.updated} 个, "
                f"未变 {plan.unchanged} 个")
    elif kind == registry.KIND_PLANS:
        n = registry.commit_plans(user=request.user, plan=plan, progress=tracker)
        text = f"分月计划已导入: {n} 个项目, 未变 {plan.unchanged} 个"
    else:
        n = commit_import(user=request.user, plan=plan, confirm_warnings=bool(request.POST.get("confirm_warnings")),
                          progress=tracker)
        text = f"已导入 {n} 行 ({plan.year}年{plan.month}月), 未变 {plan.unchanged} 行"
    tracker.finish(text)
    return text


def _preview(plan) -> dict | None:
    """The first page of each list of the preview (problems, warnings, rows) and how many are left out."""
    if plan is None:
        return None
    n = settings.IMPORT_PREVIEW_ROWS
    errors, warnings, changes = plan.errors, plan.warnings, plan.changes
    return {"errors": errors[:n], "more_errors": max(0, len(errors) - n),
            "warnings": warnings[:n], "more_warnings": max(0, len(warnings) - n),
            "changes": changes[:n], "more_changes": max(0, len(changes) - n)}


@requires(REPORT)
@require_http_methods(["GET", "POST"])
def import_reports(request):
    """导入: 月报 / 项目库 / 年度清单; upload → preview of every change and problem → confirm; all or nothing.
    The request writes its progress under the form's token; the page polls import_progress meanwhile."""
    lists = registry.lists_for(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, lists=lists)
    plan, kind = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b""
        tracker = tracking.Tracker(request.user, form.cleaned_data["token"])
        tracker.start("检查")
        try:
            check_size(upload.size, upload.name)  # before reading it into memory
            data = upload.read()
            kind = form.cleaned_data["kind"] or registry.detect_kind(data, upload.name) or registry.KIND_REPORTS
            if kind in (registry.KIND_UNITS, registry.KIND_LISTS):
                require_actor(request.user, CONFIGURE)
            elif kind != registry.KIND_REPORTS:
                require_actor(request.user, WRITE)
            plan = _plan(request, form, data, upload.name, kind, tracker)
            if not form.cleaned_data["kind"]:
                plan.errors = registry.kind_hint(plan, data, upload.name, kind)
        except InputError as exc:
            form.add_error("file" if exc.field not in form.fields else exc.field, exc.messages)
            tracker.finish("文件有错误")
        else:
            if "commit" in request.POST and plan.ok:
                try:
                    text = _commit(request, plan, kind, tracker)
                except InputError as exc:
                    messages.error(request, "; ".join(exc.messages))
                    tracker.finish("未导入")
                else:
                    messages.success(request, text)
                    return redirect("progress:import")
            else:
                tracker.finish("预览完成")
    token = tracking.new_token()  # a fresh one for the next submission of the page's form
    return render(request, "progress/import.html", {
        "form": form, "plan": plan, "kind": kind, "preview": _preview(plan), "token": token, "kind_label": registry.KIND_LABELS.get(kind, ""),
        "can_write": scoping.can(request.user, scoping.WRITE), "lists": lists,
        "can_set_up": scoping.administered_city(request.user) is not None,
        "this_year": timezone.localdate().year})


@requires(READ)
def import_progress(request, token: str):
    """The bar of an import under way (polled by the import page every second while the form is sent)."""
    state = tracking.read(request.user, token) if tracking.valid(token) else None
    return render(request, "progress/_import_progress.html", {"state": state, "token": token})


@requires(WRITE)
def projects_template(request):
    """项目库模板 (.xlsx): the user's in-scope projects, drop-downs for unit, category, industry chain, stage."""
    from tuijin.accounts.selectors import visible_departments
    from tuijin.industry.models import TaxonomyNode
    from tuijin.orgs.models import UnitKind
    from tuijin.projects.models import Category, Stage

    user = request.user
    projects = scoping.projects_for(user, scoping.WRITE).select_related(
        "unit", "category", "industry_node", "responsible_department").order_by("unit__path", "code")
    units = scoping.units_for(user).exclude(kind__in=[UnitKind.DEPARTMENT, UnitKind.PROVINCE]).order_by("path")
    city = user.unit.city() if user.unit_id else None
    nodes = TaxonomyNode.objects.filter(taxonomy__city=city) if city else TaxonomyNode.objects.all()
    node_names = list(dict.fromkeys(nodes.order_by("-taxonomy__is_primary", "taxonomy_id", "path")
                                    .values_list("name", flat=True)))
    buf = io.BytesIO()
    write_projects_template(buf, projects, units=units.values_list("name", flat=True),
                            categories=Category.objects.values_list("name", flat=True), nodes=node_names,
                            stages=[s.label for s in Stage],
                            departments=visible_departments(user).values_list("name", flat=True),
                            title_prefix=user.unit.name if user.unit_id else "")
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="projects-template.xlsx")


@requires(WRITE)
def list_template(request):
    """年度清单模板 (.xlsx) for ?list=ID&year=YYYY: the user's in-scope projects, the list's entries filled in."""
    from tuijin.projects.models import ListEntry, Stage

    raw_list, raw_year = (request.GET.get("list") or "").strip(), (request.GET.get("year") or "").strip()
    if parse_id(raw_list) is None:
        return HttpResponseBadRequest(f"请选择清单 (list 参数无效: {raw_list[:40]!r})",
                                      content_type="text/plain; charset=utf-8")
    if raw_year and parse_year(raw_year) is None:
        return HttpResponseBadRequest(f"年度无效: {raw_year[:40]!r}", content_type="text/plain; charset=utf-8")
    lst = registry.lists_for(request.user).filter(pk=parse_id(raw_list)).first()
    if lst is None:
        raise Http404("清单不存在或不在您的城市")
    year = int(raw_year or timezone.localdate().year)
    projects = scoping.projects_for(request.user, scoping.WRITE).filter(unit__path__startswith=lst.city.path
                                                                        ).exclude(stage=Stage.TERMINATED)
    entries = {e.project_id: e for e in ListEntry.objects.filter(annual_list=lst, year=year, project__in=projects)}
    rows = [(p, entries.get(p.pk)) for p in projects.select_related("unit").order_by("unit__path", "code")]
    rows.sort(key=lambda pe: pe[1] is None)  # the projects on the list first
    buf = io.BytesIO()
    write_list_template(buf, rows, list_name=lst.name, year=year,
                        title_prefix=request.user.unit.name if request.user.unit_id else "")
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename=f"list-template-{year}.xlsx")


@requires(WRITE)
def plans_template(request):
    """分月计划模板 (.xlsx) for ?year=YYYY: the year's list entries in the user's reach, months already planned."""
    from tuijin.projects.models import ListEntry

    raw_year = (request.GET.get("year") or "").strip()
    if raw_year and parse_year(raw_year) is None:
        return HttpResponseBadRequest(f"年度无效: {raw_year[:40]!r}", content_type="text/plain; charset=utf-8")
    year = int(raw_year or timezone.localdate().year)
    entries = ListEntry.objects.filter(
        year=year, annual_list__in=registry.lists_for(request.user),
        project__in=scoping.projects_for(request.user, scoping.WRITE),
    ).select_related("project__unit", "annual_list").prefetch_related("monthly_plans").order_by(
        "annual_list__rank", "project__unit__path", "project__code")
    buf = io.BytesIO()
    write_plans_template(buf, entries, year=year,
                         title_prefix=request.user.unit.name if request.user.unit_id else "")
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename=f"plans-template-{year}.xlsx")


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def periods(request):
    """填报期: the city administrator opens a month with its window and deadline."""
    city = request.user.unit.city() if request.user.unit_id else None
    form = OpenPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and city is not None:
        (year, month) = form.cleaned_data["period"]
        try:
            services.open_period(city=city, year=year, month=month, opens_on=form.cleaned_data["opens_on"],
                                 deadline=form.cleaned_data["deadline"], actor=request.user)
        except InputError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"已开启 {year}年{month}月 填报期")
            return redirect("progress:periods")
    rows = ReportingPeriod.objects.filter(city=city) if city else ReportingPeriod.objects.none()
    return render(request, "progress/periods.html", {"form": form, "periods": rows,
                                                     "today": timezone.localdate()})


@requires(CONFIGURE)
@require_POST
def period_action(request, pk: int):
    """锁定 / 延期 / 重新开放 a period of the administrator's city (each audited; reopening needs a reason)."""
    city = request.user.unit.city() if request.user.unit_id else None
    period = ReportingPeriod.objects.filter(pk=pk, city=city).first() if city else None
    if period is None:
        raise Http404("填报期不存在")
    form = PeriodActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{period.year}年{period.month}月: {form.error_text()}")
        return redirect("progress:periods")
    action, deadline, reason = (form.cleaned_data[k] for k in ("action", "deadline", "reason"))
    try:
        if action == "lock":
            services.lock_period(period=period, actor=request.user, reason=reason)
        elif deadline is None:
            raise InputError("请填写新的截止日期", field="deadline")
        elif action == "extend":
            services.extend_period(period=period, deadline=deadline, actor=request.user, reason=reason)
        else:
            services.reopen_period(period=period, deadline=deadline, actor=request.user, reason=reason)
    except InputError as exc:
        messages.error(request, f"{period.year}年{period.month}月: {'; '.join(exc.messages)}")
    else:
        word = {"lock": "已锁定", "extend": f"截止日期已延至 {deadline}", "reopen": f"已重新开放至 {deadline}"}[action]
        messages.success(request, f"{period.year}年{period.month}月填报期{word}")
    return redirect("progress:periods")
