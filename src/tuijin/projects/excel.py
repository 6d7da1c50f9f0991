"""清单设置模板 (.xlsx): the city's annual lists and their years, for the `lists` import (progress.setup_imports)
to read back."""

from __future__ import annotations

from tuijin.core import exports
from tuijin.core.exports import setup_head as _setup_head

LISTS_TEMPLATE_HEADERS = ["清单名称", "年度", "级别/排序", "是否计入全部", "简称"]


def write_lists_template(stream, lists, *, city) -> None:
    """清单设置模板: one row per list and year in use (a list without a recorded year: one row, year blank to
    fill in). It imports back unchanged."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "清单设置"
    _setup_head(ws, f"{city.name}年度清单设置", "填报说明: 每个清单每个年度一行 (年度 YYYY); 级别/排序 1 为最高 (项目在"
                "多个清单中时按最高清单计); 是否计入全部填“是”或“否”, 不计入全部的清单 (如储备清单) 其项目不计入"
                "“全部”口径。", LISTS_TEMPLATE_HEADERS, [30, 10, 12, 14, 14])
    for lst in lists:
        years = [y.year for y in lst.years.all()] or [None]
        for year in years:
            exports.append_row(ws, [lst.name, year, lst.rank, "是" if lst.counts_in_total else "否", lst.short_name])
    ws.freeze_panes = "B4"
    wb.save(stream)
