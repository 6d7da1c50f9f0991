"""The reconciliation's rules: what differs between the city's reports and the outside lists, for a city and a
period (1-N月 of a year, through year-month). Computed on every call, from project-level records; nothing here
writes. Reported figures come from the engine (indicators.reported: accepted reports, the engine's sum).

- 已报送未入库 (not_in_stats): a project listed in the year with an accepted 1-N月累计 above 0 that the
  statistics list of the year does not hold, or holds with another status than 已入库. Needs that year's list.
- 完成投资与统计数不符 (amount): a project listed in the year and 已入库 whose reported 1-N月累计 differs from the
  statistics' Σ 统计完成投资 of months 1…N by more than the threshold: |报送 − 统计| > T 万元, or, in %, |报送 −
  统计| ÷ 统计 × 100 > T (any difference when 统计 is 0). Needs that year's list.
- 重复登记 (duplicate, 不重复统计): two projects of the city with the same name and the same owner (业主, compared
  after folding spaces and full-width forms) under two codes, or two projects carrying the same 审批文号 in the
  approval export; a project ended (终止) is left out. Both count in every total; the amount counted twice is the smaller 1-N月累计 of the two.
- 开工早于审批 (start_before_approval): a 开工 event on or before the period's end dated before the project's
  earliest approval (审批 / 核准 / 备案) in the approval export.
- 累计完成超计划总投资 (over_total): a project whose accepted reports since the platform began, through the
  period's end (开累), exceed its 计划总投资.

Each finding has a stable subject (a project code; the two codes of a duplicate pair, sorted, joined by |), so
a city administrator's note on it (models.FindingNote, for the same period) is found again next time."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Sum

from tuijin.core.numbers import HUNDRED, rate_text, ratio, wan_text
from tuijin.core.periods import Period
from tuijin.indicators.engine import listed_project_ids
from tuijin.indicators.reported import reported_since_start, reported_ytd
from tuijin.indicators.scope import Scope
from tuijin.progress.spreadsheets import name_key
from tuijin.projects.models import Project, Stage, StageEvent

from .models import (
    ApprovalRecord,
    FindingNote,
    NoteStatus,
    ReconciliationSettings,
    Rule,
    StatisticsEntry,
    StatisticsMonth,
    StatsStatus,
    ThresholdKind,
)

ZERO = Decimal(0)
OPEN = "open"
STATUS_LABELS = {OPEN: "未处理", NoteStatus.EXPLAINED: "已说明", NoteStatus.RESOLVED: "已处理"}
RULE_ORDER = [
    Rule.NOT_IN_STATS,
    Rule.AMOUNT,
    Rule.DUPLICATE,
    Rule.START_BEFORE_APPROVAL,
    Rule.OVER_TOTAL,
]


@dataclass(frozen=True)
class Threshold:
    """The amount rule's tolerance: `value` 万元, or `value` % of the statistics figure."""

    kind: str = ThresholdKind.PERCENT
    value: Decimal = Decimal(5)

    def exceeded(self, reported: Decimal, statistics: Decimal) -> bool:
        diff = abs(reported - statistics)
        if self.kind == ThresholdKind.WAN:
            return diff > self.value
        if statistics == 0:
            return diff > 0
        return ratio(diff, statistics) * HUNDRED > self.value

    def __str__(self) -> str:
        shown = f"{self.value.normalize():f}"
        return f"{shown}%" if self.kind == ThresholdKind.PERCENT else f"{shown} 万元"


def city_threshold(city) -> Threshold:
    s = ReconciliationSettings.objects.filter(city=city).first()
    return Threshold(s.threshold_kind, s.threshold) if s else Threshold()


@dataclass
class Finding:
    rule: str
    subject: str
    projects: list[Project]
    text: str
    figures: dict[str, Decimal | str | None] = field(default_factory=dict)
    status: str = OPEN
    note: str = ""
    noted_by: str = ""
    noted_at: datetime.datetime | None = None

    @property
    def rule_label(self) -> str:
        return Rule(self.rule).label

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass
class Reconciliation:
    city: object
    year: int
    month: int
    threshold: Threshold
    statistics_rows: int  # the statistics list's rows for the year (0: not imported)
    approval_rows: int  # the city's approval records (0: not imported)
    findings: list[Finding]

    @property
    def through(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def statistics_imported(self) -> bool:
        return self.statistics_rows > 0

    @property
    def approvals_imported(self) -> bool:
        return self.approval_rows > 0

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def open(self) -> int:
        return self.count(OPEN)

    @property
    def explained(self) -> int:
        return self.count(NoteStatus.EXPLAINED)

    @property
    def resolved(self) -> int:
        return self.count(NoteStatus.RESOLVED)

    def by_rule(self) -> list[tuple[str, str, list[Finding]]]:
        groups = defaultdict(list)
        for f in self.findings:
            groups[f.rule].append(f)
        return [(r.value, r.label, groups[r.value]) for r in RULE_ORDER]


def _code(project: Project) -> str:
    return project.code


def reconcile(city, year: int, month: int, threshold: Threshold | None = None) -> Reconciliation:
    """Every finding for the city through year-month, with the notes recorded for that period."""
    Period.year_to_date(year, month)  # refuses a month outside 1-12
    threshold = threshold or city_threshold(city)
    scope = Scope(city)
    end = Period.year_to_date(year, month).end
    reported = reported_ytd(scope, year, month)
    listed = set(listed_project_ids(scope, year).values_list("project_id", flat=True).distinct())
    entries = {e.project_id: e for e in StatisticsEntry.objects.filter(city=city, year=year)}
    stats_ytd = dict(
        StatisticsMonth.objects.filter(entry__city=city, entry__year=year, month__lte=month)
        .order_by()
        .values("entry__project_id")
        .annotate(s=Sum("amount"))
        .values_list("entry__project_id", "s")
    )
    approvals = list(ApprovalRecord.objects.filter(city=city))
    since = reported_since_start(scope, year, month)

    findings: list[Finding] = []
    pending: list[tuple] = []  # (rule, project ids, builder) resolved after the projects are loaded

    if entries:
        for pid, amount in reported.items():
            entry = entries.get(pid)
            if amount > 0 and (entry is None or entry.status != StatsStatus.IN):
                pending.append(
                    (
                        Rule.NOT_IN_STATS,
                        [pid],
                        {"reported": amount, "stats_status": entry.status if entry else None},
                    )
                )
        for pid in sorted(listed & {p for p, e in entries.items() if e.status == StatsStatus.IN}):
            rep, stat = reported.get(pid, ZERO), stats_ytd.get(pid) or ZERO
            if threshold.exceeded(rep, stat):
                pending.append(
                    (
                        Rule.AMOUNT,
                        [pid],
                        {"reported": rep, "statistics": stat, "difference": rep - stat},
                    )
                )

    # 重复登记: same name and owner under two codes; one 审批文号 on two projects. A project ended (终止) no
    # longer counts: terminating the second registration is how a city removes a duplicate.
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    ended = set(
        Project.objects.filter(
            unit__path__startswith=city.path, stage=Stage.TERMINATED
        ).values_list("pk", flat=True)
    )
    for pid, name, owner in (
        Project.objects.filter(unit__path__startswith=city.path)
        .exclude(owner="")
        .exclude(pk__in=ended)
        .values_list("pk", "name", "owner")
    ):
        groups[(name_key(name), name_key(owner))].append(pid)
    for ids in groups.values():
        for a, b in itertools.combinations(sorted(ids), 2):
            pairs[(a, b)].append("项目名称和业主相同而项目代码不同")
    by_doc: dict[str, set[int]] = defaultdict(set)
    for a in approvals:
        if a.document_no and a.project_id not in ended:
            by_doc[a.document_no].add(a.project_id)
    for doc, ids in sorted(by_doc.items()):
        for a, b in itertools.combinations(sorted(ids), 2):
            pairs[(a, b)].append(f"审批文号 {doc} 同时用于两个项目")
    for (a, b), reasons in pairs.items():
        pending.append((Rule.DUPLICATE, [a, b], {"reasons": reasons}))

    # 开工早于审批: the earliest approval of each project against its 开工 event.
    first_approval: dict[int, ApprovalRecord] = {}
    for a in sorted(approvals, key=lambda a: (a.approved_on, a.pk)):
        first_approval.setdefault(a.project_id, a)
    starts = dict(
        StageEvent.objects.filter(
            project_id__in=list(first_approval), stage=Stage.STARTED, date__lte=end
        )
        .order_by()
        .values("project_id")
        .annotate(d=Min("date"))
        .values_list("project_id", "d")
    )
    for pid, started in starts.items():
        approval = first_approval[pid]
        if started < approval.approved_on:
            pending.append(
                (Rule.START_BEFORE_APPROVAL, [pid], {"started": started, "approval": approval})
            )

    # Two columns of the city's projects for the 超总投资 test; whole rows only for the projects a finding names
    # (a city's thousands of reporting projects are not loaded to find a handful of differences).
    totals = dict(Project.objects.filter(unit__path__startswith=city.path).values_list("pk", "total_investment"))
    for pid, amount in since.items():
        total = totals[pid]
        if amount > total:
            pending.append((Rule.OVER_TOTAL, [pid], {"since": amount, "total": total}))
    named = {i for _rule, ids, _data in pending for i in ids}
    projects = {p.pk: p for p in Project.objects.filter(pk__in=named).select_related("unit")}

    for rule, ids, data in pending:
        ps = [projects[i] for i in ids]
        findings.append(_finding(rule, ps, data, reported, year, month))
    notes = {
        (n.rule, n.subject): n
        for n in FindingNote.objects.filter(city=city, year=year, month=month).select_related(
            "noted_by"
        )
    }
    for f in findings:
        n = notes.get((f.rule, f.subject))
        if n is not None:
            f.status, f.note, f.noted_at = n.status, n.note, n.noted_at
            f.noted_by = (n.noted_by.get_full_name() or n.noted_by.username) if n.noted_by else ""
    order = {r: i for i, r in enumerate(RULE_ORDER)}
    findings.sort(key=lambda f: (order[f.rule], f.projects[0].unit.path, f.subject))
    return Reconciliation(city, year, month, threshold, len(entries), len(approvals), findings)


def _wan(value: Decimal) -> str:
    return f"{wan_text(value)} 万元"


def _finding(
    rule: str, ps: list[Project], data: dict, reported: dict, year: int, month: int
) -> Finding:
    p = ps[0]
    months = f"{year}年1-{month}月" if month > 1 else f"{year}年1月"
    if rule == Rule.NOT_IN_STATS:
        status = data["stats_status"]
        where = (
            "统计入库清单中没有该项目"
            if status is None
            else f"统计入库状态为“{StatsStatus(status).label}”"
        )
        return Finding(
            rule,
            p.code,
            ps,
            f"{months}报送完成投资 {_wan(data['reported'])}, 但{where}",
            {
                "reported": data["reported"],
                "stats_status": StatsStatus(status).label if status else None,
            },
        )
    if rule == Rule.AMOUNT:
        rep, stat, diff = data["reported"], data["statistics"], data["difference"]
        share = ratio(diff, stat)
        rel = f" ({'+' if diff > 0 else ''}{rate_text(share)})" if share is not None else ""
        return Finding(
            rule,
            p.code,
            ps,
            f"{months}报送累计 {_wan(rep)}, 统计累计 {_wan(stat)}, "
            f"相差 {'+' if diff > 0 else ''}{_wan(diff)}{rel}",
            {
                "reported": rep,
                "statistics": stat,
                "difference": diff,
                "difference_pct": share * HUNDRED if share is not None else None,
            },
        )
    if rule == Rule.DUPLICATE:
        a, b = (reported.get(x.pk, ZERO) for x in ps)
        twice = min(a, b)
        text = "; ".join(data["reasons"]) + f"。{months}报送累计分别为 {_wan(a)}、{_wan(b)}"
        if twice > 0:
            text += f", 重复计入 {_wan(twice)}"
        return Finding(
            rule,
            "|".join(sorted(x.code for x in ps)),
            ps,
            text,
            {
                "reported_a": a,
                "reported_b": b,
                "counted_twice": twice,
                "reasons": "; ".join(data["reasons"]),
            },
        )
    if rule == Rule.START_BEFORE_APPROVAL:
        a = data["approval"]
        doc = f" (文号 {a.document_no})" if a.document_no else ""
        return Finding(
            rule,
            p.code,
            ps,
            f"开工日期 {data['started']} 早于{a.get_kind_display()}日期 {a.approved_on}{doc}",
            {
                "started": data["started"].isoformat(),
                "approved_on": a.approved_on.isoformat(),
                "approval_kind": a.get_kind_display(),
                "document_no": a.document_no,
            },
        )
    since, total = data["since"], data["total"]
    return Finding(
        rule,
        p.code,
        ps,
        f"截至{year}年{month}月开累报送完成投资 {_wan(since)}, 超过计划总投资 {_wan(total)} "
        f"{_wan(since - total)}",
        {"since_start": since, "total_investment": total, "excess": since - total},
    )


def gate_problem(city, year: int, month: int) -> str | None:
    """Why the city's bulletin through year-month may not be issued yet (its 对账 rule), or None."""
    from .models import Gate

    s = ReconciliationSettings.objects.filter(city=city).first()
    if s is None or s.gate == Gate.NONE:
        return None
    r = reconcile(city, year, month)
    if not r.statistics_imported:
        return f"本市要求通报签发前完成统计对账, 但尚未导入 {year} 年的统计入库清单"
    if s.gate == Gate.EXPLAINED and r.open:
        return (
            f"本市要求通报签发前对账差异须已说明或已处理: {year}年1-{month}月尚有 {r.open} 条差异未处理"
            f" (共 {len(r.findings)} 条)"
        )
    if s.gate == Gate.CLEAR and (r.open or r.explained):
        return (
            f"本市要求通报签发前对账差异须全部处理完毕: {year}年1-{month}月尚有 {r.open + r.explained} 条差异未处理完毕"
            f" (未处理 {r.open} 条, 已说明 {r.explained} 条, 共 {len(r.findings)} 条)"
        )
    return None
