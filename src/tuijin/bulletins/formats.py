"""A bulletin as plain text, JSON (every sentence with its figures and the filter behind each), .docx with
the city's heading, date and the standard tables, and PDF (through LibreOffice, when it is installed)."""

from __future__ import annotations

import io

from tuijin.core.documents import (  # noqa: F401 - PDF_MISSING and pdf_converter: the bulletin pages' names
    PDF_MISSING,
    docx_to_pdf,
    east_asian,
    installed_chinese_font,
    page_numbers,
    page_setup,
    pdf_converter,
    row_props,
)

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

BODY_FONT, HEADING_FONT, TABLE_FONT, TITLE_FONT = "仿宋", "黑体", "宋体", "宋体"
UNIT_COLUMN_CM = 3.2
KEEP_WHOLE_ROWS, ORPHAN_ROWS = 20, 3


class _Fonts:
    """The font names a document is written with: the 公文 names (the reader's Word has them), or, for the
    PDF rendered here, one font that is installed, so that LibreOffice never substitutes glyph by glyph."""

    def __init__(self, only: str | None = None):
        self.only = only

    def __call__(self, name: str) -> str:
        return self.only or name


def _para(doc, text: str, *, fonts: _Fonts, size: float = 16, bold: bool = False, align=None,
          font: str = BODY_FONT, indent: bool = False, keep_with_next: bool = False):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(size * 1.75)
    p.paragraph_format.keep_with_next = keep_with_next
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    east_asian(run, fonts(font))
    return p


def _header_text(paragraph, text: str, font: str, size) -> None:
    """A header with its unit on a line of its own: 完成投资 / (亿元), so 亿元 never breaks between 亿 and 元."""
    head, sep, unit = text.partition("(")
    parts = [head, sep + unit] if sep and head else [text]
    for i, part in enumerate(parts):
        run = paragraph.add_run(part)
        run.font.size = size
        run.bold = True
        east_asian(run, font)
        if i < len(parts) - 1:
            run.add_break()


def _table(doc, t: Table, fonts: _Fonts, content_width) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    _para(doc, t.title, fonts=fonts, size=12, bold=True, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER,
          keep_with_next=True)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Widths fixed in the document (LibreOffice reads the grid, Word the cells): the unit's name on one line,
    # the figures sharing the rest of the line.
    first = Cm(UNIT_COLUMN_CM)
    other = int((content_width - first) / max(len(t.headers) - 1, 1))
    widths = [first, *[other] * (len(t.headers) - 1)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    size = Pt(8)
    last = len(t.rows)
    for r, values in enumerate([t.headers, *t.rows]):
        row = table.rows[r]
        row_props(row, header=r == 0)
        # No orphan rows: a table of a page or less moves whole to the next page; a longer one keeps its
        # first and last rows with their neighbours (keep-with-next on the rows' paragraphs).
        keep = r < last and (last <= KEEP_WHOLE_ROWS or r < ORPHAN_ROWS or r >= last - ORPHAN_ROWS)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.keep_with_next = keep
            if r == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _header_text(paragraph, _cell(value), fonts(TABLE_FONT), size)
                continue
            run = paragraph.add_run(_cell(value))
            run.font.size = size
            east_asian(run, fonts(TABLE_FONT))
            if c > 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def to_docx(b: Bulletin, *, font: str | None = None) -> bytes:
    """A .docx in the 公文 layout: A4, GB/T 9704 margins, page numbers; red heading (方正小标宋 style),
    period, issuer and date, numbered paragraphs, then the standard tables on landscape pages, their header
    rows repeated on every page. `font`: one installed font for every run (the PDF rendered here)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    fonts = _Fonts(font)
    doc = Document()
    page_setup(doc.sections[0])
    page_numbers(doc.sections[0], fonts(TABLE_FONT))
    heading = _para(doc, b.heading, fonts=fonts, size=22, bold=True, font=TITLE_FONT,
                    align=WD_ALIGN_PARAGRAPH.CENTER)
    heading.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    _para(doc, b.subtitle, fonts=fonts, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{b.issuer}　　{b.issued_text}", fonts=fonts, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    if b.empty:
        for s in b.sections[0].sentences:
            _para(doc, s.text, fonts=fonts, indent=True)
    else:
        for i, section in enumerate(b.sections):
            _para(doc, _numbered(i, section.title), fonts=fonts, font=HEADING_FONT, indent=True,
                  keep_with_next=True)
            _para(doc, section.text, fonts=fonts, indent=True)
    if b.tables:
        sec = doc.add_section()
        page_setup(sec, landscape=True)
        _para(doc, "附表", fonts=fonts, size=16, font=HEADING_FONT, keep_with_next=True)
        content_width = sec.page_width - sec.left_margin - sec.right_margin
        for t in b.tables:
            _table(doc, t, fonts, content_width)
            doc.add_paragraph().paragraph_format.space_after = Pt(6)
    props = doc.core_properties
    props.title = b.heading
    props.subject = b.period.label
    props.author = props.last_modified_by = b.issuer
    props.comments = ""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- PDF
# LibreOffice's conversion lives in tuijin.core.documents (the project dossier prints through it too).


def to_pdf(b: Bulletin, timeout: int = 120) -> bytes:
    return docx_to_pdf(to_docx(b, font=installed_chinese_font()), name="bulletin", timeout=timeout)
