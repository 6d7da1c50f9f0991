"""Reads for 民生实事, always through the user's scope (livelihood.scoping.livelihood_items_for: Item.objects.visible_to): the items a
programme counts, their state at a month end (progress.py's rule), counts by status for the programme, by
category and by lead unit, the lagging items for the responsible leaders, the plan-versus-actual series of
an item, and the review queue. `user=None` is the system's own, unscoped read (the CLI without --as)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from tuijin.core.errors import InputError
from tuijin.livelihood import scoping
from tuijin.orgs.models import OrgUnit, UnitKind

from . import progress
from .models import (
    COUNTED_SUBMITTED,
    Item,
    ItemReport,
    Milestone,
    Programme,
    ReportStatus,
    Target,
    TargetKind,
    TargetProgress,
)

BASES = {"accepted": (ReportStatus.ACCEPTED,), "submitted": COUNTED_SUBMITTED}
BASIS_LABELS = {"accepted": "已确认数", "submitted": "报送数(含未确认)"}
HUNDRED = Decimal(100)


# ---------------------------------------------------------------- programmes and items


def programme_for(unit: OrgUnit, year: int) -> Programme:
    """The programme a level (省 / 市 / 县区) runs for a year; a clear refusal when it has none."""
    programme = Programme.objects.filter(unit=unit, year=year).select_related("unit").first()
    if programme is None:
        raise InputError(f"{unit.name} 没有 {year} 年民生实事计划", field="through")
    return programme


def programmes_for(user):
    """The programmes the user sees something of: owned within its reach, or counting an item it sees."""
    items = scoping.livelihood_items_for(user)
    return (Programme.objects.filter(Q(items__in=items) | Q(shared_items__in=items)).distinct()
            .select_related("unit").order_by("-year", "unit__path"))


def default_programme(user, year: int | None = None) -> Programme | None:
    """The programme a user lands on: its own level's (its city's for a department), latest year first."""
    visible = programmes_for(user)
    if year is not None:
        visible = visible.filter(year=year)
    unit = user.unit if user.unit_id else None
    for candidate in ([unit, unit.city()] if unit else []):
        if candidate is not None:
            found = visible.filter(unit=candidate).first()
            if found:
                return found
    return visible.first()


def items_in(programme: Programme, user=None):
    """The items counted in a programme (its own and the higher levels' items counted in it), limited to
    what the user may see; ordered as the programme prints them."""
    qs = Item.objects.filter(Q(programme=programme) | Q(pk__in=Item.shared_with.through.objects.filter(
        programme=programme).values("item_id")))
    if user is not None:
        qs = qs.filter(pk__in=scoping.livelihood_items_for(user).values("pk"))
    return (qs.select_related("category", "lead_unit", "programme").prefetch_related("cooperating_units")
            .order_by("-programme__unit__depth", "category__sort_order", "seq"))


def get_item_or_404(user, pk, action: str = scoping.READ) -> Item:
    """An item by id if the user may see it: out of reach answers 404; in reach without the action, 403."""
    item = scoping.livelihood_items_for(user, scoping.READ).filter(pk=pk).select_related(
        "programme", "programme__unit", "category", "lead_unit").first()
    if item is None:
        raise Http404("民生实事不存在或不在您的权限范围内")
    if action != scoping.READ and not scoping.livelihood_items_for(user, action).filter(pk=pk).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您无权执行此操作")
    return item


# ---------------------------------------------------------------- states at a month end


@dataclass
class _Loaded:
    """Everything the status rule needs for a set of items and a year, in four queries."""

    targets: dict[int, list[tuple[Target, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    nodes: dict[int, dict[int, Milestone]] = field(default_factory=lambda: defaultdict(dict))
    done: dict[int, list[tuple[int, Decimal]]] = field(default_factory=lambda: defaultdict(list))  # target → (m, v)
    reports: dict[int, list[ItemReport]] = field(default_factory=lambda: defaultdict(list))


def get_photo_or_404(user, pk):
    """A progress photo, if the user may see its item (404 otherwise)."""
    from .models import ItemPhoto

    photo = ItemPhoto.objects.select_related("report").filter(pk=pk).first()
    if photo is None:
        raise Http404("照片不存在")
    get_item_or_404(user, photo.report.item_id)
    return photo


def _load(items: list[Item], year: int, basis: str) -> _Loaded:
    if basis not in BASES:
        raise InputError(f"口径未知: {basis!r} (accepted 或 submitted)", field="basis")
    ids = [i.pk for i in items]
    data = _Loaded()
    for t in Target.objects.filter(item_id__in=ids).annotate(n=Count("deliverables")).order_by("item_id", "seq"):
        quantity = Decimal(t.n) if t.kind == TargetKind.DELIVERABLES else t.quantity
        data.targets[t.item_id].append((t, quantity))
    for m in Milestone.objects.filter(item_id__in=ids):
        data.nodes[m.item_id][m.month] = m
    statuses = BASES[basis]
    for target_id, month, done in (TargetProgress.objects.filter(
            report__item_id__in=ids, report__year=year, report__status__in=statuses)
            .order_by("report__month").values_list("target_id", "report__month", "done")):
        data.done[target_id].append((month, done))
    for r in ItemReport.objects.filter(item_id__in=ids, year=year, status__in=statuses).order_by("month"):
        data.reports[r.item_id].append(r)
    return data


def _node_shares(item: Item, loaded: _Loaded) -> dict[int, Decimal]:
    nodes = loaded.nodes.get(item.pk) or {}
    targets = loaded.targets.get(item.pk) or []
    shares = {}
    for month, m in nodes.items():
        if m.planned_pct is not None:
            shares[month] = m.planned_pct / HUNDRED
        elif targets and targets[0][1]:
            shares[month] = m.planned_quantity / targets[0][1]
    return shares


def _state(item: Item, loaded: _Loaded, month: int, tolerance_pp: Decimal) -> progress.ItemState:
    targets = []
    for t, quantity in loaded.targets.get(item.pk, []):
        done = Decimal(0)
        for m, value in loaded.done.get(t.pk, []):
            if m <= month:
                done = value
        targets.append(progress.TargetState(target=t, quantity=quantity, done=done))
    report, investment = None, None
    for r in loaded.reports.get(item.pk, []):
        if r.month <= month:
            report = r
            if r.investment_ytd is not None:
                investment = r.investment_ytd
    planned = progress.planned_share(month, nodes=_node_shares(item, loaded), start_month=item.start_month,
                                     deadline_month=item.deadline_month)
    return progress.ItemState(item=item, targets=targets, planned=planned, tolerance_pp=tolerance_pp,
                              investment_ytd=investment, report=report)


def item_states(items, *, year: int, month: int, tolerance_pp: Decimal, basis: str = "accepted"
                ) -> list[progress.ItemState]:
    items = list(items)
    loaded = _load(items, year, basis)
    return [_state(i, loaded, month, tolerance_pp) for i in items]


@dataclass
class ProgrammeStatus:
    """A programme at a month end: every item's state and the counts the pages, CLI and bulletin print."""

    programme: Programme
    month: int
    basis: str
    states: list[progress.ItemState]
    total: progress.Tally
    by_category: list[progress.Tally]
    by_lead_unit: list[progress.Tally]

    @property
    def year(self) -> int:
        return self.programme.year

    @property
    def categories(self) -> int:
        return len(self.by_category)

    @property
    def lagging(self) -> list[progress.ItemState]:
        """欠序时 items: 提请分管领导研究调度."""
        return [s for s in self.states if s.lagging]


def programme_status(*, programme: Programme, month: int, user=None, basis: str = "accepted",
                     lead_unit: OrgUnit | None = None) -> ProgrammeStatus:
    """The programme (as far as the user sees it; optionally one lead unit's items) through `month`."""
    if not 1 <= int(month) <= 12:
        raise InputError(f"月份应在 1-12 之间, 收到 {month!r}", field="through")
    items = items_in(programme, user)
    if lead_unit is not None:
        items = items.filter(lead_unit=lead_unit)
    states = item_states(items, year=programme.year, month=month, tolerance_pp=programme.tolerance_pp,
                         basis=basis)
    return ProgrammeStatus(
        programme=programme, month=month, basis=basis, states=states, total=progress.total(states),
        by_category=progress.tally(states, key=lambda s: s.item.category.name, label=lambda s: s.item.category.name),
        by_lead_unit=progress.tally(states, key=lambda s: s.item.lead_unit_id, label=lambda s: s.item.lead_unit.name),
    )


def item_series(item: Item, *, basis: str = "accepted", through: int = 12) -> list[dict]:
    """The plan-versus-actual series of an item: per month, the planned share and (through the last reported
    month) the done share, as unrounded fractions, with the state at that month."""
    loaded = _load([item], item.programme.year, basis)
    last = max((r.month for r in loaded.reports.get(item.pk, [])), default=0)
    rows = []
    for month in range(1, 13):
        state = _state(item, loaded, month, item.programme.tolerance_pp)
        reported = month <= min(last, through)
        rows.append({"month": month, "planned": state.planned, "done": state.done_share if reported else None,
                     "status": state.status if reported else None})
    return rows


def item_reports(item: Item):
    """Every monthly report of the item's programme year (all statuses), latest first, with its figures."""
    return (ItemReport.objects.filter(item=item, year=item.programme.year)
            .prefetch_related(_ordered_progress(), "progress__delivered", "photos")
            .select_related("submitted_by", "reviewed_by").order_by("-month"))


def _ordered_progress() -> Prefetch:
    return Prefetch("progress", queryset=TargetProgress.objects.select_related("target").order_by("target__seq"))


def review_queue(user):
    """Reports waiting for this user's decision: 已报送, on the items the user may review."""
    return (ItemReport.objects.filter(status=ReportStatus.SUBMITTED,
                                      item__in=scoping.livelihood_items_for(user, scoping.REVIEW))
            .select_related("item", "item__lead_unit", "item__programme", "submitted_by")
            .prefetch_related(_ordered_progress())
            .order_by("item__programme", "item__seq", "month"))


def led_items(user):
    """本单位牵头的实事: the items the user's unit leads (a department's own list), all years, newest first."""
    if not user.unit_id:
        return Item.objects.none()
    return (scoping.livelihood_items_for(user).filter(lead_unit_id=user.unit_id)
            .select_related("programme", "programme__unit", "category").order_by("-programme__year", "programme",
                                                                                "seq"))


def dispatch_agenda_items(city: OrgUnit, year: int, month: int, basis: str = "accepted") -> list[dict]:
    """For the weekly dispatch meeting (周调度) once it exists: the city's lagging livelihood items through
    the month, each with its lead unit and responsible leader (提请分管领导研究调度)."""
    if city.kind != UnitKind.CITY:
        raise InputError(f"{city.name} 不是城市", field="city")
    programme = Programme.objects.filter(unit=city, year=year).first()
    if programme is None:
        return []
    status = programme_status(programme=programme, month=month, basis=basis)
    return [{"item": s.item, "lead_unit": s.item.lead_unit, "responsible_leader": s.item.responsible_leader,
             "done_share": s.done_share, "planned_share": s.planned} for s in status.lagging]
