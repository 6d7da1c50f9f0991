"""Traffic lights from rules stored as data: the evaluation by hand, the town's lights under the default and
under the city's own rules, the rules page (read by all, changed by the city administrator, audited), and the
project page showing the light with the rule that set it."""

from decimal import Decimal

import pytest

from tests.factories import SYSTEM
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.dashboard import services
from tuijin.dashboard.models import LightRule
from tuijin.dashboard.selectors import rules_for
from tuijin.indicators import lights as L
from tuijin.indicators.scope import Scope

D = Decimal


def m(rate, share="0.5", behind=0, overdue=None, problems=0):
    return L.Measures(None if rate is None else D(rate), D(share), behind, overdue, problems)


ABS = L.Rule("绝对", L.ABSOLUTE_GAP, D(10), D(30))
REL = L.Rule("相对", L.RELATIVE_GAP, D(80), D(60))
CONS = L.Rule("连续", L.CONSECUTIVE_MONTHS, D(2), D(4))
START = L.Rule("开工", L.MISSED_START, D(1), D(3), L.PROJECT)


@pytest.mark.parametrize("rule, measures, level", [
    (ABS, m("0.41"), None),                # 9 points behind: below the yellow threshold
    (ABS, m("0.40"), L.YELLOW),            # exactly 10 points: yellow (≥)
    (ABS, m("0.20"), L.RED),               # 30 points: red
    (ABS, m("0.55"), None),                # ahead
    (REL, m("0.41"), None),                # 82% of the schedule
    (REL, m("0.35"), L.YELLOW),            # 70%
    (REL, m("0.29"), L.RED),               # 58%
    (CONS, m("0.49", behind=2), L.YELLOW),
    (CONS, m("0.49", behind=4), L.RED),
    (START, m("0.5", overdue=1), L.YELLOW),
    (START, m("0.5", overdue=3), L.RED),
    (START, m("0.5", overdue=None), None),
    (ABS, m(None), None),                  # no plan: no gap to measure
])
def test_each_kind_of_rule(rule, measures, level):
    hit = L.check(rule, measures)
    assert (hit[0] if hit else None) == level


def test_the_worst_level_wins_and_the_first_rule_reaching_it_is_named():
    light = L.evaluate([CONS, ABS, START], m("0.35", behind=4, overdue=3))
    assert (light.level, light.rule.name) == (L.RED, "连续")
    light = L.evaluate([ABS, CONS], m("0.35", behind=2))
    assert (light.level, light.rule.name) == (L.YELLOW, "绝对")
    assert "欠序时 15.0 个百分点" in light.reason
    assert L.evaluate([ABS], m("0.6")).reason == "按序时推进"
    # a project-only rule never sets a unit's light
    assert L.evaluate([START], m("0.5", overdue=5), L.UNIT).level == L.GREEN


def test_rules_are_validated():
    assert L.validate_rule(L.ABSOLUTE_GAP, D(30), D(10), L.BOTH) == ["红灯阈值应大于黄灯阈值"]
    assert L.validate_rule(L.RELATIVE_GAP, D(60), D(80), L.BOTH)[0].startswith("相对差距")
    assert L.validate_rule(L.MISSED_START, D(1), D(3), L.UNIT) == ["计划开工逾期只适用于项目"]
    assert L.validate_rule(L.CONSECUTIVE_MONTHS, D("1.5"), None, L.BOTH) == ["黄灯阈值应为整数 (个月)"]
    assert L.validate_rule(L.ABSOLUTE_GAP, None, None, L.BOTH) == ["黄灯和红灯阈值至少填写一个"]
    assert L.validate_rule(L.ABSOLUTE_GAP, D(10), D(30), L.BOTH) == []


def levels(report, town):
    return {k: (v.level, v.rule.name if v.rule else None) for k, v in report.projects.items()}


def test_the_town_under_the_default_rules(town):
    rules, default = rules_for(town.city)
    assert default
    report = L.light_report(Scope(town.city), Period.parse("2024-05"), rules)
    P = town.p
    assert levels(report, town) == {
        P[1].pk: ("green", None),              # 40.0% against 41.7%
        P[2].pk: ("red", "欠序时差距"),          # nothing done, 41.7 behind (and its start 4 months late)
        P[3].pk: ("green", None),
        P[4].pk: ("yellow", "欠序时差距"),       # 30.0%: 11.7 behind
        P[5].pk: ("yellow", "欠序时差距"),       # 16.7%: 25.0 behind
        P[6].pk: ("green", None),
    }
    assert report.project_measures[P[2].pk].start_overdue_months == 4
    assert report.project_measures[P[1].pk].months_behind == 5
    units = {k: v.level for k, v in report.units.items()}
    assert units == {town.jia.pk: "yellow", town.yi.pk: "green", town.bing.pk: "yellow"}


def test_a_city_writes_its_own_rules(town):
    admin = town.users["admin"]
    services.save_rule(city=town.city, actor=admin, name="相对差距", kind="relative_gap", yellow="80", red="60")
    services.save_rule(city=town.city, actor=admin, name="开工逾期", kind="missed_start", yellow=None, red="5",
                       applies_to="project")
    rules, default = rules_for(town.city)
    assert not default and [r.name for r in rules] == ["相对差距", "开工逾期"]
    report = L.light_report(Scope(town.city), Period.parse("2024-05"), rules)
    P = town.p
    got = {k: v.level for k, v in report.projects.items()}
    # 40/41.67 = 96% green; P4 30/41.67 = 72% yellow; P5 16.7/41.67 = 40% red; P2 0% red
    assert (got[P[1].pk], got[P[4].pk], got[P[5].pk], got[P[2].pk]) == ("green", "yellow", "red", "red")
    assert report.units[town.jia.pk].level == "red"  # 13.3 / 41.67 = 32%
    assert AuditEntry.objects.filter(model="dashboard.LightRule", action="create").count() == 2
    with pytest.raises(InputError):
        services.save_rule(city=town.city, name="相对差距", kind="absolute_gap", yellow=1, red=2, actor=SYSTEM)  # same name
    with pytest.raises(InputError):
        services.save_rule(city=town.jia, name="x", kind="absolute_gap", yellow=1, red=2, actor=SYSTEM)  # not a city


def test_the_rules_page_is_read_by_all_and_changed_by_the_city_administrator(client, town):
    client.force_login(town.users["leader"])
    r = client.get("/dashboard/lights/rules/")
    assert r.status_code == 200 and "欠序时差距" in r.content.decode() and "新增规则" not in r.content.decode()
    assert client.post("/dashboard/lights/rules/", {"action": "defaults"}).status_code == 403
    client.force_login(town.users["admin"])
    assert client.post("/dashboard/lights/rules/", {"action": "defaults", "city": town.city.pk}).status_code == 302
    assert LightRule.objects.filter(city=town.city).count() == 2
    rule = LightRule.objects.get(city=town.city, kind="absolute_gap")
    # thresholds as entered (tuijin.core.numbers.plain_text): 计划开工逾期 1 / 3 个月, not 1.00 / 3.00
    missed = LightRule.objects.get(city=town.city, kind="missed_start")
    html = client.get(f"/dashboard/lights/rules/?city={town.city.pk}").content.decode()
    assert f'name="r{missed.pk}-yellow" value="1"' in html and f'name="r{missed.pk}-red" value="3"' in html
    assert "计划开工逾期 1 个月黄灯" in html and ".00" not in html
    r = client.post("/dashboard/lights/rules/", {
        "action": "save", "city": town.city.pk, "prefix": f"r{rule.pk}", f"r{rule.pk}-rule": rule.pk,
        f"r{rule.pk}-name": "欠序时差距", f"r{rule.pk}-kind": "absolute_gap", f"r{rule.pk}-yellow": "5",
        f"r{rule.pk}-red": "20", f"r{rule.pk}-applies_to": "both", f"r{rule.pk}-active": "on",
        f"r{rule.pk}-reason": "市里从严"})
    assert r.status_code == 302
    rule.refresh_from_db()
    assert (rule.yellow_threshold, rule.red_threshold) == (Decimal("5.00"), Decimal("20.00"))
    entry = AuditEntry.objects.filter(model="dashboard.LightRule", action="update").latest("id")
    assert entry.reason == "市里从严" and entry.actor == town.users["admin"]
    # a refused rule says why, and changes nothing
    r = client.post("/dashboard/lights/rules/", {
        "action": "save", "city": town.city.pk, "prefix": "new", "new-name": "倒挂", "new-kind": "absolute_gap",
        "new-yellow": "30", "new-red": "10", "new-applies_to": "both", "new-active": "on"})
    assert r.status_code == 400 and "红灯阈值应大于黄灯阈值" in r.content.decode()
    assert not LightRule.objects.filter(name="倒挂").exists()
    # a district administrator may read but not change them
    client.force_login(town.users["jia_admin"])
    assert client.post("/dashboard/lights/rules/", {"action": "delete", "rule": rule.pk}).status_code == 403


def test_the_project_page_shows_the_light_and_the_rule(client, town):
    client.force_login(town.users["admin"])
    page = client.get(f"/projects/{town.p[2].pk}/").content.decode()
    hook = f'hx-get="/dashboard/lights/project/?project={town.p[2].pk}"'
    assert hook in page  # the page's include hook loads the box on its own request
    html = client.get(f"/dashboard/lights/project/?project={town.p[2].pk}").content.decode()
    assert "红黄绿灯预警" in html and "红灯" in html and "欠序时差距" in html and "2024年1-5月" in html
    html = client.get(f"/dashboard/lights/project/?project={town.p['S2'].pk}").content.decode()
    assert "未列入本年度清单" in html
    # out of reach: 404, as for the project page itself
    client.force_login(town.users["jia_admin"])
    assert client.get(f"/dashboard/lights/project/?project={town.p[3].pk}").status_code == 404
    assert client.get(f"/dashboard/lights/project/?project={town.secret.pk}").status_code == 404


def test_the_lights_page_lists_red_and_yellow_projects(client, town):
    client.force_login(town.users["admin"])
    html = client.get("/dashboard/lights/?through=2024-05").content.decode()
    assert "园区储能电站项目" in html and "丙区工业机器人项目" in html and "乙区快速路工程" not in html
    html = client.get("/dashboard/lights/?through=2024-05&level=green").content.decode()
    assert "乙区快速路工程" in html
    client.force_login(town.users["jia_admin"])
    html = client.get("/dashboard/lights/?through=2024-05&level=green&level=red&level=yellow").content.decode()
    assert "甲区光伏组件项目" in html and "乙区" not in html


def test_overdue_problems_set_project_and_unit_lights(town, monkeypatch):
    # the hook the rule reads (problems module)
    from tuijin.problems.selectors import overdue_counts

    assert callable(overdue_counts)
    asked = {}

    def fake(project_ids, as_of):
        asked["as_of"] = as_of
        return {town.p[3].pk: 3, town.p[6].pk: 1}

    monkeypatch.setattr(L, "_overdue_problem_counts", fake)
    rules = [L.Rule("问题逾期", L.OVERDUE_PROBLEM, D(1), D(3))]
    report = L.light_report(Scope(town.city), Period.parse("2024-05"), rules)
    assert asked["as_of"].isoformat() == "2024-05-31"
    assert report.projects[town.p[3].pk].level == "red" and report.projects[town.p[6].pk].level == "yellow"
    assert "3 个问题逾期未办结" in report.projects[town.p[3].pk].reason
    assert report.units[town.yi.pk].level == "red" and report.units[town.bing.pk].level == "yellow"
    assert report.units[town.jia.pk].level == "green"
