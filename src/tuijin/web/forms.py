"""Forms of the web pages: they parse and show input; the services validate and write. Every drop-down is
built from the user's scope (selectors), so a choice outside it is refused as an invalid choice and no
other district's name is ever offered."""

from __future__ import annotations

from django import forms

from tuijin.core.bounds import (
    CN_LATITUDE,
    CN_LONGITUDE,
    MONEY,
    BoundedDecimalField,
    check_finite_below,
)
from tuijin.core.errors import InputError
from tuijin.core.forms import DateInput, Form, apply_input_error  # noqa: F401 (the pages' name)
from tuijin.core.numbers import to_decimal
from tuijin.core.params import YEAR_MAX, YEAR_MIN, parse_year
from tuijin.core.periods import PeriodError, parse_year_month
from tuijin.projects.models import Stage

from . import selectors


class UnitChoiceField(forms.ModelChoiceField):
    """An org unit drop-down indented by depth below the shallowest unit offered."""

    base_depth = 0

    def label_from_instance(self, obj):
        return "\u3000" * max(0, obj.depth - self.base_depth) + obj.name


class NodeChoiceField(forms.ModelChoiceField):
    """An industry node (产业链) drop-down: the taxonomy's name, then the node indented by depth."""

    def label_from_instance(self, obj):
        return f"{obj.taxonomy.name} · " + "\u3000" * (obj.depth - 1) + obj.name


class ListChoiceField(forms.ModelChoiceField):
    """An annual list drop-down; the city's name is added only when the user sees several cities."""

    with_city = False

    def label_from_instance(self, obj):
        return f"{obj.city.name} · {obj.name}" if self.with_city else obj.name


def _units_field(field: UnitChoiceField, queryset, user) -> None:
    field.queryset = queryset
    unit = getattr(user, "unit", None)
    field.base_depth = unit.depth if unit is not None else 0


# ---------------------------------------------------------------- 项目库 filters


class ProjectFilterForm(Form):
    q = forms.CharField(label="搜索", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "项目名称或项目代码"}))
    unit = UnitChoiceField(label="板块", queryset=None, required=False, empty_label="全部单位")
    annual_list = ListChoiceField(label="年度清单", queryset=None, required=False, empty_label="全部清单")
    year = forms.IntegerField(label="清单年度", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX,
                              widget=forms.Select)
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部阶段"), *Stage.choices])
    category = forms.ModelChoiceField(label="类别", queryset=None, required=False, empty_label="全部类别")
    industry_node = NodeChoiceField(label="产业链", queryset=None, required=False, empty_label="全部产业链")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _units_field(self.fields["unit"], selectors.visible_units(user), user)
        self.fields["annual_list"].queryset = selectors.visible_lists(user)
        self.fields["annual_list"].with_city = selectors.visible_cities(user).count() > 1
        # The years offered are those with listed projects; a year typed into the URL is still accepted.
        years = selectors.list_years(user)
        asked = self.data.get("year") if self.is_bound else None
        if parse_year(asked) and parse_year(asked) not in years:
            years = sorted([*years, parse_year(asked)], reverse=True)
        self.fields["year"].widget.choices = [("", "全部年度"), *((y, f"{y}年") for y in years)]
        self.fields["category"].queryset = selectors.categories()
        self.fields["industry_node"].queryset = selectors.visible_nodes(user)

    def filters(self) -> selectors.ProjectFilters:
        d = self.cleaned_data
        return selectors.ProjectFilters(
            q=(d.get("q") or "").strip(), unit=d.get("unit"), annual_list=d.get("annual_list"),
            year=d.get("year"), stage=d.get("stage") or "", category=d.get("category"),
            industry_node=d.get("industry_node"),
        )


# ---------------------------------------------------------------- project create / edit


class ProjectForm(Form):
    """项目基本信息. Amounts stay text here so the service's own refusal (naming the value) is what shows."""

    code = forms.CharField(label="项目代码", max_length=40,
                           help_text="24 位: YYYY-RRRRRR-DD-TT-NNNNNC (旧版代码可接受, 会给出提示)")
    name = forms.CharField(label="项目名称", max_length=200)
    owner = forms.CharField(label="项目业主", max_length=200, required=False)
    unit = UnitChoiceField(label="所属单位", queryset=None, empty_label="请选择")
    category = forms.ModelChoiceField(label="类别", queryset=None, empty_label="请选择")
    industry_node = NodeChoiceField(label="产业链", queryset=None, required=False, empty_label="(无)")
    total_investment = forms.CharField(label="计划总投资 (万元)", max_length=24,
                                       widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                       help_text="单位: 万元 (1 亿元 = 10000 万元)")
    location = forms.CharField(label="建设地点", max_length=200, required=False)
    longitude = BoundedDecimalField(label="经度", bounds=CN_LONGITUDE, required=False,
                                    help_text="十进制度, 如 119.455833 (东经 73 至 136)")
    latitude = BoundedDecimalField(label="纬度", bounds=CN_LATITUDE, required=False,
                                   help_text="十进制度, 如 32.204444 (北纬 3 至 54); 与经度同时填写")
    description = forms.CharField(label="建设内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    responsible_leader = forms.CharField(label="责任领导", max_length=50, required=False)
    responsible_department = forms.ModelChoiceField(label="责任部门", queryset=None, required=False,
                                                    empty_label="(无)")
    service_contact = forms.CharField(label="服务专员", max_length=50, required=False)
    sector = forms.ModelChoiceField(label="行业领域", queryset=None, required=False, empty_label="(无)")
    nature = forms.ModelChoiceField(label="建设性质", queryset=None, required=False, empty_label="(无)")

    FIELDS = ["code", "name", "owner", "unit", "category", "industry_node", "total_investment", "location",
              "description", "responsible_leader", "responsible_department", "service_contact", "sector", "nature",
              "longitude", "latitude"]

    def __init__(self, user, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        _units_field(self.fields["unit"], selectors.writable_units(user), user)
        self.fields["category"].queryset = selectors.categories(in_use=True)
        self.fields["industry_node"].queryset = selectors.visible_nodes(user)
        self.fields["responsible_department"].queryset = selectors.visible_departments(user)
        self.fields["sector"].queryset = selectors.dimension_choices(user, "sector")
        self.fields["nature"].queryset = selectors.dimension_choices(user, "nature")
        if project is not None:
            # A project keeps its unit, category, 行业领域 and 建设性质 when they are retired later: still offered.
            for name in ("unit", "category", "sector", "nature"):
                current = getattr(project, name + "_id")
                if current:
                    qs = self.fields[name].queryset
                    self.fields[name].queryset = (qs | qs.model.objects.filter(pk=current)).distinct()

    def clean_total_investment(self):
        # NaN, inf, 1e14 or a figure in 元 would poison the column: refuse it here, naming the value.
        raw = (self.cleaned_data.get("total_investment") or "").strip()
        try:
            amount = to_decimal(raw)
        except ValueError:
            return raw  # the service names the text that is not a number
        try:
            check_finite_below(amount, MONEY, label="计划总投资", value=raw)
        except InputError as exc:
            hint = " (是否误填为元?)" if amount.is_finite() else ""
            raise forms.ValidationError(exc.messages[0] + hint) from None
        return raw

    @classmethod
    def initial_for(cls, project) -> dict:
        initial = {name: getattr(project, name) for name in cls.FIELDS}
        initial["total_investment"] = f"{project.total_investment.normalize():f}"
        return initial


class ProjectCreateForm(ProjectForm):
    """新增项目, with the optional past 签约/开工/竣工/投产 dates of a project entered after the fact (the
    service records them as stage events in order and refuses a future or out-of-order date, naming it)."""

    signed_on = forms.DateField(label="签约日期", required=False, widget=DateInput())
    started_on = forms.DateField(label="开工日期", required=False, widget=DateInput())
    completed_on = forms.DateField(label="竣工日期", required=False, widget=DateInput())
    operating_on = forms.DateField(label="投产日期", required=False, widget=DateInput())

    DATE_FIELDS = ["signed_on", "started_on", "completed_on", "operating_on"]


class ProjectEditForm(ProjectForm):
    reason = forms.CharField(label="修改原因", max_length=500, required=False,
                             help_text="写入变更记录; 更正已上报的数据时请填写")


# ---------------------------------------------------------------- stage event


class StageForm(Form):
    stage = forms.ChoiceField(label="进入阶段")
    date = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=300, required=False)
    reason = forms.CharField(label="原因", max_length=500, required=False, help_text="写入变更记录")

    def __init__(self, project, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = selectors.next_stages(project)


# ---------------------------------------------------------------- 总览


PERIOD_KINDS = [("ytd", "1-N月 (年初至今)"), ("quarter", "季度"), ("month", "当月")]


class OverviewForm(Form):
    city = forms.ModelChoiceField(label="城市", queryset=None, required=False, empty_label=None)
    through = forms.CharField(label="截至月份", required=False, max_length=7,
                              widget=forms.TextInput(attrs={"type": "month"}),
                              help_text="默认: 最近一个有市级确认月报的月份")
    kind = forms.ChoiceField(label="期间", choices=PERIOD_KINDS, required=False)
    annual_list = ListChoiceField(label="清单", queryset=None, required=False,
                                  empty_label="全部清单 (一个项目只计一次)")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = selectors.visible_cities(user)
        self.fields["city"].queryset = cities
        self.several_cities = cities.count() > 1
        if not self.several_cities:
            self.fields["city"].widget = forms.HiddenInput()
        self.fields["annual_list"].queryset = selectors.visible_lists(user)
        self.fields["annual_list"].with_city = self.several_cities
        self.default_city = cities.first()

    def clean_through(self):
        raw = (self.cleaned_data.get("through") or "").strip()
        if not raw:
            return None
        try:
            return parse_year_month(raw, field="截至月份")
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        city = data.get("city") or self.default_city
        data["city"] = city
        data["kind"] = data.get("kind") or "ytd"
        lst = data.get("annual_list")
        if lst is not None and city is not None and lst.city_id != city.pk:
            self.add_error("annual_list", f"清单 {lst.name} 不属于 {city.name}")
        return data
