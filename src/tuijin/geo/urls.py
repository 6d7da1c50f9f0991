"""一张图 (/map/): the map page, its data as JSON, the city administrator's boundaries, and a photo's position."""

from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("", views.map_page, name="map"),
    path(
        "data/", views.map_data, name="data"
    ),  # the map's JSON (the same query string as the page)
    path("boundaries/", views.boundaries, name="boundaries"),
    path("boundaries/<id:unit_id>/delete/", views.boundary_delete, name="boundary_delete"),
    path(
        "photos/<id:pk>/position/", views.photo_position, name="photo_position"
    ),  # 用照片位置作为项目位置
]
