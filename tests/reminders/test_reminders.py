"""Done-when of issue 19 item 3: reminders before and after the reporting deadline, for problems due, overdue and
escalated and for the weekly meeting, by e-mail (Django's locmem backend) and a 企业微信-style robot on a stub
server on loopback; a failed delivery (HTTP 500, then errcode ≠ 0) is retried by the next run after its backoff
and gets through; repeated runs remind nobody twice.

The world (conftest): 缺报 for July is 甲区一号 (r1) and 乙区一号 (r2); July's deadline is 2024-08-10; the problem
on 甲区一号 is assigned to 自然资源局 (handler `land`) with the deadline 2024-08-08. r1 chose e-mail and the robot
(mobile 13800000001); the city administrator muted the weekly reminder; everyone else has the default (e-mail).
Backoff: 15 minutes after the first failure."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tuijin.accounts.services import system_actor
from tuijin.problems.services import run_escalation
from tuijin.reminders import services
from tuijin.reminders.models import Delivery, DeliveryStatus, Kind, Reminder

from .conftest import at

pytestmark = pytest.mark.django_db

SITE = "https://tuijin.example.cn"


def run(now, **kw):
    return services.run_reminders(actor=system_actor(), now=now, **kw)


def made(result) -> set[tuple[str, str]]:
    return {(r.kind, r.recipient.username) for r in result.made}


def robot_delivery():
    return Delivery.objects.get(channel="robot", reminder__kind=Kind.REPORT_DUE)


@pytest.fixture
def setup(world, stub):
    services.set_preference(
        actor=world.r1, user=world.r1, email=True, robot=True, sms=False, mobile="13800000001"
    )
    services.set_preference(
        actor=world.admin,
        user=world.admin,
        email=True,
        robot=False,
        sms=False,
        kinds=[k for k in Kind.values if k != Kind.WEEKLY],
    )
    services.add_endpoint(
        actor=world.admin,
        city=world.city,
        name="调度群",
        kind="wecom",
        url=f"{stub.url}/cgi-bin/webhook/send?key=abc",
    )
    return world


def test_deadline_problems_weekly_retry_and_no_duplicates(setup, stub, capsys):
    """
    Run 1, 2024-08-07 09:00 (3 days before the deadline, the problem due tomorrow; a Wednesday):
        report_due → r1 (甲区一号; 甲区二号 has reported), r2 (乙区一号); problem_due → land.  3 reminders.
        E-mails to r1, r2, land (3); r1's robot message: the stub answers 500 → 失败待重试, attempt 1, next 09:15.
    Run 2, 09:05: nothing new, the robot not due yet (stub: 1 request, outbox: 3).
    Run 3, 09:30: the robot retried → 已发送 after 2 attempts; the message names 甲区一号, the deadline and the link,
        @-mentions 13800000001.
    Run 4, 2024-08-12 09:00 (a Monday, 2 days after the deadline, the problem 4 days overdue and escalated to 市级督办
        by `run_escalation` at 08:00): report_overdue → r1, r2, jia_admin (甲区一号), yi_admin (乙区一号; no e-mail:
        未发送); problem_overdue → land; escalated → land, admin; weekly → leader, land (admin muted it). 9 reminders,
        8 e-mails (outbox 11); r1's robot: errcode 93000 → 失败待重试.
    Run 5, 10:00: nothing new; the robot retried → 已发送 (stub: 4 requests).
    Run 6, 2024-08-13 and the command on 2024-08-13: nothing new, nothing sent (12 reminders in all, outbox 11).
    """
    w = setup
    stub.answers = [(500, {"errmsg": "server error"})]
    r1 = run(at(2024, 8, 7))
    assert made(r1) == {
        (Kind.REPORT_DUE, "r1"),
        (Kind.REPORT_DUE, "r2"),
        (Kind.PROBLEM_DUE, "land"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "land@example.cn",
        "r1@example.cn",
        "r2@example.cn",
    ]
    to_r1 = next(m for m in mail.outbox if m.to == ["r1@example.cn"])
    assert to_r1.subject == "[推进] 2024年7月月报即将截止"
    assert "甲区一号" in to_r1.body and "甲区二号" not in to_r1.body
    assert "2024年8月10日 截止, 还剩 3 天" in to_r1.body
    assert f"{SITE}{reverse('progress:mine')}?period=2024-07" in to_r1.body
    to_land = next(m for m in mail.outbox if m.to == ["land@example.cn"])
    assert (
        "甲区一号「用地指标未落实」" in to_land.body
        and "办理时限 2024年8月8日, 还剩 1 天" in to_land.body
    )
    assert f"{SITE}{reverse('problems:detail', args=[w.problem.pk])}" in to_land.body
    robot = robot_delivery()
    assert (robot.status, robot.attempts, robot.next_attempt_at) == (
        DeliveryStatus.FAILED,
        1,
        at(2024, 8, 7, 9, 15),
    )
    assert robot.last_error.startswith("HTTP 500")
    assert r1.count(DeliveryStatus.SENT) == 3 and r1.count(DeliveryStatus.FAILED) == 1

    r2 = run(at(2024, 8, 7, 9, 5))
    assert r2.made == [] and r2.retries == [] and len(stub.requests) == 1 and len(mail.outbox) == 3

    r3 = run(at(2024, 8, 7, 9, 30))
    assert r3.made == [] and r3.count(DeliveryStatus.SENT) == 1
    robot = robot_delivery()
    assert (robot.status, robot.attempts, robot.sent_at) == (
        DeliveryStatus.SENT,
        2,
        at(2024, 8, 7, 9, 30),
    )
    path, body = stub.requests[1]
    assert path == "/cgi-bin/webhook/send?key=abc" and body["msgtype"] == "text"
    assert body["text"]["mentioned_mobile_list"] == ["13800000001"]
    content = body["text"]["content"]
    assert content.startswith("【2024年7月月报即将截止】") and "甲区一号" in content
    assert "2024年8月10日 截止" in content and content.endswith(f"{SITE}/reports/?period=2024-07")
    assert len(mail.outbox) == 3

    escalated = run_escalation(now=at(2024, 8, 12, 8))
    assert [p.pk for p, _ in escalated] == [w.problem.pk]
    call_command("remind", "--dry-run", "--now", "2024-08-12T09:00", "--city", "提醒市")
    out = capsys.readouterr().out
    assert "演练: 将生成提醒 9 条, 待发送/重试 0 个" in out and Reminder.objects.count() == 3

    stub.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    r4 = run(at(2024, 8, 12))
    assert made(r4) == {
        (Kind.REPORT_OVERDUE, "r1"),
        (Kind.REPORT_OVERDUE, "r2"),
        (Kind.REPORT_OVERDUE, "jia_admin"),
        (Kind.REPORT_OVERDUE, "yi_admin"),
        (Kind.PROBLEM_OVERDUE, "land"),
        (Kind.ESCALATED, "land"),
        (Kind.ESCALATED, "admin"),
        (Kind.WEEKLY, "leader"),
        (Kind.WEEKLY, "land"),
    }
    assert len(mail.outbox) == 11
    to_jia = next(m for m in mail.outbox if m.to == ["jia@example.cn"])
    assert "甲区有 1 个项目 2024年7月月报逾期未报: 甲区一号" in to_jia.body
    assert "已于 2024年8月10日 截止, 逾期 2 天" in to_jia.body
    overdue = next(
        m for m in mail.outbox if m.to == ["land@example.cn"] and "问题已逾期" in m.subject
    )
    assert "办理时限 2024年8月8日, 已逾期 4 天" in overdue.body
    weekly = next(m for m in mail.outbox if m.to == ["leader@example.cn"])
    assert weekly.subject.startswith("[推进] 周调度会提醒: 提醒市重大项目周调度会 (8月12日周)")
    assert "逾期未办结问题 1 项" in weekly.body and "week=2024-08-12" in weekly.body
    skipped = Delivery.objects.get(reminder__recipient=w.yi_admin)
    assert (skipped.status, skipped.last_error) == (DeliveryStatus.SKIPPED, "接收人未填写邮箱")
    robot = Delivery.objects.get(channel="robot", reminder__kind=Kind.REPORT_OVERDUE)
    assert (robot.status, robot.attempts) == (DeliveryStatus.FAILED, 1)
    assert robot.last_error == "errcode 93000: invalid webhook url"

    r5 = run(at(2024, 8, 12, 10))
    assert r5.made == [] and r5.count(DeliveryStatus.SENT) == 1 and len(stub.requests) == 4
    robot.refresh_from_db()
    assert (
        robot.status == DeliveryStatus.SENT
        and "逾期 2 天" in stub.requests[3][1]["text"]["content"]
    )

    assert run(at(2024, 8, 13)).made == []
    call_command("remind", "--now", "2024-08-13T09:30")
    assert "提醒 0 条; 投递 0 个" in capsys.readouterr().out
    assert Reminder.objects.count() == 12 and len(mail.outbox) == 11 and len(stub.requests) == 4
    keys = list(
        Reminder.objects.values_list("recipient", "kind", "subject_type", "subject_id", "period")
    )
    assert len(keys) == len(set(keys))
    assert not Delivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
    ).exists()


def test_the_unique_key_holds_in_the_database(world):
    """Two runs at once cannot make the same reminder: the UniqueConstraint refuses the second row."""
    from django.db import IntegrityError, transaction

    fields = dict(
        city=world.city,
        recipient=world.r1,
        kind=Kind.REPORT_DUE,
        subject_type="progress.reportingperiod",
        subject_id=world.period.pk,
        period="2024-07",
        title="t",
        text="x",
        created_at=at(2024, 8, 7),
    )
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields)


def test_sms_gateway_and_giving_up(world, stub, settings):
    """r2 takes SMS only (mobile 13900000002) through a gateway whose URL and JSON body carry {mobile} and
    {content}. With 2 attempts allowed: 08-07 09:00 → 500 (失败待重试, next 09:15); 09:20 → 500 again → 已放弃
    (2 attempts); 10:00 → nothing more is tried. No e-mail for r2."""
    settings.REMINDER_MAX_ATTEMPTS = 2
    services.set_preference(
        actor=world.r2, user=world.r2, email=False, robot=False, sms=True, mobile="139-0000-0002"
    )
    services.add_endpoint(
        actor=world.admin,
        city=world.city,
        name="短信平台",
        kind="sms",
        url=f"{stub.url}/sms/send?to={{mobile}}",
        body_template='{"phone": "{mobile}", "text": "{content}", "sign": "推进"}',
    )
    stub.answers = [(500, {}), (502, {})]
    run(at(2024, 8, 7))
    sms = Delivery.objects.get(channel="sms")
    assert (sms.status, sms.attempts, sms.address) == (DeliveryStatus.FAILED, 1, "13900000002")
    path, body = stub.requests[0]
    assert (
        path == "/sms/send?to=13900000002"
        and body["phone"] == "13900000002"
        and body["sign"] == "推进"
    )
    assert "乙区一号" in body["text"] and body["text"].startswith("【2024年7月月报即将截止】")
    run(at(2024, 8, 7, 9, 20))
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.next_attempt_at) == (DeliveryStatus.GAVE_UP, 2, None)
    run(at(2024, 8, 7, 10))
    assert len(stub.requests) == 2
    assert not [m for m in mail.outbox if m.to == ["r2@example.cn"]]


def test_dingtalk_robot_is_signed_and_mentions(world, stub):
    """A 钉钉 robot with 加签: timestamp and sign in the query string, {"at": {"atMobiles": [...]}} in the body."""
    services.set_preference(
        actor=world.r1, user=world.r1, email=False, robot=True, sms=False, mobile="13800000001"
    )
    services.add_endpoint(
        actor=world.admin,
        city=world.city,
        name="钉钉群",
        kind="dingtalk",
        url=f"{stub.url}/robot/send?access_token=t",
        secret="SEC123",
    )
    run(at(2024, 8, 7))
    path, body = stub.requests[0]
    assert path.startswith("/robot/send?access_token=t&timestamp=") and "&sign=" in path
    assert body["msgtype"] == "text" and body["at"] == {
        "atMobiles": ["13800000001"],
        "isAtAll": False,
    }
    assert Delivery.objects.get(channel="robot").status == DeliveryStatus.SENT


def test_a_connection_refused_is_a_failure_not_a_crash(world, settings):
    """An endpoint nobody listens on (a closed loopback port): 失败待重试 with 连接失败, the run goes on."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    services.set_preference(actor=world.r1, user=world.r1, email=True, robot=True, sms=False)
    services.add_endpoint(
        actor=world.admin,
        city=world.city,
        name="坏地址",
        kind="wecom",
        url=f"http://127.0.0.1:{port}/x",
    )
    result = run(at(2024, 8, 7))
    robot = Delivery.objects.get(channel="robot")
    assert robot.status == DeliveryStatus.FAILED and robot.last_error.startswith("连接失败")
    assert result.count(DeliveryStatus.SENT) == 3  # the e-mails went out all the same


def test_who_may_run_and_configure(world):
    from django.core.exceptions import PermissionDenied

    from tuijin.core.errors import InputError

    with pytest.raises(PermissionDenied):
        services.run_reminders(actor=world.jia_admin, now=at(2024, 8, 7), city=world.city)
    with pytest.raises(PermissionDenied):
        services.run_reminders(
            actor=world.admin, now=at(2024, 8, 7)
        )  # every city: the operator's only
    assert services.run_reminders(
        actor=world.admin, now=at(2024, 8, 7), city=world.city, dry_run=True
    ).made
    with pytest.raises(PermissionDenied):
        services.add_endpoint(
            actor=world.jia_admin, city=world.city, name="x", kind="wecom", url="http://a/"
        )
    with pytest.raises(PermissionDenied):
        services.set_preference(actor=world.r1, user=world.r2, email=True, robot=False, sms=False)
    with pytest.raises(InputError, match="http:// 或 https://"):
        services.add_endpoint(
            actor=world.admin, city=world.city, name="x", kind="wecom", url="file:///etc/passwd"
        )
    with pytest.raises(InputError, match="请求体模板填入手机号和内容后格式不对"):
        services.add_endpoint(
            actor=world.admin,
            city=world.city,
            name="x",
            kind="sms",
            url="http://a/",
            body_template='{"to": {mobile}, "c": "{content}"',
        )
    with pytest.raises(InputError, match="手机号格式不对"):
        services.set_preference(
            actor=world.r1, user=world.r1, email=True, robot=False, sms=False, mobile="abc"
        )
    with pytest.raises(InputError, match="请填写手机号"):
        services.set_preference(actor=world.r2, user=world.r2, email=False, robot=False, sms=True)


def test_command_refuses_a_bad_time(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--now 应为日期时间"):
        call_command("remind", "--now", "next tuesday")
    with pytest.raises(CommandError, match="城市不存在"):
        call_command("remind", "--city", "无此市")


def test_json_output(world, capsys):
    call_command("remind", "--dry-run", "--now", "2024-08-07", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True
    assert {(r["kind"], r["recipient"]) for r in data["reminders"]} == {
        ("report_due", "r1"),
        ("report_due", "r2"),
        ("problem_due", "land"),
    }
    assert Reminder.objects.count() == 0 and datetime.date.fromisoformat(
        data["now"][:10]
    ) == datetime.date(2024, 8, 7)


def test_weekly_reminder_follows_the_meeting_day(world):
    """With the week's 周调度会 created for Wednesday 2024-08-14, the reminder goes out on Tuesday 08-13 (the day
    before), not on Monday (the city's weekday), and not again on the meeting day: admin and leader once each
    (land leads the overdue problem too)."""
    from tuijin.problems.services import create_weekly_meeting

    create_weekly_meeting(
        actor=world.admin,
        city=world.city,
        week_start=datetime.date(2024, 8, 12),
        held_on=datetime.date(2024, 8, 14),
        now=at(2024, 8, 9),
    )

    def weekly(now):
        return {r.recipient.username for r in run(now).made if r.kind == Kind.WEEKLY}

    assert weekly(at(2024, 8, 12)) == set()
    assert weekly(at(2024, 8, 13)) == {"admin", "leader", "land"}
    assert weekly(at(2024, 8, 14)) == set()
    mail_ = next(
        m for m in mail.outbox if m.to == ["leader@example.cn"] and "周调度会" in m.subject
    )
    assert "2024年8月14日召开" in mail_.body


def test_no_second_email_for_what_escalate_already_mailed(
    world, django_capture_on_commit_callbacks
):
    """`tuijin escalate` on 2024-08-12 08:00 notifies land and admin of the 市级督办 and e-mails them (its own
    notification, sent on commit); `tuijin remind` then makes the 督办 reminder but logs its e-mail as 未发送 with
    the reason, so nobody gets the same e-mail twice."""
    with django_capture_on_commit_callbacks(execute=True):
        run_escalation(now=at(2024, 8, 12, 8))
    before = len(mail.outbox)
    run(at(2024, 8, 12))
    for user in (world.dept, world.admin):
        d = Delivery.objects.get(reminder__recipient=user, reminder__kind=Kind.ESCALATED)
        assert d.status == DeliveryStatus.SKIPPED and "站内通知已发送" in d.last_error
    assert not [m for m in mail.outbox[before:] if "督办" in m.subject]
