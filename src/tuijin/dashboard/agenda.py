"""The weekly dispatch agenda (周调度): what the system drafts for a city's week, over the projects the user may
see — the problems app's new and overdue problems, milestones, 百日开工 and open decisions, with the lagging
projects of the traffic lights (indicators.lights, by the city's rules) and the stalled leads and contracts of
attraction. Here, above the figures, because it reads the lights (docs/architecture.md, "Layers"); the problems
app keeps the meetings themselves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from tuijin.orgs.models import OrgUnit
from tuijin.problems.models import OPEN_STATUSES, Decision, Meeting, Problem
from tuijin.problems.selectors import (
    monday_of,
    problems_for,
    start_countdowns,
    visible_cities,
    visible_decisions,
)
from tuijin.projects import scoping
from tuijin.projects.models import ListEntry, Milestone, Project, Stage, StageEvent

AGENDA_SECTIONS = [
    ("new_problems", "一、本周新提出问题"),
    ("overdue_problems", "二、逾期未办结问题"),
    ("lagging", "三、进度滞后项目 (红黄灯)"),
    ("planned_starts", "四、本月计划开工尚未开工项目"),
    ("milestones", "五、本周及下周到期未完成节点"),
    ("start_deadline", "六、签约超过百日未开工项目"),
    ("decisions", "七、前期决定事项未落实"),
    ("stalled_leads", "八、长期未推进的招商线索"),  # only when tuijin.attraction is installed and finds any
    ("stalled_contracts", "九、逾期未履约的签约项目"),  # likewise
]


@dataclass
class AgendaItem:
    project: Project | None
    text: str
    problem: Problem | None = None
    decision: Decision | None = None
    detail: str = ""


@dataclass
class Agenda:
    city: OrgUnit
    week_start: datetime.date
    week_end: datetime.date
    sections: dict[str, list[AgendaItem]] = field(default_factory=dict)
    lights_period: object = None
    notes: list[str] = field(default_factory=list)

    @property
    def titled_sections(self):
        return [(key, title, self.sections.get(key, [])) for key, title in AGENDA_SECTIONS]

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.sections.values())


def weekly_agenda(user, city: OrgUnit, week_start: datetime.date) -> Agenda:
    """The agenda the system drafts for the week starting on `week_start` (moved back to its Monday), as of
    its Sunday, over the projects of the city the user may see:

    - new problems: raised during the week;
    - overdue problems: assigned and not answered, deadline before the Sunday;
    - lagging projects: red or yellow by the city's traffic-light rules, year to date through the latest month
      of the Sunday's year with city-accepted reports (no such month: the section is empty, with a note);
    - planned starts: on a list of the Sunday's year, planned to start in the Sunday's month, not started by it;
    - milestones: planned within the week or the next, not reached;
    - 百日开工: signed, not started, more days since signing than the city's limit on the Sunday;
    - decisions: open meeting decisions (of earlier meetings) due by the Sunday;
    - with tuijin.attraction, and only when there are any: stalled leads, and signed contracts with an agreed
      milestone or funds instalment overdue longer than ATTRACTION_STALLED_DAYS on the Sunday.
    Statuses are today's (a problem answered since the week ended is no longer open)."""
    if not scoping.can(user, scoping.READ) or not visible_cities(user).filter(pk=city.pk).exists():
        raise Http404("城市不在您的权限范围内")
    start = monday_of(week_start)
    end = start + datetime.timedelta(days=6)
    agenda = Agenda(city, start, end)
    projects = scoping.projects_for(user).filter(unit__path__startswith=city.path)
    problems = problems_for(user).filter(project__unit__path__startswith=city.path).order_by("project__code", "id")
    tz = timezone.get_current_timezone()
    day0 = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    day8 = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)

    agenda.sections["new_problems"] = [
        AgendaItem(p.project, f"[{p.category}] {p.title}", problem=p,
                   detail=f"{p.get_status_display()}; 提出 {timezone.localtime(p.raised_at):%m-%d}")
        for p in problems.filter(raised_at__gte=day0, raised_at__lt=day8)]
    agenda.sections["overdue_problems"] = [
        AgendaItem(p.project, f"[{p.category}] {p.title}", problem=p,
                   detail=f"牵头 {p.lead_department}; 时限 {p.deadline:%Y-%m-%d}, 逾期 {(end - p.deadline).days} 天"
                          + (f"; {p.get_level_display()}" if p.level else ""))
        for p in problems.filter(status__in=OPEN_STATUSES, deadline__lt=end).order_by("deadline", "id")]
    agenda.sections["lagging"] = _lagging(user, city, end, agenda)

    started_by_end = StageEvent.objects.filter(project=OuterRef("project_id"), stage=Stage.STARTED,
                                               date__lte=end)
    entries = (ListEntry.objects.filter(project__in=projects, year=end.year, planned_new_start=True,
                                        planned_start_month=end.month)
               .filter(~Exists(started_by_end)).select_related("project", "annual_list")
               .order_by("project__code", "annual_list__rank"))
    seen, starts = set(), []
    for e in entries:
        if e.project_id in seen:
            continue
        seen.add(e.project_id)
        starts.append(AgendaItem(e.project, e.project.name, detail=f"{e.annual_list.name}, 计划 {e.planned_start_month} 月开工"))
    agenda.sections["planned_starts"] = starts

    ms = (Milestone.objects.filter(project__in=projects, actual_date__isnull=True, planned_date__gte=start,
                                   planned_date__lte=end + datetime.timedelta(days=7))
          .select_related("project").order_by("planned_date", "project__code"))
    agenda.sections["milestones"] = [
        AgendaItem(m.project, f"{m.project.name}: {m.get_kind_display()}", detail=f"计划 {m.planned_date:%Y-%m-%d}")
        for m in ms]

    countdowns = start_countdowns(projects, end)
    late = {pid: c for pid, c in countdowns.items() if c.overdue}
    by_id = Project.objects.in_bulk(list(late))
    agenda.sections["start_deadline"] = [
        AgendaItem(by_id[pid], by_id[pid].name,
                   detail=f"签约 {c.signed_on:%Y-%m-%d}, 已 {c.days_since} 天, 超期 {-c.days_left} 天")
        for pid, c in sorted(late.items(), key=lambda t: (t[1].signed_on, by_id[t[0]].code))]

    decisions = (visible_decisions(user, Decision.objects.filter(meeting__city=city, state=Decision.State.OPEN,
                                                                 deadline__lte=end))
                 .exclude(meeting__kind=Meeting.Kind.WEEKLY, meeting__week_start=start)
                 .select_related("owner", "meeting", "project").order_by("deadline", "id"))
    agenda.sections["decisions"] = [
        AgendaItem(d.project, d.text, decision=d,
                   detail=f"{d.meeting.title}; 责任单位 {d.owner}; 时限 {d.deadline:%Y-%m-%d}")
        for d in decisions]
    stalled = _stalled_leads(user, city, end)
    if stalled:
        agenda.sections["stalled_leads"] = stalled
    overdue = _stalled_contracts(user, city, end)
    if overdue:
        agenda.sections["stalled_contracts"] = overdue
    return agenda


def _stalled_leads(user, city: OrgUnit, end: datetime.date) -> list[AgendaItem]:
    """招商线索 with no step or contact for longer than the setting (issue 11)."""
    from tuijin.attraction.selectors import stalled_leads

    return [AgendaItem(None, f"{lead.unit.name}: {lead.title} ({lead.investor})",
                       detail=f"{lead.get_stage_display()}; 最近推进 {lead.last_activity:%Y-%m-%d}, "
                              f"已 {(end - lead.last_activity).days} 天")
            for lead in stalled_leads(user, city, end)]


def _stalled_contracts(user, city: OrgUnit, end: datetime.date) -> list[AgendaItem]:
    """签约项目 with an agreed milestone or funds instalment overdue longer than the setting (issue 11)."""
    from tuijin.core.numbers import NumberStyle, yi_text
    from tuijin.indicators.attraction import stalled_contracts
    from tuijin.orgs.selectors import conventions_for

    style = NumberStyle.of(conventions_for(city, timezone.localdate().year))

    def wan_yi(amount):
        return yi_text(amount, style)

    items = []
    for s in stalled_contracts(user, city, end):
        c = s.contract
        parts = [f"约定{m.get_kind_display()} {m.due_date:%Y-%m-%d} 未完成, 逾期 {(end - m.due_date).days} 天"
                 for m in s.milestones]
        if s.instalment is not None:
            i = s.instalment
            parts.append(f"约定 {i.due_date:%Y-%m-%d} 累计到位资金 {wan_yi(i.due_through)} 亿元, 实际到位 "
                         f"{wan_yi(i.arrived)} 亿元, 逾期 {(end - i.due_date).days} 天")
        items.append(AgendaItem(c.project, f"{c.project.unit.name}: {c.project.name} ({c.get_kind_display()} "
                                           f"{c.signed_on:%Y-%m-%d})", detail="; ".join(parts)))
    return items


def _lagging(user, city: OrgUnit, end: datetime.date, agenda: Agenda) -> list[AgendaItem]:
    """The red and yellow projects of the traffic lights, for the month the lights open on: the latest closed
    month (progress.selectors.closed_through: its period locked, or every listed report accepted) no later than
    the week, whatever its year, so the agenda and the lights page agree."""
    from tuijin.core.periods import Period
    from tuijin.indicators import lights
    from tuijin.indicators.scope import Scope
    from tuijin.progress.selectors import month_statuses

    q = scoping.project_q(user, scoping.READ)
    if q is None:
        return []
    scope = Scope(city, restrict=q, restrict_label="")
    statuses = [s for s in month_statuses(scope.project_q(), city) if s.through <= (end.year, end.month)]
    chosen = next((s for s in statuses if s.closed), statuses[0] if statuses else None)
    if chosen is None:
        agenda.notes.append(f"截至 {end.year}年{end.month}月尚无市级确认的月报, 未列进度滞后项目")
        return []
    from tuijin.dashboard.selectors import rules_for

    rules, _ = rules_for(city)
    period = Period.year_to_date(chosen.year, chosen.month)
    agenda.lights_period = period
    report = lights.light_report(scope, period, rules)
    flagged = {pid: light for pid, light in report.projects.items() if light.level in (lights.RED, lights.YELLOW)}
    by_id = Project.objects.in_bulk(list(flagged))
    items = [AgendaItem(by_id[pid], by_id[pid].name, detail=f"{light.label}: {light.reason}")
             for pid, light in flagged.items()]
    items.sort(key=lambda i: (-lights.LEVEL_RANK[flagged[i.project.pk].level], i.project.code))
    return items
