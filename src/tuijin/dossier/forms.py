"""The 审批要件 form: it parses and shows input; dossier.services validates and writes."""

from __future__ import annotations

from django import forms

from tuijin.core.files import ATTACHMENT_HELP
from tuijin.core.forms import DateInput, Form

from .models import ApprovalItem


class ApprovalForm(Form):
    item = forms.ChoiceField(label="审批事项", choices=ApprovalItem.choices)
    name = forms.CharField(
        label="要件名称",
        max_length=100,
        required=False,
        help_text="如 建设工程规划许可证; 审批事项为「其他」时必填",
    )
    number = forms.CharField(
        label="文号", max_length=100, required=False, help_text="如 镇发改审批〔2024〕12号"
    )
    issued_on = forms.DateField(label="批复日期", widget=DateInput())
    issuer = forms.CharField(label="发文机关", max_length=100, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)
    file = forms.FileField(
        label="文件 (扫描件)", required=False, help_text=f"可选, 不超过 20 MB: {ATTACHMENT_HELP}"
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["remove_file"] = forms.BooleanField(
                label="删除已上传的文件", required=False
            )
            self.fields["reason"] = forms.CharField(
                label="修改原因", max_length=300, required=False, help_text="写入变更记录"
            )

    @staticmethod
    def initial_for(doc) -> dict:
        return {
            "item": doc.item,
            "name": doc.name,
            "number": doc.number,
            "issued_on": doc.issued_on,
            "issuer": doc.issuer,
            "note": doc.note,
        }


class DeleteForm(Form):
    reason = forms.CharField(label="删除原因", max_length=300, required=False)
