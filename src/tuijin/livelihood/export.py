"""公示表: the public notice of a livelihood programme's progress, as .xlsx (openpyxl). Built from the same
presented data as the CLI and the pages (present.present_status), so the table never disagrees with them:
the percentages are the presented ones, already rounded once by the city's rule."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tuijin.core import exports

from .present import target_text

HEADERS = ["序号", "实事项目", "年度目标", "牵头单位", "配合单位", "累计完成", "完成进度(%)", "计划进度(%)",
           "推进状态", "进展情况"]
WIDTHS = [6, 34, 30, 22, 26, 28, 11, 11, 10, 46]
NUMBERS = "一二三四五六七八九十"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (category headings: 一、教育提质)."""
    if n <= 10:
        return NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else NUMBERS[tens - 1]}十{NUMBERS[ones - 1] if ones else ''}"


def title(data: dict) -> str:
    return f"{data['programme']}推进情况公示表"


def summary(data: dict) -> str:
    year, month = data["through"].split("-")
    return (f"截至{int(year)}年{int(month)}月底, "
            f"{data['categories']}类{data['items']}件民生实事中, 已完成{data['completed']}件, "
            f"超序时推进{data['ahead']}件, 按序时推进{data['on_schedule']}件, 滞后{data['behind']}件。")


def write_notice_xlsx(fh, data: dict) -> None:
    """Write the 公示表 of `data` (present_status output) to a binary file object."""
    wb = Workbook()
    ws = wb.active
    ws.title = "公示表"
    places = data.get("rate_places", 1)
    pct_format = "0" if places == 0 else "0." + "0" * places
    last_col = get_column_letter(len(HEADERS))

    exports.append_row(ws, [title(data)])
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    exports.append_row(ws, [f"{summary(data)} (统计口径: {data['basis_label']})"])
    ws.merge_cells(f"A2:{last_col}2")
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[2].height = 22
    exports.append_row(ws, HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER

    groups: dict[str, list[dict]] = {}
    for item in data["item_list"]:
        groups.setdefault(item["category"], []).append(item)
    for n, (category, items) in enumerate(groups.items(), start=1):
        exports.append_row(ws, [f"{chinese_ordinal(n)}、{category}（{len(items)}件）"])
        row = ws.max_row
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws[f"A{row}"].font = Font(bold=True)
        ws[f"A{row}"].fill = PatternFill("solid", fgColor="F2F5FA")
        for item in items:
            target, done = target_text(item)
            exports.append_row(ws, [item["seq"], item["name"], target, item["lead_department"],
                                    "、".join(item["cooperating_units"]), done, item["progress_pct"],
                                    item["planned_pct"], item["status_label"], item.get("progress_text", "")])
            row = ws.max_row
            for col, cell in enumerate(ws[row], start=1):
                cell.border = BORDER
                cell.alignment = Alignment(vertical="top", wrap_text=col not in (1, 7, 8, 9),
                                           horizontal="right" if col in (7, 8) else "center" if col in (1, 9)
                                           else "left")
                if col in (7, 8):
                    cell.number_format = pct_format
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(fh)
