"""URLs of 民生实事, mounted at /livelihood/."""

from django.urls import path

from . import views

app_name = "livelihood"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review_list, name="review"),
    path("export/", views.export, name="export"),
    path("items/<id:item_id>/", views.item_detail, name="item"),
    path("photos/<id:pk>/", views.photo, name="photo"),
    path("items/<id:item_id>/report/<year:year>/<month:month>/", views.report_form, name="report"),
    path("items/<id:item_id>/review/<year:year>/<month:month>/", views.review_report, name="review_report"),
]
