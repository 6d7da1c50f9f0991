"""demo.users.create_demo_users: one user per role, passwords that pass the policy and log in."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.test import RequestFactory

from tests import factories
from tests.factories import SYSTEM
from tuijin.accounts.models import Role, User
from tuijin.demo.users import create_demo_users
from tuijin.orgs.services import create_unit
from tuijin.projects import scoping


def test_one_user_per_role_with_working_passwords(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    zj, zj_d = factories.city_tree("镇江市", ("京口区", "润州区"), province="江苏省")
    sz, sz_d = factories.city_tree("苏州市", ("姑苏区",), province="江苏省")
    dept = create_unit(name="发展和改革委员会", kind="department", parent=zj, actor=SYSTEM)
    jk1, jk2 = factories.project(zj_d["京口区"]), factories.project(zj_d["京口区"])
    factories.project(zj_d["京口区"])
    rz, gs = factories.project(zj_d["润州区"]), factories.project(sz_d["姑苏区"])

    logins = create_demo_users(zhenjiang=zj, suzhou=sz, jingkou=zj_d["京口区"], department=dept,
                               reporter_projects=[jk1, jk2])

    by_name = {row["username"]: row for row in logins}
    assert set(by_name) == {"zj_admin", "zj_leader", "jk_admin", "jk_reporter", "zj_dept", "sz_leader", "js_reader"}
    assert {row["role_code"] for row in logins} == set(Role.values)
    for row in logins:
        user = User.objects.get(username=row["username"])
        validate_password(row["password"], user)
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=row["username"], password=row["password"]) == user
    assert by_name["jk_admin"]["unit"] == "镇江市/京口区" and by_name["js_reader"]["unit"] == "江苏省"
    assert by_name["zj_admin"]["role"] == "市管理员"

    def sees(username):
        return set(scoping.projects_for(User.objects.get(username=username)))

    assert sees("jk_reporter") == {jk1, jk2}
    assert sees("zj_dept") == {jk1, jk2}
    assert rz in sees("zj_admin") and gs not in sees("zj_admin")
    assert sees("sz_leader") == {gs}
    assert {rz, gs, jk1} <= sees("js_reader")
    assert rz not in sees("jk_admin")
