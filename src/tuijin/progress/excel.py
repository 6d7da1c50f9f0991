"""The import templates of monthly reporting (.xlsx): 月报填报模板, 项目库模板, 年度清单模板, 分月计划模板 — each
pre-listing the user's own rows, with drop-downs, that the importers (progress.importer, registry,
setup_imports) read back. The progress table (进展情况表), an output of the figures, is
bulletins.progress_table."""

from __future__ import annotations

from tuijin.core import exports
from tuijin.core.exports import drop_down as _drop_down
from tuijin.core.exports import options_sheet as _options_sheet


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
