"""The demo's outside lists for 镇江市, with a small, hand-made set of planted differences (PLANTED), written as
.xlsx files in the outside systems' layouts (excel.py) and imported through the same importer as a user's file,
by an import account of the city (switched off afterwards).

The statistics list repeats, for every project listed in 2024 with accepted reports, its reported amounts for
1-6月 as 已入库, except for the planted projects; the approval export gives every listed project an approval
dated before its start (or after its signing), except for the planted ones. One project's 计划总投资 is lowered
below what it has reported (through projects.services.update_project). The projects are picked by a fixed rule
(by code, on the 市重大项目 and 智能化数字化技改项目 lists), so the selection survives any change of the demo's
random draws; `build_reconciliation_demo` returns their codes for the test (tests/reconciliation/test_demo.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Min

from tuijin.core.numbers import quantize
from tuijin.indicators.reported import reported_since_start, reported_ytd
from tuijin.indicators.scope import Scope
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.projects.models import ListEntry, Project, Stage, StageEvent

from . import importer
from .excel import approvals_workbook, statistics_workbook


def _demo_actor():
    """The named system actor the demo writes as (services refuse a write without an actor)."""
    from tuijin.accounts.services import system_actor

    return system_actor("演示数据")

YEAR, THROUGH = 2024, 6
# The planted differences (rule → the projects, by the role they play below), and what each one is.
PLANTED = {
    "not_in_stats": ["omitted", "not_in"],  # reported but absent from the list / listed as 未入库
    "amount": [
        "amount_up",
        "amount_down",
    ],  # reported 25% above the statistics / 10.7% below (threshold 5%)
    "duplicate": [("dup_a", "dup_b")],  # one 审批文号 on two projects
    "start_before_approval": ["early_start"],  # 开工 20 days before its 备案/审批/核准
    "over_total": [
        "over_total"
    ],  # 计划总投资 lowered 100 万元-plus below what it has reported since it began
}
# Differences below the threshold that must NOT be listed: 2% above the statistics.
BELOW_THRESHOLD = ["small_diff"]
KIND_BY_CATEGORY = {"产业": "备案", "基础设施": "审批"}
DOC_PREFIX = {"备案": "镇发改备", "审批": "镇发改审批", "核准": "镇发改核"}
D = datetime.date


def _shift(months: dict[int, Decimal], delta: Decimal) -> dict[int, Decimal]:
    """The months with `delta` added: to the last month if positive, taken from the largest months if not."""
    out = dict(months)
    if delta >= 0:
        last = max(out)
        out[last] += delta
        return out
    need = -delta
    for m in sorted(out, key=lambda k: (-out[k], k)):
        take = min(out[m], need)
        out[m] -= take
        need -= take
        if need == 0:
            break
    return out


def pick(city) -> dict[str, Project]:
    """The planted projects, by a rule that depends on codes and lists only."""
    municipal = [
        e.project
        for e in ListEntry.objects.filter(
            annual_list__city=city, annual_list__name="市重大项目", year=YEAR
        )
        .select_related("project")
        .order_by("project__code")
    ]
    chosen = dict(
        zip(
            ["omitted", "not_in", "amount_up", "amount_down", "small_diff"], municipal, strict=False
        )
    )
    started = set(
        StageEvent.objects.filter(
            stage=Stage.STARTED, date__lte=D(YEAR, THROUGH, 30), project__in=municipal
        ).values_list("project_id", flat=True)
    )
    rest = [p for p in municipal[5:] if p.pk in started]
    chosen.update(early_start=rest[0], dup_a=rest[1], dup_b=rest[2])
    upgrading = [
        e.project
        for e in ListEntry.objects.filter(
            annual_list__city=city,
            annual_list__name="智能化数字化技改项目",
            year=YEAR,
            project__total_investment__lt=10000,
        )
        .select_related("project")
        .order_by("project__code")
    ]
    since = reported_since_start(Scope(city), YEAR, THROUGH)
    chosen["over_total"] = max(upgrading, key=lambda p: (since.get(p.pk, Decimal(0)), p.code))
    return chosen


def build_reconciliation_demo(*, zhenjiang, suzhou=None) -> dict[str, str]:
    """Import 镇江市's 2024 statistics list and approval export with the planted differences; returns {role: code}."""
    import secrets

    from tuijin.accounts.models import Role
    from tuijin.accounts.services import create_user, set_user_active
    from tuijin.projects.services import update_project

    from .services import save_settings

    city = zhenjiang
    chosen = pick(city)
    loader = create_user(
        username=f"recon_{city.region_code}",
        password=secrets.token_urlsafe(24) + "Aa1!",
        unit=city,
        role=Role.CITY_ADMIN,
        first_name=f"{city.name}统计对账导入 (演示数据)", actor=_demo_actor(),
    )

    # 累计超总投资: lower the chosen project's 计划总投资 below what it has reported since it began.
    p = chosen["over_total"]
    since = reported_since_start(Scope(city), YEAR, THROUGH)[p.pk]
    update_project(
        project=p,
        actor=loader,
        reason="演示数据: 对账差异 (累计完成超计划总投资)",
        total_investment=(since - 100).quantize(Decimal(1)) // 100 * 100,
    )

    # The statistics list: the reported months of every listed project, as 已入库, but for the planted ones.
    reported = reported_ytd(Scope(city), YEAR, THROUGH)
    months: dict[int, dict[int, Decimal]] = {}
    for pid, m, amount in MonthlyReport.objects.filter(
        project_id__in=list(reported), year=YEAR, month__lte=THROUGH, status=ReportStatus.ACCEPTED
    ).values_list("project_id", "month", "amount"):
        months.setdefault(pid, {})[m] = amount
    projects = {x.pk: x for x in Project.objects.filter(pk__in=list(reported)).order_by("code")}
    roles = {x.pk: role for role, x in chosen.items()}
    rows = []
    for pid, project in sorted(projects.items(), key=lambda kv: kv[1].code):
        role, amounts, status = roles.get(pid), months[pid], "已入库"
        ytd = reported[pid]
        if role == "omitted":
            continue
        if role == "not_in":
            status = "未入库"
        elif role == "amount_up":  # statistics 80% of the report: reported 25% above
            amounts = _shift(amounts, -quantize(ytd * Decimal("0.2"), 2))
        elif role == "amount_down":  # statistics 112% of the report: reported 10.7% below
            amounts = _shift(amounts, quantize(ytd * Decimal("0.12"), 2))
        elif role == "small_diff":  # 2% above the report: below the 5% threshold
            amounts = _shift(amounts, quantize(ytd * Decimal("0.02"), 2))
        rows.append((project.code, project.name, status, amounts))
    rows.append(
        (
            "2024-321102-99-01-99999X",
            "镇江市某非重大项目（演示, 不在项目库）",
            "已入库",
            {1: Decimal(100)},
        )
    )
    data = statistics_workbook(
        title=f"{city.name}固定资产投资项目入库清单 (1-{THROUGH}月)",
        year=YEAR,
        months=THROUGH,
        rows=rows,
    )
    _import(loader, data, f"{city.name}{YEAR}年固定资产投资入库清单.xlsx", importer.KIND_STATISTICS)

    # The approval export: one approval per listed project, before its start; planted: a late one, a shared 文号.
    listed = {
        e.project_id: e.project
        for e in ListEntry.objects.filter(annual_list__city=city, year=YEAR).select_related(
            "project", "project__category"
        )
    }
    firsts: dict[tuple[int, str], datetime.date] = {
        (pid, stage): d
        for pid, stage, d in StageEvent.objects.filter(project_id__in=list(listed))
        .order_by()
        .values("project_id", "stage")
        .annotate(d=Min("date"))
        .values_list("project_id", "stage", "d")
    }
    approvals, docs = [], {}
    for n, (pid, project) in enumerate(sorted(listed.items(), key=lambda kv: kv[1].code), start=1):
        kind = KIND_BY_CATEGORY.get(project.category.name, "核准")
        start, signed = firsts.get((pid, Stage.STARTED)), firsts.get((pid, Stage.SIGNED))
        if start is not None:
            date = start - datetime.timedelta(days=15)
        else:
            date = (signed or D(2024, 1, 1)) + datetime.timedelta(days=10)
        if roles.get(pid) == "early_start":
            date = start + datetime.timedelta(days=20)
        docs[pid] = f"{DOC_PREFIX[kind]}〔{date.year}〕{n:04d}号"
        approvals.append([project.code, project.name, kind, date, docs[pid], pid])
    for row in approvals:
        if roles.get(row[5]) == "dup_b":
            row[4] = docs[chosen["dup_a"].pk]
    rows = [tuple(r[:5]) for r in approvals]
    rows.append(
        (
            "2023-321102-99-01-88888X",
            "镇江市某已撤销项目（演示, 不在项目库）",
            "备案",
            D(2023, 5, 6),
            "镇发改备〔2023〕9999号",
        )
    )
    _import(
        loader,
        approvals_workbook(rows),
        f"{city.name}投资项目在线审批监管平台导出.xlsx",
        importer.KIND_APPROVALS,
    )

    save_settings(
        actor=loader,
        city=city,
        gate="explained",
        reason="演示数据: 通报签发前对账差异须已说明或已处理",
    )
    set_user_active(user=loader, active=False, reason="演示数据导入完毕", actor=_demo_actor())
    return {role: x.code for role, x in chosen.items()}


def _import(user, data: bytes, filename: str, kind: str) -> None:
    plan = importer.plan_file(user=user, data=data, filename=filename, kind=kind)
    if not plan.ok:
        raise AssertionError(f"{filename}: {[str(e) for e in plan.errors]}")
    importer.commit_file(user=user, plan=plan)
