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
