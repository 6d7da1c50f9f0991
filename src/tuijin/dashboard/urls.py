"""URLs of the dashboard (驾驶舱). Objects are chosen by query parameters (?campaign=…, ?highlight=…), so every
page answers a plain GET to a reader; changes are POSTs the city administrator alone may make."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("list/", views.drill, name="list"),  # the projects / enterprises behind a figure; ?format=xlsx
    path("lights/", views.lights, name="lights"),
    path("lights/rules/", views.rules, name="rules"),
    path("lights/project/", views.project_light, name="project_light"),  # ?project=<id>: the project page's box
    path("competition/", views.competition, name="competition"),
    path("competition/lists/", views.honours, name="honours"),  # 红黑榜; ?format=xlsx
    path("competition/media/", views.media, name="media"),  # ?highlight=<id>[&kind=video]
]
