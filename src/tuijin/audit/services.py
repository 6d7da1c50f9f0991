"""Writing the audit trail: every service calls record_change inside its transaction."""

from __future__ import annotations

import contextvars
import datetime
import decimal

from django.db import models

from .models import AuditEntry

# The request's address, set by middleware so services need not pass it through every call.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("tuijin_current_ip", default=None)


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file: keep its name
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The stored values of a model instance as JSON-friendly data (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            # As the database will store it (2 places), so an unsaved 13000 and a stored 13000.00 compare equal.
            try:
                value = decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
            except decimal.InvalidOperation:
                pass
        data[field.name] = _plain(value)
    return data


def record_change(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None,
                  reason: str = "", project_id: int | None = None) -> AuditEntry | None:
    if action == "update" and before == after:
        return None
    if project_id is None:
        project_id = getattr(obj, "project_id", None)
        if project_id is None and obj._meta.label == "projects.Project":
            project_id = obj.pk
    # The indicator cache's data version of the change's city (and year), in the same transaction.
    from tuijin.core.derived import bump_for_change

    bump_for_change(obj, project_id=project_id, before=before, after=after)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        ip_address=current_ip.get(),
        action=action,
        model=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        project_id=project_id,
        before=before,
        after=after,
        reason=reason[:500],
    )


def change_entry(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None,
                 reason: str = "", project_id: int | None = None) -> AuditEntry:
    """An unsaved audit entry, for bulk writers (imports) that save many at once with bulk_create. The writer
    bumps the data version itself, once (tuijin.core.derived.bump_projects)."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        ip_address=current_ip.get(),
        action=action,
        model=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        project_id=project_id if project_id is not None else getattr(obj, "project_id", None),
        before=before,
        after=after,
        reason=reason[:500],
    )
