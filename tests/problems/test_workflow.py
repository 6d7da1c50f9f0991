"""Done-when: one problem through every state with the right role at each step (audit entries checked), each
wrong role refused at each step; and the bad inputs of issue 6 refused with nothing changed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.problems import selectors, services
from tuijin.problems.models import Notification, Problem, ProblemEvent, Status
from tuijin.progress.services import save_report

from .conftest import at

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2024, 6, 20)


def _refused(world, fn, allowed, **kw):
    """Every user but `allowed` is refused the step, and the problem is unchanged."""
    users = [world.admin, world.leader, world.district, world.other_district, world.reporter, world.dept,
             world.eco_dept, world.outsider]
    problem = kw["problem"]
    before = Problem.objects.values().get(pk=problem.pk)
    audits = AuditEntry.objects.count()
    for u in users:
        if u in allowed:
            continue
        with pytest.raises(PermissionDenied):
            fn(actor=u, **kw)
    assert Problem.objects.values().get(pk=problem.pk) == before
    assert AuditEntry.objects.count() == audits


def _audit(problem, reason):
    return AuditEntry.objects.filter(model="problems.Problem", object_id=str(problem.pk), reason=reason)


def test_every_state_with_the_right_role_and_every_wrong_role_refused(world):
    cat = world.category("用地")
    # 提出: the project's reporter (others without REPORT reach on the project are refused)
    for u in (world.leader, world.other_district, world.dept, world.outsider):
        with pytest.raises(PermissionDenied):
            services.raise_problem(actor=u, project=world.project, category=cat, title="用地指标未落实",
                                   now=at(2024, 6, 3))
    assert not Problem.objects.exists()
    p = services.raise_problem(actor=world.reporter, project=world.project, category=cat, title="用地指标未落实",
                               description="需要新增建设用地指标 50 亩", now=at(2024, 6, 3))
    assert p.status == Status.RAISED and p.raised_by == world.reporter
    assert _audit(p, "提出问题").get().actor == world.reporter

    # 交办: district or city (WRITE on the project); the reporter, the leader, departments, others refused
    kw = dict(problem=p, lead_department=world.land_bureau, deadline=DEADLINE, cooperating=[world.eco_bureau],
              now=at(2024, 6, 4))
    _refused(world, services.assign, {world.admin, world.district}, **kw)
    p = services.assign(actor=world.district, **kw)
    assert (p.status, p.lead_department, p.deadline) == (Status.ASSIGNED, world.land_bureau, DEADLINE)
    assert list(p.cooperating.all()) == [world.eco_bureau]
    entry = _audit(p, "交办").get()
    assert entry.actor == world.district and entry.before["status"] == "raised" and entry.after["status"] == "assigned"
    assert Notification.objects.filter(recipient=world.dept, kind="assigned").count() == 1
    assert Notification.objects.filter(recipient=world.eco_dept, kind="assigned").count() == 1

    # 签收 / 办理中 / 办结: only the lead department's handler (not the cooperating one)
    _refused(world, services.sign, {world.dept}, problem=p, now=at(2024, 6, 5))
    p = services.sign(actor=world.dept, problem=p, now=at(2024, 6, 5))
    _refused(world, services.start, {world.dept}, problem=p, now=at(2024, 6, 6))
    p = services.start(actor=world.dept, problem=p, note="已与区里对接", now=at(2024, 6, 6))
    _refused(world, services.answer, {world.dept}, problem=p, text="已调剂指标", now=at(2024, 6, 10))
    p = services.answer(actor=world.dept, problem=p, text="已从市级统筹调剂 50 亩指标", now=at(2024, 6, 10))
    assert p.status == Status.ANSWERED and p.answered_by == world.dept
    assert Notification.objects.filter(recipient=world.reporter, kind="answered").count() == 1

    # 退回重办: the raiser (or district / city); then answered again
    _refused(world, services.reopen, {world.reporter, world.district, world.admin}, problem=p, reason="指标未到位",
             now=at(2024, 6, 11))
    p = services.reopen(actor=world.reporter, problem=p, reason="指标尚未下达到项目", now=at(2024, 6, 11))
    assert p.status == Status.IN_PROGRESS and p.answer == "" and p.reopen_count == 1
    assert Notification.objects.filter(recipient=world.dept, kind="returned").count() == 1
    p = services.answer(actor=world.dept, problem=p, text="指标已下达, 文号 测自然资〔2024〕12号", now=at(2024, 6, 12))

    # 销号: the raiser
    _refused(world, services.close, {world.reporter, world.district, world.admin}, problem=p, now=at(2024, 6, 13))
    p = services.close(actor=world.reporter, problem=p, note="确认", now=at(2024, 6, 13))
    assert p.status == Status.CLOSED and p.closed_by == world.reporter and p.closed_at == at(2024, 6, 13)

    steps = list(p.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert steps == [
        ("raise", "", "raised", "reporter"), ("assign", "raised", "assigned", "jia_admin"),
        ("sign", "assigned", "signed", "land"), ("start", "signed", "in_progress", "land"),
        ("answer", "in_progress", "answered", "land"), ("reopen", "answered", "in_progress", "reporter"),
        ("answer", "in_progress", "answered", "land"), ("close", "answered", "closed", "reporter")]
    assert [e.at for e in p.events.all()] == sorted(e.at for e in p.events.all())
    reasons = list(AuditEntry.objects.filter(model="problems.Problem", object_id=str(p.pk))
                   .order_by("id").values_list("reason", "actor__username"))
    assert reasons == [("提出问题", "reporter"), ("交办", "jia_admin"), ("签收", "land"), ("开始办理", "land"),
                       ("办结答复", "land"), ("退回重办: 指标尚未下达到项目", "reporter"), ("办结答复", "land"),
                       ("销号", "reporter")]
    assert all(e.project_id == world.project.pk for e in AuditEntry.objects.filter(model="problems.Problem"))
    # a closed problem is final
    with pytest.raises(InputError):
        services.reopen(actor=world.reporter, problem=p, reason="again", now=at(2024, 6, 14))


def _raised(world, **kw):
    return services.raise_problem(actor=world.district, project=world.project, category=world.category("环保"),
                                  title="环评批复未下达", now=at(2024, 6, 3), **kw)


def _unchanged(problem, fn, exc, **kw):
    before = Problem.objects.values().get(pk=problem.pk)
    audits, events = AuditEntry.objects.count(), ProblemEvent.objects.count()
    with pytest.raises(exc) as info:
        fn(problem=problem, **kw)
    assert Problem.objects.values().get(pk=problem.pk) == before
    assert (AuditEntry.objects.count(), ProblemEvent.objects.count()) == (audits, events)
    return info.value


def test_department_outside_the_city_refused(world):
    p = _raised(world)
    err = _unchanged(p, services.assign, InputError, actor=world.admin, lead_department=world.other_bureau,
                     deadline=DEADLINE, now=at(2024, 6, 4))
    assert "不属于测试市" in err.text
    err = _unchanged(p, services.assign, InputError, actor=world.admin, lead_department=world.land_bureau,
                     cooperating=[world.other_bureau], deadline=DEADLINE, now=at(2024, 6, 4))
    assert "配合单位" in err.text
    # a district is not a department
    _unchanged(p, services.assign, InputError, actor=world.admin, lead_department=world.jia, deadline=DEADLINE,
               now=at(2024, 6, 4))
    assert not p.cooperating.exists()


def test_deadline_in_the_past_refused(world):
    p = _raised(world)
    err = _unchanged(p, services.assign, InputError, actor=world.admin, lead_department=world.land_bureau,
                     deadline=datetime.date(2024, 6, 3), now=at(2024, 6, 4))
    assert "已过" in err.text and err.field == "deadline"
    # today is allowed
    services.assign(actor=world.admin, problem=p, lead_department=world.land_bureau,
                    deadline=datetime.date(2024, 6, 4), now=at(2024, 6, 4))


def test_closing_without_an_answer_refused(world):
    p = _raised(world)
    p = services.assign(actor=world.admin, problem=p, lead_department=world.land_bureau, deadline=DEADLINE,
                        now=at(2024, 6, 4))
    p = services.start(actor=world.dept, problem=services.sign(actor=world.dept, problem=p, now=at(2024, 6, 5)),
                       now=at(2024, 6, 5))
    err = _unchanged(p, services.close, InputError, actor=world.district, now=at(2024, 6, 6))
    assert "办结" in err.text
    err = _unchanged(p, services.answer, InputError, actor=world.dept, text="   ", now=at(2024, 6, 6))
    assert err.field == "answer"


def test_acting_outside_scope_refused(world):
    p = _raised(world)
    # another district and another city cannot see it, assign it or close it
    assert not selectors.problems_for(world.other_district).filter(pk=p.pk).exists()
    assert not selectors.problems_for(world.outsider).filter(pk=p.pk).exists()
    _unchanged(p, services.assign, PermissionDenied, actor=world.outsider, lead_department=world.land_bureau,
               deadline=DEADLINE, now=at(2024, 6, 4))
    _unchanged(p, services.assign, PermissionDenied, actor=world.other_district, lead_department=world.land_bureau,
               deadline=DEADLINE, now=at(2024, 6, 4))
    # raising on a project outside the reach
    with pytest.raises(PermissionDenied):
        services.raise_problem(actor=world.reporter, project=world.other_project, category=world.category(),
                               title="x", now=at(2024, 6, 3))
    assert Problem.objects.count() == 1
    # the lead department sees it once assigned; the cooperating one too; another department does not
    services.assign(actor=world.admin, problem=p, lead_department=world.land_bureau, deadline=DEADLINE,
                    now=at(2024, 6, 4))
    assert selectors.problems_for(world.dept).filter(pk=p.pk).exists()
    assert not selectors.problems_for(world.eco_dept).filter(pk=p.pk).exists()


def test_problem_from_monthly_report(world):
    report = save_report(project=world.project, year=2024, month=5, amount=100,
                         problems_text="供电线路未接入, 影响设备调试\n另: 用工缺口 30 人", today=datetime.date(2024, 6, 3), actor=SYSTEM)
    p = services.problem_from_report(actor=world.reporter, report=report, category=world.category("水电气"),
                                     now=at(2024, 6, 3))
    assert p.title == "供电线路未接入, 影响设备调试" and p.source == "report" and p.report == report
    assert "用工缺口" in p.description
    empty = save_report(project=world.project, year=2024, month=4, amount=100, today=datetime.date(2024, 6, 3), actor=SYSTEM)
    with pytest.raises(InputError):
        services.problem_from_report(actor=world.reporter, report=empty, category=world.category(), now=at(2024, 6, 3))
