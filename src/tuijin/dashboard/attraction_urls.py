"""URLs of 招商引资's figure pages, mounted at /attraction/ beside its own (dashboard.attraction_views)."""

from django.urls import path

from . import attraction_views

app_name = "attraction_figures"
urlpatterns = [
    path("contracts/", attraction_views.contracts, name="contracts"),
    path("contracts/figure/", attraction_views.contract_figure, name="contract_figure"),
    path("targets/", attraction_views.targets, name="targets"),
]
