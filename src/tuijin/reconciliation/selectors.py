"""Reads of the reconciliation, by user: who may read a city's reconciliation (its 市管理员 and 市领导, or a
superuser) and who may import and note (its 市管理员). Everything else is rules.reconcile for the city."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from tuijin.accounts.models import Role
from tuijin.accounts.scoping import READ, administers_city, can
from tuijin.orgs.models import OrgUnit, UnitKind

from .models import ReconciliationSettings


def cities_for(user):
    """The cities whose reconciliation the user reads: a city's 市管理员 and 市领导 their own; a superuser
    without a unit every city; nobody else any."""
    if not can(user, READ):
        return OrgUnit.objects.none()
    if user.is_superuser and not user.unit_id:
        return OrgUnit.objects.filter(kind=UnitKind.CITY).order_by("path")
    if user.role in (Role.CITY_ADMIN, Role.CITY_LEADER) and user.unit.kind == UnitKind.CITY:
        return OrgUnit.objects.filter(pk=user.unit_id)
    return OrgUnit.objects.none()


def may_read(user, city) -> bool:
    return city is not None and cities_for(user).filter(pk=city.pk).exists()


def may_change(user, city) -> bool:
    return administers_city(user, city)


def settings_for(city) -> ReconciliationSettings:
    """The city's settings (unsaved defaults when it has none)."""
    return ReconciliationSettings.objects.filter(city=city).first() or ReconciliationSettings(
        city=city, threshold=Decimal(5)
    )


def default_through(city) -> tuple[int, int]:
    """The city's latest closed reporting month, else last month (as the bulletin page)."""
    from tuijin.progress.selectors import closed_through

    last = closed_through(Q(unit__path__startswith=city.path), city)
    if last:
        return last
    today = timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
