"""Reads of the audit trail, always through the user's scope.

A city administrator (action AUDIT) sees the entries about the projects it may see, about the org units,
users and annual lists of its unit's subtree, and every entry written by a user of that subtree. A project's
history is shown to whoever may see the project."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from tuijin.accounts import scoping
from tuijin.core.errors import InputError

from .models import AuditEntry


def _ids_as_text(qs):
    return qs.annotate(_sid=Cast("pk", CharField())).values("_sid")


def entries_for(user):
    """The audit entries the user may search (none without the AUDIT action)."""
    if not scoping.can(user, scoping.AUDIT):
        return AuditEntry.objects.none()
    if user.is_superuser and not user.unit_id:
        return AuditEntry.objects.all()
    from tuijin.accounts.models import User
    from tuijin.orgs.models import CityConfig, OrgUnit
    from tuijin.projects.models import AnnualList

    root = user.unit
    units = OrgUnit.objects.subtree(root)
    users = User.objects.filter(unit__path__startswith=root.path)
    q = (Q(project_id__in=scoping.projects_for(user).values("pk"))
         | Q(actor_id__in=users.values("pk"))
         | Q(model="orgs.OrgUnit", object_id__in=_ids_as_text(units))
         | Q(model="orgs.CityConfig", object_id__in=_ids_as_text(CityConfig.objects.filter(city__in=units)))
         | Q(model="accounts.User", object_id__in=_ids_as_text(users))
         | Q(model="projects.AnnualList", object_id__in=_ids_as_text(AnnualList.objects.filter(city__in=units))))
    return AuditEntry.objects.filter(q)


def project_history(user, project_id: int):
    """A project's entries (its record, stage events, list entries, monthly reports …), newest first. The
    project must be in the user's scope (404 otherwise)."""
    project = scoping.get_project_or_404(user, project_id)
    return AuditEntry.objects.filter(project_id=project.pk).order_by("-at", "-id")


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    model: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    project_code: str = ""

    @classmethod
    def parse(cls, data) -> AuditFilters:
        """From a query string; a bad date is refused naming the field and the value."""
        def date(field: str, label: str):
            raw = (data.get(field) or "").strip()
            if not raw:
                return None
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                raise InputError(f"{label}不是有效日期 (YYYY-MM-DD): {raw!r}", field=field) from None

        f = cls(user=(data.get("user") or "").strip(), model=(data.get("model") or "").strip(),
                date_from=date("date_from", "开始日期"), date_to=date("date_to", "结束日期"),
                project_code=(data.get("project_code") or "").strip())
        if f.model and f.model not in dict(model_choices()):
            raise InputError(f"对象类型未知: {f.model!r}", field="model")
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise InputError(f"开始日期 {f.date_from} 晚于结束日期 {f.date_to}", field="date_from")
        return f


def search(user, filters: AuditFilters):
    qs = entries_for(user)
    if filters.user:
        qs = qs.filter(actor_name__icontains=filters.user)
    if filters.model:
        qs = qs.filter(model=filters.model)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(at__gte=datetime.datetime.combine(filters.date_from, datetime.time.min, tzinfo=tz))
    if filters.date_to:
        end = datetime.datetime.combine(filters.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        qs = qs.filter(at__lt=end)
    if filters.project_code:
        projects = scoping.projects_for(user).filter(code__icontains=filters.project_code).values("pk")
        qs = qs.filter(project_id__in=projects)
    return qs.order_by("-at", "-id")


# The models the trail records, for the object-type filter.
AUDITED_MODELS = ["orgs.OrgUnit", "orgs.CityConfig", "accounts.User", "projects.Project", "projects.StageEvent",
                  "projects.Milestone", "projects.AnnualList", "projects.ListEntry", "progress.MonthlyReport"]


def model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def model_choices() -> list[tuple[str, str]]:
    labels = list(AUDITED_MODELS)
    labels += [m for m in AuditEntry.objects.order_by().values_list("model", flat=True).distinct()
               if m not in labels]
    return [(m, model_label(m)) for m in labels]


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: object
    after: object


def describe(entries) -> list[tuple[AuditEntry, list[Change]]]:
    """Each entry with its changed fields in words: field names as the forms call them, foreign keys by
    name (looked up once per page), choices by their label."""
    entries = list(entries)
    lookups: dict[tuple[str, str], set] = {}
    meta_cache = {}
    for e in entries:
        meta = meta_cache.setdefault(e.model, _meta(e.model))
        if meta is None:
            continue
        for name, before, after in e.changes:
            f = _field(meta, name)
            if f is not None and f.is_relation and f.related_model is not None:
                ids = lookups.setdefault((e.model, name), set())
                for v in (before, after):
                    if isinstance(v, list):  # a many-to-many field (填报员): a list of ids
                        ids.update(x for x in v if isinstance(x, int | str))
                    elif isinstance(v, int | str):
                        ids.add(v)
    names: dict[tuple[str, str], dict] = {}
    for (model, name), ids in lookups.items():
        related = _field(meta_cache[model], name).related_model
        names[(model, name)] = {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
    out = []
    for e in entries:
        meta = meta_cache.get(e.model)
        changes = []
        for name, before, after in e.changes:
            if e.action == AuditEntry.Action.CREATE and (name == "id" or after in (None, "", [])):
                continue  # a new object: only the values it was given
            f = _field(meta, name) if meta else None
            label = str(f.verbose_name) if f is not None else name
            if f is not None and (e.model, name) in names:
                before, after = (_named(names[(e.model, name)], v) for v in (before, after))
            elif f is not None and f.choices:
                display = dict(f.flatchoices)
                before, after = display.get(before, before), display.get(after, after)
            before, after = (("是" if v else "否") if isinstance(v, bool) else v for v in (before, after))
            changes.append(Change(name, label, before, after))
        out.append((e, changes))
    return out


def _named(names: dict, value):
    if isinstance(value, list):
        return "、".join(str(names.get(v, v)) for v in value) or "—"
    return names.get(value, value) if isinstance(value, int | str) else value


def _meta(label: str):
    try:
        return apps.get_model(label)._meta
    except (LookupError, ValueError):
        return None


def _field(meta, name: str):
    try:
        return meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field removed since the entry was written
        return None
