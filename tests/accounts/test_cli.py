"""tuijin roles and tuijin createuser."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import SYSTEM
from tuijin.accounts.models import Role, User
from tuijin.audit.models import AuditEntry
from tuijin.orgs.services import create_unit

GOOD = "Changjiang-Bridge-88"


def run(*args, **env):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_roles_lists_every_role_with_its_chinese_name_and_actions():
    text = run("roles")
    for role in Role:
        assert role.value in text and role.label in text
    assert "管理本单位用户" in text and "查询审计记录" in text
    rows = json.loads(run("roles", "--format", "json"))
    by_role = {r["role"]: r for r in rows}
    assert by_role["city_leader"]["actions"] == ["read"]
    assert "write" in by_role["district_admin"]["actions"]


def test_createuser_with_password_from_environment(world, monkeypatch):
    monkeypatch.setenv("TUIJIN_PASSWORD", GOOD)
    text = run("createuser", "--unit", "京口区", "--role", "district_admin", "--name", "张三", "jk_new")
    user = User.objects.get(username="jk_new")
    assert user.unit == world.units["jk"] and user.role == Role.DISTRICT_ADMIN and user.first_name == "张三"
    assert user.check_password(GOOD)
    assert "jk_new" in text and "板块管理员" in text
    entry = AuditEntry.objects.get(model="accounts.User", object_id=str(user.pk))
    assert entry.action == "create" and "password" not in entry.after and entry.after["role"] == "district_admin"


def test_createuser_accepts_the_chinese_role_name_and_a_qualified_unit(world, monkeypatch):
    monkeypatch.setenv("TUIJIN_PASSWORD", GOOD)
    run("createuser", "--unit", "镇江市/镇江市发展和改革委员会", "--role", "部门经办", "dept2")
    assert User.objects.get(username="dept2").unit == world.units["dept"]


def test_ambiguous_unit_must_be_qualified_by_its_city(world, monkeypatch):
    monkeypatch.setenv("TUIJIN_PASSWORD", GOOD)
    a = create_unit(name="高新区", kind="zone", parent=world.units["zhenjiang"], actor=SYSTEM)
    b = create_unit(name="高新区", kind="zone", parent=world.units["suzhou"], actor=SYSTEM)
    with pytest.raises(CommandError) as exc:
        run("createuser", "--unit", "高新区", "--role", "district_admin", "gx")
    assert exc.value.returncode == 2
    assert "不唯一" in str(exc.value) and "镇江市/高新区" in str(exc.value) and "苏州市/高新区" in str(exc.value)
    run("createuser", "--unit", "苏州市/高新区", "--role", "district_admin", "gx")
    assert User.objects.get(username="gx").unit == b != a


@pytest.mark.parametrize("args, words", [
    (["--unit", "不存在区", "--role", "district_admin"], ["单位不存在", "不存在区"]),
    (["--unit", "京口区", "--role", "emperor"], ["角色未知", "emperor"]),
    (["--unit", "京口区", "--role", "city_admin"], ["市管理员", "京口区"]),  # a city role on a district
])
def test_bad_unit_or_role_is_one_line_and_exit_2(world, monkeypatch, args, words):
    monkeypatch.setenv("TUIJIN_PASSWORD", GOOD)
    with pytest.raises(CommandError) as exc:
        run("createuser", *args, "someone")
    assert exc.value.returncode == 2
    message = str(exc.value)
    assert "\n" not in message and all(w in message for w in words)
    assert not User.objects.filter(username="someone").exists()


@pytest.mark.parametrize("password, word", [("short1!", "密码"), ("1234567890123", "密码"),
                                            ("password1234", "密码"), ("jk_weakuser1", "密码")])
def test_password_policy(world, monkeypatch, password, word):
    monkeypatch.setenv("TUIJIN_PASSWORD", password)
    with pytest.raises(CommandError) as exc:
        run("createuser", "--unit", "京口区", "--role", "reporter", "jk_weakuser")
    assert exc.value.returncode == 2 and word in str(exc.value)


def test_password_prompted_twice(world, monkeypatch):
    monkeypatch.delenv("TUIJIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("createuser", "--unit", "京口区", "--role", "reporter", "prompted")
    assert User.objects.get(username="prompted").check_password(GOOD)
    answers = iter([GOOD, GOOD + "x"])
    with pytest.raises(CommandError) as exc:
        run("createuser", "--unit", "京口区", "--role", "reporter", "prompted2")
    assert exc.value.returncode == 2 and "不一致" in str(exc.value)


@pytest.mark.slow  # the one subprocess test of `tuijin createuser`
def test_createuser_from_the_shell_exits_2_with_one_line(tmp_path):
    """The real console script: a bad role is refused before the database is even opened."""
    tuijin = Path(sys.executable).with_name("tuijin")
    env = {**os.environ, "TUIJIN_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
           "TUIJIN_PASSWORD": GOOD, "TUIJIN_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([str(tuijin), "createuser", "--unit", "京口区", "--role", "king", "x"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "角色未知" in lines[0] and "Traceback" not in proc.stderr
