"""提醒 pages: a user sets their own channels and kinds (/reminders/); the city administrator sets the city's
schedule and webhook endpoints (/setup/reminders/) and reads the delivery log (/setup/reminders/log/). Thin:
reads through selectors, writes through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.accounts import scoping
from tuijin.core.errors import InputError
from tuijin.core.policy import CONFIGURE, MEMBER, requires

from . import selectors, services
from .forms import EndpointForm, PreferenceForm, ScheduleForm
from .models import DeliveryStatus, Endpoint, Kind

LOG_ROWS = 50


def _city(user):
    city = scoping.administered_city(user)
    if city is None:
        raise PermissionDenied("只有市管理员可以设置本市的提醒")
    return city


def _counts(user, city) -> list[tuple[str, str, int]]:
    counts = selectors.status_counts(user, city)
    return [(value, label, counts[value]) for value, label in DeliveryStatus.choices]


def _show_error(form, exc: InputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.text)


@requires(MEMBER)
@require_http_methods(["GET", "POST"])
def preferences(request):
    """我的提醒: which channels and kinds, and the reminders sent lately."""
    user = request.user
    if not scoping.is_active_member(user):
        raise PermissionDenied("账号未分配单位或角色")
    pref = selectors.preference_for(user)
    initial = {
        "email": pref.email,
        "robot": pref.robot,
        "sms": pref.sms,
        "mobile": pref.mobile or user.phone,
        "kinds": [k for k in Kind.values if k not in (pref.muted_kinds or [])],
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.set_preference(
                actor=user,
                user=user,
                email=c["email"],
                robot=c["robot"],
                sms=c["sms"],
                mobile=c["mobile"],
                kinds=c["kinds"],
            )
        except InputError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, "已保存提醒设置")
            return redirect("reminders:preferences")
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "reminders": selectors.my_reminders(user), "has_email": bool(user.email)},
    )


@requires(CONFIGURE)
@require_http_methods(["GET", "POST"])
def setup(request):
    """提醒设置: when reminders go out, and the city's webhooks (群机器人, 短信网关)."""
    city = _city(request.user)
    schedule = selectors.schedule_for(city)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    schedule_form = ScheduleForm(
        request.POST if which == "schedule" else None,
        initial={
            f: getattr(schedule, f)
            for f in (
                "enabled",
                "days_before_deadline",
                "days_after_deadline",
                "problem_due_days",
                "weekly_weekday",
            )
        },
    )
    endpoint_form = EndpointForm(request.POST if which == "endpoint" else None)
    if which == "schedule" and schedule_form.is_valid():
        try:
            services.set_schedule(actor=request.user, city=city, **schedule_form.cleaned_data)
        except InputError as exc:
            _show_error(schedule_form, exc)
        else:
            messages.success(request, "已保存提醒设置")
            return redirect("reminders:setup")
    elif which == "endpoint" and endpoint_form.is_valid():
        try:
            endpoint = services.add_endpoint(
                actor=request.user, city=city, **endpoint_form.cleaned_data
            )
        except InputError as exc:
            _show_error(endpoint_form, exc)
        else:
            messages.success(request, f"已新增提醒通道 {endpoint.name}")
            return redirect("reminders:setup")
    elif request.method == "POST" and which not in ("schedule", "endpoint"):
        messages.error(request, f"未知的表单: {which[:20]!r}")
    return render(
        request,
        "reminders/setup.html",
        {
            "city": city,
            "schedule_form": schedule_form,
            "endpoint_form": endpoint_form,
            "endpoints": selectors.endpoints_of(city),
            "counts": _counts(request.user, city),
        },
    )


@requires(CONFIGURE)
@require_POST
def endpoint_action(request, pk: int):
    """停用 / 启用 / 发送测试消息, from the buttons of the endpoints' table."""
    city = _city(request.user)
    endpoint = Endpoint.objects.filter(city=city, pk=pk).select_related("city").first()
    if endpoint is None:
        raise Http404("提醒通道不在您的城市或不存在")
    action = request.POST.get("action", "")
    if action in ("enable", "disable"):
        services.set_endpoint_active(
            actor=request.user, endpoint=endpoint, active=action == "enable"
        )
        messages.success(
            request, f"已{'启用' if action == 'enable' else '停用'}提醒通道 {endpoint.name}"
        )
    elif action == "test":
        error = services.test_endpoint(actor=request.user, endpoint=endpoint)
        if error:
            messages.error(request, f"测试消息未送达 ({endpoint.name}): {error}")
        else:
            messages.success(request, f"测试消息已发送到 {endpoint.name}")
    else:
        messages.error(request, f"请选择操作 (启用、停用或测试), 收到 {action[:20]!r}")
    return redirect("reminders:setup")


@requires(CONFIGURE)
def log(request):
    """发送记录: every delivery of the city's reminders, newest first, by status."""
    city = _city(request.user)
    status = request.GET.get("status", "")
    status = status if status in DeliveryStatus.values else ""
    page = Paginator(
        selectors.deliveries_for(request.user, city, status=status), LOG_ROWS
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/log.html",
        {"city": city, "page": page, "status": status, "counts": _counts(request.user, city)},
    )
