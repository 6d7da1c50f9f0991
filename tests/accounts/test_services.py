"""accounts.services: creating users (role fits unit, password policy, manager's reach) and switching them."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import SYSTEM
from tuijin.accounts.models import Role, User
from tuijin.accounts.services import assign_reporter, create_user, set_user_active
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError

GOOD = "Changjiang-Bridge-88"


def test_city_admin_creates_users_of_its_city_only(world):
    admin = world.users["city_admin"]
    u = create_user(username="rz_admin", password=GOOD, unit=world.units["rz"], role=Role.DISTRICT_ADMIN,
                    actor=admin)
    entry = AuditEntry.objects.get(model="accounts.User", object_id=str(u.pk))
    assert entry.actor == admin and entry.after["unit"] == world.units["rz"].pk
    with pytest.raises(PermissionDenied):
        create_user(username="sz_admin", password=GOOD, unit=world.units["sz"], role=Role.DISTRICT_ADMIN,
                    actor=admin)
    assert not User.objects.filter(username="sz_admin").exists()


@pytest.mark.parametrize("role", ["city_leader", "district_admin", "reporter", "department", "province_reader",
                                  "norole", "inactive"])
def test_only_user_managers_create_users(world, role):
    with pytest.raises(PermissionDenied):
        create_user(username="x_new", password=GOOD, unit=world.units["jk"], role=Role.REPORTER,
                    actor=world.users[role])


@pytest.mark.parametrize("role, unit, field", [
    ("city_admin", "jk", "unit"), ("district_admin", "zhenjiang", "unit"), ("department", "jk", "unit"),
    ("province_reader", "zhenjiang", "unit"), ("boss", "jk", "role"), ("reporter", None, "unit"),
])
def test_role_must_fit_the_unit(world, role, unit, field):
    with pytest.raises(InputError) as exc:
        create_user(username="x_new", password=GOOD, unit=world.units.get(unit), role=role, actor=SYSTEM)
    assert exc.value.field == field


@pytest.mark.parametrize("username, password, field", [
    ("", GOOD, "username"), ("has space", GOOD, "username"), ("JK_ADMIN", GOOD, "username"),
    ("x_new", "Short-1", "password"), ("x_new", "1234567890123", "password"), ("x_new", "qwertyuiop", "password"),
])
def test_username_and_password_are_checked(world, username, password, field):
    with pytest.raises(InputError) as exc:
        create_user(username=username, password=password, unit=world.units["jk"], role=Role.REPORTER, actor=SYSTEM)
    assert exc.value.field == field


def test_set_user_active_is_audited_and_scoped(world):
    admin, target = world.users["city_admin"], world.places["rz"].user
    set_user_active(user=target, active=False, actor=admin, reason="调离")
    target.refresh_from_db()
    assert not target.is_active
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(target.pk)).latest("id")
    assert entry.before["is_active"] is True and entry.after["is_active"] is False and entry.reason == "调离"
    with pytest.raises(PermissionDenied):
        set_user_active(user=world.places["sz"].user, active=False, actor=admin)
    with pytest.raises(InputError):
        set_user_active(user=admin, active=False, actor=admin)


def test_assign_reporter(world):
    rz, jk_other = world.project("rz"), world.places["jk"].user
    with pytest.raises(InputError):  # a 京口区 reporter cannot report a 润州区 project
        assign_reporter(project=rz, reporter=jk_other, actor=world.users["city_admin"])
    with pytest.raises(PermissionDenied):  # the district administrator cannot reach 润州区
        assign_reporter(project=rz, reporter=world.places["rz"].user, actor=world.users["district_admin"])
    with pytest.raises(InputError):
        assign_reporter(project=rz, reporter=world.users["city_leader"], actor=SYSTEM)
    assign_reporter(project=world.project("jk"), reporter=jk_other, actor=world.users["district_admin"])
    assert set(world.project("jk").reporters.all()) == {world.users["reporter"], jk_other}
    entry = AuditEntry.objects.filter(model="projects.Project", project_id=world.project("jk").pk).latest("id")
    assert entry.after["reporters"] == sorted([world.users["reporter"].pk, jk_other.pk])


def test_new_users_get_argon2_hashes(db, settings):
    from tests import factories

    # The suite hashes with MD5 for speed (tests/conftest.py); this test puts the production hashers back.
    from tuijin import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS

    city, d = factories.city_tree("哈希市", ("一区",), province="哈希省")
    u = create_user(username="hash_check", password=GOOD, unit=d["一区"], role=Role.REPORTER, actor=SYSTEM)
    assert u.password.startswith("argon2$")
