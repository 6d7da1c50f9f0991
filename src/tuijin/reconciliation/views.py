"""统计对账 pages: the reconciliation of a city through a month (its 市管理员 and 市领导 read it), the import of
the outside lists, a finding's note and the city's settings (its 市管理员). Thin: selectors, services, rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.core.errors import InputError
from tuijin.core.params import parse_id
from tuijin.core.periods import PeriodError, parse_year_month
from tuijin.core.policy import CONFIGURE, READ, requires
from tuijin.progress import tracking
from tuijin.progress.spreadsheets import check_size

from . import importer, selectors, services
from .models import Gate, NoteStatus, ThresholdKind
from .rules import Threshold, reconcile


def _city(request, data=None):
    """The city named by ?city= (or the form's), else the user's first; 403 for a user who reads none, 404 for a
    city out of reach."""
    data = data if data is not None else request.GET
    cities = selectors.cities_for(request.user)
    if not cities.exists():
        raise PermissionDenied("统计对账由市管理员和市领导查看")
    raw = data.get("city")
    if raw:
        pk = parse_id(raw)
        city = cities.filter(pk=pk).first() if pk else None
        if city is None:
            raise Http404("城市不存在或不在您的权限范围内")
        return city
    return cities.first()


def _through(city, text: str | None) -> tuple[tuple[int, int], str]:
    """(year, month) from ?through=YYYY-MM, else the city's latest closed month; and the problem, if any."""
    if text:
        try:
            return parse_year_month(text, "截至月份"), ""
        except PeriodError as exc:
            return selectors.default_through(city), str(exc)
    return selectors.default_through(city), ""


def _back(city, year: int, month: int) -> str:
    return f"{reverse('reconciliation:index')}?{urlencode({'city': city.pk, 'through': f'{year:04d}-{month:02d}'})}"


class SettingsForm(forms.Form):
    threshold_kind = forms.ChoiceField(label="差异阈值单位", choices=ThresholdKind.choices)
    threshold = forms.CharField(label="差异阈值", max_length=20)
    gate = forms.ChoiceField(label="签发通报前", choices=Gate.choices)


@requires(READ)
def index(request):
    city = _city(request)
    (year, month), problem = _through(city, request.GET.get("through"))
    threshold = None
    raw = (request.GET.get("threshold") or "").strip()
    if raw:
        from .management.commands.reconcile import parse_threshold

        try:
            threshold = parse_threshold(raw)
        except InputError as exc:
            problem = exc.text.replace("--threshold", "差异阈值")
    r = reconcile(city, year, month, threshold)
    may_change = selectors.may_change(request.user, city)
    s = selectors.settings_for(city)

    return render(
        request,
        "reconciliation/index.html",
        {
            "city": city,
            "cities": selectors.cities_for(request.user),
            "r": r,
            "through": r.through,
            "problem": problem,
            "threshold_text": raw,
            "may_change": may_change,
            "settings": s,
            "settings_form": SettingsForm(
                initial={
                    "threshold_kind": s.threshold_kind,
                    "threshold": f"{s.threshold.normalize():f}",
                    "gate": s.gate,
                }
            ),
            "statuses": [
                (NoteStatus.EXPLAINED, "已说明"),
                (NoteStatus.RESOLVED, "已处理"),
                ("open", "重新打开"),
            ],
            # 签发 is the bulletins app's record (it sits above this one and asks this one's gate); the page
            # reads it through the city it belongs to.
            "issue": city.bulletin_issues.filter(year=year, month=month).first(),
            "default": Threshold(),
        },
        status=400 if problem else 200,
    )


@requires(CONFIGURE)
@require_POST
def note(request):
    city = _city(request, request.POST)
    if not selectors.may_change(request.user, city):
        raise PermissionDenied("只有本市的市管理员可以说明或处理对账差异")
    try:
        year, month = parse_year_month(request.POST.get("through", ""), "截至月份")
        services.note_finding(
            actor=request.user,
            city=city,
            year=year,
            month=month,
            rule=request.POST.get("rule", ""),
            subject=request.POST.get("subject", ""),
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    except (InputError, PeriodError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        if not request.POST.get("through"):
            return redirect(reverse("reconciliation:index"))
        year, month = selectors.default_through(city)
        text = request.POST.get("through", "")
        try:
            year, month = parse_year_month(text, "截至月份")
        except PeriodError:
            pass
        return redirect(_back(city, year, month))
    messages.success(request, "已保存差异说明")
    return redirect(_back(city, year, month) + f"#f-{request.POST.get('rule', '')}")


@requires(CONFIGURE)
@require_POST
def save_settings(request):
    city = _city(request, request.POST)
    if not selectors.may_change(request.user, city):
        raise PermissionDenied("只有本市的市管理员可以修改对账设置")
    form = SettingsForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(
                f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
                for k, v in form.errors.items()
            ),
        )
        return redirect(f"{reverse('reconciliation:index')}?city={city.pk}")
    d = form.cleaned_data
    try:
        services.save_settings(
            actor=request.user,
            city=city,
            threshold_kind=d["threshold_kind"],
            threshold=d["threshold"],
            gate=d["gate"],
        )
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, "对账设置已保存")
    return redirect(f"{reverse('reconciliation:index')}?city={city.pk}")


class ImportForm(forms.Form):
    file = forms.FileField(label="文件 (.xlsx / .xls / .ods / .csv)")
    kind = forms.ChoiceField(
        label="文件内容",
        required=False,
        choices=[
            ("", "按表头自动识别"),
            (importer.KIND_STATISTICS, "统计入库清单 (统计局)"),
            (importer.KIND_APPROVALS, "审批平台导出 (审批/核准/备案)"),
        ],
    )
    year = forms.IntegerField(
        label="统计年度 (标题或“年度”列中已写明可不填)",
        required=False,
        min_value=2000,
        max_value=2100,
    )
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def import_file(request):
    """Upload → preview (every change and problem) → confirm with the same file; all or nothing."""
    city = _city(request, request.POST if request.method == "POST" else request.GET)
    if not selectors.may_change(request.user, city):
        raise PermissionDenied("只有本市的市管理员可以导入统计入库清单和审批平台导出")
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            tracker = tracking.Tracker(request.user, form.cleaned_data["token"])
            tracker.start("检查")
            try:
                check_size(upload.size, upload.name)
                data = upload.read()
                plan = importer.plan_file(
                    user=request.user,
                    data=data,
                    filename=upload.name,
                    kind=form.cleaned_data["kind"] or None,
                    year=form.cleaned_data["year"],
                    progress=tracker,
                )
                if "commit" in request.POST and plan.ok:
                    tracker.start("写入", total=len(plan.records))
                    n = importer.commit_file(user=request.user, plan=plan, progress=tracker)
                    text = (
                        f"{plan.kind_label}已导入: {n} 处变化 (新增 {plan.created}, 修改 {plan.updated}, "
                        f"删除 {plan.removed}), 未变 {plan.unchanged}"
                    )
                    tracker.finish(text)
                    messages.success(request, text)
                    return redirect(f"{reverse('reconciliation:index')}?city={city.pk}")
                tracker.finish("预览完成")
            except InputError as exc:
                form.add_error("file" if exc.field not in form.fields else exc.field, exc.messages)
                tracker.finish("文件有错误")
                status = 400
        else:
            status = 400
    return render(
        request,
        "reconciliation/import.html",
        {
            "city": city,
            "form": form,
            "plan": plan,
            "token": tracking.new_token(),
            "changes": plan.changes[:200] if plan else [],
            "more": max(0, len(plan.changes) - 200) if plan else 0,
        },
        status=status,
    )
