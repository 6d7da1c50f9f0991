"""Token and session authentication: 401 with a code saying why; tokens created and revoked by their owner
and by the city administrator, on the token page and through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tuijin.api.models import Token
from tuijin.api.services import create_token, hash_token, revoke_token
from tuijin.audit.models import AuditEntry

from .conftest import error_of


def test_no_credentials_is_401_with_error_body(api):
    r = api.get("projects")
    assert r.status_code == 401
    assert error_of(r)["code"] == "not_authenticated"
    assert r["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header, code", [
    ("Basic dXNlcjpwYXNz", "invalid_authorization"),
    ("Bearer", "invalid_authorization"),
    ("Bearer tj_not-a-real-token", "invalid_token"),
    ("Bearer something-else", "invalid_token"),
])
def test_bad_authorization_header_is_401(api, header, code):
    r = api.client.get("/api/v1/projects", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401
    assert error_of(r)["code"] == code


def test_valid_token_authenticates_and_stamps_last_use(api, world):
    token = Token.objects.get(key_hash=hash_token(world.tokens["jia_admin"]))
    assert token.last_used_at is None
    r = api.get("me", token=world.tokens["jia_admin"])
    assert r.status_code == 200, r.content
    me = r.json()
    assert (me["username"], me["role"], me["unit"], me["city"], me["auth"]) == (
        "jia_admin", "district_admin", "甲区", "测试市", "token")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert Token.objects.filter(key_hash=hash_token(world.tokens["jia_admin"])).count() == 1


def test_only_the_hash_is_stored(world):
    raw = world.tokens["jia_admin"]
    assert raw.startswith("tj_") and len(raw) > 40
    assert not Token.objects.filter(key_hash=raw).exists()
    assert not Token.objects.filter(prefix=raw).exists()


def test_expired_token_is_401(api, world):
    raw = world.tokens["jia_admin"]
    Token.objects.filter(key_hash=hash_token(raw)).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    r = api.get("projects", token=raw)
    assert r.status_code == 401
    err = error_of(r)
    assert err["code"] == "token_expired" and "过期" in err["message"]


def test_revoked_token_is_401(api, world):
    raw = world.tokens["jia_admin"]
    token = Token.objects.get(key_hash=hash_token(raw))
    revoke_token(token=token, actor=world.users["jia_admin"])
    r = api.get("projects", token=raw)
    assert r.status_code == 401
    assert error_of(r)["code"] == "token_revoked"
    # The other tokens still work.
    assert api.get("projects", token=world.tokens["yi_admin"]).status_code == 200


def test_inactive_user_token_is_401(api, world):
    user = world.users["jia_admin"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    r = api.get("projects", token=world.tokens["jia_admin"])
    assert r.status_code == 401
    assert error_of(r)["code"] == "user_inactive"


def test_city_admin_revokes_tokens_of_its_city_only(world):
    jia_token = Token.objects.get(user=world.users["jia_admin"])
    revoke_token(token=jia_token, actor=world.users["city_admin"])
    jia_token.refresh_from_db()
    assert jia_token.revoked and jia_token.revoked_by == world.users["city_admin"]
    # Another city's administrator, a district administrator or a leader may not.
    yi_token = Token.objects.get(user=world.users["yi_admin"])
    for actor in ("other_admin", "jia_admin", "city_leader"):
        with pytest.raises(PermissionDenied):
            revoke_token(token=yi_token, actor=world.users[actor])
    assert not Token.objects.get(pk=yi_token.pk).revoked


def test_token_creation_and_revocation_are_audited(world):
    user = world.users["jia_reporter"]
    token, _ = create_token(user=user, name="数据对接", days=7, actor=user)
    revoke_token(token=token, actor=user)
    entries = AuditEntry.objects.filter(model="api.Token", object_id=str(token.pk)).order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert "key_hash" not in (entries[0].after or {})


def test_token_days_are_bounded(world):
    from tuijin.core.errors import InputError

    with pytest.raises(InputError):
        create_token(user=world.users["jia_admin"], name="x", days=0, actor=world.users['jia_admin'])
    with pytest.raises(InputError):
        create_token(user=world.users["jia_admin"], name="x", days=10_000, actor=world.users['jia_admin'])


# ---------------------------------------------------------------- the browser session


def test_session_reads_and_writes_with_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["jia_admin"])
    r = browser.get("/api/v1/me")
    assert r.status_code == 200 and r.json()["auth"] == "session"
    p = world.projects["jia1"]
    url = f"/api/v1/projects/{p.pk}"
    r = browser.patch(url, data='{"location": "甲区某路"}', content_type="application/json")
    assert r.status_code == 403
    assert error_of(r)["code"] == "csrf_failed"
    browser.get("/accounts/tokens/")  # sets the CSRF cookie, as any page would
    csrf = browser.cookies["csrftoken"].value
    r = browser.patch(url, data='{"location": "甲区某路"}', content_type="application/json",
                      HTTP_X_CSRFTOKEN=csrf)
    assert r.status_code == 200, r.content
    assert r.json()["location"] == "甲区某路"


def test_a_bad_token_never_falls_back_to_the_session(world):
    browser = Client()
    browser.force_login(world.users["city_admin"])
    r = browser.get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer tj_wrong")
    assert r.status_code == 401


# ---------------------------------------------------------------- the token page


def test_token_page_creates_a_token_shown_once(world, client):
    user = world.users["jia_reporter"]
    client.force_login(user)
    r = client.get("/accounts/tokens/")
    assert r.status_code == 200
    r = client.post("/accounts/tokens/", {"name": "月报脚本", "days": "30"})
    assert r.status_code == 200
    raw = r.context["created"]["raw"]
    assert raw in r.content.decode()
    token = Token.objects.get(user=user, name="月报脚本")
    assert token.expires_at > timezone.now() + datetime.timedelta(days=29)
    # Shown once: the next visit lists the token by its prefix, never in full.
    r = client.get("/accounts/tokens/")
    assert raw not in r.content.decode() and token.prefix in r.content.decode()
    anonymous = Client()
    assert anonymous.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"] == "jia_reporter"


def test_token_page_refuses_bad_input(world, client):
    client.force_login(world.users["jia_reporter"])
    assert client.post("/accounts/tokens/", {"name": "", "days": "30"}).status_code == 400
    assert client.post("/accounts/tokens/", {"name": "x", "days": "9999"}).status_code == 400


def test_token_page_revokes_own_token(world, client):
    user = world.users["jia_admin"]
    token = Token.objects.get(user=user)
    client.force_login(user)
    r = client.post("/accounts/tokens/revoke/", {"token_id": token.pk})
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked


def test_city_admin_sees_and_revokes_its_users_tokens_on_the_page(world, client):
    client.force_login(world.users["city_admin"])
    r = client.get("/accounts/tokens/")
    page = r.content.decode()
    assert "jia_reporter" in page and "other_admin" not in page
    token = Token.objects.get(user=world.users["jia_reporter"])
    client.post("/accounts/tokens/revoke/", {"token_id": token.pk})
    token.refresh_from_db()
    assert token.revoked


def test_others_cannot_revoke_on_the_page(world, client):
    token = Token.objects.get(user=world.users["yi_admin"])
    for name in ("jia_admin", "other_admin", "city_leader"):
        client.force_login(world.users[name])
        r = client.post("/accounts/tokens/revoke/", {"token_id": token.pk})
        assert r.status_code == 302
    token.refresh_from_db()
    assert not token.revoked
    assert client.post("/accounts/tokens/revoke/", {"token_id": "x"}).status_code == 302


def test_token_page_needs_login(client):
    r = client.get("/accounts/tokens/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
