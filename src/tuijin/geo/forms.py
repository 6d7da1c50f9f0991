"""Forms of the map and the screen: the dashboard's filters (city, unit, list, month, period kind: dashboard.
forms.DashboardForm, so the choices come from the user's scope) plus what the map is shaded by."""

from __future__ import annotations

from django import forms

from tuijin.core.forms import Form
from tuijin.dashboard.forms import DashboardForm

from .selectors import MEASURES


class MapForm(DashboardForm):
    measure = forms.ChoiceField(label="着色", choices=list(MEASURES.items()), required=False)
    field_order = ["city", "unit", "annual_list", "through", "kind", "measure"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        del self.fields["cohort"]

    def clean(self):
        data = super().clean()
        data["measure"] = data.get("measure") or "rate"
        return data


class ScreenForm(DashboardForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        del self.fields["cohort"]
        del self.fields["unit"]


class KioskForm(Form):
    name = forms.CharField(label="名称", max_length=60, help_text="如 指挥中心大屏、会议室大屏")


class BoundaryForm(Form):
    file = forms.FileField(
        label="边界文件 (.geojson)",
        help_text="FeatureCollection; 每个要素的属性写明 名称 或 行政区划代码",
    )
    unit = forms.ModelChoiceField(
        label="只更新单位", queryset=None, required=False, empty_label="(按文件中的名称或代码对应)"
    )

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
