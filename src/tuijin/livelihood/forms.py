"""Forms of the 民生实事 pages: which programme and month to show, the monthly progress of an item (one field
per target: a cumulative quantity, a policy's work share, or the deliverables done), and a review decision."""

from __future__ import annotations

from django import forms

from tuijin.core.bounds import MONEY, PERCENT, QUANTITY, BoundedDecimalField
from tuijin.core.forms import Form, MultipleFileField
from tuijin.core.periods import PeriodError, parse_year_month

from .models import TargetKind


class ViewForm(Form):
    """?programme=<id>&through=YYYY-MM on the overview, the lead unit's page and the export."""

    programme = forms.IntegerField(required=False, min_value=1)
    through = forms.CharField(required=False, label="截至月份")

    def clean_through(self):
        text = self.cleaned_data["through"]
        if not text:
            return None
        try:
            return parse_year_month(text, "截至月份")
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


def target_field(target) -> str:
    return f"target_{target.pk}"


class ProgressForm(Form):
    """月度进展: built for an item's targets."""

    investment_ytd = BoundedDecimalField(label="1-N月累计完成投资 (万元)", required=False, bounds=MONEY)
    progress_text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photos = MultipleFileField(label="现场照片", required=False)
    reason = forms.CharField(label="原因说明", required=False, max_length=500,
                             help_text="累计完成数比上月减少, 或更正已锁定的月份时必填")

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        fields = {}
        for t in self.targets:
            name = t.name or "累计完成"
            if t.kind == TargetKind.DELIVERABLES:
                fields[target_field(t)] = forms.MultipleChoiceField(
                    label=f"{name}: 已完成的建设内容", required=False, widget=forms.CheckboxSelectMultiple,
                    choices=[(str(d.pk), d.name) for d in t.deliverables.all()])
            elif t.kind == TargetKind.POLICY:
                fields[target_field(t)] = BoundedDecimalField(
                    label=f"{name}: 工作进度 (%)", bounds=PERCENT)
            else:
                fields[target_field(t)] = BoundedDecimalField(
                    label=f"{name}: 累计完成 ({t.unit})", bounds=QUANTITY,
                    help_text=f"年度目标 {t.quantity.normalize():f} {t.unit}; 超过目标可以照实填写")
        # Target fields first, in the item's order.
        self.fields = {**fields, **self.fields}

    def target_values(self) -> tuple[dict, dict]:
        """(done, delivered) keyed by target id, for services.save_progress."""
        done, delivered = {}, {}
        for t in self.targets:
            value = self.cleaned_data.get(target_field(t))
            if t.kind == TargetKind.DELIVERABLES:
                delivered[t.pk] = [int(v) for v in value or []]
            else:
                done[t.pk] = value
        return done, delivered


class ReviewForm(Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("accept", "确认"), ("return", "退回")])
    reason = forms.CharField(required=False, max_length=500, label="退回原因")
