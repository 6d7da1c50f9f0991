"""The 提醒 pages: a user sets their own preference; the city administrator sets the schedule, adds a webhook,
sends a test message to it (the stub on loopback), switches it off, and reads the delivery log."""

import pytest

from tuijin.reminders.models import Delivery, Endpoint, Kind, Preference, Schedule

from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_user_sets_their_own_preference(world, client):
    client.force_login(world.r1)
    page = client.get("/reminders/")
    assert page.status_code == 200 and "我的提醒" in page.content.decode()
    bad = client.post(
        "/reminders/", {"email": "on", "sms": "on", "mobile": "13x", "kinds": ["report_due"]}
    )
    assert bad.status_code == 200 and "手机号格式不对: &#x27;13x&#x27;" in bad.content.decode()
    assert not Preference.objects.filter(user=world.r1).exists()
    ok = client.post(
        "/reminders/", {"robot": "on", "mobile": "13800000001", "kinds": ["report_due", "weekly"]}
    )
    assert ok.status_code == 302
    pref = Preference.objects.get(user=world.r1)
    assert (pref.email, pref.robot, pref.sms, pref.mobile) == (False, True, False, "13800000001")
    assert set(pref.muted_kinds) == set(Kind.values) - {"report_due", "weekly"}
    unknown = client.post("/reminders/", {"email": "on", "kinds": ["nonsense"]})
    assert unknown.status_code == 200 and "nonsense" in unknown.content.decode()


def test_the_city_administrator_sets_up_reminders(world, client, stub):
    client.force_login(world.admin)
    assert client.get("/setup/reminders/").status_code == 200
    saved = client.post(
        "/setup/reminders/",
        {
            "form": "schedule",
            "enabled": "on",
            "days_before_deadline": "5",
            "days_after_deadline": "3",
            "problem_due_days": "2",
            "weekly_weekday": "4",
        },
    )
    assert saved.status_code == 302
    s = Schedule.objects.get(city=world.city)
    assert (
        s.days_before_deadline,
        s.days_after_deadline,
        s.problem_due_days,
        s.weekly_weekday,
    ) == (5, 3, 2, 4)
    refused = client.post(
        "/setup/reminders/",
        {
            "form": "schedule",
            "days_before_deadline": "99",
            "days_after_deadline": "3",
            "problem_due_days": "2",
            "weekly_weekday": "4",
        },
    )
    assert (
        refused.status_code == 200
        and Schedule.objects.get(city=world.city).days_before_deadline == 5
    )
    bad = client.post(
        "/setup/reminders/", {"form": "endpoint", "name": "群", "kind": "wecom", "url": "ftp://x/"}
    )
    assert bad.status_code == 200 and "http:// 或 https://" in bad.content.decode()
    added = client.post(
        "/setup/reminders/",
        {"form": "endpoint", "name": "调度群", "kind": "wecom", "url": f"{stub.url}/send?key=k"},
    )
    assert added.status_code == 302
    endpoint = Endpoint.objects.get(city=world.city, name="调度群")
    tested = client.post(
        f"/setup/reminders/endpoints/{endpoint.pk}/", {"action": "test"}, follow=True
    )
    assert "测试消息已发送到 调度群" in tested.content.decode()
    assert stub.requests[0][1]["text"]["content"].startswith("【推进 · 测试消息】提醒市")
    stub.answers = [(200, {"errcode": 310000, "errmsg": "keywords not in content"})]
    failed = client.post(
        f"/setup/reminders/endpoints/{endpoint.pk}/", {"action": "test"}, follow=True
    )
    assert "测试消息未送达 (调度群): errcode 310000" in failed.content.decode()
    client.post(f"/setup/reminders/endpoints/{endpoint.pk}/", {"action": "disable"})
    endpoint.refresh_from_db()
    assert endpoint.active is False


def test_the_log_shows_the_city_deliveries_only(world, client):
    from tuijin.accounts.services import system_actor
    from tuijin.reminders.services import run_reminders

    run_reminders(actor=system_actor(), now=at(2024, 8, 7))
    assert Delivery.objects.count() == 3
    client.force_login(world.admin)
    page = client.get("/setup/reminders/log/?status=sent")
    text = page.content.decode()
    assert page.status_code == 200 and "r1@example.cn" in text and "2024年7月月报即将截止" in text
    assert "已发送 3" in text
    assert client.get("/setup/reminders/log/?status=bogus&page=x").status_code == 200
    client.force_login(world.jia_admin)
    assert client.get("/setup/reminders/log/").status_code == 403
    assert client.get("/setup/reminders/").status_code == 403


def test_another_citys_endpoint_is_404(world, client):
    from tests import factories as f
    from tuijin.reminders.services import add_endpoint

    other, _ = f.city_tree("他市", ("丙区",))
    boss = f.user("boss", other, "city_admin")
    theirs = add_endpoint(
        actor=boss, city=other, name="他们的群", kind="wecom", url="http://127.0.0.1:9/"
    )
    client.force_login(world.admin)
    assert (
        client.post(f"/setup/reminders/endpoints/{theirs.pk}/", {"action": "disable"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.active is True
