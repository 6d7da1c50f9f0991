from django import forms

from tuijin.core.forms import Form

EXPIRY_CHOICES = [(30, "30 天"), (90, "90 天"), (180, "180 天"), (365, "365 天")]


class TokenCreateForm(Form):
    name = forms.CharField(label="名称", max_length=60, help_text="用途, 例如 \"统计局数据对接\"")
    days = forms.TypedChoiceField(label="有效期", choices=EXPIRY_CHOICES, coerce=int, initial=90)
