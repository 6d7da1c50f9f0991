"""The audit middleware records the client's address; X-Forwarded-For only behind a configured proxy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tuijin.audit.middleware import AuditContextMiddleware, client_ip
from tuijin.audit.services import current_ip


def request(remote="10.0.0.5", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_remote_addr_by_default_and_forwarded_header_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request()) == "10.0.0.5"
    assert client_ip(request(xff="1.2.3.4")) == "10.0.0.5"


@pytest.mark.parametrize("proxies, xff, expected", [
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client forged the left entry: ignored
    (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (2, "203.0.113.9", "10.0.0.5"),  # fewer entries than proxies: not believable, fall back
    (1, "not-an-address", "10.0.0.5"),
])
def test_forwarded_for_behind_trusted_proxies(settings, proxies, xff, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(xff=xff)) == expected


def test_middleware_sets_and_resets_current_ip(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    seen = []

    def view(req):
        seen.append(current_ip.get())
        return HttpResponse("ok")

    AuditContextMiddleware(view)(request(remote="192.0.2.7"))
    assert seen == ["192.0.2.7"] and current_ip.get() is None


def test_middleware_is_installed_after_authentication_and_axes_uses_the_same_address(settings):
    mw = list(settings.MIDDLEWARE)
    assert mw.index("tuijin.audit.middleware.AuditContextMiddleware") > mw.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.AXES_CLIENT_IP_CALLABLE == "tuijin.audit.middleware.client_ip"


def test_a_change_made_through_a_request_records_the_address(world, client, settings):
    """A real page write (creating a user on /accounts/users/) carries the address into the trail."""
    from tuijin.audit.models import AuditEntry

    client.force_login(world.users["city_admin"])
    response = client.post("/accounts/users/", {
        "username": "ip_probe", "first_name": "", "phone": "", "unit": world.units["jk"].pk, "role": "reporter",
        "password1": "Changjiang-Bridge-88", "password2": "Changjiang-Bridge-88"}, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(model="accounts.User", object_repr="ip_probe")
    assert entry.ip_address == "198.51.100.23" and entry.actor == world.users["city_admin"]
