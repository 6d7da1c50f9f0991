"""Forms of 问题协调: each validates the shape of the input; the services validate the meaning."""

from django import forms

from tuijin.core.forms import DateInput, Form, ModelMultipleChoiceField
from tuijin.core.params import MAX_ID

from .models import ProblemCategory

DATE = DateInput()


class RaiseForm(Form):
    category = forms.ModelChoiceField(label="问题类别", queryset=ProblemCategory.objects.filter(active=True))
    title = forms.CharField(label="问题摘要", max_length=120)
    description = forms.CharField(label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="附件", required=False)


class AssignForm(Form):
    lead_department = forms.ModelChoiceField(label="牵头部门", queryset=None)
    cooperating = ModelMultipleChoiceField(label="配合单位", queryset=None, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label="办理时限", widget=DATE)
    note = forms.CharField(label="交办意见", required=False, max_length=300)

    def __init__(self, *args, departments=None, **kw):
        super().__init__(*args, **kw)
        self.fields["lead_department"].queryset = departments
        self.fields["cooperating"].queryset = departments


class NoteForm(Form):
    note = forms.CharField(label="说明", required=False, max_length=500)


class AnswerForm(Form):
    text = forms.CharField(label="办结答复", widget=forms.Textarea(attrs={"rows": 4}))


class ReopenForm(Form):
    reason = forms.CharField(label="退回理由", max_length=500)


class AttachForm(Form):
    file = forms.FileField(label="附件")


class WeekForm(Form):
    week = forms.DateField(label="调度周 (任选一天)", required=False, widget=DATE)
    city = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)


class MeetingForm(Form):
    held_on = forms.DateField(label="召开日期", required=False, widget=DATE)
    chair = forms.CharField(label="主持", required=False, max_length=60)
    attendees = forms.CharField(label="参会人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(Form):
    text = forms.CharField(label="决定事项", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label="责任单位", queryset=None)
    deadline = forms.DateField(label="完成时限", widget=DATE)

    def __init__(self, *args, owners=None, **kw):
        super().__init__(*args, **kw)
        self.fields["owner"].queryset = owners


class ResultForm(Form):
    result = forms.CharField(label="落实情况", max_length=1000)
