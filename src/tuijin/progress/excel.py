"""The standard progress table (重大项目进展情况表) for a period and list, grouped by unit with subtotals and a
total, as .xlsx (number formats, frozen headers, A4 landscape print set-up) or CSV (BOM, formula-safe).
Rows come from the engine's project_rows(), subtotals and total from the engine's compute(): the table can
never disagree with the dashboard. Both formats stream row by row (openpyxl write-only, CSV generator)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.utils import timezone

from tuijin.core import exports
from tuijin.core.exports import drop_down as _drop_down
from tuijin.core.exports import options_sheet as _options_sheet
from tuijin.core.periods import Period
from tuijin.indicators.engine import Figures, compute, project_rows
from tuijin.indicators.present import unit_label
from tuijin.indicators.scope import Scope

HEADERS = ["序号", "项目代码", "项目名称", "所属单位", "计划总投资", "年度计划投资", "当月完成投资",
           "1-{n}月累计完成投资", "完成年度计划(%)", "形象进度"]
MONEY_COLUMNS = {4, 5, 6, 7}
WIDTHS = [6, 27, 42, 12, 13, 13, 13, 15, 11, 40]
SUBTOTAL_WORDS = ("小计", "合计", "总计")


def title(scope: Scope, period: Period) -> str:
    what = scope.annual_list.name if scope.annual_list else "重大项目"
    return f"{scope.root.name}{what}{period.label}进展情况表"


def header_row(period: Period) -> list[str]:
    return [h.format(n=period.last_month) for h in HEADERS]


def table_rows(scope: Scope, period: Period, basis: str = "accepted",
               progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, list]]:
    """('group'|'project'|'subtotal'|'total', cells) in print order. Amounts in 万元 (Decimal)."""
    ytd = Period.year_to_date(period.year, period.last_month)
    totals = compute(scope, ytd, basis=basis)
    month = compute(scope, Period.month(period.year, period.last_month), basis=basis)
    seq = 0

    def subtotal(label: str, f: Figures, m: Figures) -> list:
        return ["", "", label, "", None, f.annual_plan, m.completed, f.completed, _pct(f.completion_rate), ""]

    for f, m in zip(totals.by_unit, month.by_unit, strict=True):
        if not f.projects:
            continue
        group_scope = scope.with_unit(f.unit)
        yield "group", ["", "", unit_label(f), "", None, None, None, None, None, ""]
        for row in project_rows(group_scope, ytd, basis, only_unit=f.unit if f.own_level else None):
            seq += 1
            p = row.project
            yield "project", [seq, p.code, p.name, p.unit.name, p.total_investment, row.annual_plan,
                              row.month_amount, row.completed, _pct(row.completion_rate), row.progress_text]
            if progress:
                progress(1)
        yield "subtotal", subtotal(f"{unit_label(f)}小计", f, m)
    if not totals.by_unit:  # a unit with no children: its projects, then the total
        for row in project_rows(scope, ytd, basis):
            seq += 1
            p = row.project
            yield "project", [seq, p.code, p.name, p.unit.name, p.total_investment, row.annual_plan,
                              row.month_amount, row.completed, _pct(row.completion_rate), row.progress_text]
            if progress:
                progress(1)
    yield "total", ["", "", "合计", "", None, totals.annual_plan, month.completed, totals.completed,
                    _pct(totals.completion_rate), ""]


def _pct(fraction: Decimal | None) -> Decimal | None:
    # The cell holds the unrounded percentage; the number format rounds it for display only.
    return None if fraction is None else fraction * 100


def count_rows(scope: Scope, period: Period) -> int:
    from tuijin.indicators.engine import entries_qs

    return entries_qs(scope, period.year).count()


def write_xlsx(stream, scope: Scope, period: Period, basis: str = "accepted",
               progress: Callable[[int], None] | None = None) -> None:
    """Write the table as .xlsx to a binary stream (write-only workbook: constant memory)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("进展情况表")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "D4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    sub_fill = PatternFill("solid", fgColor="F2F2F2")

    basis_label = "市级确认数" if basis == "accepted" else "报送数(含未确认)"
    exports.append_row(ws, [title(scope, period)], font=Font(bold=True, size=14))
    exports.append_row(ws, [f"单位：万元    口径：{basis_label}    导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    exports.append_row(ws, header_row(period), font=bold, fill=head_fill,
                       alignment=Alignment(wrap_text=True, vertical="center"))
    formats = {**dict.fromkeys(MONEY_COLUMNS, "#,##0.00"), 8: "0.0"}
    for kind, values in table_rows(scope, period, basis, progress):
        font = bold if kind in ("group", "subtotal", "total") else None
        fill = sub_fill if kind in ("subtotal", "total") else None
        exports.append_row(ws, values, formats=formats, font=font, fill=fill)
    wb.save(stream)


def _csv_cell(value):
    """CSV amounts to the cent (the .xlsx keeps them unrounded behind its number format)."""
    return value.quantize(Decimal("0.01")) if isinstance(value, Decimal) else value


def iter_csv(scope: Scope, period: Period, basis: str = "accepted",
             progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The table as CSV text chunks (UTF-8 with BOM so Excel opens the Chinese correctly)."""
    head = [[title(scope, period)], ["单位：万元"], header_row(period)]
    rows = ([_csv_cell(v) for v in values] for _, values in table_rows(scope, period, basis, progress))
    yield from exports.iter_csv(itertools.chain(head, rows))


def write_report_template(stream, projects, year: int, month: int, title_prefix: str = "",
                          facts: dict[int, dict] | None = None) -> None:
    """月报填报模板: the user's own projects pre-listed, Chinese headers with a units row, amount cells
    validated as non-negative numbers and a drop-down for 是否达成节点. `facts` (selectors.template_facts) prefill
    each row with the latest 形象进度 and, for reference, last month's cumulative and the year's plan (columns the
    import ignores). It imports back as it is: a row left without an amount changes nothing."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = f"{month}月月报"
    exports.append_row(ws, [f"{title_prefix}{year}年1-{month}月重大项目月报填报表"], font=Font(bold=True, size=14))
    exports.append_row(ws, ["填报说明: 当月完成投资与1-N月累计填写其一即可; 金额单位见第4行; 小计、合计行导入时自动跳过。"])
    head = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DDE6F0")}
    exports.append_row(ws, ["项目代码", "项目名称", "所属单位", "当月完成投资", f"1-{month}月累计完成投资", "形象进度",
                            "存在问题", "本月达成节点", "上月累计(参考)", f"{year}年计划(参考)"], **head)
    exports.append_row(ws, ["", "", "", "万元", "万元", "", "", "拿地/施工许可/封顶/首台设备/试生产", "万元", "万元"],
                       **head)
    facts = facts or {}
    n = 0
    for p in projects:
        fact = facts.get(p.pk, {})
        exports.append_row(ws, [p.code, p.name, p.unit.name, None, None, fact.get("progress_text", ""), "", "",
                                fact.get("previous_ytd"), fact.get("annual_plan")])
        n += 1
    last = max(5, 4 + n)
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="金额无效", error="请填写不小于 0 的数字 (万元)")
    ws.add_data_validation(money)
    money.add(f"D5:E{last}")
    milestone = DataValidation(type="list", formula1='"拿地,施工许可,封顶,首台设备,试生产"', allow_blank=True)
    ws.add_data_validation(milestone)
    milestone.add(f"H5:H{last}")
    for col, width in zip("ABCDEFGHIJ", [27, 40, 12, 14, 16, 36, 30, 16, 14, 14], strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "D5"
    wb.save(stream)


def _template_head(ws, title: str, note: str, headers: list[str], units: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    exports.append_row(ws, [title], font=Font(bold=True, size=14))
    exports.append_row(ws, [note])
    head = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DDE6F0")}
    exports.append_row(ws, headers, **head)
    exports.append_row(ws, units, **head)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C5"


PROJECT_TEMPLATE_HEADERS = ["项目代码", "项目名称", "项目业主", "所属单位", "项目类别", "产业链", "计划总投资",
                            "当前阶段", "建设地点", "建设内容", "责任领导", "服务专员", "责任部门", "经度", "纬度"]


def write_projects_template(stream, projects, *, units, categories, nodes, stages, departments=(),
                            title_prefix: str = "", blank_rows: int = 200) -> None:
    """项目库模板: the user's in-scope projects pre-listed, Chinese headers with a units row (万元), drop-downs
    for 所属单位 / 项目类别 / 产业链 / 当前阶段 / 责任部门 (from a hidden sheet) and non-negative amounts. New
    projects go on the empty rows below; it imports back unchanged."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "项目库"
    _template_head(ws, f"{title_prefix}重大项目库", "填报说明: 按项目代码新增或修改项目; 空白单元格表示不修改; "
                   "阶段请按阶段事件录入, 此处仅供核对; 金额单位见第4行。",
                   PROJECT_TEMPLATE_HEADERS, ["", "", "", "", "", "", "万元", "", "", "", "", "", "", "度", "度"],
                   [27, 40, 24, 14, 12, 16, 14, 10, 24, 40, 10, 10, 24, 12, 12])
    n = 0
    for p in projects:
        exports.append_row(ws, [p.code, p.name, p.owner, p.unit.name, p.category.name,
                                p.industry_node.name if p.industry_node_id else "", p.total_investment,
                                p.get_stage_display(), p.location, p.description, p.responsible_leader,
                                p.service_contact,
                                p.responsible_department.name if p.responsible_department_id else "",
                                p.longitude, p.latitude],
                           formats={6: "#,##0.00", 13: "0.000000", 14: "0.000000"})
        n += 1
    last = 4 + n + blank_rows
    ranges = _options_sheet(wb, {"所属单位": list(units), "项目类别": list(categories), "产业链": list(nodes),
                                 "当前阶段": list(stages), "责任部门": list(departments)})
    if departments:
        _drop_down(ws, ranges["责任部门"], f"M5:M{last}", "责任部门")
    _drop_down(ws, ranges["所属单位"], f"D5:D{last}", "所属单位")
    _drop_down(ws, ranges["项目类别"], f"E5:E{last}", "项目类别")
    if nodes:
        _drop_down(ws, ranges["产业链"], f"F5:F{last}", "产业链")
    _drop_down(ws, ranges["当前阶段"], f"H5:H{last}", "阶段")
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="金额无效", error="请填写不小于 0 的数字 (万元)")
    ws.add_data_validation(money)
    money.add(f"G5:G{last}")
    for column, (low, high), label in (("N", (73, 136), "经度"), ("O", (3, 54), "纬度")):  # 经纬度: China's extent
        dv = DataValidation(type="decimal", operator="between", formula1=str(low), formula2=str(high),
                            allow_blank=True, showErrorMessage=True, errorTitle=f"{label}无效",
                            error=f"{label}应为 {low} 至 {high} 之间的十进制度数, 经度和纬度同时填写")
        ws.add_data_validation(dv)
        dv.add(f"{column}5:{column}{last}")
    wb.save(stream)


LIST_TEMPLATE_HEADERS = ["项目代码", "项目名称", "所属单位", "年度计划投资", "计划新开工", "计划开工月份", "续建",
                         "计划竣工", "计划投产"]


def write_list_template(stream, rows, *, list_name: str, year: int, title_prefix: str = "") -> None:
    """年度清单模板: `rows` are (project, entry or None) — the user's in-scope projects, with the year's plan
    and flags where the project is on the list. A project left blank is not put on the list."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年清单"
    _template_head(ws, f"{title_prefix}{year}年{list_name}清单",
                   "填报说明: 按项目代码列入或修改; 计划新开工须填计划开工月份 (1-12); 新开工与续建不能同时为“是”; "
                   "未填写的项目不列入; 金额单位见第4行。",
                   LIST_TEMPLATE_HEADERS, ["", "", "", "万元", "是/否", "1-12", "是/否", "是/否", "是/否"],
                   [27, 40, 14, 14, 11, 13, 8, 10, 10])
    n = 0

    def yes(flag) -> str:
        return "是" if flag else ""

    for p, e in rows:
        if e is None:
            exports.append_row(ws, [p.code, p.name, p.unit.name, None, "", None, "", "", ""])
        else:
            exports.append_row(ws, [p.code, p.name, p.unit.name, e.annual_plan, yes(e.planned_new_start),
                                    e.planned_start_month, yes(e.continuing), yes(e.planned_completion),
                                    yes(e.planned_operation)], formats={3: "#,##0.00"})
        n += 1
    last = max(5, 4 + n)
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                            errorTitle="无效", error="请选择“是”或“否”")
    ws.add_data_validation(yes_no)
    for col in "EGHI":
        yes_no.add(f"{col}5:{col}{last}")
    month = DataValidation(type="whole", operator="between", formula1="1", formula2="12", allow_blank=True,
                           showErrorMessage=True, errorTitle="月份无效", error="请填写 1-12 的月份")
    ws.add_data_validation(month)
    month.add(f"F5:F{last}")
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="金额无效", error="请填写不小于 0 的数字 (万元)")
    ws.add_data_validation(money)
    money.add(f"D5:D{last}")
    wb.save(stream)


PLAN_TEMPLATE_HEADERS = ["项目代码", "项目名称", "所属单位", "清单", "年度", "年度计划投资",
                         *[f"{m}月" for m in range(1, 13)]]


def write_plans_template(stream, entries, *, year: int, title_prefix: str = "") -> None:
    """分月计划模板: one row per list entry of the year in the user's reach (its list, its annual plan for
    reference, the months already planned), 1月…12月 as cumulative 万元 that must not decrease. It imports
    back as it is (`tuijin import --kind plans`)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年分月计划"
    _template_head(ws, f"{title_prefix}{year}年重大项目分月计划",
                   "填报说明: 1月…12月填写截至该月的累计计划投资 (万元), 逐月不能减少, 12月宜等于年度计划投资; "
                   "空白月份不修改; 年度计划投资仅供核对。",
                   PLAN_TEMPLATE_HEADERS, ["", "", "", "", "", "万元", *["万元"] * 12],
                   [27, 40, 12, 16, 8, 14, *[11] * 12])
    n = 0
    for e in entries:
        months = {p.month: p.cumulative_plan for p in e.monthly_plans.all()}
        exports.append_row(ws, [e.project.code, e.project.name, e.project.unit.name, e.annual_list.name, e.year,
                                e.annual_plan, *[months.get(m) for m in range(1, 13)]],
                           formats={i: "#,##0.00" for i in range(5, 18)})
        n += 1
    last = max(5, 4 + n)
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="金额无效", error="请填写不小于 0 的数字 (万元)")
    ws.add_data_validation(money)
    money.add(f"G5:R{last}")
    wb.save(stream)
