"""Writes of the dossier: 审批要件 added, changed and deleted by a user who may change the project (WRITE on it),
validated with a message in Chinese naming the field and the value, in one transaction with the audit trail.
The file goes through the same checks as every other attachment (tuijin.core.files: by its bytes, an allowed
kind under a matching extension, at most 20 MB)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change, snapshot
from tuijin.core.errors import InputError
from tuijin.core.files import ATTACHMENT_HELP, MAX_ATTACHMENT_BYTES, check_attachment
from tuijin.core.text import hidden_character_problem
from tuijin.projects import scoping

from .models import ApprovalDocument, ApprovalItem

FIELDS = ["item", "name", "number", "issued_on", "issuer", "note"]
TRACKED = [*FIELDS, "file", "file_name"]
EARLIEST = datetime.date(1949, 10, 1)
LABELS = {
    "item": "审批事项",
    "name": "要件名称",
    "number": "文号",
    "issued_on": "批复日期",
    "issuer": "发文机关",
    "note": "说明",
    "file": "文件",
}
MAX_LENGTHS = {"name": 100, "number": 100, "issuer": 100, "note": 300}


def require_write(actor, project) -> None:
    """The actor must be an active user who may change the project (its district, its city, a superuser);
    a reader, a reporter or someone outside its reach is refused."""
    if actor is None or not scoping.is_active_member(actor):
        raise PermissionDenied("请先登录")
    if not scoping.projects_for(actor, scoping.WRITE).filter(pk=project.pk).exists():
        raise PermissionDenied(f"项目{scoping.OUT_OF_REACH}, 或您无权修改它的审批要件")


def _text(value, field: str, *, required: bool = False) -> str:
    label = LABELS[field]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(f"{label}应为文字: {value!r}", field=field)
    value = value.strip()
    if required and not value:
        raise InputError(f"请填写{label}", field=field)
    if len(value) > MAX_LENGTHS[field]:
        raise InputError(f"{label}不能超过 {MAX_LENGTHS[field]} 个字: {value[:20]}…", field=field)
    problem = hidden_character_problem(value)
    if problem:
        raise InputError(f"{label}{problem}", field=field)
    return value


def _item(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if value in ApprovalItem.values:
        return value
    by_label = {label: key for key, label in ApprovalItem.choices}
    by_short = {label.split("(")[0]: key for key, label in ApprovalItem.choices}
    found = by_label.get(value) or by_short.get(value)
    if found is None:
        names = "、".join(label.split("(")[0] for _, label in ApprovalItem.choices)
        raise InputError(f"审批事项未知: {value!r} (应为 {names})", field="item")
    return found


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        raw = value.strip()
        try:
            value = datetime.date.fromisoformat(raw)
        except ValueError:
            raise InputError(
                f"批复日期不是有效日期 (YYYY-MM-DD): {raw!r}", field="issued_on"
            ) from None
    if not isinstance(value, datetime.date):
        raise InputError(
            f"请填写批复日期 (YYYY-MM-DD){f': {value!r}' if value not in (None, '') else ''}",
            field="issued_on",
        )
    if value > timezone.localdate():
        raise InputError(f"批复日期 {value} 在未来", field="issued_on")
    if value < EARLIEST:
        raise InputError(f"批复日期 {value} 早于 {EARLIEST}", field="issued_on")
    return value


def _file(upload) -> None:
    if getattr(upload, "size", 0) > MAX_ATTACHMENT_BYTES:
        raise InputError(f"{upload.name} 超过 20 MB, 不能上传", field="file")
    check_attachment(upload, field="file")


def _clean(project, values: dict, *, exclude_pk=None) -> dict:
    cleaned = {"item": _item(values.get("item")), "issued_on": _date(values.get("issued_on"))}
    for field in ("name", "number", "issuer", "note"):
        cleaned[field] = _text(values.get(field), field)
    if cleaned["item"] == ApprovalItem.OTHER and not cleaned["name"]:
        raise InputError("审批事项为「其他」时请填写要件名称", field="name")
    if cleaned["number"]:
        clash = ApprovalDocument.objects.filter(project=project, number=cleaned["number"]).exclude(
            pk=exclude_pk
        )
        if clash.exists():
            raise InputError(
                f"文号 {cleaned['number']} 已登记在本项目的另一条审批要件中", field="number"
            )
    return cleaned


@transaction.atomic
def add_approval(
    *,
    actor,
    project,
    item,
    issued_on,
    name: str = "",
    number: str = "",
    issuer: str = "",
    note: str = "",
    file=None,
) -> ApprovalDocument:
    """登记审批要件: 事项, 文号, 批复日期 (not in the future), 发文机关, and optionally the scanned document."""
    require_write(actor, project)
    cleaned = _clean(
        project,
        {
            "item": item,
            "issued_on": issued_on,
            "name": name,
            "number": number,
            "issuer": issuer,
            "note": note,
        },
    )
    doc = ApprovalDocument(
        project=project, created_by=actor if getattr(actor, "pk", None) else None, **cleaned
    )
    if file is not None:
        _file(file)
        doc.file, doc.file_name = file, _base_name(file.name)[-200:]
    doc.save()
    record_change(
        actor=actor,
        action="create",
        obj=doc,
        before=None,
        after=snapshot(doc, TRACKED),
        reason="登记审批要件",
    )
    return doc


@transaction.atomic
def update_approval(
    *,
    actor,
    approval: ApprovalDocument,
    item,
    issued_on,
    name: str = "",
    number: str = "",
    issuer: str = "",
    note: str = "",
    file=None,
    remove_file: bool = False,
    reason: str = "",
) -> ApprovalDocument:
    """修改审批要件: the same checks as adding; a new file replaces the old one, `remove_file` drops it."""
    require_write(actor, approval.project)
    doc = ApprovalDocument.objects.select_for_update().get(pk=approval.pk)
    cleaned = _clean(
        doc.project,
        {
            "item": item,
            "issued_on": issued_on,
            "name": name,
            "number": number,
            "issuer": issuer,
            "note": note,
        },
        exclude_pk=doc.pk,
    )
    before = snapshot(doc, TRACKED)
    for field, value in cleaned.items():
        setattr(doc, field, value)
    old_file = doc.file.name if doc.file else ""
    if file is not None:
        _file(file)
        doc.file, doc.file_name = file, _base_name(file.name)[-200:]
    elif remove_file:
        doc.file, doc.file_name = None, ""
    doc.save()
    after = snapshot(doc, TRACKED)
    record_change(
        actor=actor,
        action="update",
        obj=doc,
        before=before,
        after=after,
        reason=_text(reason, "note") or "修改审批要件",
    )
    if old_file and (file is not None or remove_file):
        transaction.on_commit(lambda: _delete_file(doc.file.storage, old_file))
    return doc


@transaction.atomic
def delete_approval(*, actor, approval: ApprovalDocument, reason: str = "") -> None:
    """删除审批要件 (the trail keeps what it was); its file is removed once the deletion is committed."""
    require_write(actor, approval.project)
    doc = ApprovalDocument.objects.select_for_update().get(pk=approval.pk)
    before = snapshot(doc, TRACKED)
    storage, name = doc.file.storage, doc.file.name if doc.file else ""
    record_change(
        actor=actor,
        action="delete",
        obj=doc,
        before=before,
        after=None,
        reason=_text(reason, "note") or "删除审批要件",
        project_id=doc.project_id,
    )
    doc.delete()
    if name:
        transaction.on_commit(lambda: _delete_file(storage, name))


def _base_name(name: str) -> str:
    from pathlib import PurePath

    return PurePath(name or "").name or "文件"


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        pass  # a file already gone is not worth failing a committed deletion for


__all__ = ["ATTACHMENT_HELP", "add_approval", "delete_approval", "require_write", "update_approval"]
