"""/accounts/tokens/: the API token page (mounted by tuijin.urls)."""

from django.urls import path

from . import views

app_name = "api-tokens"

urlpatterns = [
    path("", views.tokens, name="list"),
    path("revoke/", views.revoke, name="revoke"),
]
