"""URLs of the city administrator's setup pages: units (单位管理) and conventions (口径)."""

from django.urls import path

from . import conventions_views, views

app_name = "orgs"
urlpatterns = [
    path("conventions/", conventions_views.conventions, name="conventions"),  # ?unit=<id>&year=YYYY
    path("cities/new/", views.city_new, name="city_new"),
    path("units/", views.units, name="units"),
    path("units/template.xlsx", views.units_template, name="units_template"),
    path("units/<id:pk>/", views.unit_detail, name="unit"),
    path("units/<id:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<id:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<id:pk>/retire/", views.unit_retire, name="unit_retire"),
    path("units/<id:pk>/restore/", views.unit_restore, name="unit_restore"),
]
