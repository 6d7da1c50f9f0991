"""Admin: the operator sees the cities' endpoints and schedules; reminders and deliveries read-only (the log)."""

from django.contrib import admin

from .models import Delivery, Endpoint, Reminder, Schedule


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "active"]
    list_filter = ["city", "kind", "active"]
    exclude = ["secret"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "city",
        "enabled",
        "days_before_deadline",
        "days_after_deadline",
        "problem_due_days",
        "weekly_weekday",
    ]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ["created_at", "city", "kind", "recipient", "title"]
    list_filter = ["city", "kind"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["created_at", "reminder", "channel", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel"]
