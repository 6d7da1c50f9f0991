"""URLs of 问题协调, mounted at /problems/."""

from django.urls import path

from . import views

app_name = "problems"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/<id:project_id>/", views.raise_problem, name="raise"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/attach/", views.attach, name="attach"),
    path("attachments/<id:pk>/", views.attachment_file, name="attachment"),
    path("<id:pk>/<str:step>/", views.step, name="step"),
    path("department/", views.department, name="department"),
    path("department/<id:unit_id>/", views.department, name="department_unit"),
    path("supervision/", views.supervision, name="supervision"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("weekly/create/", views.weekly_create, name="weekly_create"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<id:pk>/", views.meeting, name="meeting"),
    path("decisions/<id:pk>/done/", views.decision_done, name="decision_done"),
    path("joint/new/", views.joint_new, name="joint_new"),
]
