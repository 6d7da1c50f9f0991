"""The audit trail in the admin: read-only (no add, change or delete, for anyone, superusers included)."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "ip_address", "action", "model", "object_repr", "project_id")
    list_filter = ("action", "model")
    search_fields = ("actor_name", "object_repr", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
