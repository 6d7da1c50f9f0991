"""Login security: lockout after five failures per account and address (HTTP 429, in Chinese) that lifts
after the cool-off; argon2; session expiry; CSRF; security headers; production settings that refuse to start."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests.access.world import PASSWORD

BROWSER_IP = "203.0.113.50"


def browser(ip=BROWSER_IP) -> Client:
    """A client that enforces CSRF, as a browser meets it."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)


def post_login(client: Client, username: str, password: str):
    """Open the login page, then post the form with its CSRF token, as a browser would."""
    page = client.get("/login/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    return client.post("/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token,
                                   "next": ""})


def test_five_failures_lock_the_account_and_the_lock_lifts_after_the_cool_off(world, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    c = browser()
    for attempt in range(1, 5):
        response = post_login(c, "jk_admin", f"wrong-password-{attempt}")
        assert response.status_code == 200, f"attempt {attempt}"
        assert "请输入一个正确的" in response.content.decode() or "errorlist" in response.content.decode()
    locked = post_login(c, "jk_admin", "wrong-password-5")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "账号已暂时锁定" in text and "jk_admin" in text
    # During the lockout even the right password is refused (and counts as another failure).
    assert post_login(c, "jk_admin", PASSWORD).status_code == 429
    # The lock is per account and address: the same account from another address, and another account
    # from this address, still log in.
    assert post_login(browser("203.0.113.77"), "jk_admin", PASSWORD).status_code == 302
    assert post_login(browser(), "zj_admin", PASSWORD).status_code == 302

    # The cool-off passes (the configured AXES_COOLOFF_TIME, here moved forward rather than waited for).
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off()
    assert cool_off is not None and cool_off > datetime.timedelta(0), "the lock must lift by itself"
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - datetime.timedelta(minutes=1))
    response = post_login(c, "jk_admin", PASSWORD)
    assert response.status_code == 302
    assert c.get("/projects/").status_code == 200


def test_lockout_page_says_how_long(world, settings):
    settings.AXES_COOLOFF_TIME = 0.5
    c = browser()
    for i in range(5):
        response = post_login(c, "jk_reporter", f"nope-{i}")
    assert response.status_code == 429
    assert "30分钟" in response.content.decode().replace(" ", "") or "30 分钟" in response.content.decode()


def test_axes_reset_lifts_a_lock(world):
    from axes.utils import reset

    c = browser()
    for i in range(5):
        post_login(c, "zj_leader", f"nope-{i}")
    assert post_login(c, "zj_leader", PASSWORD).status_code == 429
    reset(username="zj_leader")
    assert post_login(c, "zj_leader", PASSWORD).status_code == 302


def test_login_needs_the_csrf_token(world):
    c = browser()
    c.get("/login/")
    assert c.post("/login/", {"username": "jk_admin", "password": PASSWORD}).status_code == 403


def test_writes_need_the_csrf_token(world):
    c = browser()
    assert post_login(c, "jk_admin", PASSWORD).status_code == 302
    p = world.project("jk")
    response = c.post(f"/projects/{p.pk}/edit/", {"name": "改名"})
    assert response.status_code == 403
    p.refresh_from_db()
    assert p.name != "改名"


def test_sessions_expire(world, settings):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    c = browser()
    post_login(c, "jk_admin", PASSWORD)
    assert c.get("/projects/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = c.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_security_headers(world, client):
    client.force_login(world.users["district_admin"])
    for url in ("/login/", "/projects/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response  # plain http: no HSTS


def test_passwords_are_hashed_with_argon2():
    """Read from the settings module: the suite itself hashes with MD5 for speed (tests/conftest.py)."""
    from tuijin import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_axes_setup_follows_the_stack_notes(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_LOCKOUT_TEMPLATE


# ------------------------------------------------------------------------------ settings in production

def _settings_run(env: dict, code: str, tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("TUIJIN_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    base.update({"TUIJIN_DATA_DIR": str(tmp_path), "TUIJIN_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                 "DJANGO_SETTINGS_MODULE": "tuijin.settings"}, **env)
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120)


KEY = "k" * 20 + "-a-long-random-production-secret-for-tests"


@pytest.mark.slow  # fresh interpreters reading the settings module
@pytest.mark.parametrize("env, words", [
    ({"TUIJIN_PRODUCTION": "true", "TUIJIN_DEBUG": "true", "TUIJIN_SECRET_KEY": KEY}, "TUIJIN_DEBUG=false"),
    ({"TUIJIN_PRODUCTION": "true", "TUIJIN_DEBUG": "false"}, "TUIJIN_SECRET_KEY"),
    ({"TUIJIN_PRODUCTION": "true", "TUIJIN_DEBUG": "false", "TUIJIN_SECRET_KEY": "short"}, "TUIJIN_SECRET_KEY"),
    ({"TUIJIN_DEBUG": "maybe"}, "TUIJIN_DEBUG"),
])
def test_production_refuses_unsafe_settings(tmp_path, env, words):
    proc = _settings_run(env, "import django; django.setup()", tmp_path)
    assert proc.returncode != 0 and "ImproperlyConfigured" in proc.stderr and words in proc.stderr


@pytest.mark.slow  # fresh interpreters reading the settings module
def test_deploy_check_is_clean_in_production_over_https(tmp_path):
    env = {"TUIJIN_PRODUCTION": "true", "TUIJIN_DEBUG": "false", "TUIJIN_SECRET_KEY": KEY, "TUIJIN_HTTPS": "true",
           "TUIJIN_ALLOWED_HOSTS": "tuijin.example.gov.cn"}
    code = ("import sys; from django.core.management import execute_from_command_line as x; "
            "x(['tuijin', 'check', '--deploy', '--fail-level', 'WARNING'])")
    proc = _settings_run(env, code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)")
    proc = _settings_run(env, code, tmp_path)
    assert proc.stdout.split() == ["31536000", "True", "True", "True"], proc.stderr


def test_console_script_exists():
    assert Path(sys.executable).with_name("tuijin").exists()
