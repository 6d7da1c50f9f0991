"""一项目一档 in chromium (zh-CN): the project page as the dossier at 1440 and 390 px (the plan-against-actual chart
drawn, nothing scrolling sideways), a 审批要件 registered with its file through the form, the page printed with its
print stylesheet (A4), and the one-page A4 summary PDF downloaded, its page count read and its page converted to
PNG. Screenshots in test-output/<test name>/ for a person to look at."""

import re
import subprocess

import pytest

from tests.browser.conftest import TIMEOUT_MS, login
from tests.browser.test_page_walk import CHECK_LAYOUT
from tests.dossier.conftest import PDF_BYTES, build_town

PASSWORD = "Tuijin-test-2024!"

FITS = """() => ({chart: !!document.querySelector('#chart-plan svg'),
  timeline: document.querySelectorAll('ol.timeline li').length})"""


@pytest.fixture
def town(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_town()


def open_dossier(page, live_server, town, width, height=900):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/projects/{town.p.pk}/")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !!document.querySelector('#chart-plan svg')", timeout=TIMEOUT_MS)
    layout = page.evaluate(CHECK_LAYOUT)
    return {
        **page.evaluate(FITS),
        "scrollWidth": layout["scrollWidth"],
        "innerWidth": layout["innerWidth"],
        "wide": layout["wide"],
    }


def test_the_dossier_at_1440_and_390_with_an_approval_added_and_the_summary_pdf(
    page, live_server, town, output_dir, tmp_path
):
    login(page, live_server, "d_east", PASSWORD)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # 审批要件 through the form, with a scanned file (sent by the upload script with its progress bar).
    page.goto(f"{live_server.url}/projects/{town.p.pk}/approvals/new/")
    page.select_option("select[name=item]", "permit")
    page.fill("input[name=number]", "东建施〔2024〕3号")
    page.fill("input[name=issued_on]", "2024-01-20")
    page.fill("input[name=issuer]", "东区住房和城乡建设局")
    (tmp_path / "施工许可证.pdf").write_bytes(PDF_BYTES)
    page.set_input_files("input[name=file]", str(tmp_path / "施工许可证.pdf"))
    page.screenshot(path=str(output_dir / "approval-form-1440.png"), full_page=True)
    page.click("main form[data-upload] button[type=submit]")
    page.wait_for_url(re.compile(rf"/projects/{town.p.pk}/(#approvals)?$"), timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    assert "已登记审批要件" in page.inner_text("body")

    for width in (1440, 390):
        found = open_dossier(page, live_server, town, width)
        assert found["scrollWidth"] <= found["innerWidth"] and not found["wide"], (
            f"{width}px: {found}"
        )
        assert found["chart"] and found["timeline"] >= 6
        body = page.inner_text("body")
        assert "东建施〔2024〕3号" in body and "施工许可证.pdf" in body and "42.5%" in body
        page.screenshot(path=str(output_dir / f"dossier-{width}.png"), full_page=True)
        page.locator("#chart-plan").screenshot(path=str(output_dir / f"chart-{width}.png"))
    assert not errors, errors

    # The page printed (its print stylesheet: A4 portrait, no menu or buttons), as chromium prints it.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=str(printed), format="A4", print_background=True)
    page.emulate_media(media="screen")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "2",
            str(printed),
            str(output_dir / "printed-page"),
        ],
        check=True,
    )
    info = subprocess.run(
        ["pdfinfo", str(printed)], capture_output=True, text=True, check=True
    ).stdout
    assert "595" in info and "842" in info  # A4 portrait, in points

    # The one-page A4 summary.
    response = page.request.get(f"{live_server.url}/projects/{town.p.pk}/dossier.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    summary = tmp_path / "summary.pdf"
    summary.write_bytes(response.body())
    info = subprocess.run(
        ["pdfinfo", str(summary)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Pages:\s+1\b", info), info
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(summary), str(output_dir / "summary")], check=True
    )
    assert len(list(output_dir.glob("summary*.png"))) == 1
