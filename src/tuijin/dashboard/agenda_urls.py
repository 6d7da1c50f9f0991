"""URLs of the weekly dispatch agenda, mounted at /problems/ beside the problems app's own (dashboard.agenda_views)."""

from django.urls import path

from . import agenda_views

app_name = "agenda"
urlpatterns = [
    path("weekly/", agenda_views.weekly, name="weekly"),
    path("weekly/agenda.docx", agenda_views.weekly_docx, name="weekly_docx"),
    path("meetings/<id:pk>/minutes.docx", agenda_views.meeting_docx, name="meeting_docx"),
]
