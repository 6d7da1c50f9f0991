"""Done-when of issue 8: the demo's bulletins carry the published figures (shared/reference/bulletins-2024.md)
sentence by sentence, and the demo's OC4IDS export validates with libcoveoc4ids and jsonschema.

Each expected sentence must appear in the bulletin exactly; punctuation may be full- or half-width, nothing
else may differ. The demo is built once per session by tests/demo_fixtures.py (`demo`)."""

import importlib.util
import io
import json

import pytest
from django.core.management import call_command

from tuijin.bulletins.generator import generate
from tuijin.core.periods import Period
from tuijin.orgs.selectors import city_by_name

from .loopback import cove

pytestmark = pytest.mark.demo

WIDTH = str.maketrans({"，": ",", "。": ".", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?",
                       "“": '"', "”": '"', "％": "%"})


def norm(text: str) -> str:
    """Full-width punctuation to half-width: the only difference a comparison forgives."""
    return text.translate(WIDTH)


def sentences(city: str, through: str, kind: str = "ytd") -> list[str]:
    return [norm(s.text) for s in generate(city_by_name(city), Period.parse(through, kind)).sentences]


def assert_sentences(have: list[str], expected: list[str]) -> None:
    missing = [e for e in expected if norm(e) not in have]
    assert not missing, "missing sentences:\n" + "\n".join(missing) + "\n--- the bulletin:\n" + "\n".join(have)


ZHENJIANG_MAY = [
    # A3
    "1-5月，17个省重大项目完成投资31.9亿元，完成年度投资计划的45.1%，超序时3.5个百分点。",
    # A4
    "省重大项目计划新开工10个，已开工9个，开工率90.0%。",
    # A5
    "1-5月，310个市重大项目完成投资268.4亿元，完成年度投资计划的44.6%，超序时2.9个百分点。",
    # A8
    "1-5月，四大产业集群开票销售占规上工业的74.1%，同比增长3.1%，高于规上工业增速2.9个百分点。",
    # A9
    "八大产业链开票销售占规上工业的67.2%，同比增长3.1%，高于规上工业增速2.9个百分点。",
]

ZHENJIANG_JUNE = [
    # A1, A2
    "上半年，全市新签约亿元以上产业项目221个，计划总投资1094.6亿元，同比分别增长18.2%和10.3%。",
]

SUZHOU_Q1 = [
    # B1
    "一季度，全市亿元以上项目新签约481个、新开工301个、新投产（投用）248个。",
    # B2
    "常熟市亿元以上产业项目新签约45个、计划总投资228.4亿元，新开工20个、计划总投资101.0亿元，"
    "新投产22个、计划总投资103.9亿元。",
    # B3
    "苏州工业园区亿元以上产业项目新签约60个、计划总投资466.6亿元，新开工40个、计划总投资646.5亿元，"
    "新投产10个、计划总投资64.4亿元。",
    # B4
    "苏州高新区亿元以上产业项目新签约40个、计划总投资228.8亿元，新开工25个、计划总投资165.0亿元，"
    "新投产18个、计划总投资123.0亿元。",
]


def test_zhenjiang_through_may_a3_to_a5_a8_a9(demo):
    have = sentences("镇江市", "2024-05")
    assert_sentences(have, ZHENJIANG_MAY)
    # A6, A7: 124 projects on each upgrading list
    for name in ("智能化数字化技改项目", "传统产业焕新升级项目"):
        assert any(s.startswith(norm(f"1-5月，124个{name}完成投资")) for s in have), name


def test_zhenjiang_first_half_a1_a2(demo):
    assert_sentences(sentences("镇江市", "2024-06"), ZHENJIANG_JUNE)


def test_suzhou_first_quarter_b1_to_b4(demo):
    assert_sentences(sentences("苏州市", "2024-03", "quarter"), SUZHOU_Q1)


def test_the_cli_prints_the_same_bulletin_with_its_trace(demo):
    out = io.StringIO()
    call_command("bulletin", "--city", "苏州市", "--through", "2024-03", "--period", "quarter", "--format", "json",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert_sentences([norm(s["text"]) for s in data["sentences"]], SUZHOU_Q1)
    b2 = next(s for s in data["sentences"] if s["text"].startswith("常熟市"))
    assert b2["figures"]["signed_total_yi"]["source"]["filters"] == {
        "city": "苏州市", "unit": "常熟市", "category": "产业", "min_total_wan": "10000.00"}


def livelihood_installed() -> bool:
    from django.core.management import get_commands

    return importlib.util.find_spec("tuijin.livelihood.selectors") is not None or "livelihood" in get_commands()


@pytest.mark.skipif(not livelihood_installed(), reason="the livelihood module (issue 7) is not installed")
def test_zhenjiang_livelihood_a10_to_a13(demo):
    assert_sentences(sentences("镇江市", "2024-05"), [
        # A10
        "全市12大类40件民生实事中，已完成年度目标2件，超序时推进2件，按序时推进36件。",
        # A11
        "适龄妇女两癌免费筛查：宫颈癌筛查4.01万人、乳腺癌筛查4.73万人，完成年度目标的100.3%，已完成年度目标。",
        # A12
        "市级云影像平台建设：平台功能10项、接入公立医院27家，完成年度目标的100.0%，已完成年度目标。",
        # A13
        "新增公共停车泊位：已完成1113个，完成年度目标的55.7%，超序时推进。",
    ])


def test_the_demo_oc4ids_export_validates(demo, schema_server, tmp_path):
    from tuijin.bulletins.oc4ids import build_package
    from tuijin.bulletins.oc4ids_check import oc4ids_dir, validate_package

    if not (oc4ids_dir() / "project-package-schema.json").exists():
        pytest.skip("shared/oc4ids not found")
    package = build_package(city_by_name("苏州市"))
    assert len(package["projects"]) > 1000
    report = validate_package(package)
    assert report.errors == [] and report.open_codelist_values == []
    result = cove(package, schema_server, tmp_path)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_open_codelist_values"] == {}
    assert result["conformance_checks"] == [] and result["additional_checks"] == []


def test_zhenjiang_sector_table_at_two_decimals(demo):
    """Issue 20: 镇江市 prints its tables' amounts at 2 decimals (its bulletin settings) while the text keeps 1.
    The 分行业领域 table lists the city's 行业领域 with the demo's listed projects (工业科技, 商贸服务, 交通 …);
    its 合计 is the whole programme, the same as the by-unit table's 合计 at the same 2 decimals, and its rows'
    projects add up to it (every listed demo project carries a 行业领域: no 未标注 row)."""
    b = generate(city_by_name("镇江市"), Period.parse("2024-05"))
    sector = next(t for t in b.tables if "分行业领域" in t.title)
    units = next(t for t in b.tables if t.title == "镇江市重大项目分板块完成情况")
    labels = [r[0] for r in sector.rows]
    assert {"工业科技", "商贸服务", "交通", "社会事业", "城建环保"} <= set(labels) and "未标注" not in labels
    for row in sector.rows:
        for cell in row[2:4]:
            assert isinstance(cell, str) and len(cell.split(".")[1]) == 2, row
    total = sector.rows[-1]
    assert total[0] == "合计" and total[1:4] == units.rows[0][1:4]
    assert sum(r[1] for r in sector.rows[:-1]) == total[1]
    assert any(s.key == "sectors.item" and s.text.startswith("工业科技领域项目") for s in b.sentences)
    # the text keeps the conventions' 1 place: A3 is unchanged
    assert_sentences(sentences("镇江市", "2024-05"), ZHENJIANG_MAY[:1])
