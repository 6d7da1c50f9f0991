"""URLs of 提醒: a user's own preference (/reminders/) and the city administrator's pages under /setup/."""

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("reminders/", views.preferences, name="preferences"),
    path("setup/reminders/", views.setup, name="setup"),
    path("setup/reminders/endpoints/<id:pk>/", views.endpoint_action, name="endpoint"),
    path("setup/reminders/log/", views.log, name="log"),
]
