"""Per-project reported figures for the reconciliation with the statistics bureau (tuijin.reconciliation).

- reported_ytd (报送累计完成投资, 1-N月): for each project listed in scope in `year` (engine.entries_qs: one entry
  per project), Σ its accepted monthly reports' 当月完成投资 for months 1…`month` of `year`: the same sum that
  makes the engine's `completed` for the scope and the year-to-date period, split by project (a project's
  values add up to compute(scope, Period(year, 1, month)).completed).
- reported_since_start (开累完成投资): for each project in scope (listed or not), Σ its accepted monthly reports'
  当月完成投资 over every year up to and including `month` of `year`: what the project has reported since the
  platform began, to compare with its 计划总投资.

Both are Decimal 万元, unrounded; projects without an accepted report are absent (not 0)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from tuijin.core.periods import Period
from tuijin.progress.models import MonthlyReport

from .engine import report_statuses, reports_qs
from .scope import Scope


def reported_ytd(
    scope: Scope, year: int, month: int, basis: str = "accepted"
) -> dict[int, Decimal]:
    """{project id: Σ 当月完成投资 of months 1…month of year} over the listed projects in scope."""
    rows = (
        reports_qs(scope, Period.year_to_date(year, month), basis)
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    return {pid: total for pid, total in rows if total is not None}


def reported_since_start(
    scope: Scope, year: int, month: int, basis: str = "accepted"
) -> dict[int, Decimal]:
    """{project id: Σ 当月完成投资 of every month up to year-month} over the projects in scope."""
    rows = (
        MonthlyReport.objects.filter(
            Q(year__lt=year) | Q(year=year, month__lte=month), status__in=report_statuses(basis)
        )
        .filter(scope.project_q("project__"))
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    return {pid: total for pid, total in rows if total is not None}
