"""The bulletin of a hand-made city (tests/bulletins/conftest.py), sentence by sentence, every figure worked
out by hand here; a period without data; the JSON trace of every figure; the CLI's refusals."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from tuijin.bulletins.formats import to_json, to_text
from tuijin.bulletins.generator import cn_number, generate, threshold_label
from tuijin.core.periods import Period

# 1-5月: schedule share 5/12 = 41.667%.
# 省重大: P1 6000 of 10000, P2 1500 of 6000 → 7500 / 16000 = 46.875% → 46.9%, +5.208 → 超序时5.2; 0.75亿 → 0.8
# all lists: + P3 (4000, nothing reported) → 7500 / 20000 = 37.5%, −4.167 → 欠序时4.2
# 甲区 6000 / 14000 = 42.857% (+1.19); 乙区 1500 / 6000 = 25.0% (−16.667 → 欠序时16.7)
# 产业 ≥ 1亿 signed: S1 + S2 = 2, 3.0亿; last year S5: 1, 2.5亿 → +100.0%, +20.0%
# all categories ≥ 1亿: signed S1 S2 S4 = 3 (S3 is 9999 万元), started P2 = 1
# clusters 800 / 1000 = 80.0%, 700 → 800 +14.3%, total 1000 → 1000 +0.0% → 高于 14.3
# chains 600 / 1000 = 60.0%, 500 → 600 +20.0% → 高于 20.0
EXPECTED = {
    "overview.plan": ["1-5月，全市纳入年度清单的重大项目3个，年度计划投资2.0亿元。"],
    "overview.investment": ["全市重大项目累计完成投资0.8亿元，完成年度投资计划的37.5%，欠序时4.2个百分点。"],
    "overview.starts": ["全市计划新开工项目1个，已开工1个，开工率100.0%。"],
    "list.investment": ["1-5月，2个省重大项目完成投资0.8亿元，完成年度投资计划的46.9%，超序时5.2个百分点。"],
    "list.starts": ["省重大项目计划新开工1个，已开工1个，开工率100.0%。"],
    "events.all": ["1-5月，全市亿元以上项目新签约3个、新开工1个。"],
    "events.signed": ["1-5月，全市新签约亿元以上产业项目2个，计划总投资3.0亿元，同比分别增长100.0%和20.0%。"],
    "unit_events.totals": ["甲区亿元以上产业项目新签约1个、计划总投资2.0亿元。",
                           "乙区亿元以上产业项目新签约1个、计划总投资1.0亿元。"],
    "ranking.completion": ["按年度投资完成率排序，各板块依次为：甲区（42.9%）、乙区（25.0%）。"],
    "ranking.ahead": ["超序时进度的板块有1个：甲区。"],
    "ranking.lagging": ["完成率低于序时进度的板块有1个：乙区（欠序时16.7个百分点）。"],
    "lagging.projects": ["省重大项目中，投资完成率低于序时进度的项目有1个，主要是：乙区项目二（欠序时16.7个百分点）。"],
    "chains.clusters": ["1-5月，两大产业集群开票销售占规上工业的80.0%，同比增长14.3%，高于规上工业增速14.3个百分点。"],
    "chains.chains": ["三大产业链开票销售占规上工业的60.0%，同比增长20.0%，高于规上工业增速20.0个百分点。"],
}
MAY = Period.year_to_date(2024, 5)


def by_key(bulletin) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in bulletin.sentences:
        out.setdefault(s.key, []).append(s.text)
    return out


def test_every_sentence_of_the_hand_made_city(town):
    assert by_key(generate(town.city, MAY)) == EXPECTED


def test_a_list_whose_projects_reported_nothing_prints_no_zero(town):
    # 市重大: one project, nothing completed: no "完成投资0.0亿元", no "0.0%"; the sentence is dropped.
    texts = [s.text for s in generate(town.city, MAY).sentences]
    assert not any(t.startswith("1-5月，1个市重大项目") or t.startswith("市重大项目") for t in texts)
    assert "list.investment" in {s.key for s in generate(town.city, MAY).sentences}  # 省重大 is there
    assert not any("0.0亿元" in t or "完成年度投资计划的0.0%" in t for t in texts)


def test_sections_come_in_order_and_text_numbers_them(town):
    b = generate(town.city, MAY, issued=datetime.date(2024, 6, 5))
    assert [s.key for s in b.sections] == ["overview", "lists", "events", "unit_events", "ranking", "lagging",
                                           "chains"]
    text = to_text(b)
    assert text.startswith("测试市重大项目推进情况通报\n（2024年1-5月）\n")
    assert "2024年6月5日" in text
    assert "一、总体推进情况\n　　1-5月，全市纳入年度清单的重大项目3个" in text
    assert "七、产业集群和产业链发展情况" in text


def test_a_period_without_data_says_so(town):
    b = generate(town.city, Period.year_to_date(2019, 5))
    assert b.empty
    assert [s.text for s in b.sentences] == ["本期暂无数据。"]
    text = to_text(b)
    assert "本期暂无数据" in text and "0个" not in text and "0.0" not in text
    assert to_json(b)["tables"] == []


def test_json_traces_every_figure_to_its_filter(town):
    data = to_json(generate(town.city, MAY))
    s = next(x for x in data["sentences"] if x["key"] == "list.investment")
    completed = s["figures"]["completed_yi"]
    assert completed["text"] == "0.8" and completed["value"] == 0.8
    assert completed["source"]["indicator"] == "completed_yi"
    assert completed["source"]["filters"] == {"city": "测试市", "unit": "测试市", "list": "省重大项目"}
    assert completed["source"]["period"] == "2024年1-5月"
    signed = next(x for x in data["sentences"] if x["key"] == "events.signed")["figures"]
    assert signed["signed_count"]["source"]["filters"] == {"city": "测试市", "unit": "测试市", "category": "产业",
                                                           "min_total_wan": "10000.00"}
    assert signed["signed_count"]["source"]["indicator"] == "new_signed.count"
    lagging = next(x for x in data["sentences"] if x["key"] == "lagging.projects")["figures"]
    assert [p["name"] for p in lagging["lagging_projects"]["source"]["projects"]] == ["乙区项目二"]
    # each figure's text is exactly what the sentence printed
    for sentence in data["sentences"]:
        for fig in sentence["figures"].values():
            assert fig["text"] in sentence["text"]


def test_the_engine_prints_the_same_figures(town):
    """A bulletin figure and `tuijin indicators` agree: the bulletin takes present()'s numbers."""
    out = io.StringIO()
    call_command("indicators", "--city", "测试市", "--through", "2024-05", "--list", "省重大项目", "--format",
                 "json", stdout=out)
    engine = json.loads(out.getvalue())
    figs = next(s for s in to_json(generate(town.city, MAY))["sentences"] if s["key"] == "list.investment")
    for name in ("completed_yi", "completion_rate_pct"):
        assert figs["figures"][name]["value"] == engine[name]
    assert figs["figures"]["variance_pp_abs"]["value"] == engine["schedule_variance_pp"]


def test_a_unit_bulletin_is_limited_to_the_unit(town):
    b = generate(town.city, MAY, unit=town.units["乙区"])
    texts = by_key(b)
    assert b.heading == "乙区重大项目推进情况通报"
    assert texts["list.investment"] == ["1-5月，乙区1个省重大项目完成投资0.2亿元，完成年度投资计划的25.0%，"
                                        "欠序时16.7个百分点。"]
    assert texts["events.signed"] == ["1-5月，全区新签约亿元以上产业项目1个，计划总投资1.0亿元。"]
    assert "unit_events.totals" not in texts  # a unit without sub-units: no breakdown paragraph
    assert "甲区" not in to_text(b)


def test_a_quarter_bulletin(town):
    b = generate(town.city, Period.parse("2024-06", "quarter"))
    texts = by_key(b)
    # 二季度 (4-6月): S2 (4月) and S4 (5月) signed; P2 reported 4-5月 1000, P1 4-5月 2400
    assert texts["events.all"] == ["二季度，全市亿元以上项目新签约2个。"]


def test_numbers_in_words():
    assert [cn_number(n) for n in (1, 2, 4, 8, 10, 12, 20, 30, 99, 100)] == \
        ["一", "两", "四", "八", "十", "十二", "二十", "三十", "九十九", "100"]
    from decimal import Decimal

    assert threshold_label(Decimal(10000)) == "亿元以上"
    assert threshold_label(Decimal(50000)) == "5亿元以上"
    assert threshold_label(Decimal(5000)) == "5000万元以上"
    assert threshold_label(None) == ""


# ---------------------------------------------------------------- the CLI


def run_cli(*args):
    """The console script in process. Django's run_from_argv closes every connection when a command ends,
    which on PostgreSQL would close the one holding the test's transaction: keep it open."""
    import contextlib
    from unittest import mock

    from django.db import connections

    from tuijin.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            mock.patch.object(connections, "close_all"):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("args, message", [
    (("--city", "无此市", "--through", "2024-05"), "城市不存在"),
    (("--city", "测试市", "--unit", "无此区", "--through", "2024-05"), "没有单位"),
    (("--city", "测试市", "--through", "2024-13"), "1-12"),
    (("--city", "测试市", "--through", "2024-05", "--format", "docx"), "--output"),
])
def test_cli_refuses_bad_input_in_one_line(town, args, message):
    code, out, err = run_cli("bulletin", *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_cli_text_json_and_docx(town, tmp_path):
    code, out, _ = run_cli("bulletin", "--city", "测试市", "--through", "2024-05", "--date", "2024-06-05")
    assert code == 0 and EXPECTED["list.investment"][0] in out and "2024年6月5日" in out
    code, out, _ = run_cli("bulletin", "--city", "测试市", "--through", "2024-05", "--format", "json")
    assert code == 0 and json.loads(out)["sentences"][0]["key"] == "overview.plan"
    target = tmp_path / "b.docx"
    code, _, err = run_cli("bulletin", "--city", "测试市", "--through", "2024-05", "--format", "docx", "--output",
                           str(target))
    assert code == 0 and target.stat().st_size > 10000
    import docx

    doc = docx.Document(str(target))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "测试市重大项目推进情况通报"
    assert any(EXPECTED["events.signed"][0] in p for p in paragraphs)
    assert doc.tables[0].cell(0, 0).text == "单位" and doc.tables[0].cell(1, 0).text == "测试市（合计）"
    assert [doc.tables[0].cell(i, 0).text for i in (2, 3)] == ["甲区", "乙区"]


def test_the_city_rounding_convention_is_the_engines(town):
    """Two decimals for rates (some cities): 7500 / 16000 = 46.875% → 46.88%, 5.2083 → 5.21, 0.75亿 stays 0.8."""
    from tests import factories

    factories.config(town.city, rate_places=2)
    town.city.refresh_from_db()
    texts = by_key(generate(town.city, MAY))
    assert texts["list.investment"] == ["1-5月，2个省重大项目完成投资0.8亿元，完成年度投资计划的46.88%，超序时5.21个百分点。"]
