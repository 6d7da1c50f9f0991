"""Sanity checks on a monthly report (DOMAIN.md): each finding is a warning the reporter confirms, or an error,
as settings.REPORT_CHECKS says. Negative figures are always refused by the service itself.

The rule itself (`evaluate`) is a pure function over the project's history, so a form checks one report and
an import checks twenty thousand with the same rule and two queries (`load_history`)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from .models import MonthlyReport


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # "warning" | "error"
    message: str


@dataclass
class History:
    """What the checks need to know of a project: investment reported in earlier years and recent months."""

    earlier_years: Decimal = Decimal(0)
    recent: list[Decimal] = field(default_factory=list)  # latest first, non-zero, at most 12


def _level(code: str) -> str:
    return settings.REPORT_CHECKS.get(code, "warning")


def load_history(project_ids, year: int, month: int) -> dict[int, History]:
    """History of many projects in two queries (the month being entered is left out)."""
    out: dict[int, History] = defaultdict(History)
    for row in (MonthlyReport.objects.filter(project_id__in=project_ids, year__lt=year)
                .values("project_id").annotate(s=Sum("amount")).order_by()):
        out[row["project_id"]].earlier_years = row["s"] or Decimal(0)
    recent = (MonthlyReport.objects.filter(project_id__in=project_ids, year__gte=year - 1, amount__gt=0)
              .exclude(Q(year=year, month=month))
              .order_by("project_id", "-year", "-month").values_list("project_id", "amount"))
    for pid, amount in recent:
        h = out[pid]
        if len(h.recent) < 12:
            h.recent.append(amount)
    return out


def evaluate(*, project, year: int, month: int, amount: Decimal, ytd: Decimal, history: History,
             today=None) -> list[Finding]:
    today = today or timezone.localdate()
    findings: list[Finding] = []
    if (year, month) > (today.year, today.month):
        findings.append(Finding("future_month", _level("future_month"),
                                f"填报月份 {year}年{month}月 在未来 (今天是 {today:%Y-%m-%d})"))
    lifetime = history.earlier_years + ytd
    total = project.total_investment
    if total and lifetime > total:
        findings.append(Finding("ytd_above_total", _level("ytd_above_total"),
                                f"开工以来累计完成投资 {lifetime} 万元 超过计划总投资 {total} 万元"))
    if total and amount > total and amount / 10000 <= total:
        findings.append(Finding("yuan_as_wan", _level("yuan_as_wan"),
                                f"当月完成投资 {amount} 万元 超过计划总投资 {total} 万元; 是否把“元”填成了“万元”? "
                                f"({amount} 元 = {amount / 10000} 万元)"))
    elif len(history.recent) >= 3:
        median = Decimal(statistics.median(history.recent))
        if median > 0 and amount > median * settings.REPORT_JUMP_FACTOR:
            findings.append(Finding("month_jump", _level("month_jump"),
                                    f"当月完成投资 {amount} 万元 远高于该项目近期月度中位数 {median} 万元"))
    return findings


def check_report(*, project, year: int, month: int, amount: Decimal, ytd: Decimal, today=None) -> list[Finding]:
    history = load_history([project.pk], year, month).get(project.pk, History())
    return evaluate(project=project, year=year, month=month, amount=amount, ytd=ytd, history=history, today=today)
