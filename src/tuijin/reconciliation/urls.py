"""统计对账 pages, mounted at /reconciliation/."""

from django.urls import path

from . import views

app_name = "reconciliation"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_file, name="import"),
    path("note/", views.note, name="note"),
    path("settings/", views.save_settings, name="settings"),
]
