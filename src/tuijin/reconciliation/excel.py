"""Workbooks in the outside systems' layouts (every cell through core.exports): the statistics bureau's 入库 list
(a title, a 单位 line, one row per project with 1月…N月 columns, a 合计 row) and the approval platform's export
(one row per approval). The demo writes its planted exports with them; a city can use them as templates."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from tuijin.core import exports


def statistics_workbook(
    *, title: str, year: int, months: int, rows: list[tuple[str, str, str, dict[int, Decimal]]]
) -> bytes:
    """rows: (项目代码, 项目名称, 入库状态, {month: 统计完成投资 万元}) → .xlsx bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "入库项目"
    exports.append_row(ws, [f"{year}年{title}"])
    exports.append_row(ws, ["单位：万元"])
    exports.append_row(
        ws, ["序号", "项目代码", "项目名称", "入库状态", *[f"{m}月" for m in range(1, months + 1)]]
    )
    totals = {m: Decimal(0) for m in range(1, months + 1)}
    for i, (code, name, status, amounts) in enumerate(rows, start=1):
        exports.append_row(
            ws, [i, code, name, status, *[amounts.get(m) for m in range(1, months + 1)]]
        )
        for m, v in amounts.items():
            totals[m] += v
    exports.append_row(ws, ["合计", "", "", "", *[totals[m] for m in range(1, months + 1)]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def approvals_workbook(rows: list[tuple[str, str, str, datetime.date, str]]) -> bytes:
    """rows: (项目代码, 项目名称, 审批类型, 审批日期, 审批文号) → .xlsx bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "审批事项"
    exports.append_row(ws, ["项目代码", "项目名称", "审批类型", "审批日期", "审批文号"])
    exports.append_rows(ws, rows)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
