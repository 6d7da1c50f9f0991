"""Word (.docx) exports of the weekly dispatch: the drafted agenda, and a meeting's minutes with its decisions."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm, Pt

from tuijin.bulletins.selectors import issuing_office as office
from tuijin.core.documents import office_layout

from .agenda import Agenda


def _doc(title: str) -> Document:
    doc = Document()
    for section in doc.sections:  # A4 (python-docx's default template is US Letter)
        section.page_width, section.page_height = Mm(210), Mm(297)
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(title, level=1)
    return doc


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


DOCX_SECTION_ROWS = 30


def _agenda_sections(doc, agenda: Agenda) -> None:
    for _key, title, items in agenda.titled_sections:
        doc.add_heading(f"{title} ({len(items)})", level=2)
        if not items:
            doc.add_paragraph("无")
            continue
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("序号", "项目", "事项", "情况"), strict=True):
            cell.text = text
        # A meeting discusses what it can read: a long section (a city's 百日开工 list runs to hundreds) prints its
        # first rows and says how many more the system holds, as the page does.
        for i, item in enumerate(items[:DOCX_SECTION_ROWS], 1):
            row = table.add_row().cells
            row[0].text = str(i)
            row[1].text = item.project.name if item.project else ""
            row[2].text = item.text
            row[3].text = item.detail
        if len(items) > DOCX_SECTION_ROWS:
            doc.add_paragraph(f"另有 {len(items) - DOCX_SECTION_ROWS} 项未列出 (共 {len(items)} 项), "
                              "完整清单见系统“周调度”页面。")
    for note in agenda.notes:
        doc.add_paragraph(f"说明: {note}")


def agenda_docx(agenda: Agenda) -> bytes:
    """周调度会议程: the sections the system drafted for the week, one table each."""
    doc = _doc(f"{agenda.city.name}重大项目周调度会议程")
    doc.add_paragraph(f"调度周: {agenda.week_start:%Y年%m月%d日} 至 {agenda.week_end:%Y年%m月%d日}")
    if agenda.lights_period is not None:
        doc.add_paragraph(f"进度预警口径: {agenda.lights_period.label} 红黄灯规则")
    _agenda_sections(doc, agenda)
    office_layout(doc, author=office(agenda.city), title=f"{agenda.city.name}重大项目周调度会议程")
    return _bytes(doc)


def minutes_docx(meeting, agenda: Agenda | None = None, decisions=None) -> bytes:
    """会议纪要: the meeting's details, minutes, problems reviewed, decisions (each with owner and deadline),
    and the agenda for a weekly meeting."""
    doc = _doc(f"{meeting.title} 会议纪要")
    doc.add_paragraph(f"时间: {meeting.held_on:%Y年%m月%d日}")
    if meeting.chair:
        doc.add_paragraph(f"主持: {meeting.chair}")
    if meeting.attendees:
        doc.add_paragraph(f"参会人员: {meeting.attendees}")
    present = list(meeting.departments_present.all())
    if present:
        doc.add_paragraph("参会部门: " + "、".join(u.name for u in present))
    doc.add_heading("会议纪要", level=2)
    for para in (meeting.minutes or "（未填写）").splitlines():
        doc.add_paragraph(para)
    if decisions is None:
        decisions = meeting.decisions.all()
    decisions = list(decisions.select_related("owner", "project", "problem").order_by("id"))
    doc.add_heading(f"决定事项 ({len(decisions)})", level=2)
    if decisions:
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("序号", "决定事项", "项目 / 问题", "责任单位", "完成时限"),
                              strict=True):
            cell.text = text
        for i, d in enumerate(decisions, 1):
            row = table.add_row().cells
            row[0].text = str(i)
            row[1].text = d.text
            row[2].text = (d.problem.title if d.problem else "") or (d.project.name if d.project else "")
            row[3].text = d.owner.name
            row[4].text = f"{d.deadline:%Y-%m-%d}" + (" (已落实)" if d.state == "done" else "")
    else:
        doc.add_paragraph("无")
    if agenda is not None:
        doc.add_heading("附: 会议议程", level=2)
        _agenda_sections(doc, agenda)
    office_layout(doc, author=office(meeting.city), title=f"{meeting.title} 会议纪要")
    return _bytes(doc)
