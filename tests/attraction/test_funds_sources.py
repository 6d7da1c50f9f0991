"""Issue 20 items 5 and 6: 到位资金 by the city's funds sources (shares, targets per source in 万元, 超/欠进度), by
三次产业 and of 亿元以上 projects, 履约项目 / 履约率 (as bulletins print it), and cohorts of one event or one year
followed to any date — in the engine functions, the CLI (table and JSON) and the API, on hand-made data.

The data (招商市: 甲区, 乙区; the city's default sources 境外 / 国内省外 / 省内市外 / 市内县际; 万元):

    contract  unit  signed      investment  三次产业  event  what happens
    a1        甲区  2024-01-10  12000       二产      —      注册 due 02-01 reached 01-20; funds 03-01 3000 境外, 05-01 1000 国内省外
    a2        乙区  2024-02-20   8000       三产      —      funds 04-10 2000 省内市外, 07-15 500 市内县际
    a3        甲区  2024-03-05   5000       一产      —      开工 2024-05-20
    a4        乙区  2024-04-01  20000       二产      E      funds 06-10 4000 市内县际
    a5        甲区  2024-04-01   3000       三产      E      开工 2024-09-01, 投产 2024-12-01
    a6        甲区  2023-09-01  15000       二产      —      注册 due 2023-10-15 reached 2023-10-01; funds 2024-02-01 1000 国内省外

E is a 签约仪式 on 2024-04-01. Targets of 招商市 for 2024 (分来源到位资金, 万元): 境外 10000.5 (no steps), 市内县际
6000 with steps {6: 3000, 12: 6000}. Conventions: the defaults (months ÷ 12, half up, 1 decimal).
"""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.attraction.models import FundsArrival, FundsSource, Target
from tuijin.attraction.services import (
    add_funds_source,
    create_event,
    record_funds_arrival,
    record_milestone_reached,
    set_target,
    sign_lead,
)
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.indicators.attraction import cohort, funds_by_source, performance
from tuijin.indicators.scope import Scope
from tuijin.projects.models import Stage
from tuijin.projects.services import record_stage

from .conftest import D, code, lead


def _sign(unit, investor, signed_on, investment, tier, **kw):
    return sign_lead(
        lead=lead(unit, investor=investor, when=signed_on),
        signed_on=signed_on,
        investment=investment,
        code=code(),
        category=f.category(),
        industry_tier=tier,
        **{"actor": SYSTEM, **kw},
    )


@pytest.fixture
def funds(town):
    e = create_event(
        city=town.city,
        name="春季重大项目集中签约仪式",
        kind="ceremony",
        date=D(2024, 4, 1),
        place="招商市",
        units=[town.jia, town.yi], actor=SYSTEM,
    )
    a1 = _sign(
        town.jia,
        "甲一公司",
        D(2024, 1, 10),
        12000,
        "secondary",
        milestones={"registered": D(2024, 2, 1)},
    )
    record_milestone_reached(contract=a1, kind="registered", actual_date=D(2024, 1, 20), actor=SYSTEM)
    record_funds_arrival(contract=a1, date=D(2024, 3, 1), amount=3000, source="foreign", actor=SYSTEM)
    record_funds_arrival(contract=a1, date=D(2024, 5, 1), amount=1000, source="国内省外", actor=SYSTEM)  # by name
    a2 = _sign(town.yi, "乙二公司", D(2024, 2, 20), 8000, "三产")  # the tier by its name
    record_funds_arrival(contract=a2, date=D(2024, 4, 10), amount=2000, source="province", actor=SYSTEM)
    record_funds_arrival(contract=a2, date=D(2024, 7, 15), amount=500, source="county", actor=SYSTEM)
    a3 = _sign(town.jia, "甲三公司", D(2024, 3, 5), 5000, "primary")
    record_stage(project=a3.project, stage=Stage.STARTED, date=D(2024, 5, 20), actor=SYSTEM)
    a4 = _sign(town.yi, "乙四公司", D(2024, 4, 1), 20000, "secondary", event=e)
    record_funds_arrival(contract=a4, date=D(2024, 6, 10), amount=4000, source="county", actor=SYSTEM)
    a5 = _sign(town.jia, "甲五公司", D(2024, 4, 1), 3000, "tertiary", event=e)
    record_stage(project=a5.project, stage=Stage.STARTED, date=D(2024, 9, 1), actor=SYSTEM)
    record_stage(project=a5.project, stage=Stage.OPERATING, date=D(2024, 12, 1), actor=SYSTEM)
    a6 = _sign(
        town.jia,
        "甲六公司",
        D(2023, 9, 1),
        15000,
        "secondary",
        milestones={"registered": D(2023, 10, 15)},
    )
    record_milestone_reached(contract=a6, kind="registered", actual_date=D(2023, 10, 1), actor=SYSTEM)
    record_funds_arrival(contract=a6, date=D(2024, 2, 1), amount=1000, source="domestic", actor=SYSTEM)
    set_target(
        unit=town.city,
        year=2024,
        indicator="source_funds_arrived",
        source="foreign",
        value="10000.5", actor=SYSTEM,
    )
    set_target(
        unit=town.city,
        year=2024,
        indicator="source_funds_arrived",
        source="市内县际",
        value=6000,
        steps={6: 3000, 12: 6000}, actor=SYSTEM,
    )
    return e


def cli(*args) -> dict:
    out = io.StringIO()
    call_command("attraction", "--city", "招商市", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def table(*args) -> str:
    out = io.StringIO()
    call_command("attraction", "--city", "招商市", *args, stdout=out)
    return out.getvalue()


def test_sources_are_city_data(town):
    """A new city starts with the four default sources in order (境外 counts as foreign capital); a city
    administrator adds its own; an arrival names a source by code or name, anything else is refused naming it."""
    rows = list(
        FundsSource.objects.filter(city=town.city).values_list(
            "code", "name", "sort_order", "is_foreign"
        )
    )
    assert rows == [
        ("foreign", "境外", 1, True),
        ("domestic", "国内省外", 2, False),
        ("province", "省内市外", 3, False),
        ("county", "市内县际", 4, False),
    ]
    admin = f.user("zs_admin", town.city, "city_admin")
    add_funds_source(
        city=town.city, code="hmt", name="港澳台", sort_order=5, is_foreign=True, actor=admin
    )
    with pytest.raises(InputError, match="已有名为 境外"):
        add_funds_source(city=town.city, code="abroad", name="境外", actor=admin)
    c = _sign(town.jia, "丙公司", D(2024, 1, 5), 1000, "secondary")
    with pytest.raises(InputError, match="资金来源未知: '火星'"):
        record_funds_arrival(contract=c, date=D(2024, 2, 1), amount=10, source="火星", actor=SYSTEM)
    record_funds_arrival(contract=c, date=D(2024, 2, 1), amount=10, source="港澳台", actor=SYSTEM)
    assert FundsArrival.objects.get(contract=c).source.code == "hmt"
    with pytest.raises(InputError, match="三次产业未知"):
        _sign(town.jia, "丁公司", D(2024, 1, 5), 1000, "四产")


def test_funds_by_source_by_hand(town, funds):
    """1-6月 2024, 招商市. Funds arrived in the period (07-15 is after it): a1 3000 + 1000, a2 2000, a4 4000, a6 1000
    = 11000 万元 = 1.1 亿元.
    By source: 境外 3000 (3000/11000 = 27.27% → 27.3), 国内省外 1000 + 1000 = 2000 (18.18% → 18.2), 省内市外 2000
    (18.2), 市内县际 4000 (36.36% → 36.4).
    境外 target 10000.5 万元, no steps: expected by June = 10000.5 × 6/12 = 5000.25; progress 3000 / 10000.5 =
    29.9985% → 30.0; schedule 50.0; (0.299985 − 0.5) × 100 = −20.0015 → 欠进度 20.0 points.
    市内县际 target 6000 with a June step 3000: progress 4000/6000 = 66.67% → 66.7; schedule 3000/6000 = 50.0;
    +16.67 → 超进度 16.7 points. The other sources have no target: null.
    三次产业: 一产 0 (a3 has no funds) → 0.0%, 0 projects; 二产 a1 4000 + a4 4000 + a6 1000 = 9000 → 81.8%, 3
    projects; 三产 a2 2000 → 18.2%, 1 project. 亿元以上 (≥ 10000 万元: a1 12000, a4 20000, a6 15000): 9000 → 0.9 亿元,
    81.8%, 3 projects.
    履约项目 of the 2024 signing cohort by 06-30: a1 (注册 01-20), a2 (funds 04-10), a3 (开工 05-20), a4 (funds
    06-10) perform, a5 does not: 4 of 5 → 80.0%. Beside it the milestone rate: one contract (a1) with a milestone
    due in 1-6月, kept → 100.0%."""
    r = funds_by_source(Scope(town.city), Period.year_to_date(2024, 6))
    assert r.total == Decimal(11000)
    assert {row.source.code: row.arrived for row in r.sources} == {
        "foreign": 3000,
        "domestic": 2000,
        "province": 2000,
        "county": 4000,
    }
    foreign = r.sources[0]
    assert foreign.expected == Decimal("5000.25") and foreign.target.value == Decimal("10000.5")
    assert (r.signing.signed, r.signing.performing) == (5, 4)
    d = cli("--by-source", "--through", "2024-06")
    assert d["funds_arrived_yi"] == 1.1
    by = {s["name"]: s for s in d["sources"]}
    assert [s["name"] for s in d["sources"]] == ["境外", "国内省外", "省内市外", "市内县际"]
    assert [by[n]["share_pct"] for n in by] == [27.3, 18.2, 18.2, 36.4]
    assert (by["境外"]["target_wan"], by["境外"]["progress_pct"], by["境外"]["schedule_pct"]) == (
        10000.5,
        30.0,
        50.0,
    )
    assert (by["境外"]["vs_schedule_pp"], by["境外"]["schedule_word"]) == (-20.0, "欠进度")
    assert (
        by["市内县际"]["target_wan"],
        by["市内县际"]["progress_pct"],
        by["市内县际"]["vs_schedule_pp"],
        by["市内县际"]["schedule_word"],
    ) == (6000, 66.7, 16.7, "超进度")
    assert by["国内省外"]["target_wan"] is None and by["国内省外"]["progress_pct"] is None
    assert [(t["name"], t["arrived_yi"], t["share_pct"], t["projects"]) for t in d["tiers"]] == [
        ("一产", 0.0, 0.0, 0),
        ("二产", 0.9, 81.8, 3),
        ("三产", 0.2, 18.2, 1),
    ]
    assert (d["big_projects"], d["big_arrived_yi"], d["big_share_pct"]) == (3, 0.9, 81.8)
    assert (
        d["signed_contracted_yi"] == 4.8
    )  # a1-a5: 12000 + 8000 + 5000 + 20000 + 3000 = 48000 万元
    assert (d["signed_projects"], d["performing_projects"], d["performing_rate_pct"]) == (
        5,
        4,
        80.0,
    )
    assert (
        d["contracts_due"],
        d["contracts_on_schedule"],
        d["milestone_performance_rate_pct"],
    ) == (1, 1, 100.0)
    text = table("--by-source", "--through", "2024-06")
    assert "市内县际" in text and "36.4" in text and "-20.0" in text and "80.0" in text


def test_funds_by_source_of_a_unit_and_foreign_capital(town, funds):
    """甲区, 1-6月 2024: a1 3000 境外 + 1000 国内省外, a6 1000 国内省外 = 5000 万元: 境外 60.0%, 国内省外 40.0%, the
    others 0.0%; 甲区 has no target of its own (the city's are not its). 实际到位外资 counts the sources marked
    foreign: 3000 万元 (city and 甲区)."""
    d = cli("--by-source", "--through", "2024-06", "--unit", "甲区")
    assert d["funds_arrived_yi"] == 0.5
    assert [(s["name"], s["share_pct"], s["target_wan"]) for s in d["sources"]] == [
        ("境外", 60.0, None),
        ("国内省外", 40.0, None),
        ("省内市外", 0.0, None),
        ("市内县际", 0.0, None),
    ]
    assert (
        performance(Scope(town.city), Period.year_to_date(2024, 6), breakdown=False).foreign_arrived
        == 3000
    )


def test_cohorts_by_hand(town, funds):
    """The 签约仪式 E (a4 20000, a5 3000: 2 projects, 23000 万元 contracted):
    - to 2024-06-30: performing a4 (funds 06-10) → 1/2 = 50.0%; started 0 → 0.0%; operating 0 → 0.0%; funds
      4000 / 23000 = 17.39% → 17.4.
    - to 2024-12-31: performing a4, a5 (开工 09-01) → 100.0%; started a5 → 50.0%; operating a5 → 50.0%; funds
      still 4000 → 17.4%; contracted 2.3 亿元, arrived 0.4 亿元.
    The 2024 cohort (a1-a5, 48000 万元) to 2024-12-31: all five perform (a5 by its start) → 100.0%; started a3, a5 →
    40.0%; operating a5 → 20.0%; funds a1 4000 + a2 2500 + a4 4000 = 10500 / 48000 = 21.875% → 21.9; arrived
    1.05 亿元 → 1.1 (half up).
    The 2023 cohort (a6, 15000) to 2024-06-30: performing (注册 2023-10-01) → 100.0%; started 0 → 0.0%; funds 1000
    / 15000 = 6.67% → 6.7."""
    c = cohort(Scope(town.city), D(2024, 6, 30), event=funds)
    assert (c.signed, c.performing, c.started, c.operating, c.contracted, c.arrived) == (
        2,
        1,
        0,
        0,
        23000,
        4000,
    )
    d = cli("--cohort-event", str(funds.pk), "--as-of", "2024-12-31")
    assert d["event"]["name"] == "春季重大项目集中签约仪式" and d["event"]["kind"] == "签约仪式"
    assert (
        d["signed"],
        d["performing"],
        d["performing_rate_pct"],
        d["started"],
        d["start_rate_pct"],
        d["operating"],
        d["operating_rate_pct"],
    ) == (2, 2, 100.0, 1, 50.0, 1, 50.0)
    assert (d["contracted_yi"], d["arrived_yi"], d["funds_rate_pct"]) == (2.3, 0.4, 17.4)
    d = cli("--cohort-event", str(funds.pk), "--as-of", "2024-06-30")
    assert (
        d["performing_rate_pct"],
        d["start_rate_pct"],
        d["operating_rate_pct"],
        d["funds_rate_pct"],
    ) == (50.0, 0.0, 0.0, 17.4)
    d = cli("--cohort-year", "2024", "--as-of", "2024-12-31")
    assert (
        d["cohort"],
        d["signed"],
        d["performing_rate_pct"],
        d["start_rate_pct"],
        d["operating_rate_pct"],
    ) == ("2024年签约项目", 5, 100.0, 40.0, 20.0)
    assert (d["contracted_yi"], d["arrived_yi"], d["funds_rate_pct"]) == (4.8, 1.1, 21.9)
    d = cli("--cohort-year", "2023", "--as-of", "2024-06-30")
    assert (d["signed"], d["performing_rate_pct"], d["start_rate_pct"], d["funds_rate_pct"]) == (
        1,
        100.0,
        0.0,
        6.7,
    )
    text = table("--cohort-year", "2024", "--as-of", "2024-12-31")
    assert "2024年签约项目" in text and "21.9" in text


def test_refusals(town, funds):
    """One line naming the value, exit status 2; a source target needs a source (and only it takes one)."""
    for args, words in (
        (("--cohort-event", "999999", "--as-of", "2024-12-31"), "999999"),
        (("--cohort-year", "2024"), "--as-of"),
        (("--cohort-year", "2025", "--as-of", "2024-12-31"), "2025"),
        (("--cohort-year", "2024", "--as-of", "2024-13-01"), "2024-13-01"),
        (("--cohort-event", str(funds.pk), "--as-of", "2024-03-01"), "早于活动日期"),
        (("--by-source",), "--through"),
    ):
        with pytest.raises(CommandError) as err:
            call_command("attraction", "--city", "招商市", *args, stdout=io.StringIO())
        assert err.value.returncode == 2 and words in str(err.value)
    with pytest.raises(InputError, match="须选择资金来源"):
        set_target(unit=town.jia, year=2024, indicator="source_funds_arrived", value=100, actor=SYSTEM)
    with pytest.raises(InputError, match="只有分来源到位资金目标"):
        set_target(unit=town.jia, year=2024, indicator="funds_arrived", value=1, source="foreign", actor=SYSTEM)
    with pytest.raises(InputError, match="已有 分来源到位资金\\(境外\\) 目标"):
        set_target(
            unit=town.city, year=2024, indicator="source_funds_arrived", source="境外", value=1, actor=SYSTEM,
        )
    t = set_target(
        unit=town.jia,
        year=2024,
        indicator="source_funds_arrived",
        source="province",
        value="123.4567", actor=SYSTEM,
    )
    assert Target.objects.get(pk=t.pk).value == Decimal("123.4567")


def test_api_prints_the_same(town, funds, client):
    """The API's JSON is the CLI's. A 甲区 administrator who names no unit gets 甲区: of E's projects only a5
    (3000 万元, no funds; 开工 09-01) → 1 signed, performing and started by 2024-12-31 (100.0%), funds 0 / 3000 →
    0.0%. An event id the caller does not see answers 404; neither event nor year is refused (422)."""
    client.force_login(f.user("zs_city", town.city, "city_admin"))
    r = client.get("/api/v1/attraction/funds-by-source", {"city": "招商市", "through": "2024-06"})
    assert r.status_code == 200 and r.json() == cli("--by-source", "--through", "2024-06")
    r = client.get(
        "/api/v1/attraction/cohort", {"city": "招商市", "event": funds.pk, "as_of": "2024-12-31"}
    )
    assert r.status_code == 200
    assert r.json() == cli("--cohort-event", str(funds.pk), "--as-of", "2024-12-31")
    r = client.get("/api/v1/attraction/cohort", {"year": 2024, "as_of": "2024-12-31"})
    assert r.json() == cli("--cohort-year", "2024", "--as-of", "2024-12-31")
    assert client.get("/api/v1/attraction/cohort", {"as_of": "2024-12-31"}).status_code == 422
    client.force_login(f.user("zs_jia", town.jia, "district_admin"))
    d = client.get("/api/v1/attraction/cohort", {"event": funds.pk, "as_of": "2024-12-31"}).json()
    assert (
        d["unit"],
        d["signed"],
        d["performing_rate_pct"],
        d["start_rate_pct"],
        d["funds_rate_pct"],
    ) == ("甲区", 1, 100.0, 100.0, 0.0)
    assert (
        client.get(
            "/api/v1/attraction/cohort", {"event": 999999, "as_of": "2024-12-31"}
        ).status_code
        == 404
    )
    d = client.get("/api/v1/attraction/funds-by-source", {"through": "2024-06"}).json()
    assert d["unit"] == "甲区" and d["funds_arrived_yi"] == 0.5


def test_bulletin_attraction_paragraph(town, funds):
    """招商市's bulletin for 上半年 2024 prints the figures of test_funds_by_source_by_hand: 1.1 亿元 by source
    (境外 3000 → 0.3, 国内省外 2000 → 0.2, 省内市外 0.2, 市内县际 4000 → 0.4 亿元, with their shares), 亿元以上 0.9 亿元
    (81.8%), the 三次产业 shares 0.0 / 81.8 / 18.2, a sentence per source with a target (境外 30.0% of its target,
    欠进度 20.0 points; 市内县际 66.7%, 超进度 16.7), and 履约项目 4 of 5 (80.0%). The targets paragraph names the
    source targets in 万元 as entered (10000.5)."""
    from tuijin.bulletins.generator import generate

    b = generate(town.city, Period.year_to_date(2024, 6))
    texts = [s.text for s in b.sentences]
    for expected in (
        "上半年，全市招商引资到位资金1.1亿元，其中境外0.3亿元（占27.3%）、国内省外0.2亿元（占18.2%）、"
        "省内市外0.2亿元（占18.2%）、市内县际0.4亿元（占36.4%）；亿元以上项目到位资金0.9亿元，占81.8%。",
        "按三次产业分，一产、二产、三产项目到位资金分别占0.0%、81.8%、18.2%。",
        "境外资金到位0.3亿元，完成目标任务的30.0%，欠进度20.0个百分点。",
        "市内县际资金到位0.4亿元，完成目标任务的66.7%，超进度16.7个百分点。",
        "2024年签约项目5个，履约项目4个，履约率80.0%。",
        "招商市境外到位资金目标10000.5万元，完成3000万元，完成目标的30.0%。",
    ):
        assert expected in texts, "\n".join(texts)
    section = next(s for s in b.sections if s.key == "attraction")
    assert section.title == "招商引资和资金到位情况"


def test_contracts_page_shows_funds_by_source(town, funds, client):
    """The contracts page (签约项目履约) for 1-6月 2024 shows the small table of test_funds_by_source_by_hand: 市内县际
    36.4%, its target 6000 万元 at 66.7%, 超进度 16.7; 境外 欠进度 20.0; and 履约率 80.0%."""
    client.force_login(f.user("zs_page", town.city, "city_admin"))
    html = client.get("/attraction/contracts/?through=2024-06").content.decode()
    table = html[html.index('id="funds-by-source"') :]
    assert "市内县际" in table and "36.4%" in table and "66.7%" in table and "超进度 16.7" in table
    assert "欠进度 20.0" in table and "10000.5" in table
    assert "履约项目 4 个, 履约率 80.0%" in html


def test_contracts_import_takes_tier_and_event(town):
    """The signed-contracts register may carry 三次产业 (一产/二产/三产 or 第三产业) and the 签约活动 by name: row 1 三产 at
    the ceremony, row 2 without either (二产, no event); an unknown tier or event is a cell error naming it."""
    import datetime

    from tuijin.attraction.excel import commit_import, plan_import
    from tuijin.attraction.models import Contract

    from .test_excel import xlsx

    f.category()
    admin = f.user("zs_import", town.city, "city_admin")
    create_event(
        city=town.city,
        name="秋季签约仪式",
        kind="ceremony",
        date=D(2024, 9, 1),
        place="招商市",
        units=[town.jia], actor=SYSTEM,
    )
    header = [
        "项目名称",
        "投资方",
        "投资方类型",
        "线索来源",
        "合同投资（万元）",
        "跟进单位",
        "签约日期",
        "项目代码",
        "项目类别",
        "三次产业",
        "签约活动",
    ]
    rows = [
        [
            "文旅综合体",
            "云游文旅公司",
            "民企",
            "招商活动",
            5000,
            "甲区",
            datetime.date(2024, 9, 1),
            code(),
            "产业",
            "第三产业",
            "秋季签约仪式",
        ],
        [
            "精密制造",
            "精工公司",
            "民企",
            "走访企业",
            8000,
            "乙区",
            datetime.date(2024, 9, 2),
            code(),
            "产业",
            "",
            "",
        ],
    ]
    plan = plan_import(user=admin, data=xlsx([header, *rows]), filename="c.xlsx", kind="contracts")
    assert plan.ok, plan.problems
    commit_import(plan, user=admin)
    got = {
        c.project.name: (c.industry_tier, c.event.name if c.event else None)
        for c in Contract.objects.select_related("project", "event")
    }
    assert got == {"文旅综合体": ("tertiary", "秋季签约仪式"), "精密制造": ("secondary", None)}
    bad = [[*rows[0][:7], code(), "产业", "四产", "春晚"]]
    plan = plan_import(user=admin, data=xlsx([header, *bad]), filename="c.xlsx", kind="contracts")
    reasons = [p.reason for p in plan.problems]
    assert any("四产" in r for r in reasons) and any("春晚" in r for r in reasons)
