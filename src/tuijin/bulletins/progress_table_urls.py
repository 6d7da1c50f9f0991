"""URLs of the progress table, mounted at /reports/ beside the reporting pages (bulletins.progress_table_views)."""

from django.urls import path

from . import progress_table_views

app_name = "exports"
urlpatterns = [
    path("export/", progress_table_views.export, name="progress"),
]
