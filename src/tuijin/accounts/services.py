"""Writes for accounts: create users and switch them on or off. Validated, in a transaction, audited; a
user manager (市管理员) may only act inside its own unit's subtree."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.policy import MANAGE_USERS, require_actor
from tuijin.orgs.models import UnitKind

from . import scoping
from .models import Role, User
from .selectors import ROLE_UNIT_KINDS

# What the audit trail keeps of a user (never the password hash).
USER_FIELDS = ["username", "first_name", "last_name", "email", "phone", "unit", "role", "is_active", "is_staff",
               "is_superuser"]


def _check_manager(actor, unit) -> None:
    """An actor may create or change users only within its reach (the operator's CLI passes its system actor)."""
    require_actor(actor, MANAGE_USERS)
    if getattr(actor, "is_superuser", False):
        return
    if not scoping.can(actor, scoping.MANAGE_USERS):
        raise PermissionDenied("您无权管理用户")
    if unit is None or not unit.is_within(actor.unit):
        raise PermissionDenied("该单位不在您的权限范围内")


def check_role_unit(role: str, unit) -> None:
    if role not in Role.values:
        known = ", ".join(f"{r.value} ({r.label})" for r in Role)
        raise InputError(f"角色未知: {role!r}; 可选: {known}", field="role")
    if unit is None:
        raise InputError("所属单位不能为空", field="unit")
    kinds = ROLE_UNIT_KINDS[role]
    if unit.kind not in kinds:
        allowed = "/".join(UnitKind(k).label for k in kinds)
        raise InputError(f"{Role(role).label} 应属于{allowed}, 而 {unit.name} 是{UnitKind(unit.kind).label}",
                         field="unit")


@transaction.atomic
def create_user(*, username: str, password: str, unit, role: str, actor, first_name: str = "",
                phone: str = "", email: str = "") -> User:
    """Create a user in a unit with a role. The password must pass AUTH_PASSWORD_VALIDATORS."""
    require_actor(actor, MANAGE_USERS)
    username = (username or "").strip()
    if not username:
        raise InputError("用户名不能为空", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InputError(f"用户名只能包含字母、数字和 @/./+/-/_ : {username!r}", field="username") from None
    if User.objects.filter(username__iexact=username).exists():
        raise InputError(f"用户名已存在: {username!r}", field="username")
    check_role_unit(role, unit)
    if unit is not None and not unit.active:
        raise InputError(f"单位 {unit.name} 已撤销, 不能新增用户", field="unit")
    _check_manager(actor, unit)
    user = User(username=username, unit=unit, role=role, first_name=first_name.strip(), phone=phone.strip(),
                email=email.strip())
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise InputError("密码不符合要求: " + " ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save()
    record_change(actor=actor, action="create", obj=user, before=None, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def set_user_active(*, user: User, active: bool, actor, reason: str = "") -> User:
    """Switch a user on or off (users are deactivated, never deleted, so the audit trail keeps its names)."""
    require_actor(actor, MANAGE_USERS)
    _check_manager(actor, user.unit)
    if actor is not None and actor.pk == user.pk and not active:
        raise InputError("不能停用自己的账号", field="is_active")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, USER_FIELDS)
    user.is_active = bool(active)
    user.save(update_fields=["is_active"])
    record_change(actor=actor, action="update", obj=user, before=before, after=snapshot(user, USER_FIELDS),
                  reason=reason)
    return user


@transaction.atomic
def assign_reporter(*, project, reporter: User, actor, reason: str = "") -> None:
    """Make a 填报员 responsible for a project's monthly reports. The project must be in the actor's scope
    for writing, and the reporter must belong to the project's unit or one above it within the city."""
    require_actor(actor)
    if reporter.role != Role.REPORTER:
        raise InputError(f"{reporter.username} 不是填报员", field="reporter")
    if actor is not None and not actor.is_superuser and \
            not type(project).objects.visible_to(actor, scoping.WRITE).filter(pk=project.pk).exists():
        raise PermissionDenied("该项目不在您的权限范围内")
    if reporter.unit is None or not project.unit.is_within(reporter.unit) or reporter.unit.kind == UnitKind.PROVINCE:
        raise InputError(f"填报员 {reporter.username} ({reporter.unit}) 不能填报 {project.unit} 的项目",
                         field="reporter")
    before = sorted(project.reporters.values_list("pk", flat=True))
    if reporter.pk in before:
        return
    project.reporters.add(reporter)
    record_change(actor=actor, action="update", obj=project, before={"reporters": before},
                  after={"reporters": sorted([*before, reporter.pk])}, reason=reason)


def system_actor(name: str = "运维命令行") -> User:
    """The platform operator running a management command (an unsaved superuser: audited under `name`, no
    account made), for commands that act for the operator rather than as a user (--as)."""
    return User(username=name, is_superuser=True, is_active=True)


def _new_password() -> str:
    """A password a person can read out over the phone: 4 groups of 4 letters and digits without 0/O/1/l/I."""
    import secrets

    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@transaction.atomic
def reset_password(*, user: User, actor, password: str = "", reason: str = "") -> str:
    """重置密码: a user manager sets a user's password (the one given, or a generated one) and is told it once.
    Audited without the password or its hash. Returns the new password."""
    _check_manager(actor, user.unit)
    if actor is not None and actor.pk == user.pk:
        raise InputError("请在个人设置中修改自己的密码", field="password")
    user = User.objects.select_for_update().get(pk=user.pk)
    password = password or _new_password()
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InputError("密码不符合要求: " + " ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(actor=actor, action="update", obj=user, before={"password": "(原密码)"},
                  after={"password": "(已重置)"}, reason=reason or "重置密码")
    return password
