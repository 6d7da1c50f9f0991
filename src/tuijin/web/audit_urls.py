"""URLs of the audit trail page, mounted at /audit/ (namespace audit; web.audit_views)."""

from django.urls import path

from . import audit_views as views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="list"),
]
