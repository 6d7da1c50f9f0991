"""The conventions (口径) page's form: every key as text (or a choice), validated by the service alone so the
page and `tuijin conventions --set` refuse the same values with the same messages."""

from django import forms

from tuijin.core.forms import Form

from .models import Conventions
from .services import CONVENTION_KEYS

CHOICES = {
    "schedule_basis": Conventions.ScheduleBasis.choices,
    "rounding": Conventions.Rounding.choices,
    "variance_basis": Conventions.VarianceBasis.choices,
    "wording": Conventions.Wording.choices,
}
HELP = {
    "curve": "月:累计%, 逗号分隔, 逐月递增并以 12:100 结束, 如 3:20,6:45,9:72.5,12:100; 留空则按序时进度口径计算",
    "rate_places": "0–4",
    "amount_places": "0–4",
    "threshold": "万元, 如 10000 即 1 亿元",
    "start_deadline_days": "签约后多少天内应开工",
}


class ConventionsForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (_, label, _) in CONVENTION_KEYS.items():
            widget = forms.Select(choices=CHOICES[key]) if key in CHOICES else forms.TextInput()
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=400,
                strip=True,
                widget=widget,
                help_text=HELP.get(key, ""),
            )
