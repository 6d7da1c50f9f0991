"""The form a city administrator fills to create a user of its city."""

from django import forms

from tuijin.core.forms import Form

from .models import Role


class UserCreateForm(Form):
    username = forms.CharField(label="用户名", max_length=150)
    first_name = forms.CharField(label="姓名", max_length=150, required=False)
    phone = forms.CharField(label="电话", max_length=30, required=False)
    unit = forms.ModelChoiceField(label="所属单位", queryset=None)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data
