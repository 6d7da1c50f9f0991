"""Sentence templates: named figures, optional clauses, dropped sentences, and refused templates."""

import pytest

from tuijin.bulletins.sentences import Fig, check_template, render
from tuijin.core.errors import InputError

FIGS = {
    "period": Fig("1-5月", label=True),
    "area": Fig("全市", label=True),
    "projects": Fig("17", 17),
    "completed_yi": Fig("31.9", 31.9),
    "variance_word": Fig("超", 3.5),
    "variance_pp_abs": Fig("3.5", 3.5),
    "missing": Fig(None),
}


def test_a_template_with_every_figure():
    text, used = render("{period}，{projects}个项目完成投资{completed_yi}亿元，{variance_word}序时{variance_pp_abs}个百分点。",
                        FIGS)
    assert text == "1-5月，17个项目完成投资31.9亿元，超序时3.5个百分点。"
    assert used == ["period", "projects", "completed_yi", "variance_word", "variance_pp_abs"]


def test_a_missing_figure_drops_the_sentence():
    assert render("{period}，完成投资{missing}亿元。", FIGS) is None
    assert render("{period}，完成投资{nonexistent}亿元。", FIGS) is None


def test_a_missing_figure_in_an_optional_clause_drops_only_the_clause():
    text, used = render("完成投资{completed_yi}亿元[，同比增长{missing}%]。", FIGS)
    assert text == "完成投资31.9亿元。" and used == ["completed_yi"]


def test_separators_left_by_dropped_clauses_are_tidied():
    assert render("{area}项目[新签约{projects}个、][新开工{missing}个、][新投产{missing}个]。", FIGS)[0] == \
        "全市项目新签约17个。"
    assert render("{area}[新签约{missing}个，][新开工{projects}个，][新投产{missing}个]。", FIGS)[0] == "全市新开工17个。"


def test_a_sentence_of_labels_only_is_dropped():
    assert render("{period}，{area}[新签约{missing}个]。", FIGS) is None
    assert render("{period}，{area}本期暂无数据。", FIGS, require_data=False)[0] == "1-5月，全市本期暂无数据。"


def test_literal_braces():
    assert render("{{注}}完成{completed_yi}亿元。", FIGS)[0] == "{注}完成31.9亿元。"


@pytest.mark.parametrize("text, message", [
    ("完成投资{completed_yi亿元", "花括号"),
    ("完成投资{completed_yi:.2f}亿元", "写法有误"),
    ("完成投资{completed_yi!r}亿元", "写法有误"),
    ("完成投资{0}亿元", "写法有误"),
    ("完成投资{unknown_figure}亿元", "unknown_figure"),
    ("[完成投资{completed_yi}亿元", "没有对应"),
    ("完成投资{completed_yi}亿元]", "多余"),
    ("[[完成投资{completed_yi}亿元]]", "嵌套"),
    ("   ", "不能为空"),
])
def test_bad_templates_are_refused_with_a_reason(text, message):
    with pytest.raises(InputError) as exc:
        check_template("overview", text)
    assert message in exc.value.text


def test_figure_names_are_checked_per_section():
    assert check_template("lists", "{list_name}完成{completed_yi}亿元。") == ["list_name", "completed_yi"]
    with pytest.raises(InputError):
        check_template("overview", "{list_name}完成{completed_yi}亿元。")  # list_name belongs to lists
    with pytest.raises(InputError):
        check_template("nowhere", "{period}")
