"""The Django admin is for the operator only (active superusers): it sees every city, so it is not scoped.
City administrators manage their city's users on the in-app page /accounts/users/."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError

from .models import User
from .services import USER_FIELDS, check_role_unit


def superusers_only(request) -> bool:
    """Replaces AdminSite.has_permission: staff flags alone never open the admin."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = superusers_only
admin.site.site_header = "推进 · 系统管理"
admin.site.site_title = "推进 · 系统管理"


class RoleUnitCheck:
    def clean(self):
        data = super().clean()
        role, unit = data.get("role"), data.get("unit")
        if role:
            try:
                check_role_unit(role, unit)
            except InputError as exc:
                raise ValidationError({exc.field or "role": exc.messages}) from None
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("推进", {"fields": ("unit", "role", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("推进", {"fields": ("unit", "role")}),)
    list_display = ("username", "first_name", "unit", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "unit__name")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (RoleUnitCheck, form), {})

    def save_model(self, request, obj, form, change):
        before = snapshot(User.objects.get(pk=obj.pk), USER_FIELDS) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        record_change(actor=request.user, action="update" if change else "create", obj=obj, before=before,
                      after=snapshot(obj, USER_FIELDS))
