"""The figure store (issue 21, items 1-2): one ProjectYearFact row per listed project and year, holding what the
engine's core figures need, so that they are read with one grouped query instead of re-joining entries, lists,
projects, units, reports, stage events and plans.

A fact row of (project, year) exists when the project has a list entry that year (on any list). It holds:

- the project's own columns at the time of writing: unit (and its path, for subtree filters), city, category,
  sector, nature, industry node path, total investment;
- its counting entry (计数清单): of the entries on lists of the project's city that count in 全部
  (AnnualList.counts_in_total), the highest-ranked list (rank, then list id): entries_qs's rule; with its annual
  plan and flags (计划新开工 and month, 计划竣工, 计划投产); no counting entry: entry None (not counted in 全部);
- the first date of each stage (签约 / 开工 / 竣工 / 投产 / 达产);
- the months: accN = 当月完成投资 of month N if the report is 市级已确认, subN = the same if it is reported at all
  (SUBMITTED_STATUSES), else 0; planN = the counting entry's 累计计划 through month N (None if not given).

Writes: every service that changes one of those sources calls `refresh_facts(project_ids, years)` inside its
own transaction (no signals): reports (save, review, status, import, later months shifted), list entries (add,
update, import), monthly plans, stage events, project records (unit, category … moved), lists (rank or
counts_in_total changed). `refresh_facts` recomputes the rows of those projects from the raw rows, so the result
never depends on the order of writes. Inside `deferred_refresh()` (one transaction that makes thousands of writes:
the demo's build) the projects are only noted, and each is recomputed once, at the end of the block or before
the store is next read (ProjectYearFact's manager flushes first), whichever comes first. `rebuild()` (`tuijin figures rebuild [--city]`) does the same for every
listed project and is what a test compares the incremental result with.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.progress.models import SUBMITTED_STATUSES, MonthlyReport, ReportStatus
from tuijin.projects.models import EntryMonthlyPlan, ListEntry, Project, Stage, StageEvent

from .models import ProjectYearFact

ZERO = Decimal(0)
MONTHS = range(1, 13)
STAGE_COLUMNS: dict[str, str] = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.OPERATING: "operating_on",
    Stage.AT_CAPACITY: "at_capacity_on",
}
CHUNK = 500


def _city_paths() -> list[tuple[str, int]]:
    return sorted(
        OrgUnit.objects.filter(kind=UnitKind.CITY).values_list("path", "id"),
        key=lambda r: -len(r[0]),
    )


def _city_of(path: str, cities: list[tuple[str, int]]) -> int | None:
    return next((cid for p, cid in cities if path.startswith(p)), None)


def build_facts(project_ids, years=None, cities=None) -> list[ProjectYearFact]:
    """The fact rows of these projects (for these years; None: every year they are listed), from the raw rows.
    Six queries."""
    ids = list(project_ids)
    cities = cities if cities is not None else _city_paths()
    projects = {
        p["id"]: p
        for p in Project.objects.filter(pk__in=ids).values(
            "id",
            "unit_id",
            "unit__path",
            "category_id",
            "sector_id",
            "nature_id",
            "industry_node__path",
            "total_investment",
        )
    }
    entries = ListEntry.objects.filter(project_id__in=ids)
    if years is not None:
        entries = entries.filter(year__in=list(years))
    by_project_year: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for e in entries.values(
        "id",
        "project_id",
        "year",
        "annual_list_id",
        "annual_list__city_id",
        "annual_list__rank",
        "annual_list__counts_in_total",
        "annual_plan",
        "planned_new_start",
        "planned_start_month",
        "planned_completion",
        "planned_operation",
        "continuing",
    ):
        by_project_year[(e["project_id"], e["year"])].append(e)
    if not by_project_year:
        return []
    stage_dates: dict[int, dict[str, Any]] = defaultdict(dict)
    for pid, stage, date in StageEvent.objects.filter(
        project_id__in=ids, stage__in=list(STAGE_COLUMNS)
    ).values_list("project_id", "stage", "date"):
        column = STAGE_COLUMNS[stage]
        known = stage_dates[pid].get(column)
        if known is None or date < known:
            stage_dates[pid][column] = date
    year_set = sorted({y for _p, y in by_project_year})
    months: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for pid, year, month, amount, funds, status in MonthlyReport.objects.filter(
        project_id__in=ids, year__in=year_set
    ).values_list("project_id", "year", "month", "amount", "funds_secured", "status"):
        row = months[(pid, year)]
        for basis, counts in (("acc", status == ReportStatus.ACCEPTED), ("sub", status in SUBMITTED_STATUSES)):
            if counts:
                row[f"{basis}{month}"] = row.get(f"{basis}{month}", ZERO) + amount
                if funds is not None:
                    row[f"f{basis}{month}"] = row.get(f"f{basis}{month}", ZERO) + funds

    facts, counting_ids = [], {}
    for (pid, year), rows in by_project_year.items():
        p = projects.get(pid)
        if p is None:
            continue
        city_id = _city_of(p["unit__path"], cities)
        counting = [
            e
            for e in rows
            if e["annual_list__counts_in_total"] and e["annual_list__city_id"] == city_id
        ]
        top = (
            min(counting, key=lambda e: (e["annual_list__rank"], e["annual_list_id"]))
            if counting
            else None
        )
        fact = ProjectYearFact(
            project_id=pid,
            year=year,
            city_id=city_id,
            unit_id=p["unit_id"],
            unit_path=p["unit__path"],
            category_id=p["category_id"],
            sector_id=p["sector_id"],
            nature_id=p["nature_id"],
            industry_path=p["industry_node__path"] or "",
            total_investment=p["total_investment"],
            **stage_dates.get(pid, {}),
            **months.get((pid, year), {}),
        )
        if top is not None:
            fact.entry_id, fact.annual_list_id = top["id"], top["annual_list_id"]
            fact.annual_plan = top["annual_plan"]
            fact.planned_new_start, fact.planned_start_month = (
                top["planned_new_start"],
                top["planned_start_month"],
            )
            fact.planned_completion, fact.planned_operation = (
                top["planned_completion"],
                top["planned_operation"],
            )
            fact.continuing = top["continuing"]
            counting_ids[top["id"]] = fact
        facts.append(fact)
    if counting_ids:
        for entry_id, month, plan in EntryMonthlyPlan.objects.filter(
            entry_id__in=list(counting_ids)
        ).values_list("entry_id", "month", "cumulative_plan"):
            setattr(counting_ids[entry_id], f"plan{month}", plan)
    return facts


class _Deferral(threading.local):
    depth = 0
    flushing = False

    def __init__(self) -> None:
        self.pending: dict[int, set[int] | None] = {}  # project id → years to recompute (None: every year)


_deferral = _Deferral()


@contextlib.contextmanager
def deferred_refresh():
    """Inside one transaction: note the projects refresh_facts is asked for and recompute each once, at the end
    (or before the store is next read). An error inside drops what is noted (the transaction rolls back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("deferred_refresh() must run inside a transaction")
    _deferral.depth += 1
    try:
        yield
    except BaseException:
        if _deferral.depth == 1:
            _deferral.pending = {}
        raise
    else:
        if _deferral.depth == 1:
            flush_pending()
    finally:
        _deferral.depth -= 1


def flush_pending() -> None:
    """Recompute what a deferred refresh has noted (nothing when none is open)."""
    if not _deferral.pending or _deferral.flushing:
        return
    pending, _deferral.pending = _deferral.pending, {}
    by_years: dict[frozenset[int] | None, list[int]] = defaultdict(list)
    for project_id, noted in pending.items():
        by_years[frozenset(noted) if noted is not None else None].append(project_id)
    _deferral.flushing = True
    try:
        for group, ids in by_years.items():
            _refresh_now(ids, sorted(group) if group is not None else None)
    finally:
        _deferral.flushing = False


def refresh_facts(project_ids, years=None) -> int:
    """Recompute the fact rows of these projects (for these years; None: all) from the raw rows, in the caller's
    transaction. Called by every write service that changes a source of the store. Returns the rows written (0
    inside a deferred refresh, which writes them later)."""
    if _deferral.depth and not _deferral.flushing:
        for project_id in {int(i) for i in project_ids if i is not None}:
            if project_id in _deferral.pending and _deferral.pending[project_id] is None:
                continue
            if years is None:
                _deferral.pending[project_id] = None
            else:
                _deferral.pending.setdefault(project_id, set()).update(years)  # type: ignore[union-attr]
        return 0
    return _refresh_now(project_ids, years)


def _refresh_now(project_ids, years=None) -> int:
    ids = sorted({int(i) for i in project_ids if i is not None})
    if not ids:
        return 0
    years = sorted(set(years)) if years is not None else None
    written = 0
    cities = _city_paths()
    with transaction.atomic():
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            old = ProjectYearFact.objects.filter(project_id__in=chunk)
            if years is not None:
                old = old.filter(year__in=years)
            old.delete()
            facts = build_facts(chunk, years, cities)
            ProjectYearFact.objects.bulk_create(facts, batch_size=1000)
            written += len(facts)
    return written


def refresh_list(annual_list_id: int) -> int:
    """A list's rank or counts_in_total changed: every project on it may count under another entry now."""
    ids = (
        ListEntry.objects.filter(annual_list_id=annual_list_id)
        .values_list("project_id", flat=True)
        .distinct()
    )
    return refresh_facts(list(ids))


def refresh_subtree(path: str) -> int:
    """The rows of every project under a unit path: a moved subtree's projects carry its new path."""
    return refresh_facts(Project.objects.filter(unit__path__startswith=path).values_list("pk", flat=True))


def rebuild(city: OrgUnit | None = None) -> int:
    """Rebuild the store from scratch (one city's projects, or every project): delete, then recompute every
    listed project's rows. Returns the rows written."""
    with transaction.atomic():
        if city is None:
            ProjectYearFact.objects.all().delete()
            ids = ListEntry.objects.values_list("project_id", flat=True).distinct()
        else:
            ProjectYearFact.objects.filter(unit_path__startswith=city.path).delete()
            ProjectYearFact.objects.filter(city=city).delete()
            ids = (
                ListEntry.objects.filter(project__unit__path__startswith=city.path)
                .values_list("project_id", flat=True)
                .distinct()
            )
        return refresh_facts(list(ids))


FACT_COMPARED = [f.attname for f in ProjectYearFact._meta.concrete_fields if f.attname != "id"]


def snapshot_store(city: OrgUnit | None = None) -> dict[tuple[int, int], tuple]:
    """The store's rows as plain values keyed by (project, year): what rebuild-equals-incremental compares."""
    qs = ProjectYearFact.objects.all()
    if city is not None:
        qs = qs.filter(unit_path__startswith=city.path)
    return {(r[0], r[1]): r for r in qs.values_list("project_id", "year", *FACT_COMPARED)}
