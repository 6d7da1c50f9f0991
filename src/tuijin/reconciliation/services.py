"""Writes of the reconciliation: a city administrator's note on a finding (已说明 / 已处理, or reopened) and the
city's settings (threshold, the rule before issuing a bulletin). Keyword arguments, the acting user checked
against the city, one transaction, audited. Imports are in importer.py."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuijin.accounts.scoping import administers_city
from tuijin.audit.services import record_change, snapshot
from tuijin.core.bounds import MONEY, PERCENT, parse_number
from tuijin.core.errors import InputError
from tuijin.core.periods import Period
from tuijin.core.text import check_text

from .models import FindingNote, Gate, NoteStatus, ReconciliationSettings, Rule, ThresholdKind

NOTE_FIELDS = ["city", "year", "month", "rule", "subject", "status", "note"]
SETTINGS_FIELDS = ["city", "threshold_kind", "threshold", "gate"]


def _require_admin(actor, city) -> None:
    if not administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以处理对账差异和修改对账设置")


def note_finding(
    *,
    actor,
    city,
    year: int,
    month: int,
    rule: str,
    subject: str,
    status: str,
    note: str,
) -> FindingNote | None:
    """Explain (status 已说明) or resolve (已处理) one finding of the city's reconciliation through year-month, or
    reopen it (status "open": the note is removed). The finding must be one the rules find now."""
    _require_admin(actor, city)
    Period.year_to_date(year, month)
    if rule not in Rule.values:
        raise InputError(f"规则未知: {rule!r}", field="rule")
    if status not in (*NoteStatus.values, "open"):
        raise InputError(f"状态应为 已说明、已处理 或 重新打开, 收到 {status!r}", field="status")
    note = check_text((note or "").strip(), "说明", max_length=500)
    if status != "open" and not note:
        raise InputError("请填写说明 (差异原因或处理情况)", field="note")
    from .rules import reconcile

    found = [
        f for f in reconcile(city, year, month).findings if f.rule == rule and f.subject == subject
    ]
    if not found:
        raise InputError(
            f"{year}年1-{month}月的对账中没有这条差异: {Rule(rule).label} {subject}",
            field="subject",
        )
    with transaction.atomic():
        row = (
            FindingNote.objects.select_for_update()
            .filter(city=city, year=year, month=month, rule=rule, subject=subject)
            .first()
        )
        before = snapshot(row, NOTE_FIELDS) if row else None
        reason = f"对账差异: {Rule(rule).label} {subject}"
        if status == "open":
            if row is None:
                return None
            record_change(
                actor=actor, action="delete", obj=row, before=before, after=None, reason=reason
            )
            row.delete()
            return None
        if row is None:
            row = FindingNote(city=city, year=year, month=month, rule=rule, subject=subject)
        row.status, row.note, row.noted_by = status, note, actor
        row.save()
        record_change(
            actor=actor,
            action="update" if before else "create",
            obj=row,
            before=before,
            after=snapshot(row, NOTE_FIELDS),
            reason=reason,
        )
        return row


def save_settings(
    *,
    actor,
    city,
    threshold_kind: str | None = None,
    threshold=None,
    gate: str | None = None,
    reason: str = "",
) -> ReconciliationSettings:
    """Change the city's threshold (万元, or % of the statistics figure, at most 100) and its rule before a
    bulletin is issued (不要求 / 须已说明或已处理 / 须全部处理完毕)."""
    _require_admin(actor, city)
    with transaction.atomic():
        row, created = ReconciliationSettings.objects.select_for_update().get_or_create(city=city)
        before = None if created else snapshot(row, SETTINGS_FIELDS)
        if threshold_kind is not None:
            if threshold_kind not in ThresholdKind.values:
                raise InputError(
                    f"差异阈值单位应为 % 或 万元, 收到 {threshold_kind!r}", field="threshold_kind"
                )
            row.threshold_kind = threshold_kind
        if threshold is not None:
            bounds = PERCENT if row.threshold_kind == ThresholdKind.PERCENT else MONEY
            value = parse_number(threshold, bounds, label="差异阈值", field="threshold")
            if value is None:
                raise InputError("差异阈值不能为空", field="threshold")
            row.threshold = value
        elif row.threshold_kind == ThresholdKind.PERCENT and row.threshold > PERCENT.high:
            raise InputError(f"差异阈值 {row.threshold}% 超过 100%", field="threshold")
        if gate is not None:
            if gate not in Gate.values:
                raise InputError(f"签发要求未知: {gate!r}", field="gate")
            row.gate = gate
        row.threshold = Decimal(row.threshold)
        row.save()
        record_change(
            actor=actor,
            action="create" if created else "update",
            obj=row,
            before=before,
            after=snapshot(row, SETTINGS_FIELDS),
            reason=reason or "对账设置",
        )
        return row
