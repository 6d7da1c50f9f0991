"""A bulletin as plain text, JSON (every sentence with its figures and the filter behind each), .docx with
the city's heading, date and the standard tables, and PDF (through LibreOffice, when it is installed)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tuijin.core.errors import InputError

from .generator import Bulletin, Table

CN_ORDINALS = "一二三四五六七八九十"


def _numbered(i: int, title: str) -> str:
    return f"{CN_ORDINALS[i] if i < len(CN_ORDINALS) else i + 1}、{title}"


def to_text(b: Bulletin) -> str:
    """The bulletin as it is pasted into a document: heading, period, date, then one paragraph a section."""
    lines = [b.heading, b.subtitle, "", b.issuer, b.issued_text, ""]
    if b.empty:
        lines += [s.text for s in b.sections[0].sentences]
        return "\n".join(lines).rstrip() + "\n"
    for i, section in enumerate(b.sections):
        lines += [_numbered(i, section.title), "　　" + section.text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(value) -> str:
    return "—" if value is None else str(value)


def to_json(b: Bulletin) -> dict:
    """Every sentence with the figures it printed: text, value and source (indicator, filters, period)."""
    return {
        "city": b.city.name,
        "unit": b.unit.name if b.unit else None,
        "period": {"year": b.period.year, "first_month": b.period.first_month, "last_month": b.period.last_month,
                   "label": b.period.label},
        "heading": b.heading,
        "issuer": b.issuer,
        "issued": b.issued.isoformat(),
        "basis": b.basis,
        "filters": b.filters,
        "empty": b.empty,
        "sections": [{"key": s.key, "title": s.title, "text": s.text} for s in b.sections],
        "sentences": [{"key": s.key, "section": s.section, "text": s.text, "figures": s.figures}
                      for s in b.sentences],
        "tables": [{"title": t.title, "headers": t.headers, "rows": t.rows} for t in b.tables],
    }


# ---------------------------------------------------------------- .docx


def _east_asian(run, font: str) -> None:
    """python-docx sets only the Latin font; Word and LibreOffice pick Chinese glyphs from w:eastAsia."""
    from docx.oxml.ns import qn

    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _para(doc, text: str, *, size: float = 16, bold: bool = False, align=None, font: str = "仿宋",
          indent: bool = False):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(size * 1.75)
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _east_asian(run, font)
    return p


def _table(doc, t: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    _para(doc, t.title, size=12, bold=True, font="黑体", align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.headers))
    table.style = "Table Grid"
    table.autofit = False
    table.columns[0].width = Cm(3.2)
    for r, values in enumerate([t.headers, *t.rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            run = cell.paragraphs[0].add_run(_cell(value))
            run.font.size = Pt(8)
            run.bold = r == 0
            _east_asian(run, "宋体")
            if c > 0:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                cell.width = Cm(3.2)  # unit names (镇江市（合计）) on one line


def to_docx(b: Bulletin) -> bytes:
    """A .docx in the usual layout: red heading (方正小标宋 style), period, issuer and date, numbered
    paragraphs, then the standard tables on a landscape page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    heading = _para(doc, b.heading, size=22, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER)
    heading.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    _para(doc, b.subtitle, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{b.issuer}　　{b.issued_text}", size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    if b.empty:
        for s in b.sections[0].sentences:
            _para(doc, s.text, indent=True)
    else:
        for i, section in enumerate(b.sections):
            _para(doc, _numbered(i, section.title), font="黑体", indent=True)
            _para(doc, section.text, indent=True)
    if b.tables:
        sec = doc.add_section()
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
        _para(doc, "附表", size=16, font="黑体")
        for t in b.tables:
            _table(doc, t)
            doc.add_paragraph().paragraph_format.space_after = Pt(6)
    buf = io.BytesIO()
    doc.core_properties.title = b.heading
    doc.core_properties.subject = b.period.label
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- PDF


def pdf_converter() -> str | None:
    """The LibreOffice executable, or None when it is not installed (PDF is then not offered)."""
    override = os.environ.get("TUIJIN_SOFFICE")
    if override:
        return override if Path(override).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(b: Bulletin, timeout: int = 120) -> bytes:
    soffice = pdf_converter()
    if soffice is None:
        raise InputError("未安装 LibreOffice, 无法生成 PDF (请安装 libreoffice-writer-nogui 和中文字体)",
                         field="format")
    with tempfile.TemporaryDirectory(prefix="tuijin-bulletin-") as tmp:
        src = Path(tmp) / "bulletin.docx"
        src.write_bytes(to_docx(b))
        profile = Path(tmp) / "profile"
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(src)],
            capture_output=True, timeout=timeout, check=False,
        )
        out = Path(tmp) / "bulletin.pdf"
        if result.returncode != 0 or not out.exists():
            raise RuntimeError(f"LibreOffice 转换失败: {result.stderr.decode(errors='replace')[-300:]}")
        return out.read_bytes()
