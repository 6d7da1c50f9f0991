"""Done-when: the weekly agenda for a hand-made week (10-16 June 2024) lists exactly the items its rules
select, and its .docx (and the minutes') opens with python-docx and contains them. Also the 百日开工 countdown
and a joint review session."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.dashboard.agenda import weekly_agenda
from tuijin.dashboard.agenda_export import agenda_docx, minutes_docx
from tuijin.problems import selectors, services
from tuijin.problems.models import Decision, Status
from tuijin.projects.models import Stage
from tuijin.projects.services import record_milestone

from .conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date
WEEK = D(2024, 6, 12)  # a Wednesday: the week is 10-16 June


def _text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
def week(world):
    cat = world.category
    mk = lambda name, **kw: f.project(world.jia, name=name, **kw)  # noqa: E731
    w = {}
    # problems
    w["new"] = services.raise_problem(actor=world.district, project=world.project, category=cat("融资"),
                                      title="本周新提出: 贷款授信未批", now=at(2024, 6, 11))
    services.raise_problem(actor=world.district, project=world.project, category=cat("用工"),
                           title="上周提出: 用工缺口", now=at(2024, 6, 5))
    late = services.raise_problem(actor=world.district, project=world.project, category=cat("审批"),
                                  title="逾期: 施工许可未办", now=at(2024, 6, 5))
    w["overdue"] = services.assign(actor=world.district, problem=late, lead_department=world.land_bureau,
                                   deadline=D(2024, 6, 12), now=at(2024, 6, 5))
    ok = services.raise_problem(actor=world.district, project=world.project, category=cat("审批"),
                                title="未到期: 图审", now=at(2024, 6, 5))
    services.assign(actor=world.district, problem=ok, lead_department=world.land_bureau, deadline=D(2024, 6, 20),
                    now=at(2024, 6, 5))
    answered = services.raise_problem(actor=world.district, project=world.project, category=cat("环保"),
                                      title="已办结: 环评", now=at(2024, 6, 5))
    answered = services.assign(actor=world.district, problem=answered, lead_department=world.eco_bureau,
                               deadline=D(2024, 6, 7), now=at(2024, 6, 5))
    answered = services.start(actor=world.eco_dept, problem=services.sign(actor=world.eco_dept, problem=answered,
                                                                          now=at(2024, 6, 5)), now=at(2024, 6, 5))
    services.answer(actor=world.eco_dept, problem=answered, text="已批复", now=at(2024, 6, 6))

    # lights: through May (the latest accepted month of 2024), schedule share 5/12
    lst = f.annual_list(world.city)
    w["red"] = mk("滞后项目")  # 5% of plan: red
    f.entry(lst, w["red"], plan=1000, continuing=True)
    f.reports(w["red"], 2024, [10] * 5)
    good = mk("正常项目")  # 50%: green
    f.entry(lst, good, plan=1000, continuing=True)
    f.reports(good, 2024, [100] * 5)
    w["missed"] = mk("四月应开工项目")  # planned start April, not started by May: yellow (missed 2 months)
    f.entry(lst, w["missed"], plan=0, planned_new_start=True, planned_start_month=4)
    # planned starts this month (June), not started by 16 June
    w["june"] = mk("六月计划开工项目")
    f.entry(lst, w["june"], plan=0, planned_new_start=True, planned_start_month=6)
    june_started = mk("六月已开工项目", stages={Stage.SIGNED: D(2024, 3, 1), Stage.STARTED: D(2024, 6, 3)})
    f.entry(lst, june_started, plan=0, planned_new_start=True, planned_start_month=6)
    # milestones
    record_milestone(project=good, kind="permit", planned_date=D(2024, 6, 20), actor=SYSTEM)
    record_milestone(project=good, kind="topped_out", planned_date=D(2024, 6, 30), actor=SYSTEM)
    record_milestone(project=w["red"], kind="land", planned_date=D(2024, 6, 12), actual_date=D(2024, 6, 11), actor=SYSTEM)
    # 百日开工
    w["late_start"] = mk("签约超百日项目", stages={Stage.SIGNED: D(2024, 2, 1)})
    mk("签约未满百日项目", stages={Stage.SIGNED: D(2024, 4, 1)})
    mk("已开工项目", stages={Stage.SIGNED: D(2024, 1, 1), Stage.STARTED: D(2024, 3, 1)})
    # decisions of an earlier meeting
    earlier = services.create_weekly_meeting(actor=world.admin, city=world.city, week_start=D(2024, 6, 3),
                                             now=at(2024, 6, 3))
    w["decision"] = services.add_decision(actor=world.admin, meeting=earlier, text="协调供电公司接入",
                                          owner=world.land_bureau, deadline=D(2024, 6, 14), now=at(2024, 6, 3))
    services.add_decision(actor=world.admin, meeting=earlier, text="下月再议", owner=world.jia,
                          deadline=D(2024, 6, 30), now=at(2024, 6, 3))
    done = services.add_decision(actor=world.admin, meeting=earlier, text="已落实事项", owner=world.land_bureau,
                                 deadline=D(2024, 6, 10), now=at(2024, 6, 3))
    services.complete_decision(actor=world.dept, decision=done, result="已办", now=at(2024, 6, 8))
    return w


def test_agenda_lists_exactly_what_its_rules_select(world, week):
    agenda = weekly_agenda(world.admin, world.city, WEEK)
    assert (agenda.week_start, agenda.week_end) == (D(2024, 6, 10), D(2024, 6, 16))
    got = {k: [i.text for i in v] for k, v in agenda.sections.items()}
    assert got == {
        "new_problems": ["[融资] 本周新提出: 贷款授信未批"],
        "overdue_problems": ["[审批] 逾期: 施工许可未办"],
        "lagging": ["滞后项目", "四月应开工项目"],
        "planned_starts": ["六月计划开工项目"],
        "milestones": ["正常项目: 施工许可"],
        "start_deadline": ["签约超百日项目"],
        "decisions": ["协调供电公司接入"],
    }
    assert agenda.sections["lagging"][0].detail.startswith("红灯")
    assert agenda.sections["lagging"][1].detail.startswith("黄灯")
    assert "超期 36 天" in agenda.sections["start_deadline"][0].detail  # 136 days since 1 Feb, limit 100

    text = _text(agenda_docx(agenda))
    for items in agenda.sections.values():
        for item in items:
            assert item.text in text
    for absent in ("上周提出: 用工缺口", "未到期: 图审", "已办结: 环评", "签约未满百日项目",
                   "六月已开工项目", "下月再议", "已落实事项"):
        assert absent not in text
    assert "2024年06月10日 至 2024年06月16日" in text


def test_agenda_scope(world, week):
    from django.http import Http404

    with pytest.raises(Http404):
        weekly_agenda(world.outsider, world.city, WEEK)
    # another district sees none of 甲区's items
    agenda = weekly_agenda(world.other_district, world.city, WEEK)
    assert all(not v for k, v in agenda.sections.items() if k != "decisions")


def test_meeting_minutes_and_decisions_docx(world, week):
    meeting = services.create_weekly_meeting(actor=world.admin, city=world.city, week_start=WEEK,
                                             held_on=D(2024, 6, 12), chair="常务副市长", attendees="各板块、各部门",
                                             minutes="会议听取了重大项目推进情况。", now=at(2024, 6, 12))
    assert meeting.week_start == D(2024, 6, 10)
    d = services.add_decision(actor=world.admin, meeting=meeting, problem=week["overdue"],
                              text="自然资源局本周内办结施工许可", owner=world.land_bureau, deadline=D(2024, 6, 19),
                              now=at(2024, 6, 12))
    assert d.project == world.project and d.state == Decision.State.OPEN
    board = selectors.department_board(world.dept, world.land_bureau, D(2024, 6, 12))
    assert d in board.decisions
    text = _text(minutes_docx(meeting, weekly_agenda(world.admin, world.city, WEEK)))
    bare = docx.Document(io.BytesIO(minutes_docx(meeting)))  # without the agenda attached
    assert round(bare.sections[0].page_width.mm) == 210 and bare.tables[0].rows[0].cells[1].text == "决定事项"
    assert bare.core_properties.author == f"{world.city.name}重大项目建设推进办公室"
    assert "会议听取了重大项目推进情况。" in text and "自然资源局本周内办结施工许可" in text
    assert "测试市自然资源和规划局" in text and "逾期: 施工许可未办" in text
    from tuijin.core.errors import InputError

    with pytest.raises(InputError):  # one weekly meeting per week
        services.create_weekly_meeting(actor=world.admin, city=world.city, week_start=D(2024, 6, 14),
                                       now=at(2024, 6, 12))
    with pytest.raises(PermissionDenied):
        services.create_weekly_meeting(actor=world.district, city=world.city, week_start=D(2024, 6, 17),
                                       now=at(2024, 6, 12))


def test_joint_review_moves_each_problem(world, week):
    raised = week["new"]
    meeting = services.joint_review(
        actor=world.admin, city=world.city, held_on=D(2024, 6, 13),
        departments_present=[world.land_bureau, world.eco_bureau],
        items=[{"problem": raised, "decision": "由自然资源局牵头协调授信", "owner": world.land_bureau,
                "deadline": D(2024, 6, 28), "outcome": "assign"},
               {"problem": week["overdue"], "decision": "会议明确按容缺受理办理施工许可", "outcome": "answer"}],
        now=at(2024, 6, 13))
    raised.refresh_from_db()
    week["overdue"].refresh_from_db()
    assert raised.status == Status.ASSIGNED and raised.lead_department == world.land_bureau
    assert week["overdue"].status == Status.ANSWERED and "容缺受理" in week["overdue"].answer
    assert meeting.decisions.count() == 2 and set(meeting.departments_present.all()) == {world.land_bureau,
                                                                                          world.eco_bureau}
    from tuijin.core.errors import InputError

    with pytest.raises(InputError):  # a department of another city cannot be present
        services.joint_review(actor=world.admin, city=world.city, held_on=D(2024, 6, 13),
                              departments_present=[world.other_bureau],
                              items=[{"problem": raised, "decision": "x", "outcome": "note"}], now=at(2024, 6, 13))


def test_start_countdown(world):
    p = f.project(world.jia, stages={Stage.SIGNED: D(2024, 3, 1)})
    c = selectors.start_countdown(p, D(2024, 4, 10))
    assert (c.days_since, c.days_left, c.overdue) == (40, 60, False)
    c = selectors.start_countdown(p, D(2024, 6, 10))
    assert (c.days_since, c.days_left, c.overdue) == (101, -1, True)
    f.config(world.city, start_deadline_days=120)
    assert selectors.start_countdown(p, D(2024, 6, 10)).days_left == 19
    assert selectors.start_countdown(world.project, D(2024, 6, 10)) is None  # not signed
    assert set(selectors.start_countdowns([p.pk, world.project.pk], D(2024, 6, 10))) == {p.pk}


def test_agenda_docx_prints_on_a4_with_page_numbers_and_repeated_headers(world, week):
    """公文 layout (GB/T 9704): A4, margins 37/35/28/26 mm, 第 X 页 共 Y 页 in the footer, each table's header row
    repeated on every page and no row split across pages, the city's office as the author."""
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(agenda_docx(weekly_agenda(world.admin, world.city, WEEK))))
    (section,) = doc.sections
    mm = lambda *v: tuple(round(x.mm, 1) for x in v)  # noqa: E731
    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    fields = [f.get(qn("w:instr")).strip() for f in section.footer.paragraphs[0]._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"] and section.footer.paragraphs[0].text.startswith("第 ")
    assert len(doc.tables) == 7  # one a section with items
    for table in doc.tables:
        assert table.rows[0].cells[0].text == "序号"
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    assert doc.core_properties.author == f"{world.city.name}重大项目建设推进办公室"
    assert doc.core_properties.title == f"{world.city.name}重大项目周调度会议程"


def test_the_agenda_docx_is_on_a4_paper(week, world):
    import io

    from docx import Document

    from tuijin.dashboard.agenda_export import agenda_docx

    agenda = weekly_agenda(world.admin, world.city, WEEK)
    doc = Document(io.BytesIO(agenda_docx(agenda)))
    assert {(round(s.page_width.mm), round(s.page_height.mm)) for s in doc.sections} == {(210, 297)}


def test_lagging_uses_the_lights_month_not_the_weeks_calendar_year(week, world):
    """A week in January 2025, before any 2025 report: the lagging section still lists the red and yellow
    projects of the last closed month (May 2024), as the lights page opens on it, and says so."""
    agenda = weekly_agenda(world.admin, world.city, D(2025, 1, 8))
    assert agenda.lights_period.label == weekly_agenda(world.admin, world.city, WEEK).lights_period.label
    assert [i.text for i in agenda.sections["lagging"]] == ["滞后项目", "四月应开工项目"]


def test_a_long_section_shows_its_first_rows_and_opens_in_full(client, week, world):
    """24 more projects signed on 1 February and not started: 25 in 百日开工 on 16 June; the page shows 20 and a
    link to all 25; ?full=start_deadline shows every one."""
    for i in range(24):
        f.project(world.jia, name=f"超期项目{i:02d}", stages={Stage.SIGNED: D(2024, 2, 1)})
    client.force_login(world.admin)
    url = f"/problems/weekly/?city={world.city.pk}&week=2024-06-12"
    page = client.get(url).content.decode()
    section = page[page.index('id="agenda-start_deadline"'):]
    section = section[:section.index("</section>")]
    assert "(25)" in section and section.count("<tr><td>") == 20
    assert "显示全部 25 项 (另 5 项)" in section and "full=start_deadline" in section
    page = client.get(url + "&full=start_deadline").content.decode()
    section = page[page.index('id="agenda-start_deadline"'):]
    assert section[:section.index("</section>")].count("<tr><td>") == 25


def test_a_long_section_prints_its_first_30_rows_in_the_docx_and_says_how_many_more(week, world):
    """34 more projects signed on 1 February and not started: 35 in 百日开工; the .docx table holds 30 of them
    (plus its header row) and a line says 5 more are in the system."""
    import io

    from docx import Document

    from tuijin.dashboard.agenda_export import agenda_docx

    for i in range(34):
        f.project(world.jia, name=f"超期项目{i:02d}", stages={Stage.SIGNED: D(2024, 2, 1)})
    agenda = weekly_agenda(world.admin, world.city, D(2024, 6, 12))
    assert len(agenda.sections["start_deadline"]) == 35
    doc = Document(io.BytesIO(agenda_docx(agenda)))
    assert max(len(t.rows) for t in doc.tables) == 31
    assert "另有 5 项未列出 (共 35 项), 完整清单见系统“周调度”页面。" in [p.text for p in doc.paragraphs]
