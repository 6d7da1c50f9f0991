"""Done-when: with a frozen clock (passed as `now`), a problem escalates at its deadline — to the city the day
after, to the responsible city leader when the rule says — and shows on the department's page, the leader's
page and in the daily digest, once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tuijin.problems import selectors, services
from tuijin.problems.models import Level, Notification, ProblemEvent

from .conftest import at

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2024, 6, 20)


@pytest.fixture
def assigned(world):
    services.set_escalation_rule(actor=world.admin, city=world.city, level=Level.CITY, days_overdue=1)
    services.set_escalation_rule(actor=world.admin, city=world.city, level=Level.LEADER, days_overdue=3)
    p = services.raise_problem(actor=world.district, project=world.project, category=world.category("拆迁"),
                               title="地块拆迁未完成", now=at(2024, 6, 3))
    return services.assign(actor=world.district, problem=p, lead_department=world.land_bureau, deadline=DEADLINE,
                           now=at(2024, 6, 4))


def _escalations(problem):
    return list(ProblemEvent.objects.filter(problem=problem, action="escalate").values_list("note", flat=True))


def test_escalates_at_its_deadline_and_shows_once(world, assigned, client, django_capture_on_commit_callbacks):
    p = assigned
    # on the deadline day: not overdue, due soon on the department's page, nothing escalated
    assert services.run_escalation(now=at(2024, 6, 20, 8)) == []
    board = selectors.department_board(world.dept, world.land_bureau, datetime.date(2024, 6, 20))
    assert [x.pk for x in board.due_soon] == [p.pk] and board.overdue == []
    assert Notification.objects.filter(recipient=world.dept, kind="due_soon").count() == 1

    # the day after: 市级督办, once however often the command runs
    with django_capture_on_commit_callbacks(execute=True):
        done = services.run_escalation(now=at(2024, 6, 21, 8))
    assert [(x.pk, lvl) for x, lvl in done] == [(p.pk, Level.CITY)]
    assert services.run_escalation(now=at(2024, 6, 21, 18)) == []
    call_command("escalate", "--date", "2024-06-21", stdout=open("/dev/null", "w"))
    p.refresh_from_db()
    assert p.level == Level.CITY and p.leader is None and len(_escalations(p)) == 1
    board = selectors.department_board(world.dept, world.land_bureau, datetime.date(2024, 6, 21))
    assert [x.pk for x in board.overdue] == [p.pk]
    assert [x.pk for x in selectors.supervision_list(world.admin, datetime.date(2024, 6, 21))] == [p.pk]
    assert selectors.supervision_list(world.leader, datetime.date(2024, 6, 21)) == []
    assert Notification.objects.filter(recipient=world.admin, kind="escalated").count() == 1
    assert any("市级督办" in m.subject for m in mail.outbox if m.to == ["admin@example.cn"])

    # three days overdue: to the project's 责任领导 (张副市长 → the leader account of that name)
    services.run_escalation(now=at(2024, 6, 23, 8))
    services.run_escalation(now=at(2024, 6, 23, 9))
    p.refresh_from_db()
    assert p.level == Level.LEADER and p.leader == world.leader and len(_escalations(p)) == 2
    assert [x.pk for x in selectors.supervision_list(world.leader, datetime.date(2024, 6, 23))] == [p.pk]
    assert Notification.objects.filter(recipient=world.leader, kind="escalated").count() == 1
    assert selectors.overdue_counts([world.project.pk], datetime.date(2024, 6, 23)) == {world.project.pk: 1}

    # the pages (the stored level shows; the deadline is long past in real time too)
    client.force_login(world.dept)
    page = client.get("/problems/department/").content.decode()
    assert "地块拆迁未完成" in page and "逾期" in page and "分管市领导督办" in page
    client.force_login(world.leader)
    page = client.get("/problems/supervision/").content.decode()
    assert page.count("地块拆迁未完成") == 1
    client.force_login(world.other_district)
    assert "地块拆迁未完成" not in client.get("/problems/supervision/").content.decode()

    # the daily digest: once a day, however often it runs
    mail.outbox.clear()
    call_command("digest", "--date", "2024-06-23", stdout=open("/dev/null", "w"))
    call_command("digest", "--date", "2024-06-23", stdout=open("/dev/null", "w"))
    services.send_digest(now=at(2024, 6, 23, 20))
    by = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == len(by)  # one each
    assert "地块拆迁未完成" in by["leader@example.cn"].body and "提请您督办" in by["leader@example.cn"].body
    assert "本部门逾期问题 1 个" in by["land@example.cn"].body
    assert by["land@example.cn"].body.count("【分管市领导督办】") == 1
    assert "reporter@example.cn" not in by  # nothing to say to the reporter


def test_no_escalation_after_answer_and_never_down(world, assigned):
    p = services.start(actor=world.dept, problem=services.sign(actor=world.dept, problem=assigned,
                                                               now=at(2024, 6, 5)), now=at(2024, 6, 6))
    services.answer(actor=world.dept, problem=p, text="已完成拆迁", now=at(2024, 6, 19))
    assert services.run_escalation(now=at(2024, 7, 30)) == []
    p.refresh_from_db()
    assert p.level == Level.NONE and not p.is_overdue(datetime.date(2024, 7, 30))


def test_default_rules_and_rule_validation(world):
    assert selectors.escalation_steps(world.city) == [(1, 1, None), (2, 8, None)]
    from django.core.exceptions import PermissionDenied

    from tuijin.core.errors import InputError

    with pytest.raises(PermissionDenied):
        services.set_escalation_rule(actor=world.district, city=world.city, level=1, days_overdue=2)
    with pytest.raises(InputError):
        services.set_escalation_rule(actor=world.admin, city=world.city, level=2, days_overdue=2,
                                     leader=world.district)
