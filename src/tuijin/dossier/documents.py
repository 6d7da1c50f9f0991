"""The dossier's one-page A4 summary (项目档案摘要) as .docx and PDF, in the 公文 page layout of
tuijin.core.documents (A4, GB/T 9704 margins, 第 1 页 共 1 页 at the foot, the city's office as author) and made
into PDF by LibreOffice with one installed Chinese font.

One page, always: each section prints a bounded number of rows and says how many more the system holds (the
page itself shows them all), long texts are cut with an ellipsis. What it prints: the name, code and unit, the
lists, the key figures of the year from the engine (rounded by present()), the stages, the latest 形象进度, the
open problems and the approval documents."""

from __future__ import annotations

import io

from tuijin.core import numbers
from tuijin.core.documents import (
    docx_to_pdf,
    east_asian,
    installed_chinese_font,
    page_numbers,
    page_setup,
    row_props,
)
from tuijin.core.numbers import DASH, NumberStyle

from .selectors import Dossier

TITLE_FONT, HEADING_FONT, BODY_FONT = "黑体", "黑体", "宋体"
MAX_YEARS, MAX_PROBLEMS, MAX_APPROVALS = 3, 5, 8
MAX_PROGRESS_CHARS, MAX_CELL_CHARS = 150, 40


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def variance_text(pp, conventions) -> str:
    """超/欠序时 in words: 超 1.9 个百分点 / 欠 2.1 个百分点 / 与序时持平; — when missing."""
    d = numbers.as_decimal(pp)
    if d is None:
        return DASH
    places = getattr(conventions, "rate_places", None)
    text = numbers.presented_yi_text(abs(d), places)
    if d == 0:
        return "与序时持平"
    return f"{'超' if d > 0 else '欠'} {text} 个百分点"


def key_rows(d: Dossier) -> list[tuple[str, str]]:
    """The key figures as (label, printed value): presented by the engine, printed as the pages print them."""
    f, c = d.figures, d.chart
    places = getattr(d.conventions, "amount_places", None)
    rate_places = getattr(d.conventions, "rate_places", None)
    if c is None:
        return []
    rows = [
        (
            f"{d.year}年计划投资",
            f"{numbers.presented_yi_text(f['annual_plan_yi'], places)} 亿元"
            if f
            else (
                f"{numbers.plain_text(c['annual_plan_wan'])} 万元"
                if c["annual_plan_wan"] is not None
                else DASH
            ),
        )
    ]
    if f:
        rows += [
            (
                f"{d.through_label}完成投资",
                f"{numbers.presented_yi_text(f['completed_yi'], places)} 亿元",
            ),
            ("年度投资完成率", numbers.presented_rate_text(f["completion_rate_pct"], rate_places)),
            ("序时进度", numbers.presented_rate_text(f["schedule_share_pct"], rate_places)),
            ("超/欠序时", variance_text(f["schedule_variance_pp"], d.conventions)),
            ("同期计划完成率", numbers.presented_rate_text(f["period_plan_rate_pct"], rate_places)),
        ]
    else:
        rows.append((f"{d.year}年完成投资", "尚无市级确认的月报"))
    return rows


def _run(paragraph, text: str, *, font: str, size, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = size
    run.bold = bold
    east_asian(run, font)
    return run


class _Writer:
    def __init__(self, doc, font: str | None):
        self.doc, self.only = doc, font

    def font(self, name: str) -> str:
        return self.only or name

    def para(
        self,
        text: str = "",
        *,
        size: float = 10.5,
        bold: bool = False,
        font: str = BODY_FONT,
        align=None,
        before: float = 0,
        after: float = 0,
    ):
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        fmt = p.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = 1.15
        if text:
            _run(p, text, font=self.font(font), size=Pt(size), bold=bold)
        return p

    def heading(self, text: str):
        p = self.para(text, size=12, bold=True, font=HEADING_FONT, before=6, after=2)
        p.paragraph_format.keep_with_next = True
        return p

    def table(self, headers: list[str] | None, rows: list[list[str]], widths_mm: list[float]):
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm, Pt

        table = self.doc.add_table(rows=(1 if headers else 0) + len(rows), cols=len(widths_mm))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        size = Pt(9)
        for r, values in enumerate(([headers] if headers else []) + rows):
            for c, value in enumerate(values):
                cell = table.rows[r].cells[c]
                cell.width = Mm(widths_mm[c])
                p = cell.paragraphs[0]
                p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
                _run(p, value, font=self.font(BODY_FONT), size=size, bold=bool(headers) and r == 0)
        return table


def to_docx(
    d: Dossier, *, style: NumberStyle, author: str, printed_on, font: str | None = None
) -> bytes:
    """The one-page summary as .docx; `font`: one installed font for every run (the PDF made here)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = d.project
    doc = Document()
    page_setup(doc.sections[0])
    w = _Writer(doc, font)
    w.para(
        f"{p.name}", size=16, bold=True, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, after=2
    )
    w.para(
        f"项目档案摘要 (一项目一档)　打印日期 {printed_on:%Y-%m-%d}",
        size=10.5,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=4,
    )

    w.heading("一、基本情况")
    lists = (
        "；".join(
            f"{ly.year}年 "
            + "、".join(
                f"{e.annual_list.name} (计划 {numbers.yi_text(e.annual_plan, style)} 亿元)"
                for e in ly.entries
            )
            for ly in d.list_history[:MAX_YEARS]
        )
        or "未列入年度清单"
    )
    if len(d.list_history) > MAX_YEARS:
        lists += f"；另有 {len(d.list_history) - MAX_YEARS} 个年度"
    dept = p.responsible_department.name if p.responsible_department_id else ""
    w.table(
        None,
        [
            ["项目代码", p.code, "所属单位", p.unit.name],
            ["项目业主", _cut(p.owner, MAX_CELL_CHARS) or DASH, "当前阶段", p.get_stage_display()],
            [
                "计划总投资",
                f"{numbers.yi_text(p.total_investment, style)} 亿元 ({numbers.wan_text(p.total_investment, style)} 万元)",
                "责任领导/部门",
                " / ".join(filter(None, [p.responsible_leader, dept])) or DASH,
            ],
            ["年度清单", _cut(lists, 120), "建设地点", _cut(p.location, MAX_CELL_CHARS) or DASH],
        ],
        [24, 54, 26, 52],
    )

    rows = key_rows(d)
    if rows:
        basis = f"{d.through_label} 市级确认数" if d.figures else f"{d.year}年"
        w.heading(f"二、关键指标 ({basis})")
        cells = [[label, value] for label, value in rows]
        pairs = [
            cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""])
            for i in range(0, len(cells), 2)
        ]
        w.table(None, pairs, [40, 38, 40, 38])
    else:
        w.heading("二、关键指标")
        w.para("未列入年度清单, 无年度计划与完成投资。", size=10)

    w.heading("三、建设阶段")
    stages = "　→　".join(f"{e.get_stage_display()} {e.date:%Y-%m-%d}" for e in d.stage_events)
    w.para(stages or "尚无阶段记录 (谋划中)", size=10)

    w.heading("四、最新形象进度")
    r = d.latest_progress
    w.para(
        f"{r.year}年{r.month}月: {_cut(r.progress_text, MAX_PROGRESS_CHARS)}"
        if r
        else "尚无市级确认的形象进度",
        size=10,
    )

    w.heading(f"五、未销号问题 ({len(d.problems_open)} 个)")
    if d.problems_open:
        w.table(
            ["问题", "状态", "牵头部门", "办理时限"],
            [
                [
                    _cut(q.title, 30),
                    q.get_status_display(),
                    _cut(getattr(q.lead_department, "name", "") or DASH, 16),
                    f"{q.deadline:%Y-%m-%d}" if q.deadline else DASH,
                ]
                for q in d.problems_open[:MAX_PROBLEMS]
            ],
            [74, 20, 38, 24],
        )
        if len(d.problems_open) > MAX_PROBLEMS:
            w.para(f"另有 {len(d.problems_open) - MAX_PROBLEMS} 个未列出, 见系统项目页。", size=9)
    else:
        w.para("无", size=10)

    w.heading(f"六、审批要件 ({len(d.approvals)} 项)")
    if d.approvals:
        w.table(
            ["审批事项", "文号", "批复日期"],
            [
                [_cut(a.label, 30), _cut(a.number, 36) or DASH, f"{a.issued_on:%Y-%m-%d}"]
                for a in d.approvals[:MAX_APPROVALS]
            ],
            [62, 70, 24],
        )
        if len(d.approvals) > MAX_APPROVALS:
            w.para(f"另有 {len(d.approvals) - MAX_APPROVALS} 项未列出, 见系统项目页。", size=9)
    else:
        w.para("尚未登记", size=10)

    page_numbers(doc.sections[0], w.font(BODY_FONT))
    for table in doc.tables:
        for row in table.rows:
            row_props(row, header=False)
    props = doc.core_properties
    props.author = props.last_modified_by = author
    props.title, props.subject, props.comments = f"{p.name} 项目档案摘要", "一项目一档", ""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(d: Dossier, *, style: NumberStyle, author: str, printed_on) -> bytes:
    data = to_docx(
        d, style=style, author=author, printed_on=printed_on, font=installed_chinese_font()
    )
    return docx_to_pdf(data, name="dossier")
