"""Stalled leads (no step or contact for longer than ATTRACTION_STALLED_DAYS) on the weekly dispatch agenda."""

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction.services import log_contact, move_lead
from tuijin.dashboard.agenda import weekly_agenda

from .conftest import D, lead


def test_stalled_leads_are_on_the_weekly_agenda(town, settings):
    settings.ATTRACTION_STALLED_DAYS = 30
    admin = f.user("city_admin", town.city, Role.CITY_ADMIN)
    old = lead(town.jia, title="久未推进项目", when=D(2024, 3, 1))  # last step 1 March: stalled by 10 June
    talked = lead(town.yi, investor="别家公司", title="近期洽谈项目", when=D(2024, 3, 1))
    log_contact(lead=talked, date=D(2024, 6, 1), note="电话沟通", actor=SYSTEM)  # a contact within 30 days: not stalled
    moved = lead(town.jia, investor="第三公司", title="放弃项目", when=D(2024, 3, 1))
    move_lead(lead=moved, stage="abandoned", date=D(2024, 3, 5), reason="投资方撤回", actor=SYSTEM)  # closed: not listed
    agenda = weekly_agenda(admin, town.city, D(2024, 6, 10))
    items = agenda.sections["stalled_leads"]
    assert [i.text for i in items] == ["甲区: 久未推进项目 (星河科技有限公司)"]
    assert items[0].detail == "线索; 最近推进 2024-03-01, 已 107 天"  # to Sunday 16 June
    assert old.stage == "lead"
    settings.ATTRACTION_STALLED_DAYS = 200
    assert "stalled_leads" not in weekly_agenda(admin, town.city, D(2024, 6, 10)).sections


def test_contracts_overdue_longer_than_the_setting_are_on_the_weekly_agenda(town, settings, client,
                                                                            django_assert_max_num_queries):
    """Agenda of the week of 10 June 2024, as of Sunday 16 June; 30 days: due before 17 May and not reached."""
    from tuijin.attraction.services import record_funds_arrival, record_milestone_reached
    from tuijin.indicators.attraction import stalled_contracts
    from tuijin.projects.models import Stage
    from tuijin.projects.services import record_stage

    from .conftest import contract

    settings.ATTRACTION_STALLED_DAYS = 30
    # 开工 due 1 March, never started (107 days); 注册 reached on time; 5000 due 31 March, 2000 arrived (77 days).
    over = contract(town.jia, "逾期公司", D(2024, 1, 10), 10000, {"registered": D(2024, 2, 1), "started": D(2024, 3, 1)},
                    [(D(2024, 3, 31), 5000)])
    record_milestone_reached(contract=over, kind="registered", actual_date=D(2024, 1, 25), actor=SYSTEM)
    record_funds_arrival(contract=over, date=D(2024, 4, 1), amount=2000, source="domestic", actor=SYSTEM)
    # Funds only: 3000 due 1 March and 3000 due 1 April, 4000 arrived by then (and 2000 after the Sunday): the
    # first is covered, the second not (cumulative 6000 > 4000): overdue since 1 April, 76 days.
    funds = contract(town.jia, "欠资公司", D(2024, 1, 12), 8000, None, [(D(2024, 3, 1), 3000), (D(2024, 4, 1), 3000)])
    record_funds_arrival(contract=funds, date=D(2024, 3, 20), amount=4000, source="domestic", actor=SYSTEM)
    record_funds_arrival(contract=funds, date=D(2024, 7, 1), amount=2000, source="domestic", actor=SYSTEM)
    # Overdue by fewer days than the setting: 开工 due 1 June (15 days), 1000 due 20 May (27 days): not listed.
    short = contract(town.jia, "新近公司", D(2024, 2, 1), 5000, {"started": D(2024, 6, 1)}, [(D(2024, 5, 20), 1000)])
    # Reached late, but reached: 拿地 on 15 April (due 1 Feb), 开工 by the project's stage event on 20 April (due
    # 1 March), 5000 due 28 Feb arrived in two parts by May: not listed.
    late = contract(town.jia, "迟到公司", D(2024, 1, 5), 9000, {"land": D(2024, 2, 1), "started": D(2024, 3, 1)},
                    [(D(2024, 2, 28), 5000)])
    record_milestone_reached(contract=late, kind="land", actual_date=D(2024, 4, 15), actor=SYSTEM)
    record_stage(project=late.project, stage=Stage.STARTED, date=D(2024, 4, 20), actor=SYSTEM)
    record_funds_arrival(contract=late, date=D(2024, 3, 10), amount=3000, source="domestic", actor=SYSTEM)
    record_funds_arrival(contract=late, date=D(2024, 5, 10), amount=2000, source="foreign", actor=SYSTEM)
    # 乙区's: 开工 due 1 Feb, never (136 days): the city sees it, 甲区 does not.
    theirs = contract(town.yi, "乙区公司", D(2024, 1, 8), 7000, {"started": D(2024, 2, 1)})

    district = f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN)
    items = weekly_agenda(district, town.city, D(2024, 6, 10)).sections["stalled_contracts"]
    assert [i.project for i in items] == [over.project, funds.project]
    assert items[0].text == f"甲区: {over.project.name} (首次签约 2024-01-10)"
    assert items[0].detail == ("约定开工 2024-03-01 未完成, 逾期 107 天; "
                               "约定 2024-03-31 累计到位资金 0.5 亿元, 实际到位 0.2 亿元, 逾期 77 天")
    assert items[1].detail == "约定 2024-04-01 累计到位资金 0.6 亿元, 实际到位 0.4 亿元, 逾期 76 天"
    admin = f.user("city_admin", town.city, Role.CITY_ADMIN)
    items = weekly_agenda(admin, town.city, D(2024, 6, 10)).sections["stalled_contracts"]
    assert [i.project for i in items] == [theirs.project, over.project, funds.project]  # oldest first
    assert items[0].detail == "约定开工 2024-02-01 未完成, 逾期 136 天"
    assert short.project not in [i.project for i in items] and late.project not in [i.project for i in items]
    client.force_login(admin)
    page = client.get(f"/problems/weekly/?city={town.city.pk}&week=2024-06-10").content.decode()
    assert "九、逾期未履约的签约项目 (3)" in page and "约定开工 2024-02-01 未完成, 逾期 136 天" in page
    # Two queries, however many contracts.
    with django_assert_max_num_queries(2):
        assert len(stalled_contracts(admin, town.city, D(2024, 6, 16))) == 3
    # A longer setting: nothing overdue that long, no section.
    settings.ATTRACTION_STALLED_DAYS = 140
    assert "stalled_contracts" not in weekly_agenda(admin, town.city, D(2024, 6, 10)).sections
