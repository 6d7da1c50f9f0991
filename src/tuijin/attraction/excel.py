"""Excel for 招商引资, through the monthly reports' import machinery (progress.spreadsheets: .xlsx/.xls/.ods/.csv,
header variants, amounts in 万元 or 亿元 by the header, cell-level errors): import leads (招商线索台账) and signed
contracts (签约项目台账) with a preview, then commit all or nothing through the services (same checks, same
audit); export the leads register and the contracts-performance table as .xlsx (openpyxl)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from tuijin.accounts.scoping import WRITE, can, units_for
from tuijin.core import exports
from tuijin.core.errors import InputError
from tuijin.progress.importer import CellProblem
from tuijin.progress.spreadsheets import (
    SUBTOTAL_RE,
    column_letter,
    normalise,
    parse_amount,
    read_workbook,
    text_of,
    text_problem,
    unit_in,
)
from tuijin.projects.models import Category

from . import services
from .models import AttractionEvent, IndustryTier, InvestorKind, Lead, LeadSource

KIND_BY_LABEL = {label: value for value, label in InvestorKind.choices}
SOURCE_BY_LABEL = {label: value for value, label in LeadSource.choices} | {"活动": "event", "以商招商": "referral"}
FIELD_LABELS = {"title": "项目名称", "investor": "投资方", "investor_kind": "投资方类型", "source": "线索来源",
                "amount": "意向投资/合同投资", "unit": "跟进单位", "date": "日期", "region": "国别/地区",
                "code": "项目代码", "category": "项目类别", "leader": "挂钩市领导", "tier": "三次产业",
                "event": "签约活动"}
TIER_BY_LABEL = {label: value for value, label in IndustryTier.choices} | {
    "第一产业": "primary", "第二产业": "secondary", "第三产业": "tertiary"}
REQUIRED = {"leads": ("title", "investor", "investor_kind", "source", "amount", "unit", "date"),
            "contracts": ("title", "investor", "investor_kind", "source", "amount", "unit", "date", "code",
                          "category")}


def match_field(header: str) -> str | None:
    t = normalise(header)
    if not t:
        return None
    if "代码" in t or "编码" in t:
        return "code"
    if "三次产业" in t or t in ("产业", "所属产业", "产业分类", "一二三产"):
        return "tier"
    if "活动" in t and "来源" not in t:
        return "event"
    if "类型" in t and ("投资" in t or "企业" in t or "客商" in t):
        return "investor_kind"
    if "类别" in t:
        return "category"
    if "来源" in t:
        return "source"
    if "领导" in t:
        return "leader"
    if "国别" in t or "地区" in t:
        return "region"
    if "投资" in t and ("意向" in t or "合同" in t or "金额" in t or "额" in t or "总投资" in t):
        return "amount"
    if "投资方" in t or "客商" in t or "企业名称" in t or "投资主体" in t:
        return "investor"
    if "名称" in t:
        return "title"
    if "单位" in t or "板块" in t or "县区" in t:
        return "unit"
    if "日期" in t or "时间" in t:
        return "date"
    return None


@dataclass
class ImportPlan:
    """What an import would do: one row of service arguments per data row, or the problems (nothing written)."""

    kind: str
    rows: list[dict] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = text_of(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日-")
    try:
        return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        raise ValueError("不是日期 (应为 YYYY-MM-DD)") from None


def plan_import(*, user, data: bytes, filename: str, kind: str = "leads") -> ImportPlan:
    """Read a leads ('leads') or signed-contracts ('contracts') register and check every cell (preview)."""
    if kind not in REQUIRED:
        raise InputError(f"导入类型未知: {kind!r}", field="kind")
    if not can(user, WRITE):
        raise InputError("您无权导入招商台账", field="file")
    plan = ImportPlan(kind)
    units = {u.name: u for u in units_for(user).exclude(kind="department")}
    categories = {c.name: c for c in Category.objects.all()}
    for sheet in read_workbook(data, filename):
        header_row, columns = None, {}
        for i, row in enumerate(sheet.rows[:15]):
            found = {}
            for c, cell in enumerate(row):
                key = match_field(text_of(cell))
                if key and key not in found:
                    found[key] = c
            if {"title", "investor"} <= set(found):
                header_row, columns = i, found
                break
        if header_row is None:
            continue
        missing = [FIELD_LABELS[k] for k in REQUIRED[kind] if k not in columns]
        if missing:
            plan.problems.append(CellProblem(sheet.name, header_row + 1, "", None, f"缺少列: {', '.join(missing)}"))
            continue
        factor = unit_in(text_of(sheet.rows[header_row][columns["amount"]])) or Decimal(1)
        for r in range(header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]

            def cell(key, row=row, columns=columns):
                c = columns.get(key)
                return row[c] if c is not None and c < len(row) else ""

            if not any(text_of(v) for v in row):
                continue
            if SUBTOTAL_RE.search(text_of(cell("title"))) and not text_of(cell("investor")):
                plan.skipped += 1
                continue
            before = len(plan.problems)

            def bad(key, reason, r=r, cell=cell, sheet=sheet, columns=columns):
                plan.problems.append(CellProblem(sheet.name, r + 1, column_letter(columns[key]), cell(key), reason))

            args = {"title": text_of(cell("title")), "investor": text_of(cell("investor")),
                    "investor_region": text_of(cell("region")), "city_leader": text_of(cell("leader"))}
            for key in ("title", "investor"):
                if not args[key]:
                    bad(key, f"{FIELD_LABELS[key]}不能为空")
            for key, model_field in (("title", "title"), ("investor", "investor"), ("region", "investor_region"),
                                     ("leader", "city_leader")):
                problem = text_problem(args[model_field], FIELD_LABELS[key],
                                       Lead._meta.get_field(model_field).max_length)
                if problem:
                    bad(key, problem)
            kind_text = text_of(cell("investor_kind"))
            args["investor_kind"] = KIND_BY_LABEL.get(kind_text) or (kind_text if kind_text in InvestorKind.values
                                                                     else None)
            if args["investor_kind"] is None:
                bad("investor_kind", f"投资方类型应为 {'、'.join(KIND_BY_LABEL)} 之一")
            source_text = text_of(cell("source"))
            args["source"] = SOURCE_BY_LABEL.get(source_text) or (source_text if source_text in LeadSource.values
                                                                  else None)
            if args["source"] is None:
                bad("source", f"线索来源应为 {'、'.join(k for k in SOURCE_BY_LABEL if len(k) > 2)} 之一")
            try:
                amount = parse_amount(cell("amount"), factor)
                if amount is None or amount <= 0:
                    raise ValueError("必须大于 0")
                args["amount"] = amount
            except ValueError as exc:
                bad("amount", f"{FIELD_LABELS['amount']}{exc}")
            args["unit"] = units.get(text_of(cell("unit")))
            if args["unit"] is None:
                bad("unit", "单位不存在或不在您的权限范围内")
            try:
                args["date"] = _date(cell("date"))
            except ValueError as exc:
                bad("date", str(exc))
            if kind == "contracts":
                args["code"] = text_of(cell("code"))
                args["category"] = categories.get(text_of(cell("category")))
                if args["category"] is None:
                    bad("category", f"项目类别应为 {'、'.join(categories)} 之一")
                # Optional: 三次产业 (default 二产) and the 签约活动 by name (an event of the unit's city).
                tier_text = text_of(cell("tier"))
                args["industry_tier"] = (TIER_BY_LABEL.get(tier_text) or
                                         (tier_text if tier_text in IndustryTier.values else None)
                                         ) if tier_text else IndustryTier.SECONDARY
                if args["industry_tier"] is None:
                    bad("tier", f"三次产业应为 一产、二产、三产 之一, 收到 {tier_text!r}")
                event_text = text_of(cell("event"))
                args["event"] = None
                if event_text and args["unit"] is not None:
                    args["event"] = AttractionEvent.objects.filter(city=args["unit"].city(), name=event_text).first()
                    if args["event"] is None:
                        bad("event", f"签约活动 {event_text!r} 不是本市已登记的招商活动")
            if len(plan.problems) == before:
                args["where"] = (sheet.name, r + 1)
                plan.rows.append(args)
    if not plan.rows and not plan.problems:
        plan.problems.append(CellProblem(filename, 1, "", None, "没有找到含 项目名称 和 投资方 列的表头"))
    return plan


@transaction.atomic
def commit_import(plan: ImportPlan, *, user) -> int:
    """Write a checked plan all or nothing: a refusal by a service names its row and rolls every row back."""
    if not plan.ok:
        raise InputError(f"导入有 {len(plan.problems)} 处错误, 未写入任何数据", field="file")
    for args in plan.rows:
        sheet, row = args["where"]
        try:
            lead = services.create_lead(
                unit=args["unit"], title=args["title"], investor=args["investor"], investor_kind=args["investor_kind"],
                source=args["source"], intended_investment=args["amount"], stage_date=args["date"], actor=user,
                investor_region=args["investor_region"], city_leader=args["city_leader"])
            if plan.kind == "contracts":
                services.sign_lead(lead=lead, signed_on=args["date"], investment=args["amount"], code=args["code"],
                                   category=args["category"], actor=user, confirm_new_project=True,
                                   industry_tier=args.get("industry_tier") or IndustryTier.SECONDARY,
                                   event=args.get("event"))
        except InputError as exc:
            raise InputError(f"工作表“{sheet}”第 {row} 行: {exc.text}", field=exc.field) from None
    return len(plan.rows)


# ---------------------------------------------------------------- export


def _workbook(title: str, headers: list[str], rows: list[list]):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    exports.append_row(ws, headers, font=Font(bold=True))
    exports.append_rows(ws, rows)
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[column_letter(i - 1)].width = max(10, len(h) * 2 + 2)
    ws.freeze_panes = "A2"
    return wb


def write_leads_xlsx(fh, leads) -> None:
    """招商线索台账: one row per lead (amounts in 万元, as entered)."""
    rows = [[lead.title, lead.investor, lead.get_investor_kind_display(), lead.investor_region,
             lead.get_source_display(), lead.unit.name, lead.intended_investment, lead.foreign_currency,
             lead.foreign_amount, lead.fx_rate, lead.city_leader, lead.get_stage_display(),
             lead.stage_date, "是" if lead.duplicate_of_id else ""]
            for lead in leads.select_related("unit").order_by("unit__path", "id")]
    _workbook("招商线索台账", ["项目名称", "投资方", "投资方类型", "国别/地区", "线索来源", "跟进单位", "意向投资(万元)",
                         "外币币种", "外币金额(万)", "折算汇率", "挂钩市领导", "阶段", "阶段日期", "重复招商"], rows).save(fh)


def write_contracts_xlsx(fh, contracts) -> None:
    """签约项目履约表: each contract with its investment, funds arrived and agreed milestones (约定 / 实际)."""
    from django.db.models import Sum

    kinds = ["registered", "land", "started", "operating"]
    rows = []
    for c in (contracts.select_related("project", "project__unit").prefetch_related("milestones")
              .annotate(arrived=Sum("arrivals__amount")).order_by("signed_on", "id")):
        ms = {m.kind: m for m in c.milestones.all()}
        row = [c.project.code, c.project.name, c.project.unit.name, c.get_kind_display(), c.signed_on,
               c.investment, c.arrived or 0]
        for k in kinds:
            m = ms.get(k)
            row += [m.due_date if m else None, m.actual_date if m else None]
        rows.append(row)
    headers = ["项目代码", "项目名称", "单位", "签约类型", "签约日期", "合同投资(万元)", "到位资金(万元)"]
    for label in ("注册", "拿地", "开工", "投产"):
        headers += [f"约定{label}", f"实际{label}"]
    _workbook("签约项目履约表", headers, rows).save(fh)
