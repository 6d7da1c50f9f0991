"""Forms of the reporting cycle: the month's report, a review decision, an import upload, a period."""

from django import forms

from tuijin.core.bounds import MONEY, BoundedDecimalField
from tuijin.core.forms import DateInput, Form, MultipleFileField
from tuijin.core.periods import PeriodError, parse_year_month


class ReportForm(Form):
    amount = BoundedDecimalField(label="当月完成投资 (万元)", required=False, bounds=MONEY)
    ytd = BoundedDecimalField(label="1-N月累计完成投资 (万元)", required=False, bounds=MONEY,
                             help_text="填写当月或累计其一即可, 另一项自动计算")
    funds_secured = BoundedDecimalField(label="当月落实资金 (万元)", required=False, bounds=MONEY,
                                        help_text="选填: 本月新落实的项目资金, 用于资金落实率")
    progress_text = forms.CharField(label="形象进度", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems_text = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    milestones = forms.MultipleChoiceField(label="本月达成节点", required=False,
                                           widget=forms.CheckboxSelectMultiple)
    photos = MultipleFileField(label="现场照片", required=False)
    confirm_warnings = forms.BooleanField(label="我已核实上述提示, 确认数据无误", required=False)
    reason = forms.CharField(label="更正原因", required=False, max_length=500,
                             help_text="填报期已锁定时必填, 更正将重新审核")

    def __init__(self, *args, milestone_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones"].choices = milestone_choices



class ReviewForm(Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("accept", "通过"), ("return", "退回")])
    reason = forms.CharField(required=False, max_length=500, label="退回原因")


class PeriodChoiceForm(Form):
    period = forms.CharField(label="期间 (YYYY-MM)", required=False)

    def clean_period(self):
        text = self.cleaned_data["period"]
        if not text:
            return None
        try:
            return parse_year_month(text, "期间")
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class ImportForm(Form):
    KINDS = [("", "按表头自动识别"), ("reports", "月报"), ("projects", "项目库"), ("list", "年度清单"), ("plans", "分月计划"),
             ("units", "组织单元 (市管理员)"), ("lists", "清单设置 (市管理员)")]

    file = forms.FileField(label="文件 (.xlsx / .xls / .ods / .csv)")
    kind = forms.ChoiceField(label="文件内容", choices=KINDS, required=False)
    period = forms.CharField(label="月报期间 (YYYY-MM, 标题中已写明可不填)", required=False)
    reason = forms.CharField(label="更正原因 (月报期间已锁定时必填)", required=False, max_length=300)
    annual_list = forms.ModelChoiceField(label="年度清单 (标题中已写明可不选)", queryset=None, required=False,
                                         empty_label="按标题识别")
    year = forms.IntegerField(label="清单年度 (标题或“年度”列中已写明可不填)", required=False, min_value=2000, max_value=2100)
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        from tuijin.projects.models import AnnualList

        self.fields["annual_list"].queryset = lists if lists is not None else AnnualList.objects.none()

    def clean_period(self):
        text = self.cleaned_data["period"]
        if not text:
            return None
        try:
            return parse_year_month(text, "期间")
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class OpenPeriodForm(Form):
    period = forms.CharField(label="期间 (YYYY-MM)")
    opens_on = forms.DateField(label="开始填报", widget=DateInput())
    deadline = forms.DateField(label="截止日期", widget=DateInput())

    def clean_period(self):
        try:
            return parse_year_month(self.cleaned_data["period"], "期间")
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class PeriodActionForm(Form):
    action = forms.ChoiceField(label="操作", choices=[("lock", "锁定"), ("extend", "延期"), ("reopen", "重新开放")])
    deadline = forms.DateField(label="新的截止日期", required=False, widget=DateInput())
    reason = forms.CharField(label="原因", required=False, max_length=300)
