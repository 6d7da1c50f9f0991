"""URLs of 提醒: a user's own preference (/reminders/), 催报 from the 报送进度 board (/reports/board/remind/) and
the city administrator's pages under /setup/."""

from django.urls import path

from . import board_views, views

app_name = "reminders"
urlpatterns = [
    path("reminders/", views.preferences, name="preferences"),
    path("reports/board/remind/", board_views.remind, name="remind"),
    path("setup/reminders/", views.setup, name="setup"),
    path("setup/reminders/endpoints/<id:pk>/", views.endpoint_action, name="endpoint"),
    path("setup/reminders/log/", views.log, name="log"),
]
