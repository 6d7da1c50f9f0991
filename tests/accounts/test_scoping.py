"""The scoping choke point (tuijin.accounts.scoping): who reaches which projects, units and users, failing
closed for anyone without an active role in a unit."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tuijin.accounts.models import Role
from tuijin.indicators.scope import Scope, restrict_scope
from tuijin.projects import scoping

# Hand-written (not derived from scoping.py): the places whose project each role reaches.
REACH = {
    "city_admin": {"jk", "rz"},
    "city_leader": {"jk", "rz"},
    "district_admin": {"jk"},
    "reporter": {"jk"},
    "department": {"jk"},
    "province_reader": {"jk", "rz", "sz"},
    "norole": set(),
    "inactive": set(),
}


@pytest.mark.parametrize("role", sorted(REACH))
def test_projects_for_each_role(world, role):
    user = world.users[role]
    seen = set(scoping.projects_for(user).values_list("pk", flat=True))
    assert seen == {world.project(k).pk for k in REACH[role]}


def test_anonymous_and_none_reach_nothing(world):
    for user in (AnonymousUser(), None):
        assert not scoping.projects_for(user).exists()
        assert not scoping.units_for(user).exists()
        assert not scoping.can(user, scoping.READ)


def test_unknown_role_fails_closed(world):
    user = world.users["district_admin"]
    user.role = "emperor"
    assert not scoping.can(user, scoping.READ)
    assert not scoping.projects_for(user).exists()


def test_superuser_without_unit_sees_everything(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Root-password-2024")
    assert scoping.projects_for(root).count() == 4
    assert scoping.can(root, scoping.MANAGE_USERS)


def test_get_project_or_404_answers_404_out_of_scope_and_403_for_forbidden_actions(world):
    jk, rz = world.project("jk"), world.project("rz")
    reporter, leader = world.users["reporter"], world.users["city_leader"]
    assert scoping.get_project_or_404(reporter, jk.pk) == jk
    assert scoping.get_project_or_404(reporter, jk.pk, scoping.REPORT) == jk
    with pytest.raises(PermissionDenied):
        scoping.get_project_or_404(reporter, jk.pk, scoping.WRITE)
    with pytest.raises(Http404):
        scoping.get_project_or_404(reporter, rz.pk, scoping.WRITE)
    with pytest.raises(PermissionDenied):
        scoping.get_project_or_404(leader, rz.pk, scoping.WRITE)
    assert scoping.get_project_or_404(world.users["district_admin"], jk.pk, scoping.WRITE) == jk


def test_units_for(world):
    u = world.units
    assert set(scoping.units_for(world.users["district_admin"])) == {u["jk"]}
    assert set(scoping.units_for(world.users["city_admin"])) == {u["zhenjiang"], u["jk"], u["rz"], u["dept"]}
    assert set(scoping.units_for(world.users["reporter"])) == {u["jk"]}
    assert set(scoping.units_for(world.users["department"])) == {u["dept"]}
    assert not scoping.units_for(world.users["norole"]).exists()


def test_users_for_only_city_admins_and_only_their_city(world):
    admin = world.users["city_admin"]
    names = set(scoping.users_for(admin).values_list("username", flat=True))
    assert {"zj_admin", "jk_admin", "jk_other", "rz_other", "zj_dept"} <= names
    assert not names & {"sz_other", "hz_other", "js_reader"}
    for role in ("city_leader", "district_admin", "reporter", "department", "province_reader"):
        assert not scoping.users_for(world.users[role]).exists()


def test_restrict_scope(world):
    zj, jk = world.units["zhenjiang"], world.units["jk"]
    city_scope = Scope(zj)
    # A district administrator asking for the whole city: 404, nothing leaks.
    with pytest.raises(Http404):
        restrict_scope(world.users["district_admin"], city_scope)
    assert restrict_scope(world.users["district_admin"], Scope(zj, jk)).root == jk
    # A city leader of 镇江 asking for 苏州: 404.
    with pytest.raises(Http404):
        restrict_scope(world.users["city_leader"], Scope(world.units["suzhou"]))
    # A reporter: limited to its projects.
    from tuijin.projects.models import Project

    restricted = restrict_scope(world.users["reporter"], city_scope)
    assert set(Project.objects.filter(restricted.project_q())) == {world.project("jk")}
    # No role or inactive: figures over no project at all (this used to return the unit's whole scope).
    for key in ("norole", "inactive"):
        restricted = restrict_scope(world.users[key], Scope(zj, jk))
        assert not Project.objects.filter(restricted.project_q()).exists()


def test_role_actions_table_is_as_documented():
    """Changing what a role may do is a decision: this table and DOMAIN.md change with it."""
    S = scoping
    assert S.ROLE_ACTIONS == {
        Role.CITY_ADMIN: {S.READ, S.WRITE, S.REPORT, S.REVIEW, S.MANAGE_USERS, S.AUDIT, S.CONFIGURE},
        Role.CITY_LEADER: {S.READ},
        Role.DISTRICT_ADMIN: {S.READ, S.WRITE, S.REPORT, S.REVIEW},
        Role.REPORTER: {S.READ, S.REPORT},
        Role.DEPARTMENT: {S.READ},
        Role.PROVINCE_READER: {S.READ},
    }
