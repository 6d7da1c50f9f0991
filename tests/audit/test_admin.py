"""The Django admin: operator (superuser) only, and the audit trail read-only even there."""

import pytest
from django.contrib.admin.sites import site

from tuijin.audit.models import AuditEntry


@pytest.fixture
def root(world, django_user_model):
    return django_user_model.objects.create_superuser("root", password="Root-password-2024")


def test_audit_entry_admin_has_no_add_change_or_delete(root, rf):
    admin = site._registry[AuditEntry]
    request = rf.get("/admin/")
    request.user = root
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert admin.has_view_permission(request)


def test_audit_admin_pages(root, client):
    entry = AuditEntry.objects.filter(model="projects.Project").first()
    client.force_login(root)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    before = entry.after
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"reason": "tampered"})
    entry.refresh_from_db()
    assert entry.reason == "" and entry.after == before


@pytest.mark.parametrize("role", ["city_admin", "district_admin", "city_leader"])
def test_admin_is_closed_to_everyone_but_superusers(world, client, role):
    user = world.users[role]
    user.is_staff = True  # even a staff flag does not open it
    user.save()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_roles_are_assignable_in_the_admin(root, world, client):
    client.force_login(root)
    target = world.places["jk"].user
    response = client.get(f"/admin/accounts/user/{target.pk}/change/")
    assert response.status_code == 200 and 'name="role"' in response.content.decode()
    # A city role on a district is refused by the same rule as the CLI.
    data = {"username": target.username, "unit": world.units["jk"].pk, "role": "city_admin",
            "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00", "is_active": "on"}
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 200 and "市管理员" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "reporter"
    data["role"] = "district_admin"
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == "district_admin"
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(target.pk)).latest("id")
    assert entry.actor == root and entry.before["role"] == "reporter" and entry.after["role"] == "district_admin"
