"""Forms of the bulletin pages. The choices come from the user's reach, so nothing outside it is offered."""

from __future__ import annotations

from django import forms

from tuijin.core.bounds import POINTS, BoundedDecimalField
from tuijin.core.forms import Form, ModelMultipleChoiceField
from tuijin.core.periods import PeriodError, parse_year_month
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.projects.models import AnnualList, Category

from .models import Section


def cities_for(user):
    """The cities whose bulletin the user may open."""
    from tuijin.accounts import scoping

    if not scoping.can(user, scoping.READ):
        return OrgUnit.objects.none()
    if user.is_superuser and not user.unit_id:
        return OrgUnit.objects.cities().order_by("path")
    unit = user.unit
    if unit.kind == UnitKind.PROVINCE:
        return OrgUnit.objects.subtree(unit).filter(kind=UnitKind.CITY).order_by("path")
    city = unit.city()
    return OrgUnit.objects.filter(pk=city.pk) if city else OrgUnit.objects.none()


def units_for(user, city: OrgUnit):
    """The units below the city whose bulletin the user may open (a district sees its own subtree)."""
    qs = OrgUnit.objects.subtree(city).exclude(kind=UnitKind.DEPARTMENT).exclude(pk=city.pk)
    unit = getattr(user, "unit", None)
    if unit is not None and not user.is_superuser and unit.depth > city.depth and not unit.is_department:
        from tuijin.accounts.models import Role

        if user.role not in (Role.REPORTER, Role.DEPARTMENT):
            qs = qs.filter(path__startswith=unit.path)
    return qs.order_by("path")


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * max(0, obj.depth - 2) + obj.name


class BulletinForm(Form):
    city = forms.ModelChoiceField(label="城市", queryset=None, empty_label=None)
    unit = UnitField(label="范围", queryset=None, required=False, empty_label="全市")
    through = forms.CharField(label="截至月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    period = forms.ChoiceField(label="期间", choices=[("ytd", "1-N月累计"), ("quarter", "所在季度")],
                               initial="ytd", required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        cities = cities_for(user)
        self.fields["city"].queryset = cities
        self.several_cities = cities.count() > 1
        city = None
        raw = self.data.get("city") if self.is_bound else None
        if raw:
            city = cities.filter(pk=raw).first() if str(raw).isdigit() else None
        city = city or cities.first()
        self.fields["unit"].queryset = units_for(user, city) if city else OrgUnit.objects.none()
        own = getattr(user, "unit", None)
        if city and own is not None and own.depth > city.depth and not own.is_department and \
                units_for(user, city).filter(pk=own.pk).exists():
            self.fields["unit"].empty_label = None  # a district's user: its own unit at most
            self.fields["unit"].required = True
        if city is not None:
            self.initial.setdefault("city", city.pk)

    def clean_through(self):
        try:
            return parse_year_month(self.cleaned_data["through"], "截至月份")
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class TemplateForm(Form):
    key = forms.CharField(max_length=60, widget=forms.HiddenInput)
    section = forms.ChoiceField(choices=Section.choices, required=False, widget=forms.HiddenInput)
    text = forms.CharField(label="句式", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    order = forms.IntegerField(label="顺序", min_value=0, max_value=10000, required=False)
    enabled = forms.BooleanField(label="启用", required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)


class NewTemplateForm(Form):
    key = forms.CharField(label="句式键", max_length=60, help_text="形如 overview.my_sentence")
    section = forms.ChoiceField(label="段落", choices=[c for c in Section.choices if c[0] != Section.EMPTY])
    text = forms.CharField(label="句式", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    order = forms.IntegerField(label="顺序", min_value=0, max_value=10000, initial=100)
    reason = forms.CharField(label="原因", max_length=200, required=False)


class ListChoices(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ConfigForm(Form):
    heading = forms.CharField(label="通报标题", max_length=100, required=False)
    issuer = forms.CharField(label="发文单位", max_length=100, required=False)
    threshold_yi = forms.DecimalField(label="招引门槛(亿元, 含)", min_value=0, max_digits=10, decimal_places=4,
                                      required=False, help_text="留空: 城市口径 (默认 1 亿元)")
    signing_category = forms.ModelChoiceField(label="招引统计的类别", queryset=Category.objects.all(),
                                              required=False, empty_label="默认 (产业)")
    lists = ListChoices(label="通报的清单", queryset=AnnualList.objects.none(), required=False,
                        help_text="都不选: 当年有项目的全部清单")
    lagging_lists = ListChoices(label="点名滞后项目的清单", queryset=AnnualList.objects.none(), required=False,
                                help_text="都不选: 层级最高的清单")
    lagging_limit = forms.IntegerField(label="点名项目数上限", min_value=1, max_value=100)
    lag_threshold_pp = BoundedDecimalField(label="滞后判定(低于序时的百分点)", bounds=POINTS)
    include_ranking = forms.BooleanField(label="板块排名", required=False)
    include_unit_events = forms.BooleanField(label="各板块招引落地", required=False)
    include_lagging = forms.BooleanField(label="点名滞后项目", required=False)
    include_chains = forms.BooleanField(label="产业集群和产业链", required=False)
    include_targets = forms.BooleanField(label="目标任务", required=False)
    include_livelihood = forms.BooleanField(label="民生实事", required=False)
    include_problems = forms.BooleanField(label="问题协调", required=False)
    include_sectors = forms.BooleanField(label="分行业领域", required=False)
    table_amount_places = forms.IntegerField(label="表格金额(亿元)小数位", min_value=0, max_value=4, required=False,
                                             help_text="留空: 与正文相同")
    table_rate_places = forms.IntegerField(label="表格百分比小数位", min_value=0, max_value=4, required=False,
                                           help_text="留空: 与正文相同")
    start_rate_places = forms.IntegerField(label="开工率小数位", min_value=0, max_value=4, required=False,
                                           help_text="留空: 与其他百分比相同; 0: 整数百分比")
    total_as_sum = forms.BooleanField(label="合计按分项相加", required=False,
                                      help_text="表格合计行的金额取各分项印出金额之和")
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, city, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lists = AnnualList.objects.filter(city=city).order_by("rank", "id")
        self.fields["lists"].queryset = lists
        self.fields["lagging_lists"].queryset = lists
