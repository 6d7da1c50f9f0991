"""组织单元模板 (.xlsx): the city's units, for the `units` import (progress.setup_imports) to read back."""

from __future__ import annotations

from tuijin.core import exports
from tuijin.core.exports import drop_down as _drop_down
from tuijin.core.exports import options_sheet as _options_sheet
from tuijin.core.exports import setup_head as _setup_head

UNIT_TEMPLATE_HEADERS = ["单位名称", "类型", "上级单位", "简称", "行政区划代码"]


def write_units_template(stream, units, *, city, kinds: list[str]) -> None:
    """组织单元模板: the city's units in tree order (parents first), a drop-down of the kinds; it imports back
    unchanged. New units go on the empty rows; 上级单位 empty means the city itself."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "组织单元"
    _setup_head(ws, f"{city.name}组织单元", "填报说明: 按单位名称和上级单位新增或修改; 类型从下拉列表选择; "
                "上级单位留空表示本市, 也可以写在本表后面的行; 行政区划代码为 6 位数字; 调整隶属关系和撤销单位请在"
                "“单位管理”页面操作。", UNIT_TEMPLATE_HEADERS, [30, 12, 30, 16, 14])
    n = 0
    for u in units:
        exports.append_row(ws, [u.name, u.get_kind_display(), "" if u.parent_id == city.pk else u.parent.name,
                                u.short_name, u.region_code])
        n += 1
    ranges = _options_sheet(wb, {"类型": kinds})
    _drop_down(ws, ranges["类型"], f"B4:B{3 + n + 200}", "类型")
    ws.freeze_panes = "B4"
    wb.save(stream)
