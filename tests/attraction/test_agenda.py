"""Stalled leads (no step or contact for longer than ATTRACTION_STALLED_DAYS) on the weekly dispatch agenda."""

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.attraction.services import log_contact, move_lead
from tuijin.problems.selectors import weekly_agenda

from .conftest import D, lead


def test_stalled_leads_are_on_the_weekly_agenda(town, settings):
    settings.ATTRACTION_STALLED_DAYS = 30
    admin = f.user("city_admin", town.city, Role.CITY_ADMIN)
    old = lead(town.jia, title="久未推进项目", when=D(2024, 3, 1))  # last step 1 March: stalled by 10 June
    talked = lead(town.yi, investor="别家公司", title="近期洽谈项目", when=D(2024, 3, 1))
    log_contact(lead=talked, date=D(2024, 6, 1), note="电话沟通")  # a contact within 30 days: not stalled
    moved = lead(town.jia, investor="第三公司", title="放弃项目", when=D(2024, 3, 1))
    move_lead(lead=moved, stage="abandoned", date=D(2024, 3, 5), reason="投资方撤回")  # closed: not listed
    agenda = weekly_agenda(admin, town.city, D(2024, 6, 10))
    items = agenda.sections["stalled_leads"]
    assert [i.text for i in items] == ["甲区: 久未推进项目 (星河科技有限公司)"]
    assert items[0].detail == "线索; 最近推进 2024-03-01, 已 107 天"  # to Sunday 16 June
    assert old.stage == "lead"
    settings.ATTRACTION_STALLED_DAYS = 200
    assert "stalled_leads" not in weekly_agenda(admin, town.city, D(2024, 6, 10)).sections
