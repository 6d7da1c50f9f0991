"""Pages of 问题协调: the problem list and page with its workflow buttons, raising (also from a monthly
report), the department page, 督办, notifications, meetings, and joint review (the weekly dispatch agenda,
which reads the traffic lights, is dashboard.agenda_views). Thin: reads through problems.selectors (scoped), writes through problems.services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.core.errors import InputError
from tuijin.core.files import file_response
from tuijin.core.params import id_or_404, parse_id, parse_ids
from tuijin.core.policy import READ, REPORT, WRITE, requires
from tuijin.orgs.models import OrgUnit
from tuijin.progress.models import MonthlyReport
from tuijin.projects import scoping

from . import forms, selectors, services
from .models import Decision, Status


def _error(request, exc: InputError):
    messages.error(request, exc.text)


@requires(READ)
def problem_list(request):
    status = request.GET.get("status", "open")
    category = request.GET.get("category") or ""
    category_id = id_or_404(category, "问题类别") if category else None
    rows = selectors.problem_list(request.user, status=status if status in Status.values + ["open"] else "",
                                  category=category_id,
                                  overdue_only=request.GET.get("overdue") == "1")
    return render(request, "problems/list.html", {
        "rows": rows, "status": status, "statuses": Status.choices, "categories": selectors.categories(),
        "category": category, "overdue": request.GET.get("overdue") == "1"})


@requires(REPORT)
@require_http_methods(["GET", "POST"])
def raise_problem(request, project_id: int):
    project = scoping.get_project_or_404(request.user, project_id)
    if not selectors.may(request.user, None, selectors.RAISE, project=project):
        raise PermissionDenied("您无权对该项目提出问题")
    report = None
    if request.GET.get("report"):
        report_id = id_or_404(request.GET["report"], "月报编号")
        report = MonthlyReport.objects.filter(project=project, pk=report_id).first()
    initial = {}
    if report is not None and report.problems_text:
        initial = {"title": report.problems_text.strip().splitlines()[0][:120], "description": report.problems_text}
    form = forms.RaiseForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            problem = services.raise_problem(actor=request.user, project=project, category=d["category"],
                                             title=d["title"], description=d["description"], report=report,
                                             source="report" if report else "manual")
            if d["attachment"]:
                services.add_attachment(actor=request.user, problem=problem, file=d["attachment"])
        except InputError as exc:
            _error(request, exc)
        else:
            messages.success(request, "问题已提出")
            return redirect("problems:detail", problem.pk)
    return render(request, "problems/raise.html", {"form": form, "project": project, "report": report})


@requires(READ)
def detail(request, pk: int):
    problem = selectors.get_problem_or_404(request.user, pk)
    today = timezone.localdate()
    problem.overdue = problem.is_overdue(today)
    problem.days_left_value = problem.days_left(today)
    steps = selectors.next_steps(request.user, problem)
    city = selectors.city_of(problem.project)
    context = {
        "problem": problem, "steps": steps, "events": problem.events.select_related("actor"),
        "attachments": problem.attachments.all(), "cooperating": problem.cooperating.all(),
        "decisions": problem.decisions.select_related("meeting", "owner"),
        "assign_form": forms.AssignForm(departments=selectors.departments_in(city)) if "assign" in steps and city
        else None,
        "answer_form": forms.AnswerForm() if "answer" in steps else None,
        "reopen_form": forms.ReopenForm() if "reopen" in steps else None,
        "note_form": forms.NoteForm(),
        "attach_form": forms.AttachForm() if _may_attach(request.user) else None,
    }
    return render(request, "problems/detail.html", context)


def _may_attach(user) -> bool:
    from tuijin.accounts.models import Role

    return user.is_superuser or user.role not in (Role.CITY_LEADER, Role.PROVINCE_READER)


@requires(READ)
@require_POST
def step(request, pk: int, step: str):
    problem = selectors.get_problem_or_404(request.user, pk)
    user = request.user
    try:
        if step == selectors.ASSIGN:
            city = selectors.city_of(problem.project)
            form = forms.AssignForm(request.POST, departments=selectors.departments_in(city) if city
                                    else OrgUnit.objects.none())
            if not form.is_valid():
                raise InputError("; ".join(f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields
                                           else " ".join(v) for k, v in form.errors.items()))
            d = form.cleaned_data
            services.assign(actor=user, problem=problem, lead_department=d["lead_department"],
                            deadline=d["deadline"], cooperating=list(d["cooperating"]), note=d["note"])
        elif step == selectors.SIGN:
            services.sign(actor=user, problem=problem, note=request.POST.get("note", ""))
        elif step == selectors.START:
            services.start(actor=user, problem=problem, note=request.POST.get("note", ""))
        elif step == selectors.ANSWER:
            services.answer(actor=user, problem=problem, text=request.POST.get("text", ""))
        elif step == selectors.CLOSE:
            services.close(actor=user, problem=problem, note=request.POST.get("note", ""))
        elif step == selectors.REOPEN:
            services.reopen(actor=user, problem=problem, reason=request.POST.get("reason", ""))
        else:
            raise Http404("未知操作")
    except InputError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已{selectors.STEP_LABELS[step]}")
    return redirect("problems:detail", problem.pk)


@requires(READ)
@require_POST
def attach(request, pk: int):
    problem = selectors.get_problem_or_404(request.user, pk)
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(actor=request.user, problem=problem, file=form.cleaned_data["file"])
            messages.success(request, "附件已上传")
        except InputError as exc:
            _error(request, exc)
    else:
        messages.error(request, "请选择文件")
    return redirect("problems:detail", problem.pk)


@requires(READ)
def attachment_file(request, pk: int):
    """An attachment, served after the scope check of its problem."""
    return file_response(selectors.get_attachment_or_404(request.user, pk).file)


@requires(READ)
def department(request, unit_id: int | None = None):
    units = selectors.department_units(request.user)
    if unit_id is None:
        unit = units.first() if request.user.role == "department" else None
        if unit is None:
            return render(request, "problems/departments.html", {"units": units})
    else:
        unit = units.filter(pk=unit_id).first()
        if unit is None:
            raise Http404("部门不存在或不在您的权限范围内")
    board = selectors.department_board(request.user, unit)
    return render(request, "problems/department.html", {"board": board, "due_soon_days": selectors.DUE_SOON_DAYS})


@requires(READ)
def supervision(request):
    return render(request, "problems/supervision.html", {"rows": selectors.supervision_list(request.user)})


@requires(READ)
def notifications(request):
    """站内通知: opening the page marks what it shows as read (the unread ones still stand out this once)."""
    rows = list(selectors.notifications_for(request.user)[:200])
    response = render(request, "problems/notifications.html", {"rows": rows})
    unread = [n.pk for n in rows if n.read_at is None]
    if unread:
        services.mark_read(user=request.user, ids=unread)
    return response


@requires(READ)
@require_POST
def notifications_read(request):
    ids = parse_ids(request.POST.getlist("id")) or None
    services.mark_read(user=request.user, ids=ids)
    return redirect("problems:notifications")


# ---------------------------------------------------------------- weekly dispatch


@requires(WRITE)
@require_POST
def weekly_create(request):
    cities = selectors.visible_cities(request.user)
    city = cities.filter(pk=parse_id(request.POST.get("city")) or 0).first()
    if city is None:
        raise Http404(f"城市不在您的权限范围内: {request.POST.get('city', '')[:40]!r}")
    raw = request.POST.get("week", "")
    try:
        week = datetime.date.fromisoformat(raw)
    except ValueError:
        messages.error(request, f"调度周日期无效: {raw[:40]!r} (应为 YYYY-MM-DD)")
        return redirect("agenda:weekly")
    try:
        meeting = services.create_weekly_meeting(actor=request.user, city=city, week_start=week)
    except InputError as exc:
        _error(request, exc)
        return redirect(f"/problems/weekly/?city={city.pk}&week={week:%Y-%m-%d}")
    return redirect("problems:meeting", meeting.pk)


@requires(READ)
def meetings(request):
    return render(request, "problems/meetings.html", {"rows": selectors.meetings_for(request.user)[:100]})


def _owners(city):
    return OrgUnit.objects.subtree(city).exclude(pk=city.pk).order_by("kind", "path")


@requires(READ)
@require_http_methods(["GET", "POST"])
def meeting(request, pk: int):
    m = selectors.get_meeting_or_404(request.user, pk)
    may_run = selectors.can_run_meetings(request.user, m.city)
    minutes_form = forms.MeetingForm(initial={"held_on": m.held_on, "chair": m.chair, "attendees": m.attendees,
                                              "minutes": m.minutes})
    decision_form = forms.DecisionForm(owners=_owners(m.city))
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied("只有本市管理员可以编辑会议")
        try:
            if request.POST.get("form") == "decision":
                decision_form = forms.DecisionForm(request.POST, owners=_owners(m.city))
                if decision_form.is_valid():
                    d = decision_form.cleaned_data
                    services.add_decision(actor=request.user, meeting=m, text=d["text"], owner=d["owner"],
                                          deadline=d["deadline"])
                    messages.success(request, "决定事项已记录")
                    return redirect("problems:meeting", m.pk)
            else:
                minutes_form = forms.MeetingForm(request.POST)
                if minutes_form.is_valid():
                    d = minutes_form.cleaned_data
                    services.update_minutes(actor=request.user, meeting=m, minutes=d["minutes"],
                                            attendees=d["attendees"], chair=d["chair"])
                    messages.success(request, "会议纪要已保存")
                    return redirect("problems:meeting", m.pk)
        except InputError as exc:
            _error(request, exc)
    today = timezone.localdate()
    decisions = list(selectors.visible_decisions(request.user, m.decisions.select_related("owner", "problem",
                                                                                          "project")))
    for d in decisions:
        d.overdue = d.is_overdue(today)
    return render(request, "problems/meeting.html", {
        "meeting": m, "decisions": decisions, "may_run": may_run, "minutes_form": minutes_form,
        "decision_form": decision_form, "result_form": forms.ResultForm(),
        "present": m.departments_present.all(),
        "problems": m.problems.filter(pk__in=selectors.problems_for(request.user).values("pk"))
        .select_related("project")})


@requires(READ)
@require_POST
def decision_done(request, pk: int):
    decision = Decision.objects.filter(pk=pk, meeting__in=selectors.meetings_for(request.user)).first()
    if decision is None:
        raise Http404("决定事项不存在或不在您的权限范围内")
    try:
        services.complete_decision(actor=request.user, decision=decision, result=request.POST.get("result", ""))
        messages.success(request, "已填报落实情况")
    except InputError as exc:
        _error(request, exc)
    target = request.POST.get("next") or ""
    if target.startswith("/problems/"):
        return redirect(target)
    return redirect("problems:meeting", decision.meeting_id)


# ---------------------------------------------------------------- joint review


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def joint_new(request):
    city = selectors.visible_cities(request.user).first()
    if city is None or not selectors.can_run_meetings(request.user, city):
        raise PermissionDenied("只有本市管理员可以组织联审会办")
    candidates = list(selectors.problems_for(request.user).filter(
        project__unit__path__startswith=city.path, status__in=[Status.RAISED, Status.ASSIGNED, Status.SIGNED,
                                                               Status.IN_PROGRESS]).order_by("deadline", "id")[:100])
    departments = selectors.departments_in(city)
    if request.method == "POST":
        chosen = set(parse_ids(request.POST.getlist("problem")))
        by_id = {p.pk: p for p in candidates}
        items = []
        try:
            for pid in sorted(chosen):
                if pid not in by_id:
                    raise InputError("所选问题不在候选范围内", field="problem")
                owner_id = request.POST.get(f"owner_{pid}")
                owner = departments.filter(pk=id_or_404(owner_id, "牵头部门")).first() if owner_id else None
                deadline = request.POST.get(f"deadline_{pid}")
                try:
                    deadline = datetime.date.fromisoformat(deadline) if deadline else None
                except ValueError:
                    raise InputError(f"办理时限日期无效: {deadline[:40]!r} (应为 YYYY-MM-DD)", field="deadline") from None
                items.append({"problem": by_id[pid], "decision": request.POST.get(f"decision_{pid}", ""),
                              "owner": owner, "deadline": deadline,
                              "outcome": request.POST.get(f"outcome_{pid}", "note")})
            held = request.POST.get("held_on") or f"{timezone.localdate():%Y-%m-%d}"
            try:
                held_on = datetime.date.fromisoformat(held)
            except ValueError:
                raise InputError(f"会议日期无效: {held[:40]!r} (应为 YYYY-MM-DD)", field="held_on") from None
            present = list(departments.filter(pk__in=parse_ids(request.POST.getlist("present"))))
            m = services.joint_review(actor=request.user, city=city, held_on=held_on, departments_present=present,
                                      items=items, title=request.POST.get("title", ""),
                                      minutes=request.POST.get("minutes", ""))
        except InputError as exc:
            _error(request, exc)
        else:
            messages.success(request, "联审会办已记录")
            return redirect("problems:meeting", m.pk)
    return render(request, "problems/joint.html", {"candidates": candidates, "departments": departments,
                                                   "city": city, "today": timezone.localdate()})
