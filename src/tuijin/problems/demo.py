"""Demo of 问题协调: in 镇江市 and 苏州市, problems of every category and every state (some overdue and
escalated), one from a monthly report's 存在问题 when a report has one, one weekly dispatch meeting (last week)
with minutes and decisions, and one joint review session. Everything goes through the services, dated
relative to today so that deadlines are live; it uses only what the demo already built (projects, the
departments under each city, users when the demo users exist (demo.users))."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from tuijin.accounts.models import Role, User
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.progress.models import MonthlyReport
from tuijin.projects.models import Project

from . import services
from .models import Level, ProblemCategory, Status

# Which department leads each category (matched by the end of the department's name).
LEADS = {"用地": "自然资源和规划局", "环保": "生态环境局", "融资": "地方金融管理局", "审批": "发展和改革委员会",
         "拆迁": "住房和城乡建设局", "水电气": "工业和信息化局", "用工": "商务局", "其他": "发展和改革委员会"}
TITLES = {
    "用地": ["新增建设用地指标未落实", "土地征收报批进度慢"],
    "环保": ["环评批复尚未取得", "排污总量指标需调剂"],
    "融资": ["银行授信审批周期长", "项目贷款利率偏高, 需政银企对接"],
    "审批": ["施工许可证办理受阻", "节能审查意见未出具"],
    "拆迁": ["地块内 3 户未签订拆迁协议", "高压线迁改未完成"],
    "水电气": ["35kV 专线接入时间未确定", "天然气管网未通达厂区"],
    "用工": ["技术工人缺口约 80 人", "外来务工人员住宿保障不足"],
    "其他": ["周边道路未按期建成", "企业诉求: 出口退税进度"],
}
STATES = [Status.RAISED, Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED]


def _system_actor() -> User:
    """The demo acts as the platform operator (an unsaved superuser: audited as 演示数据, no account made)."""
    return User(username="演示数据", is_superuser=True, is_active=True)


def _departments(city: OrgUnit) -> dict[str, OrgUnit]:
    depts = list(OrgUnit.objects.subtree(city).filter(kind=UnitKind.DEPARTMENT).order_by("path"))
    out = {}
    for cat, suffix in LEADS.items():
        out[cat] = next((d for d in depts if d.name.endswith(suffix)), depts[0] if depts else None)
    return out


def _at(today: datetime.date, days_ago: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago),
                                                         datetime.time(hour, 0)))


def _drive(actor, problem, state, *, lead, coop, deadline, assigned_days_ago, today):
    """Move a raised problem on to `state`, each step a day after the previous."""
    if state == Status.RAISED:
        return problem
    t = assigned_days_ago
    problem = services.assign(actor=actor, problem=problem, lead_department=lead, deadline=deadline,
                              cooperating=coop, note="请按时限办结", now=_at(today, t))
    if state == Status.ASSIGNED:
        return problem
    problem = services.sign(actor=actor, problem=problem, now=_at(today, t - 1))
    if state == Status.SIGNED:
        return problem
    problem = services.start(actor=actor, problem=problem, note="已会同板块现场对接", now=_at(today, t - 2))
    if state == Status.IN_PROGRESS:
        return problem
    problem = services.answer(actor=actor, problem=problem, text="经协调已解决, 相关手续已办结, 请项目单位确认。",
                              now=_at(today, t - 3))
    if state == Status.ANSWERED:
        return problem
    return services.close(actor=actor, problem=problem, note="项目单位确认已解决", now=_at(today, t - 4))


def _city_problems(actor, city: OrgUnit, today: datetime.date, offset: int) -> list:
    depts = _departments(city)
    if not any(depts.values()):
        return []
    projects = list(Project.objects.filter(unit__path__startswith=city.path).exclude(unit=city)
                    .order_by("id")[:40])
    if not projects:
        return []
    cats = list(ProblemCategory.objects.filter(active=True).order_by("sort_order"))
    made = []
    j = 0
    for ci, cat in enumerate(cats):
        for k, title in enumerate(TITLES.get(cat.name, [f"{cat.name}问题"])[:2]):
            state = STATES[(ci * 2 + k + offset) % len(STATES)]
            project = projects[(j * 3 + offset) % len(projects)]
            raised_ago = 45 - j
            p = services.raise_problem(actor=actor, project=project, category=cat, title=title,
                                       description=f"{project.name}: {title}。（演示）", now=_at(today, raised_ago))
            # Open problems alternate between overdue (deadline passed) and still running.
            overdue = state in (Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS) and j % 2 == 0
            assigned_ago = raised_ago - 1
            deadline = today - datetime.timedelta(days=3 + 3 * (j % 4)) if overdue \
                else today + datetime.timedelta(days=2 + 5 * (j % 4))
            lead = depts[cat.name]
            coop = [d for d in {depts["审批"], depts["其他"]} if d is not None and d != lead][:1]
            made.append(_drive(actor, p, state, lead=lead, coop=coop, deadline=deadline,
                               assigned_days_ago=assigned_ago, today=today))
            j += 1
    report = (MonthlyReport.objects.filter(project__unit__path__startswith=city.path).exclude(problems_text="")
              .order_by("-year", "-month", "id").first())
    if report is not None:
        made.append(services.problem_from_report(actor=actor, report=report, category=cats[-1],
                                                 now=_at(today, 2)))
    return made


def _link_leaders(city: OrgUnit) -> None:
    leader = User.objects.filter(role=Role.CITY_LEADER, unit=city, is_active=True).order_by("id").first()
    if leader is None:
        return
    operator = _system_actor()
    names = set(Project.objects.filter(unit__path__startswith=city.path).exclude(responsible_leader="")
                .values_list("responsible_leader", flat=True).distinct())
    for name in sorted(names):
        services.link_leader(actor=operator, city=city, leader_name=name, user=leader)
    services.set_escalation_rule(actor=operator, city=city, level=Level.CITY, days_overdue=1)
    services.set_escalation_rule(actor=operator, city=city, level=Level.LEADER, days_overdue=8, leader=leader)


def _meetings(actor, city: OrgUnit, problems: list, today: datetime.date) -> None:
    last_week = today - datetime.timedelta(days=7)
    monday = last_week - datetime.timedelta(days=last_week.weekday())
    meeting = services.create_weekly_meeting(
        actor=actor, city=city, week_start=monday, held_on=monday + datetime.timedelta(days=1),
        chair="常务副市长", attendees="市发展改革委、市各有关部门、各板块分管负责同志",
        minutes=("会议听取了全市重大项目推进情况和问题办理情况的汇报。\n"
                 "会议要求: 逾期问题由牵头部门本周内办结; 签约超过百日未开工项目逐一明确开工时间; "
                 "进度滞后项目由板块制定赶超措施。（演示）"),
        now=_at(monday, 0, 8))
    now = _at(monday, -1, 18)
    open_ones = [p for p in problems if p.status in (Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS)][:3]
    for p in open_ones:
        services.add_decision(actor=actor, meeting=meeting, problem=p, owner=p.lead_department,
                              text=f"{p.lead_department.name}牵头, 于时限内办结「{p.title}」并报市重大办",
                              deadline=max(today + datetime.timedelta(days=5), monday + datetime.timedelta(days=8)),
                              now=now)
    district = OrgUnit.objects.filter(parent=city).exclude(kind=UnitKind.DEPARTMENT).order_by("sort_order", "id").first()
    if district is not None:
        services.add_decision(actor=actor, meeting=meeting, owner=district,
                              text=f"{district.name}对进度滞后项目制定赶超计划, 下周调度会汇报",
                              deadline=monday + datetime.timedelta(days=9), now=now)
    raised = [p for p in problems if p.status == Status.RAISED][:2]
    if raised:
        depts = _departments(city)
        services.joint_review(
            actor=actor, city=city, held_on=today, title=f"{city.name}重大项目联审会办（演示）",
            departments_present=[d for d in {depts["用地"], depts["环保"], depts["审批"]} if d is not None],
            items=[{"problem": p, "decision": "会议明确由牵头部门限期办理", "owner": depts[p.category.name],
                    "deadline": today + datetime.timedelta(days=14), "outcome": "assign"} for p in raised[:1]],
            minutes="联审会办议定事项如下。（演示）", now=_at(today, 0, 10))


@transaction.atomic
def build_problems_demo(*, zhenjiang: OrgUnit, suzhou: OrgUnit, today: datetime.date | None = None) -> dict:
    """Build the problems demo for both cities; returns counts for the builder's progress line."""
    services.ensure_categories()
    today = today or timezone.localdate()
    actor = _system_actor()
    counts = {}
    for offset, city in enumerate((zhenjiang, suzhou)):
        if city is None:
            continue
        _link_leaders(city)
        problems = _city_problems(actor, city, today, offset)
        if problems:
            _meetings(actor, city, problems, today)
        escalated = services.run_escalation(now=_at(today, 0, 8), city=city)
        counts[city.name] = {"problems": len(problems), "escalated": len(escalated)}
    return counts
