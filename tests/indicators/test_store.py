"""The figure store (issue 21, items 1-2): ProjectYearFact rows written by the services in the write's transaction,
equal to a rebuild from scratch, and the engine's core figures read from them equal to the same figures
recomputed from the raw rows (the engine's entry/report/plan queries, which the store replaced for 全部).

World: tests/dashboard/world.py's 测试市 (hand-worked in its docstring: P1-P6 on 省重大 / 市重大, 2023 and 2024
entries, reports, stage events, signings S1-S4) plus, for the plans and the statuses:
- P1's 2024 entry gets 分月计划 {3: 3000, 5: 5000, 6: 6000};
- P3's May 2024 report is returned (退回) and P5's June 2024 report is only submitted (600).
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q

from tests import factories as f
from tests.dashboard.world import build_town
from tests.factories import SYSTEM
from tuijin.core.periods import Period
from tuijin.indicators import engine
from tuijin.indicators.engine import ADDITIVE, compute
from tuijin.indicators.models import ProjectYearFact
from tuijin.indicators.scope import Scope
from tuijin.indicators.store import rebuild, snapshot_store
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.progress.services import review_report, save_report, set_report_status
from tuijin.projects.services import (
    record_stage,
    set_monthly_plan,
    update_list,
    update_list_entry,
    update_project,
)

D = datetime.date


def _extras(t):
    f.monthly_plan(t.p[1].list_entries.get(year=2024), {3: 3000, 5: 5000, 6: 6000})
    may = MonthlyReport.objects.get(project=t.p[3], year=2024, month=5)
    set_report_status(report=may, status=ReportStatus.RETURNED, reason="数据有误", actor=SYSTEM)
    save_report(
        project=t.p[5],
        year=2024,
        month=6,
        amount=Decimal(600),
        status=ReportStatus.SUBMITTED,
        today=D(2024, 7, 1), actor=SYSTEM,
    )


@pytest.fixture
def town(db):
    t = build_town()
    _extras(t)
    return t


def test_rebuild_equals_incremental_after_a_sequence_of_writes(town):
    """Writes of every kind the store derives from, each through its service; then the incremental store equals a
    rebuild from scratch, row for row and column for column."""
    t = town
    admin = t.users["admin"]
    # a report submitted, accepted, another returned and submitted again
    r = save_report(
        project=t.p[2],
        year=2024,
        month=5,
        amount=Decimal(700),
        status=ReportStatus.SUBMITTED,
        today=D(2024, 6, 1), actor=SYSTEM,
    )
    review_report(report=r, accept=True, level="city", actor=SYSTEM)
    r6 = MonthlyReport.objects.get(project=t.p[5], year=2024, month=6)
    review_report(report=r6, accept=False, level="city", reason="请核实", actor=SYSTEM)
    save_report(
        project=t.p[5],
        year=2024,
        month=6,
        amount=Decimal(650),
        status=ReportStatus.SUBMITTED,
        today=D(2024, 7, 1), actor=SYSTEM,
    )
    # an entry changed (plan, flags), a monthly plan changed
    e4 = t.p[4].list_entries.get(year=2024)
    update_list_entry(entry=e4, annual_plan=Decimal(5500), planned_completion=True, actor=SYSTEM)
    set_monthly_plan(entry=t.p[1].list_entries.get(year=2024), cumulative={6: 6500}, actor=admin)
    # a stage event, a project moved to another unit, a list's rank changed (which entry counts)
    record_stage(project=t.p[2], stage="started", date=D(2024, 5, 20), actor=SYSTEM)
    update_project(project=t.p[5], unit=t.yi, actor=SYSTEM)
    f.entry(
        t.sheng, t.p[6], plan=Decimal(3500), continuing=True
    )  # P6 now on both lists: 省重大 counts
    assert ProjectYearFact.objects.get(project=t.p[6], year=2024).annual_list_id == t.sheng.pk
    update_list(actor=admin, annual_list=t.sheng, rank=3)  # 市重大 (rank 2) now outranks 省重大

    incremental = snapshot_store()
    assert ProjectYearFact.objects.get(project=t.p[5], year=2024).unit_id == t.yi.pk
    assert ProjectYearFact.objects.get(project=t.p[6], year=2024).annual_list_id == t.shi.pk
    rebuild()
    assert snapshot_store() == incremental
    assert (
        len(incremental) == ProjectYearFact.objects.count() == 6 + 2 + 1
    )  # 2024: P1-P6; 2023: P1, P3; 外市


def test_rebuild_of_one_city(town):
    """`rebuild(city)` rewrites only that city's rows, to the same values."""
    before = snapshot_store()
    ProjectYearFact.objects.filter(unit_path__startswith=town.city.path).update(
        annual_plan=Decimal(1)
    )
    rebuild(town.city)
    assert snapshot_store() == before


def test_the_rows_hold_the_hand_worked_values(town):
    """P1 2024: plan 10000 on 省重大, 800 a month accepted Jan-May, plans 3000/5000/6000 at months 3/5/6; P3 2024:
    May returned, so acc5 = sub5 = 0 (退回 is neither accepted nor reported); P5 2024: June submitted 600."""
    p1 = ProjectYearFact.objects.get(project=town.p[1], year=2024)
    assert (p1.annual_plan, p1.annual_list_id, p1.acc1, p1.acc5, p1.acc6) == (
        Decimal(10000),
        town.sheng.pk,
        Decimal(800),
        Decimal(800),
        Decimal(0),
    )
    assert (p1.plan3, p1.plan4, p1.plan5, p1.plan6) == (
        Decimal(3000),
        None,
        Decimal(5000),
        Decimal(6000),
    )
    assert p1.started_on == D(2022, 3, 1)
    p3 = ProjectYearFact.objects.get(project=town.p[3], year=2024)
    assert (p3.acc4, p3.acc5, p3.sub5) == (Decimal(3000), Decimal(0), Decimal(0))
    p5 = ProjectYearFact.objects.get(project=town.p[5], year=2024)
    assert (p5.acc6, p5.sub6) == (Decimal(0), Decimal(600))


SCOPES = {
    "city": lambda t: Scope(t.city),
    "district": lambda t: Scope(t.city, t.jia),
    "category": lambda t: Scope(t.city, category=t.p[3].category),
    "industry": lambda t: Scope(t.city, industry_node=t.nodes["新能源"]),
    "threshold": lambda t: Scope(t.city, min_total_wan=Decimal(15000)),
    "restricted": lambda t: Scope(
        t.city, restrict=Q(unit__path__startswith=t.yi.path), restrict_label="乙区"
    ),
}
PERIODS = [
    Period.year_to_date(2024, 5),
    Period.year_to_date(2024, 6),
    Period(2024, 4, 6),
    Period(2024, 5, 5),
    Period.year_to_date(2024, 12),
]


def _raw(scope, period, basis):
    """The same figures from the raw rows: the engine's entry / report / plan queries (the path the store
    replaced, still used for a chosen list)."""
    original = engine.store_serves
    engine.store_serves = lambda scope: False
    try:
        return compute(scope, period, basis=basis, use_cache=False)
    finally:
        engine.store_serves = original


def _values(fig):
    return {name: getattr(fig, name) for name in ADDITIVE} | {
        k: (e.count, e.total, e.count_prev, e.total_prev) for k, e in fig.events.items()
    }


@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_store_figures_equal_the_raw_recomputation(town, scope_name):
    """For every scope, period (1-5月, 1-6月, 二季度, 5月, 全年) and basis: the store's figures, the total and each
    child unit's, equal the raw rows' recomputation; the checked values are not all zero."""
    scope = SCOPES[scope_name](town)
    assert engine.store_serves(scope)
    for period in PERIODS:
        for basis in ("accepted", "submitted"):
            store = compute(scope, period, basis=basis, use_cache=False)
            raw = _raw(scope, period, basis)
            assert _values(store) == _values(raw), (scope_name, period, basis)
            assert [(u.unit, _values(u)) for u in store.by_unit] == [
                (u.unit, _values(u)) for u in raw.by_unit
            ]
    whole = compute(Scope(town.city), Period.year_to_date(2024, 5), use_cache=False)
    assert (whole.projects, whole.completed, whole.period_plan) == (
        6,
        Decimal(4000 + 12000 + 1500 + 1000 + 1500),
        Decimal(5000),
    )


def test_a_chosen_list_still_reads_the_raw_rows(town):
    """With a list chosen the store does not answer (its rows hold the counting entry only)."""
    assert not engine.store_serves(Scope(town.city, annual_list=town.shi))


def test_lights_from_the_store_equal_the_raw_rows(town):
    """The traffic lights read each project's months from the store; with the default rules they equal the lights
    computed from every report row (worked in tests/dashboard/world.py: P2 red, P4 and P5 yellow, the rest green)."""
    from tuijin.indicators import lights

    scope = Scope(town.city)
    for period in (Period.year_to_date(2024, 5), Period.year_to_date(2024, 6)):
        for basis in ("accepted", "submitted"):
            store = lights.light_report(scope, period, lights.DEFAULT_RULES, basis)
            original = lights.store_serves
            lights.store_serves = lambda scope: False
            try:
                raw = lights.light_report(scope, period, lights.DEFAULT_RULES, basis)
            finally:
                lights.store_serves = original
            assert store.projects == raw.projects and store.units == raw.units
            assert (
                store.project_measures == raw.project_measures
                and store.unit_measures == raw.unit_measures
            )
    may = lights.light_report(scope, Period.year_to_date(2024, 5), lights.DEFAULT_RULES)
    assert {pid: light.level for pid, light in may.projects.items()} == {
        town.p[1].pk: "green",
        town.p[2].pk: "red",
        town.p[3].pk: "green",
        town.p[4].pk: "yellow",
        town.p[5].pk: "yellow",
        town.p[6].pk: "green",
    }


def test_the_rebuild_command(town):
    """`tuijin figures rebuild --city 测试市 --format json`: 测试市's 8 rows (2024: P1-P6; 2023: P1, P3), unchanged."""
    import io
    import json

    from django.core.management import call_command

    before = snapshot_store()
    out = io.StringIO()
    call_command("figures", "rebuild", "--city", "测试市", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["city"], data["rows"]) == ("测试市", 8)
    assert snapshot_store() == before


def test_project_figures_equal_compute_per_project(town):
    """engine.project_figures (the bulletin's lagging list: two queries for any number of projects) gives each
    listed project the figures compute() gives over the scope narrowed to that project (restrict=Q(pk=…))."""
    from dataclasses import replace

    from tuijin.indicators.engine import project_figures

    own = (
        "projects",
        "annual_plan",
        "completed",
        "planned_new_starts",
        "planned_new_starts_started",
        "planned_starts_to_date",
        "planned_starts_to_date_started",
        "planned_completions",
        "planned_completions_done",
        "planned_operations",
        "planned_operations_done",
    )
    scope = Scope(town.city)
    for period in (Period.year_to_date(2024, 5), Period(2024, 4, 6)):
        for basis in ("accepted", "submitted"):
            bulk = project_figures(scope, period, basis)
            assert set(bulk) == {town.p[i].pk for i in range(1, 7)}
            for pid, fig in bulk.items():
                one = compute(
                    replace(scope, restrict=Q(pk=pid)),
                    period,
                    basis=basis,
                    breakdown=False,
                    use_cache=False,
                )
                assert {k: getattr(fig, k) for k in own} == {k: getattr(one, k) for k in own}, (
                    pid,
                    period,
                )
                assert fig.schedule_variance == one.schedule_variance


def test_a_project_renamed_or_placed_keeps_its_rows_and_a_new_total_rewrites_them(town):
    """The store copies a project's unit, dimensions and 计划总投资 into its rows: a new name or map position leaves
    the rows as they are (the same row ids), a new total rewrites them (new ids, the new total)."""
    p = town.p[1]
    ids = set(ProjectYearFact.objects.filter(project=p).values_list("pk", flat=True))
    update_project(project=p, name="改名后的项目", longitude=Decimal("119.45"), latitude=Decimal("32.20"),
                   actor=SYSTEM)
    assert set(ProjectYearFact.objects.filter(project=p).values_list("pk", flat=True)) == ids
    update_project(project=p, total_investment=Decimal(98765), actor=SYSTEM)
    rows = ProjectYearFact.objects.filter(project=p)
    assert not ids & set(rows.values_list("pk", flat=True))
    assert {r.total_investment for r in rows} == {Decimal(98765)}


def test_a_deferred_refresh_writes_once_at_the_end_and_before_any_read(town):
    """Inside deferred_refresh (the demo's build) writes only note their projects: the rows are recomputed when
    the store is next read and at the end of the block, and then equal a rebuild from scratch."""
    from django.db import transaction

    from tuijin.indicators.store import deferred_refresh

    p = town.p[2]
    with transaction.atomic(), deferred_refresh():
        update_project(project=p, total_investment=Decimal(4321), actor=SYSTEM)
        assert ProjectYearFact.objects.get(project=p, year=2024).total_investment == Decimal(4321)  # read: flushed
        save_report(project=p, year=2024, month=6, amount=Decimal(77), status=ReportStatus.SUBMITTED,
                    today=D(2024, 7, 1), actor=SYSTEM)
        record_stage(project=p, stage="started", date=D(2024, 6, 3), actor=SYSTEM)
    row = ProjectYearFact.objects.get(project=p, year=2024)
    assert (row.sub6, row.started_on) == (Decimal(77), D(2024, 6, 3))
    incremental = snapshot_store()
    rebuild()
    assert snapshot_store() == incremental
