"""URLs of the city administrator's pages for annual lists and breakdown dimensions."""

from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("lists/", views.lists, name="lists"),
    path("lists/template.xlsx", views.lists_template, name="lists_template"),
    path("lists/<id:pk>/", views.list_edit, name="list_edit"),
    path("dimensions/", views.dimensions, name="dimensions"),
    path("dimensions/<str:kind>/<id:pk>/", views.dimension_edit, name="dimension_edit"),
]
