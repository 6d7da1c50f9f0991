"""Configuration fails loudly: production refuses debug pages and the published default secret key, and a
boolean setting accepts only a boolean. Settings are read once, at import, so each case runs in a fresh
interpreter with its own environment."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tuijin.settings import DEFAULT_SECRET_KEY, env_bool

GOOD_KEY = "k3y-" + "x" * 40
PRINT_SETTINGS = ("from django.conf import settings; "
                  "print(settings.DEBUG, settings.PRODUCTION, ','.join(settings.ALLOWED_HOSTS))")


def run(tmp_path, code=None, cli=None, **env):
    """Run Python code (or the `tuijin` CLI) with only the given TUIJIN_* variables set."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TUIJIN_")}
    environ.update(DJANGO_SETTINGS_MODULE="tuijin.settings", TUIJIN_DATA_DIR=str(tmp_path),
                   TUIJIN_DATABASE_URL=f"sqlite:///{tmp_path / 'settings.sqlite3'}")
    environ.update(env)
    argv = [sys.executable, "-c", code] if cli is None else [sys.executable, "-m", "tuijin.cli", *cli]
    return subprocess.run(argv, env=environ, capture_output=True, text=True, timeout=60)


def test_development_defaults_start(tmp_path):
    result = run(tmp_path, PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    debug, production, hosts = result.stdout.split()
    assert production == "False" and debug in ("True", "False")
    assert "127.0.0.1" in hosts.split(",")


@pytest.mark.parametrize(("raw", "expected"), [("true", "True"), ("false", "False"), ("1", "True"), ("0", "False")])
def test_debug_follows_the_variable(tmp_path, raw, expected):
    result = run(tmp_path, PRINT_SETTINGS, TUIJIN_DEBUG=raw)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == expected


def test_production_refuses_debug_on(tmp_path):
    result = run(tmp_path, PRINT_SETTINGS, TUIJIN_PRODUCTION="true", TUIJIN_DEBUG="true",
                 TUIJIN_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "TUIJIN_DEBUG=false" in result.stderr


def test_production_never_runs_with_debug_left_at_its_default(tmp_path):
    """With TUIJIN_DEBUG unset, production either refuses to start or runs with debug off: never on."""
    result = run(tmp_path, PRINT_SETTINGS, TUIJIN_PRODUCTION="true", TUIJIN_SECRET_KEY=GOOD_KEY)
    if result.returncode != 0:
        assert "TUIJIN_DEBUG=false" in result.stderr
    else:
        assert result.stdout.split()[:2] == ["False", "True"]


@pytest.mark.parametrize("key", [None, DEFAULT_SECRET_KEY, "short-key"])
def test_production_refuses_the_default_or_a_short_secret_key(tmp_path, key):
    env = {"TUIJIN_PRODUCTION": "true", "TUIJIN_DEBUG": "false"}
    if key is not None:
        env["TUIJIN_SECRET_KEY"] = key
    result = run(tmp_path, PRINT_SETTINGS, **env)
    assert result.returncode != 0
    assert "TUIJIN_SECRET_KEY" in result.stderr and "32" in result.stderr


def test_production_starts_with_debug_off_and_a_real_key(tmp_path):
    result = run(tmp_path, PRINT_SETTINGS, TUIJIN_PRODUCTION="true", TUIJIN_DEBUG="false",
                 TUIJIN_SECRET_KEY=GOOD_KEY, TUIJIN_ALLOWED_HOSTS="tuijin.example.gov.cn,10.0.0.5")
    assert result.returncode == 0, result.stderr
    debug, production, hosts = result.stdout.split()
    assert (debug, production, hosts) == ("False", "True", "tuijin.example.gov.cn,10.0.0.5")


def test_the_cli_reports_a_configuration_error_in_one_line_with_status_2(tmp_path):
    result = run(tmp_path, cli=["check"], TUIJIN_PRODUCTION="true", TUIJIN_DEBUG="true")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TUIJIN_DEBUG=false" in lines[0] and "Traceback" not in result.stderr


@pytest.mark.parametrize("raw", ["maybe", "ture", "2", "enabled", "False!", "是"])
def test_a_malformed_debug_flag_is_refused_naming_the_variable_and_value(tmp_path, raw):
    result = run(tmp_path, cli=["check"], TUIJIN_DEBUG=raw)
    assert result.returncode == 2
    assert "TUIJIN_DEBUG" in result.stderr and repr(raw) in result.stderr


def test_a_malformed_https_flag_is_refused(tmp_path):
    result = run(tmp_path, PRINT_SETTINGS, TUIJIN_HTTPS="https")
    assert result.returncode != 0 and "TUIJIN_HTTPS" in result.stderr


@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("TRUE", True), (" True ", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("off", False),
])
def test_env_bool_accepts_only_boolean_words(monkeypatch, raw, expected):
    monkeypatch.setenv("TUIJIN_SOME_FLAG", raw)
    assert env_bool("TUIJIN_SOME_FLAG", not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_gives_the_default(monkeypatch, default):
    monkeypatch.delenv("TUIJIN_SOME_FLAG", raising=False)
    assert env_bool("TUIJIN_SOME_FLAG", default) is default
    monkeypatch.setenv("TUIJIN_SOME_FLAG", "")
    assert env_bool("TUIJIN_SOME_FLAG", default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "-1", "t", "y", "disabled", "true false"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("TUIJIN_SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="TUIJIN_SOME_FLAG"):
        env_bool("TUIJIN_SOME_FLAG", False)
