"""Printed documents (.docx) in the 公文 layout of GB/T 9704-2012: A4, its margins, the page number at the foot,
table rows that stay whole and header rows repeated on every page, and the issuing office as the author; and
their PDF, made by LibreOffice (when installed) with one installed Chinese font, so that no glyph is substituted.
Bulletins (通报) and the project dossier (一项目一档) print through here."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

A4_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
PAGE_NUMBER = ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页")
FOOTER_FONT = "宋体"


def east_asian(run, font: str) -> None:
    """python-docx sets only the Latin font; Word and LibreOffice pick Chinese glyphs from w:eastAsia."""
    from docx.oxml.ns import qn

    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def page_setup(section, *, landscape: bool = False) -> None:
    """A4 with the 公文 margins (the same margins, turned with the page, on a landscape page)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    width, height = A4_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(height), Mm(width)) if landscape else (Mm(width), Mm(height))
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(20)


def _field(paragraph, instruction: str, font: str, size) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in on each page."""
    from docx.oxml.ns import qn

    fld = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): f" {instruction} "})
    paragraph._p.append(fld)
    run = paragraph.add_run("1")
    run.font.size = size
    east_asian(run, font)
    fld.append(run._r)  # the run moves inside the field: its text is the placeholder until rendered


def page_numbers(section, font: str = FOOTER_FONT) -> None:
    """第 X 页 共 Y 页, centred in the footer of every page (later sections inherit it)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = Pt(12)
    for part in PAGE_NUMBER:
        if part in ("PAGE", "NUMPAGES"):
            _field(p, part, font, size)
        else:
            run = p.add_run(part)
            run.font.size = size
            east_asian(run, font)


def row_props(row, *, header: bool) -> None:
    """Every row stays whole on its page (cantSplit); the header row is repeated atop each page (tblHeader)."""
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
    if header:
        tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))


def office_layout(doc, *, author: str, title: str = "") -> None:
    """Every section of the document on A4 with the 公文 margins, the page number in the footer, the issuing
    office as author (core properties) and every table's rows whole with the header row repeated."""
    from docx.enum.section import WD_ORIENT

    for section in doc.sections:
        page_setup(section, landscape=section.orientation == WD_ORIENT.LANDSCAPE)
    page_numbers(doc.sections[0])
    for table in doc.tables:
        for i, row in enumerate(table.rows):
            row_props(row, header=i == 0)
    props = doc.core_properties
    props.author = props.last_modified_by = author
    if title:
        props.title = title


# ---------------------------------------------------------------- PDF (LibreOffice)

PDF_MISSING = ("本服务器未安装 PDF 转换程序 LibreOffice，暂不能下载 PDF。请下载 Word 版后另存为 PDF，"
               "或请系统管理员安装 libreoffice-writer-nogui 和中文字体 (fonts-wqy-microhei)。")


def pdf_converter() -> str | None:
    """The LibreOffice executable, or None when it is not installed (PDF is then not offered)."""
    override = os.environ.get("TUIJIN_SOFFICE")
    if override:
        return override if Path(override).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def installed_chinese_font() -> str | None:
    """The family of an installed font with Chinese glyphs (fontconfig), preferring a proportional one; None
    when fontconfig finds none (the PDF then names the 公文 fonts and LibreOffice substitutes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    for family in families:
        if "mono" not in family.lower():
            return family
    return families[0] if families else None


def docx_to_pdf(data: bytes, *, name: str = "document", timeout: int = 120) -> bytes:
    """The PDF LibreOffice makes of a .docx (write it with `installed_chinese_font()` as its only font). Without
    LibreOffice: InputError(PDF_MISSING); a failed conversion: RuntimeError with LibreOffice's last words."""
    from .errors import InputError

    soffice = pdf_converter()
    if soffice is None:
        raise InputError(PDF_MISSING, field="format")
    with tempfile.TemporaryDirectory(prefix=f"tuijin-{name}-") as tmp:
        src = Path(tmp) / f"{name}.docx"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(src)],
            capture_output=True, timeout=timeout, check=False,
        )
        out = Path(tmp) / f"{name}.pdf"
        if result.returncode != 0 or not out.exists():
            raise RuntimeError(f"LibreOffice 转换失败: {result.stderr.decode(errors='replace')[-300:]}")
        return out.read_bytes()
