"""Exports of the dashboard: a drill-down list and the red/black lists as .xlsx (openpyxl, A4 landscape, the
total row from the same rows as the page), and the demo highlights' placeholder photos (Pillow, marked 演示)."""

from __future__ import annotations

import functools
import io
from urllib.parse import quote

from django.utils import timezone

from tuijin.core import exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def disposition(filename: str) -> str:
    safe = filename.replace("/", "-").replace("\\", "-").replace('"', "")
    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(safe)}"


def _workbook(title: str, subtitle: str, headers: list[str], widths: list[int]):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    exports.append_row(ws, [title], font=Font(bold=True, size=14))
    exports.append_row(ws, [subtitle])
    exports.append_row(ws, headers, font=Font(bold=True), fill=PatternFill("solid", fgColor="DDE6F0"),
                       alignment=Alignment(wrap_text=True, vertical="center"))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return wb, ws


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bold_last(ws):
    from openpyxl.styles import Font, PatternFill

    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="F2F2F2")


def _pct(fraction):
    return None if fraction is None else float(fraction * 100)


def drill_xlsx(data) -> bytes:
    """The drill-down list with its total row. Amounts in 万元, rates in % (unrounded; the format rounds)."""
    stamp = f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    title = f"{data.scope_text} · {data.title}"
    # With capital increases (增资) in the period, two columns say what each row adds to the new-signing amount.
    inc = data.kind == "events" and bool(data.printed.get("increments"))
    if data.kind == "enterprises":
        headers = ["序号", "企业名称", "所在单位", "所属产业", "本期开票销售(万元)", "上年同期(万元)", "同比增长(%)"]
        wb, ws = _workbook(title, f"单位：万元    {stamp}", headers, [6, 40, 14, 26, 18, 18, 12])
        for i, r in enumerate(data.rows, start=1):
            e = r.enterprise
            exports.append_row(ws, [i, e.name, e.unit.name, r.cells["nodes"], r.cells["sales"], r.cells["sales_prev"],
                                    _pct(r.cells["growth"])])
        t = data.totals
        exports.append_row(ws, ["", f"合计 {t['count']} 家", "", f"占规上工业 {data.printed['share']}", t["sales"],
                                t["sales_prev"], _pct(t["growth"])])
        money, rate = (5, 6), (7,)
    elif data.kind == "listed":
        headers = ["序号", "项目代码", "项目名称", "所属单位", "类别", "清单", "计划总投资(万元)", "年度计划(万元)",
                   f"{data.spec.period.label}完成(万元)", "完成率(%)", "预警", "预警依据"]
        wb, ws = _workbook(title, f"单位：万元    序时进度 {data.printed['schedule_share']}    {stamp}", headers,
                           [6, 27, 40, 12, 10, 14, 15, 15, 15, 10, 8, 36])
        for i, r in enumerate(data.rows, start=1):
            p = r.project
            light = r.light
            basis = f"{light.rule.name if light and light.rule else ''} {light.reason if light else ''}".strip()
            exports.append_row(ws, [i, p.code, p.name, p.unit.name, p.category.name, r.cells["list"],
                                    p.total_investment, r.cells["annual_plan"], r.cells["completed"],
                                    _pct(r.cells["completion_rate"]), light.label if light else "", basis])
        t = data.totals
        exports.append_row(ws, ["", "", f"合计 {t['count']} 个", "", "", "", t["total_investment"], t["annual_plan"],
                                t["completed"], _pct(t["completion_rate"]), "", ""])
        money, rate = (7, 8, 9), (10,)
    else:
        headers = ["序号", "项目代码", "项目名称", "所属单位", "类别", "计划总投资(万元)",
                   *(["增资(万元)", "计入金额(万元)"] if inc else []), "日期", "当前阶段"]
        wb, ws = _workbook(title, f"单位：万元    {stamp}", headers,
                           [6, 27, 40, 12, 10, 15, *([12, 15] if inc else []), 12, 10])
        for i, r in enumerate(data.rows, start=1):
            p = r.project
            extra = [r.cells["increment"], r.cells["amount"]] if inc else []
            exports.append_row(ws, [i, p.code, p.name, p.unit.name, p.category.name, p.total_investment, *extra,
                                    r.cells["date"], r.cells["stage"]])
        t = data.totals
        extra = ["", t["increments"]] if inc else []
        exports.append_row(ws, ["", "", f"合计 {t['count']} 个", "", "", *extra, t["total_investment"], "", ""])
        money, rate = ((6, 7, 8) if inc else (6,)), ()
    for row in ws.iter_rows(min_row=4):
        for c in row:
            if c.column in money:
                c.number_format = "#,##0.00"
            elif c.column in rate:
                c.number_format = "0.0"
            elif c.column == (9 if inc else 7) and data.kind == "events":
                c.number_format = "yyyy-mm-dd"
    _bold_last(ws)
    return _save(wb)


def honours_xlsx(page, red: list[dict], black: list[dict]) -> bytes:
    c = page.campaign
    specs = page.ranking.specs
    headers = ["榜单", "名次", "单位", *[f"{s.name}(得分)" for s in specs], "加减分", "总分", "名次变化"]
    status = f"发布时间：{timezone.localtime(c.published_at):%Y-%m-%d %H:%M}" if c.published_at else "未发布 (预览)"
    wb, ws = _workbook(f"{c.name} 红黑榜", f"{c.period.label}    {status}", headers,
                       [8, 6, 16, *[14] * len(specs), 10, 10, 10])
    for label, rows in (("红榜", red), ("黑榜", black)):
        for row in rows:
            r = row["r"]
            change = "" if r.rank_change is None else (f"↑{r.rank_change}" if r.rank_change > 0 else
                                                         (f"↓{-r.rank_change}" if r.rank_change < 0 else "持平"))
            exports.append_row(ws, [label, r.rank, r.unit.name, *[float(round(r.scores[s.key], 2)) for s in specs],
                                    float(round(r.adjustment, 2)), float(round(r.total, 2)), change])
    return _save(wb)


# ---------------------------------------------------------------- demo placeholder photos

FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
PALETTE = [(23, 66, 122), (26, 127, 55), (148, 82, 0), (110, 48, 140), (0, 110, 130), (160, 40, 60)]


def _font(size: int):
    from PIL import ImageFont

    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size), True
        except OSError:
            continue
    return ImageFont.load_default(), False


@functools.lru_cache(maxsize=64)
def placeholder_png(title: str, unit: str, seed: int) -> bytes:
    """A 640×400 placeholder photo for a demo highlight: a coloured field, the unit and title, marked 演示."""
    from PIL import Image, ImageDraw

    w, h = 640, 400
    base = PALETTE[seed % len(PALETTE)]
    img = Image.new("RGB", (w, h), base)
    draw = ImageDraw.Draw(img)
    for y in range(h):  # a soft vertical gradient, like a sky over a site
        k = y / h
        draw.line([(0, y), (w, y)], fill=tuple(int(c + (255 - c) * 0.35 * (1 - k)) for c in base))
    for i in range(6):  # a few "buildings"
        x0 = 40 + i * 95 + (seed * 7 + i * 13) % 20
        top = 170 + (seed * 31 + i * 57) % 120
        draw.rectangle([x0, top, x0 + 70, h - 40], fill=(235, 238, 243), outline=(200, 205, 215))
        for wy in range(top + 12, h - 50, 22):
            for wx in range(x0 + 10, x0 + 60, 18):
                draw.rectangle([wx, wy, wx + 8, wy + 10], fill=(170, 185, 205))
    draw.rectangle([0, h - 40, w, h], fill=(90, 90, 90))
    big, cjk = _font(30)
    small, _ = _font(20)
    mark, _ = _font(46)
    if cjk:
        draw.text((24, 20), unit, font=small, fill=(255, 255, 255))
        text = title if len(title) <= 20 else title[:19] + "…"
        draw.text((24, 52), text, font=big, fill=(255, 255, 255))
        left, top, right, bottom = draw.textbbox((0, 0), "演示图片", font=mark)
        x, y = w - (right - left) - 24, h - 40 - (bottom - top) - 24
        draw.rectangle([x - 10, y - 6, x + (right - left) + 10, y + (bottom - top) + 14], fill=(0, 0, 0))
        draw.text((x - left, y - top + 4), "演示图片", font=mark, fill=(255, 214, 0))
    else:
        draw.text((24, 24), "DEMO", font=big, fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()
