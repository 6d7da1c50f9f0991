from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("conventions/", views.conventions, name="conventions"),  # ?unit=<id>&year=YYYY
]
