"""The 民生实事, 目标任务 and 问题协调 paragraphs: written from the livelihood module's status (issue 7's JSON
contract), the attraction module's targets and the problems module's bulletin_figures(); with nothing to say
(no programme, no target, no problem) the bulletin is complete without them."""

import datetime
import sys
import types

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.bulletins import optional_modules
from tuijin.bulletins.generator import generate
from tuijin.core.periods import Period

MAY = Period.year_to_date(2024, 5)

STATUS = {
    "items": 40, "categories": 12, "completed": 2, "ahead": 2, "on_schedule": 35, "behind": 1,
    "item_list": [
        {"name": "城市云影像平台", "category": "卫生健康", "lead_department": "卫健委", "target": 27, "unit": "家医院",
         "done": 27, "progress_pct": 100.0, "planned_pct": 41.7, "status": "completed"},
        {"name": "新增公共停车泊位", "category": "交通出行", "lead_department": "公安局", "target": 2000, "unit": "个",
         "done": 1113, "progress_pct": 55.7, "planned_pct": 41.7, "status": "ahead"},
        {"name": "老旧小区改造", "category": "住房", "lead_department": "住建局", "target": 30, "unit": "个",
         "done": 5, "progress_pct": 16.7, "planned_pct": 41.7, "status": "behind"},
        {"name": "口袋公园", "category": "生态", "lead_department": "园林局", "target": 10, "unit": "个",
         "done": 4, "progress_pct": 40.0, "planned_pct": 41.7, "status": "on_schedule"},
    ],
}


def test_without_a_programme_or_the_problems_module_there_is_no_such_paragraph(town):
    keys = {s.key for s in generate(town.city, MAY).sections}
    assert "livelihood" not in keys and "problems" not in keys


def test_livelihood_paragraph_from_the_programme_status(town, monkeypatch):
    monkeypatch.setattr(optional_modules, "livelihood_status", lambda city, unit, period, user=None, basis="accepted": STATUS)
    b = generate(town.city, MAY)
    texts = [s.text for s in b.sentences if s.section == "livelihood"]
    assert texts == [
        "全市12大类40件民生实事中，已完成年度目标2件，超序时推进2件，按序时推进35件，欠序时1件。",
        "城市云影像平台：已完成27家医院，完成年度目标的100.0%，已完成年度目标。",
        "新增公共停车泊位：已完成1113个，完成年度目标的55.7%，超序时推进。",
        "欠序时的事项：老旧小区改造，提请分管领导研究调度。",
    ]
    fig = next(s for s in b.sentences if s.key == "livelihood.summary").figures["items"]
    assert fig["source"]["command"] == "tuijin livelihood --city 测试市 --through 2024-05 --format json"


def test_an_item_split_into_sub_items(town, monkeypatch):
    status = {**STATUS, "item_list": [
        {"name": "两癌筛查", "unit": "", "done": None, "progress_pct": 100.3, "status": "completed",
         "sub_items": [{"name": "宫颈癌筛查", "target": 4, "unit": "万人", "done": 4.01, "progress_pct": 100.3},
                       {"name": "乳腺癌筛查", "target": 4.7, "unit": "万人", "done": 4.73, "progress_pct": 100.6}]}]}
    monkeypatch.setattr(optional_modules, "livelihood_status", lambda city, unit, period, user=None, basis="accepted":
                        status)
    texts = [s.text for s in generate(town.city, MAY).sentences if s.key == "livelihood.item"]
    assert texts == ["两癌筛查：宫颈癌筛查4.01万人、乳腺癌筛查4.73万人，完成年度目标的100.3%，已完成年度目标。"]


def test_livelihood_zero_counts_are_left_out(town, monkeypatch):
    status = {**STATUS, "completed": 0, "behind": 0, "on_schedule": 38,
              "item_list": [i for i in STATUS["item_list"] if i["status"] == "ahead"]}
    monkeypatch.setattr(optional_modules, "livelihood_status", lambda city, unit, period, user=None, basis="accepted": status)
    texts = [s.text for s in generate(town.city, MAY).sentences if s.section == "livelihood"]
    assert texts[0] == "全市12大类40件民生实事中，超序时推进2件，按序时推进38件。"
    assert not any("欠序时的事项" in t for t in texts)


def test_problems_paragraph_from_the_problems_module(town, monkeypatch):
    fake = types.ModuleType("tuijin.problems.selectors")
    seen = {}

    def bulletin_figures(*, city, unit, period, scope):
        seen.update(city=city, period=period)
        return {"new_count": 5, "closed_count": 3, "open_count": 7, "overdue_count": 2,
                "overdue_problems": ["甲区项目一 用地", "乙区项目二 环评"]}

    fake.bulletin_figures = bulletin_figures
    monkeypatch.setitem(sys.modules, "tuijin.problems.selectors", fake)
    texts = [s.text for s in generate(town.city, MAY).sentences if s.section == "problems"]
    assert texts == ["全市本期新提出问题5个，办结3个，尚未办结7个。",
                     "超期未办结的问题有2个：甲区项目一 用地、乙区项目二 环评。"]
    assert seen == {"city": town.city, "period": MAY}


def test_problems_paragraph_from_the_citys_problems_by_hand(town):
    """Through May 2024 (1 January – 31 May): A raised 2023-12-10, answered 2024-02-01 → answered in the period;
    B raised 2024-03-01, deadline 2024-04-30, unanswered → new, open, overdue; C raised 2024-05-10, deadline
    2024-06-30, answered 2024-06-05 → new, open at the end, not overdue; D raised 2024-06-02 → not yet; E raised
    2024-01-15, answered 2024-05-31 → new and answered (other deadlines 2024-12-31). New B C E = 3, answered A E = 2, open B C = 2, overdue B."""
    from django.utils import timezone

    from tuijin.orgs.models import UnitKind
    from tuijin.orgs.services import create_unit
    from tuijin.problems.models import Problem, ProblemCategory, Status

    cat = ProblemCategory.objects.first() or ProblemCategory.objects.create(code="land", name="用地")
    dept = create_unit(name="自然资源局", kind=UnitKind.DEPARTMENT, parent=town.city, actor=SYSTEM)

    def at(y, m, d):
        return timezone.make_aware(datetime.datetime(y, m, d, 12))

    p1, p2, p3 = (town.projects[k] for k in ("p1", "p2", "p3"))
    for project, title, raised, deadline, answered in (
            (p1, "甲", at(2023, 12, 10), None, at(2024, 2, 1)),
            (p1, "用地未落实", at(2024, 3, 1), datetime.date(2024, 4, 30), None),
            (p2, "丙", at(2024, 5, 10), datetime.date(2024, 6, 30), at(2024, 6, 5)),
            (p3, "丁", at(2024, 6, 2), None, None),
            (p2, "戊", at(2024, 1, 15), None, at(2024, 5, 31))):
        Problem.objects.create(project=project, category=cat, title=title, raised_at=raised, lead_department=dept,
                               deadline=deadline or datetime.date(2024, 12, 31), answered_at=answered,
                               answer="已解决" if answered else "",
                               status=Status.ANSWERED if answered else Status.ASSIGNED)
    texts = [s.text for s in generate(town.city, MAY).sentences if s.section == "problems"]
    assert texts == ["全市本期新提出问题3个，办结2个，尚未办结2个。",
                     "超期未办结的问题有1个：甲区项目一 用地未落实。"]


def test_the_livelihood_paragraph_can_be_switched_off(town, monkeypatch):
    from tuijin.bulletins.services import save_config

    monkeypatch.setattr(optional_modules, "livelihood_status", lambda city, unit, period, user=None, basis="accepted": STATUS)
    save_config(city=town.city, include_livelihood=False, actor=SYSTEM)
    assert not [s for s in generate(town.city, MAY).sentences if s.section == "livelihood"]


# ---------------------------------------------------------------- 目标任务 (tuijin.attraction)
#
# The town's 2024 targets, through May (5/12 of a year due in December):
#   测试市 完成投资 over 20 亿元: P1 1200 × 5 + P2 500 × 3 = 7500 万元 = 0.75 亿元 → printed 0.8 (half up, once);
#          0.75 / 20 = 3.75% → 3.8%; expected 8.33 → behind
#   甲区 新签约项目个数 5: S1, S4 → 2 = 40.0%; expected 2.08 → behind
#   乙区 新签约项目投资 4 亿元: S2 10000 + S3 9999 = 19999 万元 = 1.9999 亿元 → 2.0; 49.9975% → 50.0%; on schedule
#   乙区 新签约项目个数 2: S2, S3 → 2 = 100.0% → met


@pytest.fixture
def town_targets(town):
    from tuijin.attraction.services import set_target

    set_target(unit=town.city, year=2024, indicator="completed_investment", value=20, strictly_above=True, actor=SYSTEM)
    set_target(unit=town.units["甲区"], year=2024, indicator="new_signed_count", value=5, actor=SYSTEM)
    set_target(unit=town.units["乙区"], year=2024, indicator="new_signed_amount", value=4, actor=SYSTEM)
    set_target(unit=town.units["乙区"], year=2024, indicator="new_signed_count", value=2, actor=SYSTEM)
    return town


def test_targets_paragraph_by_hand(town_targets):
    b = generate(town_targets.city, MAY)
    section = next(s for s in b.sections if s.key == "targets")
    assert section.title == "目标任务完成情况"
    assert [s.text for s in section.sentences] == [
        "全市2024年目标任务4项，已完成1项，测试市完成投资、甲区新签约项目个数进度滞后。",
        "测试市完成投资目标超过20.0亿元，完成0.8亿元，完成目标的3.8%。",
        "甲区新签约项目个数目标5个，完成2个，完成目标的40.0%。",
        "乙区新签约项目投资目标4.0亿元，完成2.0亿元，完成目标的50.0%。",
        "乙区新签约项目个数目标2个，完成2个，完成目标的100.0%。",
    ]
    fig = section.sentences[0].figures["targets"]
    assert fig["source"]["command"] == "tuijin targets --city 测试市 --year 2024 --through 2024-05 --format json"
    actual = section.sentences[3].figures["target_actual"]
    assert (actual["text"], actual["value"], actual["source"]["target"]) == ("2.0", 2, "new_signed_amount")


def test_targets_paragraph_of_a_unit_and_by_the_citys_rounding_rule(town_targets):
    yi = town_targets.units["乙区"]
    texts = [s.text for s in generate(town_targets.city, MAY, unit=yi).sentences if s.section == "targets"]
    assert texts == ["全区2024年目标任务2项，已完成1项。",
                     "乙区新签约项目投资目标4.0亿元，完成2.0亿元，完成目标的50.0%。",
                     "乙区新签约项目个数目标2个，完成2个，完成目标的100.0%。"]
    # A city that truncates: 0.75 → 0.7 亿元, 3.75% → 3.7%, 1.9999 → 1.9 亿元, 49.9975% → 49.9%.
    f.config(town_targets.city, rounding="truncate")
    texts = [s.text for s in generate(town_targets.city, MAY).sentences if s.key == "targets.item"]
    assert texts[0] == "测试市完成投资目标超过20.0亿元，完成0.7亿元，完成目标的3.7%。"
    assert texts[2] == "乙区新签约项目投资目标4.0亿元，完成1.9亿元，完成目标的49.9%。"


def test_targets_paragraph_follows_the_users_reach_and_can_be_switched_off(town_targets):
    from tuijin.accounts.models import Role
    from tuijin.bulletins.services import save_config

    jia = town_targets.units["甲区"]
    jia_admin = f.user("jia_admin", jia, Role.DISTRICT_ADMIN)
    texts = [s.text for s in generate(town_targets.city, MAY, unit=jia, user=jia_admin).sentences
             if s.section == "targets"]
    assert texts == ["全区2024年目标任务1项，甲区新签约项目个数进度滞后。", "甲区新签约项目个数目标5个，完成2个，完成目标的40.0%。"]
    reporter = f.user("jia_reporter", jia, Role.REPORTER)
    assert not [s for s in generate(town_targets.city, MAY, unit=jia, user=reporter).sentences
                if s.section == "targets"]
    assert not [s for s in generate(town_targets.city, Period.year_to_date(2023, 5)).sentences
                if s.section == "targets"]
    save_config(city=town_targets.city, include_targets=False, actor=SYSTEM)
    assert not [s for s in generate(town_targets.city, MAY).sentences if s.section == "targets"]
