"""The operator's view of 民生实事 (the tolerance 按序时容差 is set per programme here)."""

from django.contrib import admin

from .models import Category, Deliverable, Item, ItemReport, Milestone, Programme, Target


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "year", "tolerance_pp", "is_demo")
    list_filter = ("year",)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("programme", "seq", "name", "category", "lead_unit", "plan_kind", "is_demo")
    list_filter = ("programme", "plan_kind")
    search_fields = ("name",)
    inlines = [TargetInline, MilestoneInline]


admin.site.register(Category)
admin.site.register(Deliverable)


@admin.register(ItemReport)
class ItemReportAdmin(admin.ModelAdmin):
    list_display = ("item", "year", "month", "status", "updated_at")
    list_filter = ("status", "year", "month")
