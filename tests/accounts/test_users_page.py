"""/accounts/users/: a city administrator lists and creates the users of its city, and switches them off."""

import pytest

from tuijin.accounts.models import User

GOOD = "Changjiang-Bridge-88"


def form(world, **over):
    data = {"username": "jk_new", "first_name": "李四", "phone": "", "unit": world.units["jk"].pk,
            "role": "reporter", "password1": GOOD, "password2": GOOD}
    data.update(over)
    return data


def test_lists_the_users_of_its_city_only(world, client):
    client.force_login(world.users["city_admin"])
    response = client.get("/accounts/users/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "jk_admin" in text and "rz_other" in text and "zj_dept" in text
    assert "sz_other" not in text and "hz_other" not in text and "js_reader" not in text
    # The unit drop-down offers its own city's units only.
    assert "润州区" in text and "姑苏区" not in text and "西湖区" not in text


def test_creates_a_user(world, client):
    client.force_login(world.users["city_admin"])
    response = client.post("/accounts/users/", form(world))
    assert response.status_code == 302
    user = User.objects.get(username="jk_new")
    assert user.unit == world.units["jk"] and user.role == "reporter" and user.check_password(GOOD)


@pytest.mark.parametrize("over, message", [
    ({"unit": "sz"}, "选择一个有效的选项"),  # another city's unit is not on offer
    ({"role": "city_admin"}, "市管理员"),  # a city role on a district
    ({"password1": "short", "password2": "short"}, "密码"),
    ({"password2": GOOD + "x"}, "不一致"),
    ({"username": "JK_ADMIN"}, "已存在"),
])
def test_refuses_bad_input(world, client, over, message):
    if over.get("unit") == "sz":
        over["unit"] = world.units["sz"].pk
    client.force_login(world.users["city_admin"])
    n = User.objects.count()
    response = client.post("/accounts/users/", form(world, **over))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == n


def test_switch_a_user_off_and_on(world, client):
    target = world.places["rz"].user
    client.force_login(world.users["city_admin"])
    assert client.post(f"/accounts/users/{target.pk}/active/", {"active": "0"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert client.post(f"/accounts/users/{target.pk}/active/", {"active": "1"}).status_code == 302
    target.refresh_from_db()
    assert target.is_active
    other_city = world.places["sz"].user
    assert client.post(f"/accounts/users/{other_city.pk}/active/", {"active": "0"}).status_code == 404
    assert client.get(f"/accounts/users/{target.pk}/active/").status_code == 405


@pytest.mark.parametrize("role", ["city_leader", "district_admin", "reporter", "department", "province_reader"])
def test_other_roles_are_refused(world, client, role):
    client.force_login(world.users[role])
    assert client.get("/accounts/users/").status_code == 403
    assert client.post("/accounts/users/", form(world)).status_code == 403
    assert not User.objects.filter(username="jk_new").exists()


def test_the_city_admin_resets_a_password_shown_once_and_audited(world, client):
    from tuijin.audit.models import AuditEntry

    target = world.users["district_admin"]
    client.force_login(world.users["city_admin"])
    response = client.post(f"/accounts/users/{target.pk}/password/")
    assert response.status_code == 200
    shown = response.content.decode().split('<code id="new-password">')[1].split("</code>")[0]
    target.refresh_from_db()
    assert len(shown) == 19 and target.check_password(shown)
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(target.pk)).latest("pk")
    assert (entry.before, entry.after, entry.reason) == ({"password": "(原密码)"}, {"password": "(已重置)"}, "重置密码")
    assert shown not in str(entry.before) + str(entry.after) and target.password not in str(entry.after)
    # Or the administrator types it; a weak one is refused and the old one still works.
    client.post(f"/accounts/users/{target.pk}/password/", {"password": GOOD})
    target.refresh_from_db()
    assert target.check_password(GOOD)
    client.post(f"/accounts/users/{target.pk}/password/", {"password": "12345678"})
    target.refresh_from_db()
    assert target.check_password(GOOD)
    # Another city's user is out of reach; a district administrator may not reset at all.
    assert client.post(f"/accounts/users/{world.places['sz'].user.pk}/password/").status_code == 404
    client.force_login(target)
    assert client.post(f"/accounts/users/{world.users['city_admin'].pk}/password/").status_code == 403


def test_each_role_lands_on_its_to_do_list(world, client):
    for username, landing in (("city_admin", "/overview/"), ("city_leader", "/overview/"),
                              ("district_admin", "/reports/review/"), ("reporter", "/reports/"),
                              ("department", "/problems/department/")):
        client.force_login(world.users[username])
        assert client.get("/").url == landing, username
