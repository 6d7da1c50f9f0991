"""Issue 20 in the bulletin: the 分行业领域 section and table, a table's own decimals, 合计按分项相加, a start rate
as a whole percent, the optional list-figure sentences, and the API printing the same values.

Data: tests/indicators/helpers.issue20_data (tabulated in tests/indicators/test_breakdown_and_list_figures.py),
through 2024-06 (上半年, 序时 50%)."""

import json

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tests.indicators.helpers import issue20_data, make_town
from tuijin.accounts.models import Role
from tuijin.api.services import create_token
from tuijin.bulletins import services
from tuijin.bulletins.formats import to_json, to_text
from tuijin.bulletins.generator import generate
from tuijin.core.periods import Period

H1 = Period.parse("2024-H1")


@pytest.fixture
def town(db):
    return issue20_data(make_town())


def by_key(bulletin) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in bulletin.sentences:
        out.setdefault(s.key, []).append(s.text)
    return out


def table(bulletin, word: str):
    return next(t for t in bulletin.tables if word in t.title)


def test_sector_section_and_table_at_the_texts_decimals(town):
    """The sentence names each 行业领域 with a completed amount: 交通 2 projects, 1400 万元 → 0.1 亿元, 46.7%,
    欠序时 3.3 (能源 completed nothing: no sentence; 未标注 never has one). The table, at the text's 1 place,
    has every 行业领域 and 未标注, then 合计 4 / 0.4 / 0.2 / 38.6 / 50.0 / −11.4 (numbers, as the other tables).
    The section comes after the lists and is titled 分行业领域推进情况; the period prints as 上半年."""
    b = generate(town.city, H1)
    assert by_key(b)["sectors.item"] == [
        "交通领域项目2个，完成投资0.1亿元，完成年度投资计划的46.7%，欠序时3.3个百分点。"
    ]
    keys = [s.key for s in b.sections]
    assert keys.index("sectors") == keys.index("lists") + 1
    t = table(b, "分行业领域")
    assert t.title == "测试市重大项目分行业领域完成情况"
    assert t.headers == [
        "行业领域",
        "项目数",
        "年度计划(亿元)",
        "完成投资(亿元)",
        "完成率%",
        "序时%",
        "超欠序时(百分点)",
    ]
    assert t.rows[0] == ["交通", 2, 0.3, 0.1, 46.7, 50, -3.3]
    assert t.rows[-1] == ["合计", 4, 0.4, 0.2, 38.6, 50, -11.4]
    assert "二、重点清单项目推进情况" in to_text(b) and "（2024年上半年）" in to_text(b)


def test_table_decimals_total_as_sum_and_whole_percent_start_rate(town):
    """表格金额 2 places, 合计按分项相加, 开工率 0 places:
    the sector table: 交通 0.30 / 0.14, 能源 0.10 / 0.00, 未标注 0.04 / 0.03; 合计 0.30 + 0.10 + 0.04 = 0.44 and
    0.14 + 0.00 + 0.03 = 0.17 (at 2 places the sum equals the total rounded once); rates stay at 1 place.
    The by-unit table: 甲区 2000 → 0.20, 600 → 0.06; 乙区 2400 → 0.24, 1100 → 0.11; 合计 0.44 / 0.17.
    The text keeps its 1 place: 全市 完成投资 1700 → 0.2 亿元.
    开工率: planned new starts p2 (started) and p3 → 1 ÷ 2 = 50% printed “50” (not 50.0)."""
    services.save_config(
        city=town.city, table_amount_places=2, total_as_sum=True, start_rate_places=0, actor=SYSTEM,
    )
    b = generate(town.city, H1)
    t = table(b, "分行业领域")
    assert t.rows[0] == ["交通", 2, "0.30", "0.14", "46.7", "50.0", "-3.3"]
    assert t.rows[1] == ["能源", 1, "0.10", "0.00", "0.0", "50.0", "-50.0"]
    assert t.rows[-2][:4] == ["未标注", 1, "0.04", "0.03"]
    assert t.rows[-1][:4] == ["合计", 4, "0.44", "0.17"]
    units = table(b, "测试市重大项目分板块")
    assert [r[:4] for r in units.rows] == [
        ["测试市（合计）", 4, "0.44", "0.17"],
        ["甲区", 2, "0.20", "0.06"],
        ["乙区", 2, "0.24", "0.11"],
    ]
    assert by_key(b)["overview.starts"] == ["全市计划新开工项目2个，已开工1个，开工率50%。"]
    assert "全市重大项目累计完成投资0.2亿元" in by_key(b)["overview.investment"][0]
    assert json.dumps(to_json(b), ensure_ascii=False)  # the strings serialize as they print


def test_total_as_sum_differs_from_rounding_once_at_one_place(town):
    """At the text's 1 place: 交通 0.1 + 能源 0.0 + 未标注 0.0 = 0.1 where 1700 万元 rounded once is 0.2."""
    assert table(generate(town.city, H1), "分行业领域").rows[-1][3] == 0.2
    services.save_config(city=town.city, total_as_sum=True, actor=SYSTEM)
    assert table(generate(town.city, H1), "分行业领域").rows[-1][3] == 0.1


def test_optional_list_sentences_once_switched_on(town):
    """Off by default; a city switches them on (its own row). 上半年:
    省重大 (p1, p2, p4): 未达到序时 p2 → 1 项, 1 ÷ 3 = 33.3%; 总投资 50000 + 30000 + 10000 = 9.0 亿元,
        计划 3400 → 0.3; 续建和实际已开工 p1 + p2: plan 3000 → 0.3, completed 1400 → 0.1, 46.7%, 欠序时3.3;
        竣工 p1 + p4 = 2 of 1 planned → 200.0%, 投产 p4 = 1 of 1 planned (p1) → 100.0%;
        落实资金 500 + 300 = 800 → 0.1 亿元, 800 ÷ 3400 = 23.5%.
    市重大 (p3, p4): 未达到序时 p3 (p4 300 ÷ 500 = 60%) → 1 项, 50.0%.
    全市 完成投资 1700 vs 300 last year: 增加 1400 → 0.1 亿元, 上年同期 0.03 → 0.0 亿元."""
    assert "list.behind" not in by_key(generate(town.city, H1))
    from tuijin.bulletins.defaults import DEFAULT_TEMPLATES, OFF_BY_DEFAULT

    for key, _section, _order, text in DEFAULT_TEMPLATES:
        if key in OFF_BY_DEFAULT:
            services.save_template(city=town.city, key=key, text=text, enabled=True, actor=SYSTEM)
    got = by_key(generate(town.city, H1))
    assert got["list.behind"] == [
        "省重大项目未达到序时进度项目1项，占全年项目数的33.3%。",
        "市重大项目未达到序时进度项目1项，占全年项目数的50.0%。",
    ]
    assert got["list.total_investment"][0] == "省重大项目3个，总投资9.0亿元，年度计划投资0.3亿元。"
    assert got["list.active"][0] == (
        "省重大项目中续建和计划开工实际已开工项目2个，年度计划投资0.3亿元，完成投资0.1亿元，"
        "完成年度投资计划的46.7%，欠序时3.3个百分点。"
    )
    assert (
        got["list.completions_all"][0]
        == "省重大项目已竣工2个、为计划竣工数的200.0%，已投产1个、为计划投产数的100.0%。"
    )
    assert got["list.funds"] == ["省重大项目落实资金0.1亿元，资金落实率23.5%。"]
    assert got["overview.change"] == ["全市重大项目完成投资同比增加0.1亿元，上年同期为0.0亿元。"]


def test_the_api_prints_the_same_values_as_the_bulletin(town, client, settings):
    """GET /api/v1/indicators?through=2024-H1&by=行业领域: the same rows the bulletin's table prints (both at the
    city's 1 place) and the same 交通 figures its sentence prints."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = f.user("i20_admin", town.city, Role.CITY_ADMIN)
    token = create_token(user=user, name="测试", days=30, actor=user)[1]
    r = client.get(
        "/api/v1/indicators",
        {"through": "2024-H1", "by": "行业领域"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["period"]["label"] == "2024年上半年"
    bd = data["breakdown"]
    b = generate(town.city, H1)
    t = table(b, "分行业领域")
    api_rows = [
        [
            row["label"],
            row["projects"],
            row["annual_plan_yi"],
            row["completed_yi"],
            row["completion_rate_pct"],
            row["schedule_share_pct"],
            row["schedule_variance_pp"],
        ]
        for row in [*bd["rows"], bd["total"]]
    ]
    assert api_rows == t.rows
    sentence = next(s for s in b.sentences if s.key == "sectors.item")
    assert sentence.figures["completed_yi"]["value"] == bd["rows"][0]["completed_yi"] == 0.1
    assert (
        sentence.figures["completion_rate_pct"]["value"]
        == bd["rows"][0]["completion_rate_pct"]
        == 46.7
    )
    bad = client.get(
        "/api/v1/indicators", {"through": "2024-H3"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 422
    bad = client.get(
        "/api/v1/indicators",
        {"through": "2024-06", "by": "颜色"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code in (400, 422) and "分组维度未知" in bad.content.decode()


def test_settings_refuse_bad_decimals(town):
    from tuijin.core.errors import InputError

    with pytest.raises(InputError, match="表格金额小数位应为 0-4 的整数"):
        services.save_config(city=town.city, table_amount_places=5, actor=SYSTEM)
    services.save_config(city=town.city, table_amount_places="", actor=SYSTEM)
    assert (
        generate(town.city, H1).tables[0].rows[0][2] == 0.4
    )  # back to the text's decimals, numbers
