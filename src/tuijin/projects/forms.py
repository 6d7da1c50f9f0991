"""Forms of the city administrator's pages for annual lists (年度清单) and breakdown dimensions (分类维度)."""

from django import forms

from tuijin.core.forms import Form
from tuijin.core.params import YEAR_MAX, YEAR_MIN

from .services import RANK_MAX


class ListForm(Form):
    name = forms.CharField(label="清单名称", max_length=60)
    short_name = forms.CharField(label="简称", max_length=30, required=False)
    rank = forms.IntegerField(label="级别/排序", min_value=1, max_value=RANK_MAX,
                              help_text="1 为最高; 项目在多个清单中时按最高清单计")
    counts_in_total = forms.BooleanField(label="计入全部", required=False, initial=True,
                                         help_text="不勾选: 该清单的项目不计入“全部”口径 (如储备清单)")
    year = forms.IntegerField(label="使用年度", min_value=YEAR_MIN, max_value=YEAR_MAX, required=False,
                              help_text="记录本市在该年度使用此清单 (可选)")


class DimensionForm(Form):
    code = forms.CharField(label="代码", max_length=30, help_text="字母、数字、下划线或连字符")
    name = forms.CharField(label="名称", max_length=30)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=9999, initial=0)


class DimensionEditForm(DimensionForm):
    active = forms.BooleanField(label="在用", required=False, help_text="停用后不能再选给新项目, 已有项目保留")
