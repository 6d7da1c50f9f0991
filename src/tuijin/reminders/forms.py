"""Forms of 提醒: a user's own preference, and the city administrator's schedule and endpoints."""

from django import forms

from tuijin.core.forms import Form

from .models import EndpointKind, Kind

WEEKDAYS = [
    (0, "周一"),
    (1, "周二"),
    (2, "周三"),
    (3, "周四"),
    (4, "周五"),
    (5, "周六"),
    (6, "周日"),
]


class PreferenceForm(Form):
    email = forms.BooleanField(label="邮件", required=False, help_text="发到账号登记的邮箱")
    robot = forms.BooleanField(
        label="群机器人 (@我)",
        required=False,
        help_text="本市设置的企业微信 / 钉钉群机器人, 用手机号 @ 您",
    )
    sms = forms.BooleanField(label="短信", required=False, help_text="经本市设置的短信网关")
    mobile = forms.CharField(label="手机号", max_length=20, required=False)
    kinds = forms.MultipleChoiceField(
        label="接收哪些提醒",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ScheduleForm(Form):
    enabled = forms.BooleanField(
        label="发送提醒", required=False, help_text="不勾选: 本市暂停全部提醒"
    )
    days_before_deadline = forms.IntegerField(
        label="月报截止前几天提醒", min_value=0, max_value=31, help_text="0: 只在截止当天提醒"
    )
    days_after_deadline = forms.IntegerField(label="截止后几天内催报", min_value=1, max_value=31)
    problem_due_days = forms.IntegerField(
        label="问题时限前几天提醒",
        min_value=0,
        max_value=31,
        help_text="含当天; 0 与 1 相同: 只在到期当天",
    )
    weekly_weekday = forms.TypedChoiceField(
        label="周调度提醒日",
        choices=WEEKDAYS,
        coerce=int,
        help_text="本周已建立周调度会时, 改为会前一天和当天提醒",
    )


class EndpointForm(Form):
    name = forms.CharField(label="名称", max_length=60)
    kind = forms.ChoiceField(label="类型", choices=EndpointKind.choices)
    url = forms.CharField(
        label="地址 (URL)",
        max_length=500,
        help_text="群机器人的 Webhook 地址; 短信网关的接口地址 (可含 {mobile})",
    )
    secret = forms.CharField(
        label="加签密钥", max_length=200, required=False, help_text="钉钉机器人启用加签时填写"
    )
    body_template = forms.CharField(
        label="请求体模板",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='短信网关的请求体, 用 {mobile} 和 {content} 表示手机号和内容; 空: {"mobile": "{mobile}", '
        '"content": "{content}"}',
    )
