"""Forms of the dashboard pages. Drop-downs are built from the user's scope (web.selectors), so nothing outside
it is offered; the services validate and write."""

from __future__ import annotations

from django import forms

from tuijin.core.bounds import SCORE, BoundedDecimalField
from tuijin.core.forms import Form, ModelMultipleChoiceField
from tuijin.core.params import YEAR_MAX, YEAR_MIN
from tuijin.indicators import competition, lights
from tuijin.web import selectors as web_selectors
from tuijin.web.forms import NodeChoiceField, OverviewForm, UnitChoiceField

from .selectors import PERIOD_KINDS

LEVEL_CHOICES = [("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯")]


class DashboardForm(OverviewForm):
    """The overview's choice of city, period and list (and its checks), plus a unit and a signing cohort."""

    unit = UnitChoiceField(label="单位", queryset=None, required=False, empty_label="全市 / 本单位")
    through = forms.CharField(label="截至月份", required=False, max_length=7,
                              widget=forms.TextInput(attrs={"type": "month"}))
    kind = forms.ChoiceField(label="期间", choices=PERIOD_KINDS, required=False)  # with 半年
    cohort = forms.IntegerField(label="签约批次", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX,
                                widget=forms.Select)
    field_order = ["city", "unit", "annual_list", "through", "kind", "cohort"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        units = web_selectors.visible_units(user).exclude(kind__in=("province",))
        self.fields["unit"].queryset = units
        self.fields["unit"].base_depth = min((u.depth for u in units[:1]), default=0)
        years = web_selectors.list_years(user)[:1]
        latest = years[0] if years else 2024
        self.fields["cohort"].widget.choices = [("", "上年签约 (默认)")] + [(y, f"{y}年签约") for y in
                                                                         range(latest, latest - 4, -1)]

    def clean(self):
        data = super().clean()
        city, unit = data.get("city"), data.get("unit")
        if unit is not None and city is not None and not unit.is_within(city):
            self.add_error("unit", f"{unit.name} 不属于 {city.name}")
        return data


class LightsFilterForm(DashboardForm):
    level = forms.MultipleChoiceField(label="显示", choices=LEVEL_CHOICES, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, user, data=None, *args, **kwargs):
        if data is not None and "level" not in data:  # by default: the red and yellow lights, shown ticked
            data = data.copy()
            data.setlist("level", ["red", "yellow"])
        super().__init__(user, data, *args, **kwargs)
        del self.fields["cohort"]  # the funnel's signing year: not a filter of the lights

    def clean(self):
        data = super().clean()
        data["level"] = set(data.get("level") or ["red", "yellow"])
        return data


class RuleForm(Form):
    rule = forms.IntegerField(label="规则", required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    name = forms.CharField(label="规则名称", max_length=60)
    kind = forms.ChoiceField(label="规则类型", choices=list(lights.KIND_LABELS.items()))
    yellow = BoundedDecimalField(label="黄灯阈值", required=False, bounds=SCORE)
    red = BoundedDecimalField(label="红灯阈值", required=False, bounds=SCORE)
    applies_to = forms.ChoiceField(label="适用对象", choices=list(lights.TARGET_LABELS.items()))
    active = forms.BooleanField(label="启用", required=False, initial=True)
    sort_order = forms.IntegerField(label="顺序", required=False, min_value=0, max_value=100000)
    note = forms.CharField(label="说明", max_length=200, required=False)
    reason = forms.CharField(label="修改原因", max_length=500, required=False)


class AdjustmentForm(Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="请选择")
    points = BoundedDecimalField(label="分值 (加分为正, 扣分为负)", bounds=SCORE)
    reason = forms.CharField(label="事由", max_length=300)

    def __init__(self, campaign, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = campaign.units.order_by("sort_order", "pk")


class HighlightForm(Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="请选择")
    project = forms.ModelChoiceField(label="项目", queryset=None, required=False, empty_label="(不关联项目)",
                                     widget=forms.NumberInput(attrs={"placeholder": "项目ID (可不填)"}))
    title = forms.CharField(label="标题", max_length=200)
    summary = forms.CharField(label="亮点介绍", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label="照片", required=False)
    video = forms.FileField(label="视频", required=False)

    def __init__(self, user, campaign, *args, **kwargs):
        from tuijin.projects import scoping

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = campaign.units.order_by("sort_order", "pk")
        self.fields["project"].queryset = scoping.projects_for(user).filter(unit__path__startswith=campaign.city.path)

    def clean_video(self):
        video = self.cleaned_data.get("video")
        if video is not None:
            name = (video.name or "").lower()
            if not name.endswith((".mp4", ".webm", ".ogg", ".mov")):
                raise forms.ValidationError("视频格式应为 mp4 / webm / ogg / mov")
        return video


INDICATOR_ROWS = 6


class CampaignForm(Form):
    """A new campaign: its period, competing units and up to six weighted indicators (rows left blank are
    skipped). Project points use DOMAIN.md's scheme (competition.DEFAULT_POINTS)."""

    name = forms.CharField(label="竞赛名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX)
    first_month = forms.IntegerField(label="起始月份", min_value=1, max_value=12)
    last_month = forms.IntegerField(label="截止月份", min_value=1, max_value=12)
    units = ModelMultipleChoiceField(label="参赛单位", queryset=None, widget=forms.CheckboxSelectMultiple)
    previous = forms.ModelChoiceField(label="上一期 (名次变化对比)", queryset=None, required=False,
                                      empty_label="(按上一个同长度期间自动对比)")
    red_count = forms.IntegerField(label="红榜名额", min_value=0, max_value=50, initial=3)
    black_count = forms.IntegerField(label="黑榜名额", min_value=0, max_value=50, initial=3)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, city, *args, **kwargs):
        from tuijin.orgs.models import DISTRICT_KINDS

        from .models import Campaign

        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = city.children.filter(kind__in=DISTRICT_KINDS).order_by("sort_order", "pk")
        self.fields["previous"].queryset = Campaign.objects.filter(city=city)
        kinds = [("", "—")] + list(competition.KIND_LABELS.items())
        # Only for 目标任务完成率: which target indicator counts (the service refuses it missing or unknown).
        target_choices = [("", "—")] + [(k, v.label) for k, v in competition.target_indicators().items()]
        for i in range(INDICATOR_ROWS):
            self.fields[f"ind{i}_name"] = forms.CharField(label=f"指标{i + 1}名称", max_length=60, required=False)
            self.fields[f"ind{i}_kind"] = forms.ChoiceField(label="指标", choices=kinds, required=False)
            self.fields[f"ind{i}_weight"] = BoundedDecimalField(label="权重", required=False, min_value=0,
                                                                bounds=SCORE)
            self.fields[f"ind{i}_method"] = forms.ChoiceField(label="计分方法", required=False,
                                                              choices=list(competition.METHOD_LABELS.items()))
            self.fields[f"ind{i}_target"] = forms.ChoiceField(label="目标任务指标", required=False,
                                                              choices=target_choices)

    def indicator_rows(self):
        return [(self[f"ind{i}_name"], self[f"ind{i}_kind"], self[f"ind{i}_weight"], self[f"ind{i}_method"],
                 self[f"ind{i}_target"]) for i in range(INDICATOR_ROWS)]

    def clean(self):
        data = super().clean()
        rows = []
        for i in range(INDICATOR_ROWS):
            name, kind = (data.get(f"ind{i}_name") or "").strip(), data.get(f"ind{i}_kind")
            if not name and not kind:
                continue
            if not name or not kind or data.get(f"ind{i}_weight") is None:
                raise forms.ValidationError(f"指标{i + 1}: 请填写名称、指标和权重")
            target = data.get(f"ind{i}_target")
            params = {"indicator": target} if kind == competition.TARGET_PROGRESS and target else {}
            rows.append({"name": name, "kind": kind, "weight": data[f"ind{i}_weight"],
                         "method": data.get(f"ind{i}_method") or "best", "params": params})
        if not rows:
            raise forms.ValidationError("至少设置一个竞赛指标")
        data["indicators"] = rows
        return data


class PerformanceForm(DashboardForm):
    """The contracts page's filter: the dashboard's city, unit, list and period, and an industry node (产业链),
    all offered from the user's scope."""

    industry_node = NodeChoiceField(label="产业链", queryset=None, required=False, empty_label="全部产业链")
    field_order = ["city", "unit", "industry_node", "annual_list", "through", "kind"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        del self.fields["cohort"]  # the signing cohort is the period's year here
        self.fields["industry_node"].queryset = web_selectors.visible_nodes(user)

    def clean(self):
        data = super().clean()
        city, node = data.get("city"), data.get("industry_node")
        if node is not None and city is not None and node.taxonomy.city_id != city.pk:
            self.add_error("industry_node", f"产业链 {node.name} 不属于 {city.name}")
        return data
