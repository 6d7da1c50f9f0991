from django.contrib import admin

from .models import CityConfig, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "path")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(CityConfig)
class CityConfigAdmin(admin.ModelAdmin):
    list_display = ("city", "schedule_basis", "rounding", "rate_places", "variance_basis")
