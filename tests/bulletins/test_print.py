"""Printing a bulletin: the .docx in the 公文 layout (A4, GB/T 9704 margins, page numbers, header rows repeated,
rows kept whole, 亿元 never broken, the city's office as author) and the PDF LibreOffice makes of it, checked
from the PDF itself with poppler (pdfinfo page sizes, pdftotext page by page, pdffonts embedding)."""

import io
import re
import subprocess
from dataclasses import replace

import docx
import pytest
from docx.oxml.ns import qn

from tuijin.bulletins.formats import PDF_MISSING, installed_chinese_font, to_docx, to_pdf
from tuijin.bulletins.generator import Table, generate
from tuijin.core.periods import Period

MAY = Period.year_to_date(2024, 5)
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)
HEADERS = ["单位", "项目数", "年度计划(亿元)", "完成投资(亿元)", "完成率%"]
LONG_ROWS = 90


def long_bulletin(city):
    """The hand-made town's bulletin with a table of 90 units appended: far longer than a landscape page."""
    b = generate(city, MAY)
    rows = [[f"长表单位{i:02d}", i, f"{i}.5", f"{i}.2", "45.1"] for i in range(1, LONG_ROWS + 1)]
    return replace(b, tables=[*b.tables, Table("长表测试", HEADERS, rows)])


def pdf_pages(pdf: bytes, tmp_path) -> tuple[list[tuple[int, int]], list[str]]:
    """(page sizes in points, text of each page) read back from the PDF with pdfinfo and pdftotext."""
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True,
                          check=True).stdout
    sizes = [(round(float(w)), round(float(h)))
             for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return sizes, pages


def mm(*lengths) -> tuple:
    """Lengths in whole millimetres (the document stores twentieths of a point)."""
    return tuple(round(v.mm, 1) for v in lengths)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_docx_is_a4_with_the_official_margins_page_numbers_and_author(town):
    doc = docx.Document(io.BytesIO(to_docx(generate(town.city, MAY))))
    portrait, landscape = doc.sections
    assert mm(portrait.page_width, portrait.page_height) == (210, 297)
    assert mm(landscape.page_width, landscape.page_height) == (297, 210)
    for section in doc.sections:
        assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == \
            (37, 35, 28, 26)
    footer = portrait.footer.paragraphs[0]._p
    assert [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert landscape.footer.is_linked_to_previous  # the tables' pages carry the same page numbers
    assert doc.core_properties.author == "测试市重大项目建设推进办公室"
    assert doc.core_properties.title == "测试市重大项目推进情况通报"


def test_table_header_rows_repeat_rows_stay_whole_and_titles_keep_with_their_table(town):
    b = generate(town.city, MAY)
    doc = docx.Document(io.BytesIO(to_docx(b)))
    assert len(doc.tables) == len(b.tables) >= 2
    for table in doc.tables:
        rows = table.rows
        assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        title = table._tbl.getprevious()
        assert title.tag == qn("w:p") and title.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
        # the unit of a header on a line of its own: 完成投资 / (亿元), never 完成投资(亿 / 元)
        headers = [c.text for c in rows[0].cells]
        assert all("\n" not in h or h.split("\n")[1].startswith("(") for h in headers)
    assert doc.tables[0].rows[0].cells[3].text == "完成投资\n(亿元)"


def test_the_docx_names_the_official_fonts_and_the_pdf_one_installed_font(town):
    b = generate(town.city, MAY)
    official = to_docx(b)
    assert "仿宋" in _document_xml(official) and "黑体" in _document_xml(official)
    installed = installed_chinese_font()
    assert installed == "WenQuanYi Micro Hei"  # what .ci/run installs (fonts-wqy-microhei)
    single = _document_xml(to_docx(b, font=installed))
    assert "仿宋" not in single and "黑体" not in single and installed in single


def _document_xml(data: bytes) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


@pytest.mark.slow  # LibreOffice converts the .docx
def test_a_long_table_spans_pages_with_its_header_and_page_numbers_on_each(town, tmp_path):
    pdf = to_pdf(long_bulletin(town.city))
    sizes, pages = pdf_pages(pdf, tmp_path)
    assert len(sizes) == len(pages) >= 4
    assert sizes[0] == A4_PORTRAIT and all(s in (A4_PORTRAIT, A4_LANDSCAPE) for s in sizes)
    for i, text in enumerate(pages, 1):
        assert f"第{i}页共{len(pages)}页" in squeeze(text), f"page {i} has no page number:\n{text}"
    spanned = [text for text in pages if "长表单位" in text]
    assert len(spanned) >= 2  # the table is longer than a page
    for text in spanned:
        flat = squeeze(text)
        assert "年度计划" in flat and "完成投资" in flat, f"no header on a page:\n{text}"
        assert text.count("(亿元)") >= 2  # 亿元 on one line in both headers
    # every row printed once, none cut in two across a page break
    units = [u for text in spanned for u in re.findall(r"长表单位\s*(\d\d)", text)]
    assert units == [f"{i:02d}" for i in range(1, LONG_ROWS + 1)]
    # the title is on the page where its table starts
    start = next(i for i, text in enumerate(pages) if "长表单位01" in squeeze(text))
    assert "长表测试" in pages[start]


@pytest.mark.slow  # LibreOffice converts the .docx
def test_the_pdf_embeds_only_the_installed_chinese_font(town, tmp_path):
    path = tmp_path / "b.pdf"
    path.write_bytes(to_pdf(generate(town.city, MAY)))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert fonts
    for row in fonts:
        name, embedded = row[0], row[-5]
        assert "WenQuanYi" in name, out  # no DejaVu or other substitute standing in for 仿宋/黑体
        assert embedded == "yes", out


def test_without_libreoffice_the_page_says_what_is_missing(client, town, settings, monkeypatch):
    from tests import factories
    from tuijin.accounts.models import Role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("TUIJIN_SOFFICE", "/nonexistent/soffice")
    client.force_login(factories.user("p_leader", town.city, Role.CITY_LEADER))
    html = client.get("/bulletins/", {"through": "2024-05"}).content.decode()
    assert "下载 PDF</button>" in html and "未安装 PDF 转换程序 LibreOffice" in html
    assert "format=pdf" not in html
    r = client.get("/bulletins/download/", {"through": "2024-05", "format": "pdf"})
    assert r.status_code == 503 and r["Content-Type"].startswith("text/html")
    html = r.content.decode()
    assert 'role="alert"' in html and PDF_MISSING.split("，")[0] in html
    assert "测试市重大项目推进情况通报" in html  # the bulletin itself is still there to copy


def test_a_failed_conversion_is_said_on_the_page(client, town, settings, monkeypatch, tmp_path):
    from tests import factories
    from tuijin.accounts.models import Role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'no display' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("TUIJIN_SOFFICE", str(broken))
    client.force_login(factories.user("p_leader2", town.city, Role.CITY_LEADER))
    r = client.get("/bulletins/download/", {"through": "2024-05", "format": "pdf"})
    assert r.status_code == 503 and "PDF 生成失败" in r.content.decode() and "no display" in r.content.decode()


@pytest.mark.slow  # LibreOffice converts the .docx
@pytest.mark.demo
def test_the_demo_bulletin_pdf_is_a4_with_page_numbers_and_table_headers(demo, tmp_path):
    from tuijin.orgs.selectors import city_by_name

    b = generate(city_by_name("镇江市"), Period.parse("2024-05", "ytd"))
    sizes, pages = pdf_pages(to_pdf(b), tmp_path)
    assert sizes[0] == A4_PORTRAIT and all(s in (A4_PORTRAIT, A4_LANDSCAPE) for s in sizes)
    for i, text in enumerate(pages, 1):
        assert f"第{i}页共{len(pages)}页" in squeeze(text)
    first = squeeze(pages[0])
    assert "镇江市重大项目推进情况通报" in first and "镇江市重大项目建设推进办公室" in first
    table_pages = [squeeze(t) for t in pages if "（合计）" in t]
    # every table page carries its header: 完成投资 (the by-unit tables) or 新签约 (the signings table, which may
    # have a page of its own now that the 分行业领域 table comes before it)
    assert table_pages and all("单位" in t and ("完成投资" in t or "新签约" in t) for t in table_pages)
    assert all("(亿元)" in t for t in pages if "（合计）" in t)  # a header's 亿元 on one line
    # no orphan rows: a table of up to 20 rows is printed whole on the page of its title
    titles = [t.title for t in b.tables]
    for t in b.tables:
        if len(t.rows) > 20:
            continue
        page = next(p for p in pages if any(line.strip() == t.title for line in p.splitlines()))
        lines = [line.strip() for line in page.splitlines()]
        below = lines[lines.index(t.title) + 1:]
        below = below[:next((i for i, line in enumerate(below) if line in titles), len(below))]
        names = [str(row[0]) for row in t.rows]
        printed = [line for line in below if any(line.startswith(n) for n in names)]
        assert len(printed) == len(t.rows), f"{t.title}: {len(printed)} of {len(t.rows)} rows on its page"
    doc = docx.Document(io.BytesIO(to_docx(b)))
    assert doc.core_properties.author == "镇江市重大项目建设推进办公室"
