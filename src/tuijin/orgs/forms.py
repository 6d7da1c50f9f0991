"""Forms of the city administrator's units page (单位管理): they parse; orgs.services validates and writes."""

from django import forms

from tuijin.core.forms import DateInput, Form

from .models import UnitKind
from .services import ADMIN_KINDS


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * max(0, obj.depth - 2) + obj.name


def _kind_field():
    return forms.ChoiceField(label="类型", choices=[(k, UnitKind(k).label) for k in ADMIN_KINDS])


class UnitAddForm(Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = _kind_field()
    parent = UnitChoiceField(label="上级单位", queryset=None, required=False, empty_label="(本市)")
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    region_code = forms.CharField(label="行政区划代码", max_length=6, required=False, help_text="6 位数字")

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class UnitEditForm(Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = _kind_field()
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    region_code = forms.CharField(label="行政区划代码", max_length=6, required=False, help_text="6 位数字")
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=100000, required=False)
    reason = forms.CharField(label="修改原因", max_length=300, required=False)


class UnitMoveForm(Form):
    parent = UnitChoiceField(label="新的上级单位", queryset=None, empty_label="请选择")
    reason = forms.CharField(label="调整原因", max_length=300, required=False)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class UnitRetireForm(Form):
    retired_on = forms.DateField(label="撤销日期", widget=DateInput())
    reason = forms.CharField(label="撤销原因", max_length=300, required=False)


class CityCreateForm(Form):
    """新建城市 (the platform operator's page; the same service as `tuijin city create`)."""

    name = forms.CharField(label="城市名称", max_length=100)
    province = forms.CharField(label="所属省份", max_length=100, required=False, help_text="留空: 不属于任何省")
    region_code = forms.CharField(label="行政区划代码", max_length=6, required=False, help_text="6 位数字")
