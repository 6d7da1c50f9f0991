"""Forms of the 招商引资 pages: a new lead, a stage move, a contact, signing with the contract, funds arrived."""

from __future__ import annotations

from django import forms

from tuijin.core.bounds import FX_RATE, MONEY, SALES, BoundedDecimalField, Bounds
from tuijin.core.forms import DateInput, Form, ModelMultipleChoiceField
from tuijin.projects.models import Category

from .models import AgreedMilestone, EventKind, IndustryTier, InvestorKind, LeadSource, LeadStage

DATE = DateInput()


class LeadForm(Form):
    title = forms.CharField(label="项目名称", max_length=200)
    investor = forms.CharField(label="投资方", max_length=200)
    investor_region = forms.CharField(label="国别/地区", max_length=60, required=False)
    # A blank first choice: a required choice left as it opened must not record 世界500强 for every lead.
    investor_kind = forms.ChoiceField(label="投资方类型", choices=[("", "— 请选择 —"), *InvestorKind.choices])
    source = forms.ChoiceField(label="线索来源", choices=[("", "— 请选择 —"), *LeadSource.choices])
    intended_investment = BoundedDecimalField(label="意向投资(万元)", bounds=MONEY)
    stage_date = forms.DateField(label="线索日期", widget=DATE)
    team = forms.CharField(label="招商小分队", max_length=100, required=False)
    city_leader = forms.CharField(label="挂钩市领导", max_length=50, required=False)


class MoveForm(Form):
    stage = forms.ChoiceField(label="进入阶段", choices=[c for c in LeadStage.choices if c[0] != LeadStage.SIGNED])
    date = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=500, required=False)
    reason = forms.CharField(label="放弃原因", max_length=300, required=False)


class ContactForm(Form):
    date = forms.DateField(label="洽谈日期", widget=DATE)
    note = forms.CharField(label="洽谈内容", max_length=500)


class SignForm(Form):
    signed_on = forms.DateField(label="签约日期", widget=DATE)
    investment = BoundedDecimalField(label="合同投资(万元)", bounds=MONEY)
    code = forms.CharField(label="项目代码", max_length=40, required=False,
                           help_text="新建项目时填写; 关联已有项目时留空")
    category = forms.ModelChoiceField(label="项目类别", queryset=Category.objects.all(), required=False)
    existing_code = forms.CharField(label="关联已有项目 (项目代码)", max_length=40, required=False)
    registered_capital = BoundedDecimalField(label="注册资本(万元)", bounds=MONEY, required=False)
    foreign_capital = BoundedDecimalField(label="外资(万元)", bounds=MONEY, required=False)
    foreign_currency = forms.CharField(label="外币币种", max_length=3, required=False)
    foreign_amount = BoundedDecimalField(label="外币金额(万)", bounds=MONEY, required=False)
    fx_rate = BoundedDecimalField(label="折算汇率", bounds=FX_RATE, required=False)
    due_registered = forms.DateField(label="约定注册日期", widget=DATE, required=False)
    due_land = forms.DateField(label="约定拿地日期", widget=DATE, required=False)
    due_started = forms.DateField(label="约定开工日期", widget=DATE, required=False)
    due_operating = forms.DateField(label="约定投产日期", widget=DATE, required=False)
    confirm_new_project = forms.BooleanField(label="确认为该投资方的新项目", required=False)
    industry_tier = forms.ChoiceField(label="三次产业", choices=IndustryTier.choices, initial=IndustryTier.SECONDARY,
                                      required=False)
    event = forms.ModelChoiceField(label="签约活动", queryset=None, required=False,
                                   help_text="在招商活动或签约仪式上签约时选择")

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events

    def milestones(self) -> dict:
        d = self.cleaned_data
        return {k: d[f"due_{k}"] for k in ("registered", "land", "started", "operating") if d.get(f"due_{k}")}


class MilestoneForm(Form):
    kind = forms.ChoiceField(label="节点", choices=AgreedMilestone.choices)
    actual_date = forms.DateField(label="实际日期", widget=DATE)


class ArrivalForm(Form):
    date = forms.DateField(label="到位日期", widget=DATE)
    amount = BoundedDecimalField(label="到位金额(万元)", bounds=MONEY)
    source = forms.ChoiceField(label="资金来源", choices=())
    confirm_over = forms.BooleanField(label="确认超过合同投资", required=False)

    def __init__(self, *args, sources=(), **kwargs):
        """`sources`: the city's funds sources (资金来源, in their order); the service resolves the code."""
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.code, s.name) for s in sources]


class UnitsField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EventForm(Form):
    """招商活动: the units offered are those the user may name (any unit of the city for a city-level writer, its
    own subtree otherwise); a unit posted from elsewhere in the city reaches the service, which names it."""

    name = forms.CharField(label="活动名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=EventKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=100)
    leader = forms.CharField(label="带队领导", max_length=50, required=False, help_text="如 市长、分管副市长")
    units = UnitsField(label="参加单位", queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, offered, city_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = city_units
        self.fields["units"].widget.choices = [(u.pk, u.name) for u in offered]


class LeadEventForm(Form):
    """对接线索: the event (among those the user sees in the lead's city) where the lead was met."""

    event = forms.ModelChoiceField(label="招商活动", queryset=None)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events


class ImportForm(Form):
    kind = forms.ChoiceField(label="台账类型", choices=[("leads", "招商线索台账"), ("contracts", "签约项目台账")])
    file = forms.FileField(label="文件 (.xlsx/.xls/.ods/.csv)")


class TargetForm(Form):
    """目标任务: a unit's yearly target for one indicator (the unit list is limited to what the user sees)."""

    unit = forms.ModelChoiceField(label="单位", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    indicator = forms.CharField(label="指标", widget=forms.Select)
    value = BoundedDecimalField(label="目标值 (个 / 亿元 / %; 分来源到位资金: 万元)",
                                bounds=Bounds(SALES.low, SALES.high, 4, SALES.unit))
    source = forms.ChoiceField(label="资金来源 (分来源到位资金)", required=False)
    level = forms.ChoiceField(label="下达层级", choices=[("city", "市定"), ("province", "省定")])
    annual_list = forms.ModelChoiceField(label="清单", queryset=None, required=False)
    due_month = forms.IntegerField(label="完成时限(月)", min_value=1, max_value=12, initial=12)
    strictly_above = forms.BooleanField(label="须超过目标值", required=False)
    description = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, units, lists, sources=(), **kwargs):
        from .targets import INDICATORS

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["annual_list"].queryset = lists
        self.fields["source"].choices = [("", "—")] + [(x.code, x.name) for x in sources]
        self.fields["indicator"].widget.choices = [(k, f"{v.label} ({v.unit})") for k, v in INDICATORS.items()]
