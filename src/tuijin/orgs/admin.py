"""The org-unit tree and conventions in the admin: read-only. Units are created by `tuijin city create` and the
import services (which build the tree path and the conventions), conventions changed by `tuijin conventions`
or the city administrator's 口径 page (scoped, validated, audited); the admin saving them behind the services'
back left a unit with an empty path, which then matched every other city's units."""

from django.contrib import admin

from .models import Conventions, OrgUnit


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable in the admin, never added, changed or deleted there (the services own these writes)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "parent", "path")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Conventions)
class ConventionsAdmin(ReadOnlyAdmin):
    list_display = ("unit", "year", "schedule_basis", "rounding", "rate_places", "variance_basis", "wording")
