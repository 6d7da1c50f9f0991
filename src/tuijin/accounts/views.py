"""The users page (/accounts/users/): a city administrator lists and creates the users of its city and
switches them on or off. The Django admin stays with the operator (superusers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tuijin.core.errors import InputError
from tuijin.core.policy import MANAGE_USERS, requires

from . import scoping, selectors, services
from .forms import UserCreateForm


def _manager(request):
    if not scoping.can(request.user, scoping.MANAGE_USERS):
        raise PermissionDenied("只有市管理员可以管理用户")
    return request.user


@requires(MANAGE_USERS)
def user_list(request):
    actor = _manager(request)
    units = selectors.assignable_units(actor)
    status = 200
    if request.method == "POST":
        form = UserCreateForm(request.POST, units=units)
        if form.is_valid():
            d = form.cleaned_data
            try:
                user = services.create_user(username=d["username"], password=d["password1"], unit=d["unit"],
                                            role=d["role"], first_name=d["first_name"], phone=d["phone"],
                                            actor=actor)
            except InputError as exc:
                field = exc.field if exc.field in form.fields else None
                if exc.field == "password":
                    field = "password1"
                form.add_error(field, exc.messages)
            else:
                messages.success(request, f"已创建用户 {user.username} ({user.role_label}, {user.unit})")
                return redirect("accounts:users")
        status = 400
    else:
        form = UserCreateForm(units=units)
    return render(request, "accounts/users.html", {
        "users": selectors.managed_users(actor),
        "form": form,
        "roles": selectors.role_table(),
    }, status=status)


@requires(MANAGE_USERS)
@require_POST
def user_active(request, user_id: int):
    actor = _manager(request)
    user = selectors.managed_users(actor).filter(pk=user_id).first()
    if user is None:
        raise Http404("用户不存在或不在您的权限范围内")
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(user=user, active=active, actor=actor, reason=request.POST.get("reason", ""))
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}用户 {user.username}")
    return redirect("accounts:users")


@requires(MANAGE_USERS)
@require_POST
def user_password(request, user_id: int):
    """重置密码: the new password (typed by the administrator, or generated) is shown once on this answer, never
    stored in a message or the audit trail."""
    actor = _manager(request)
    user = selectors.managed_users(actor).filter(pk=user_id).first()
    if user is None:
        raise Http404("用户不存在或不在您的权限范围内")
    try:
        password = services.reset_password(user=user, actor=actor, password=request.POST.get("password", ""))
    except InputError as exc:
        messages.error(request, f"{user.username}: {exc.text}")
        return redirect("accounts:users")
    return render(request, "accounts/password_reset.html", {"target": user, "password": password})
