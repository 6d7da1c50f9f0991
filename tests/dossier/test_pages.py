"""The project page as the dossier, the 审批要件 pages, and the one-page A4 summary (.docx and the PDF made by
LibreOffice, whose page count is read back with pdfinfo)."""

import datetime
import io
import json
import re
import subprocess
from decimal import Decimal

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.dossier.models import ApprovalDocument
from tuijin.dossier.services import add_approval

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db
D = datetime.date


def page(client, user, project, **params):
    client.force_login(user)
    response = client.get(f"/projects/{project.pk}/", params)
    assert response.status_code == 200
    return response.content.decode()


def chart_data(html: str) -> dict:
    m = re.search(r'<script id="dossier-chart" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_the_project_page_is_the_dossier(client, town):
    add_approval(
        actor=town.east_admin,
        project=town.p,
        item="permit",
        number="东建施〔2024〕3号",
        issued_on=D(2024, 1, 20),
        file=SimpleUploadedFile("施工许可.pdf", PDF_BYTES),
    )
    html = page(client, town.leader, town.p)
    for heading in (
        "计划与实际",
        "时间轴",
        "全生命周期",
        "年度清单与计划",
        "现场照片",
        "问题协调",
        "签约合同与资金到位",
        "审批要件",
        "月报",
        "变更记录",
    ):
        assert f">{heading}" in html, heading
    data = chart_data(html)
    assert data["completed_cumulative_wan"][:6] == [500, 1200, 2000, 3000, 5100, None]
    assert data["plan_cumulative_wan"][2] == 2000
    assert 'data-dossier-chart="dossier-chart"' in html and "dossier/dossier.js" in html
    assert "42.5%" in html and "超 0.8 个百分点" in html and "2024年1-5月" in html
    assert "新增建设用地指标未落实" in html and "临时用电接入" in html  # open and closed problems
    assert "20,000" in html and "5,000" in html  # the contract and the funds that arrived (万元)
    assert "东建施〔2024〕3号" in html and "施工许可.pdf" in html
    assert "/approvals/new/" not in html  # a reader adds nothing
    assert "/dossier.pdf" in html and "/dossier.docx" in html


def test_the_chart_year_follows_the_query(client, town):
    html = page(client, town.admin, town.p, year=2023)
    assert chart_data(html)["annual_plan_wan"] == 6000 and "2023年尚无市级确认的月报" in html
    assert chart_data(page(client, town.admin, town.p, year="abc"))["year"] == 2024


def test_the_page_makes_a_fixed_number_of_queries_whatever_the_projects_history(
    client, town, django_assert_max_num_queries
):
    """Few months first; then 2022-2023 listed with twelve reports each, six more approvals, three more problems
    and a second contract with milestones and arrivals: the same number of queries."""
    from tuijin.attraction.services import record_capital_increase, record_funds_arrival
    from tuijin.problems.models import ProblemCategory
    from tuijin.problems.services import raise_problem

    client.force_login(town.admin)
    url = f"/projects/{town.p.pk}/"
    client.get(url)  # warm the conventions' cache
    with django_assert_max_num_queries(60) as small:
        assert client.get(url).status_code == 200
    f.entry(town.shi, town.p, year=2022, plan=Decimal(3000))
    f.reports(town.p, 2022, [100] * 12)
    f.reports(town.p, 2023, [200] * 12)
    for i in range(6):
        add_approval(
            actor=town.admin,
            project=town.p,
            item="other",
            name=f"专项批复{i}",
            number=f"东批〔2024〕{i}号",
            issued_on=D(2024, 1, 1 + i),
            file=SimpleUploadedFile(f"{i}.pdf", PDF_BYTES),
        )
    category = ProblemCategory.objects.get(code="finance")
    for i in range(3):
        raise_problem(
            actor=town.east_admin, project=town.p, category=category, title=f"融资问题{i}"
        )
    increase = record_capital_increase(
        project=town.p, signed_on=D(2024, 5, 1), increment=Decimal(5000), actor=SYSTEM,
    )
    record_funds_arrival(
        contract=increase, date=D(2024, 5, 2), amount=Decimal(1000), source="province", actor=SYSTEM,
    )
    with django_assert_max_num_queries(60) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


def test_a_writer_adds_edits_and_deletes_an_approval_through_the_pages(client, town):
    client.force_login(town.east_admin)
    assert "登记审批要件" in client.get(f"/projects/{town.p.pk}/").content.decode()
    new = f"/projects/{town.p.pk}/approvals/new/"
    assert client.get(new).status_code == 200
    r = client.post(
        new,
        {
            "item": "environment",
            "number": "东环审〔2024〕5号",
            "issued_on": "2024-02-03",
            "file": SimpleUploadedFile("环评.pdf", PDF_BYTES),
        },
    )
    assert r.status_code == 302 and r["Location"].endswith(f"/projects/{town.p.pk}/#approvals")
    doc = ApprovalDocument.objects.get()
    assert client.get(f"/projects/approvals/{doc.pk}/file/").status_code == 200
    edit = f"/projects/approvals/{doc.pk}/edit/"
    assert "东环审〔2024〕5号" in client.get(edit).content.decode()
    r = client.post(
        edit,
        {
            "item": "environment",
            "number": "东环审〔2024〕6号",
            "issued_on": "2024-02-04",
            "reason": "文号更正",
        },
    )
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.number == "东环审〔2024〕6号" and doc.file  # the file stays unless removed
    r = client.post(f"/projects/approvals/{doc.pk}/delete/", {"reason": "误登"})
    assert r.status_code == 302 and not ApprovalDocument.objects.exists()


def test_the_form_shows_a_refusal_on_its_field(client, town):
    client.force_login(town.east_admin)
    r = client.post(
        f"/projects/{town.p.pk}/approvals/new/",
        {
            "item": "permit",
            "issued_on": "2024-02-03",
            "file": SimpleUploadedFile("a.pdf", b"<svg/>"),
        },
    )
    assert r.status_code == 400 and "a.pdf 不是允许的附件类型" in r.content.decode()
    r = client.post(
        f"/projects/{town.p.pk}/approvals/new/", {"item": "other", "issued_on": "2024-02-03"}
    )
    assert r.status_code == 400 and "请填写要件名称" in r.content.decode()
    assert not ApprovalDocument.objects.exists()


def test_out_of_reach_is_404_and_a_reader_is_refused(client, town):
    doc = add_approval(
        actor=town.admin,
        project=town.p,
        item="permit",
        issued_on=D(2024, 1, 2),
        file=SimpleUploadedFile("x.pdf", PDF_BYTES),
    )
    client.force_login(town.west_admin)
    for url in (
        f"/projects/approvals/{doc.pk}/edit/",
        f"/projects/approvals/{doc.pk}/file/",
        f"/projects/{town.p.pk}/approvals/new/",
        f"/projects/{town.p.pk}/dossier.docx",
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(town.leader)
    assert client.get(f"/projects/{town.p.pk}/approvals/new/").status_code == 403
    assert client.post(f"/projects/approvals/{doc.pk}/delete/").status_code == 403
    assert client.get(f"/projects/approvals/{doc.pk}/file/").status_code == 200


def summary_texts(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_the_docx_summary(client, town):
    add_approval(
        actor=town.admin,
        project=town.p,
        item="permit",
        number="东建施〔2024〕3号",
        issued_on=D(2024, 1, 20),
    )
    client.force_login(town.leader)
    r = client.get(f"/projects/{town.p.pk}/dossier.docx")
    assert r.status_code == 200 and "wordprocessingml" in r["Content-Type"]
    text = summary_texts(r.content)
    for words in (
        "东区新材料产业园项目",
        "东区",
        "2024年 省重大项目 (计划 1.2 亿元)、市重大项目 (计划 0.9 亿元)",
        "2024年1-5月完成投资",
        "42.5%",
        "超 0.8 个百分点",
        "签约 2023-12-01",
        "开工 2024-03-15",
        "2024年5月: 主厂房钢结构吊装完成 80%",
        "新增建设用地指标未落实",
        "东建施〔2024〕3号",
        "未销号问题 (1 个)",
        "审批要件 (1 项)",
    ):
        assert words in text, words
    assert "临时用电接入" not in text and "六月(未确认)" not in text
    section = docx.Document(io.BytesIO(r.content)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def pdf_pages(data: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "dossier.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, re.sub(r"\s+", "", text)


@pytest.mark.slow  # LibreOffice converts the .docx
def test_the_pdf_summary_is_exactly_one_a4_page_even_with_a_long_history(client, town, tmp_path):
    """Twelve approvals and eight open problems with long titles still print on one page (the summary lists the
    first 8 and 5 and says how many more)."""
    from tuijin.problems.models import ProblemCategory
    from tuijin.problems.services import raise_problem

    for i in range(12):
        add_approval(
            actor=town.admin,
            project=town.p,
            item="other",
            name=f"专项审批事项第{i}项" * 2,
            number=f"东发改审批〔2024〕{100 + i}号",
            issued_on=D(2024, 1, 1 + i),
            issuer="东区发展和改革局",
        )
    category = ProblemCategory.objects.get(code="finance")
    for i in range(8):
        raise_problem(
            actor=town.east_admin,
            project=town.p,
            category=category,
            title=f"第{i}个问题: 银行授信审批周期长, 项目贷款利率偏高, 需政银企对接会商解决",
        )
    client.force_login(town.leader)
    r = client.get(f"/projects/{town.p.pk}/dossier.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pages, text = pdf_pages(r.content, tmp_path)
    assert pages == 1
    for words in (
        "东区新材料产业园项目",
        "项目档案摘要",
        "42.5%",
        "另有4项未列出",
        "另有4个未列出",
        "第1页共1页",
    ):
        assert words in text, words
    (tmp_path / "out").mkdir()
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            str(tmp_path / "dossier.pdf"),
            str(tmp_path / "out" / "p"),
        ],
        check=True,
    )
    assert len(list((tmp_path / "out").glob("*.png"))) == 1
    import os
    from pathlib import Path

    OUTPUT = Path(
        os.environ.get("TUIJIN_TEST_OUTPUT") or Path(__file__).resolve().parents[2] / "test-output"
    )
    OUTPUT.mkdir(
        parents=True, exist_ok=True
    )  # for a person to look at (test-output/dossier-summary-1.png)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            str(tmp_path / "dossier.pdf"),
            str(OUTPUT / "dossier-summary"),
        ],
        check=True,
    )


def test_without_libreoffice_the_pdf_says_what_is_missing(client, town, monkeypatch):
    monkeypatch.setenv("TUIJIN_SOFFICE", "/nonexistent/soffice")
    client.force_login(town.leader)
    r = client.get(f"/projects/{town.p.pk}/dossier.pdf")
    assert r.status_code == 503 and "LibreOffice" in r.content.decode()
