"""Admin: the configurable parts (categories, escalation rules, leader links); problems read-only there."""

from django.contrib import admin

from .models import EscalationRule, LeaderLink, ProblemCategory


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["city", "level", "days_overdue", "leader", "active"]
    list_filter = ["city"]


@admin.register(LeaderLink)
class LeaderLinkAdmin(admin.ModelAdmin):
    list_display = ["city", "leader_name", "user"]
    list_filter = ["city"]
