"""Reads of the audit trail, always through the user's scope.

A city administrator (action AUDIT) sees the entries about the projects it may see, about the org units,
users and annual lists of its unit's subtree, and every entry written by a user of that subtree. A project's
history is shown to whoever may see the project."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import CharField, ForeignObjectRel, Q
from django.db.models.functions import Cast
from django.utils import timezone

from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.projects import scoping


def _ids_as_text(qs):
    return qs.annotate(_sid=Cast("pk", CharField())).values("_sid")


def entries_for(user):
    """The audit entries the user may search (none without the AUDIT action)."""
    if not scoping.can(user, scoping.AUDIT):
        return AuditEntry.objects.none()
    if user.is_superuser and not user.unit_id:
        return AuditEntry.objects.all()
    from tuijin.accounts.models import User
    from tuijin.orgs.models import Conventions, OrgUnit
    from tuijin.projects.models import AnnualList

    root = user.unit
    units = OrgUnit.objects.subtree(root)
    users = User.objects.filter(unit__path__startswith=root.path)
    q = (Q(project_id__in=scoping.projects_for(user).values("pk"))
         | Q(actor_id__in=users.values("pk"))
         | Q(model="orgs.OrgUnit", object_id__in=_ids_as_text(units))
         | Q(model="orgs.Conventions", object_id__in=_ids_as_text(Conventions.objects.filter(unit__in=units)))
         | Q(model="accounts.User", object_id__in=_ids_as_text(users))
         | Q(model="projects.AnnualList", object_id__in=_ids_as_text(AnnualList.objects.filter(city__in=units))))
    return AuditEntry.objects.filter(q)


def project_history(user, project_id: int):
    """A project's entries (its record, stage events, list entries, monthly reports …), newest first. The
    project must be in the user's scope (404 otherwise)."""
    project = scoping.get_project_or_404(user, project_id)
    return AuditEntry.objects.filter(project_id=project.pk).select_related("actor").order_by("-at", "-id")


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
    qs = entries_for(user).select_related("actor")
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
AUDITED_MODELS = ["orgs.OrgUnit", "orgs.Conventions", "accounts.User", "projects.Project", "projects.StageEvent",
                  "projects.Milestone", "projects.AnnualList", "projects.ListEntry", "progress.MonthlyReport",
                  "livelihood.Programme", "livelihood.Item", "livelihood.ItemReport"]


# Chinese names for the models (and field names) whose own verbose_name is Django's English default. Kept here,
# not on the models, so the labels need no migration.
MODEL_LABELS = {
    "projects.StagePlan": "阶段计划", "projects.EntryMonthlyPlan": "清单月度计划", "problems.DigestSent": "待办摘要发送记录",
    "attraction.ContactLog": "洽谈记录", "attraction.ContractMilestone": "合同履约节点",
    "attraction.FundsInstalment": "约定到位资金", "attraction.FundsArrival": "资金到位", "attraction.TargetStep": "目标分解",
}
FIELD_LABELS = {
    "id": "编号", "path": "层级路径", "depth": "层级深度", "sort_order": "排序", "year": "年度", "month": "月份",
    "key": "标识", "key_hash": "密钥摘要", "items": "事项", "from_status": "原状态", "to_status": "新状态",
    "created_at": "创建时间", "updated_at": "更新时间", "submitted_at": "报送时间", "reviewed_at": "审核时间",
    "uploaded_at": "上传时间", "recorded_at": "记录时间", "done_at": "落实时间", "sent_at": "发送时间",
    "created_by": "创建人", "submitted_by": "报送人", "reviewed_by": "审核人", "uploaded_by": "上传人",
    "recorded_by": "记录人", "done_by": "落实人", "assigned_by": "交办人", "signed_by": "签收人",
    "answered_by": "答复人", "closed_by": "办结人", "actor": "操作人", "recipient": "接收人",
    "report": "月报", "image": "照片", "taken_at": "拍摄时间",
    "done": "累计完成", "delivered": "已完成的建设内容", "milestones": "节点计划", "progress": "累计完成",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def model_label(label: str) -> str:
    """A model's name in Chinese (its verbose_name; the table above where that is Django's English default)."""
    if label in MODEL_LABELS:
        return MODEL_LABELS[label]
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def field_label(meta, name: str) -> str:
    """A changed field's label: its verbose_name when that is Chinese; else the name's usual Chinese label, the
    related model's name (a foreign key or a reverse relation such as a report's 累计完成 rows), or the name."""
    f = _field(meta, name) if meta is not None else None
    verbose = getattr(f, "verbose_name", None)
    if verbose is not None and CJK.search(str(verbose)):
        return str(verbose)
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    related = getattr(f, "related_model", None)
    if related is not None:
        return model_label(related._meta.label)
    return str(verbose) if verbose else name


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
    """Each entry with its changed fields in words: Chinese labels (field_label), foreign keys by name (looked up
    once per page), choices by their label, times in the local time zone, nested data as text."""
    entries = list(entries)
    lookups: dict[tuple[str, str], set] = {}
    meta_cache = {}
    for e in entries:
        meta = meta_cache.setdefault(e.model, _meta(e.model))
        if meta is None:
            continue
        for name, before, after in e.changes:
            related = _forward_related(meta, name) or NESTED_KEYS.get((e.model, name))
            if related is None:
                continue
            ids = lookups.setdefault((e.model, name), set())
            for v in (before, after):
                if isinstance(v, dict):  # keyed by the related objects' ids (a report's 累计完成 per 事项)
                    ids.update(v)
                elif isinstance(v, list):  # a many-to-many field (填报员): a list of ids
                    ids.update(x for x in v if isinstance(x, int | str))
                elif isinstance(v, int | str) and not isinstance(v, bool):
                    ids.add(v)
    names: dict[tuple[str, str], dict] = {}
    for (model, name), ids in lookups.items():
        related = _forward_related(meta_cache[model], name) or NESTED_KEYS[(model, name)]
        if isinstance(related, str):
            related = apps.get_model(related)
        try:
            objs = list(related._default_manager.filter(pk__in=ids))
        except (ValueError, TypeError, ValidationError):  # ids of another type than the model's keys
            objs = []
        names[(model, name)] = {str(obj.pk): _person(obj) for obj in objs}
    out = []
    for e in entries:
        # Who did it, as people know them (镇江市月报导入, not import_321100), when the entries came with their
        # actor (select_related: no query per entry); the stored username otherwise.
        actor = e.actor if e.actor_id and AuditEntry.actor.is_cached(e) else None
        e.actor_display = (_person(actor) if actor is not None else None) or (
            "系统" if e.actor_name in ("", "system") else e.actor_name)
        meta = meta_cache.get(e.model)
        changes = []
        for name, before, after in e.changes:
            if e.action == AuditEntry.Action.CREATE and (name == "id" or after in (None, "", [], {})):
                continue  # a new object: only the values it was given
            f = _field(meta, name) if meta else None
            label = field_label(meta, name)
            if (e.model, name) in names:
                before, after = (_named(names[(e.model, name)], v) for v in (before, after))
            elif getattr(f, "choices", None):
                display = dict(f.flatchoices)
                before, after = display.get(before, before), display.get(after, after)
            before, after = (_text(v) for v in (before, after))
            changes.append(Change(name, label, before, after))
        out.append((e, changes))
    return out


def _person(obj) -> str:
    """An object by name; a user by the name people know them by (their display name), else the username."""
    if isinstance(obj, get_user_model()):
        return f"{obj.last_name}{obj.first_name}".strip() or obj.username
    return str(obj)


# Keys that are no field but hold related objects' ids: (model, key) → the related model.
NESTED_KEYS = {("livelihood.ItemReport", "progress"): "livelihood.Target"}


def _forward_related(meta, name: str):
    """The model a foreign key or many-to-many field points to; None for other fields, reverse relations
    (their values are the service's own summaries) and names that are no field."""
    f = _field(meta, name)
    if f is None or not f.is_relation or isinstance(f, ForeignObjectRel):
        return None
    return f.related_model


def _named(names: dict, value):
    if isinstance(value, dict):
        return {names.get(str(k), k): v for k, v in value.items()}
    if isinstance(value, list):
        return "、".join(str(names.get(str(v), v)) for v in value) or "—"
    if isinstance(value, int | str) and not isinstance(value, bool):
        return names.get(str(value), value)
    return value


# A stored aware time (snapshot() writes isoformat() of UTC times); naive text is left as it is.
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def _text(value):
    """A stored value as the page shows it: 是/否, times local (YYYY-MM-DD HH:MM:SS), lists and dicts as text."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"
    if isinstance(value, dict):
        return "; ".join(f"{FIELD_LABELS.get(str(k), k)}: {_text(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(str(_text(v)) for v in value) or "—"
    return value


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
