"""A month of reporting through the pages, in Debian's chromium with JavaScript on (zh-CN): the reporter sees the
deadline, downloads the prefilled template, fills it (openpyxl) and imports it with the upload form; the district
ticks 全选 and 批量通过; the city accepts one report, then the other; the overview's 完成投资 changes accordingly,
and its default month stays on the last closed month until July is closed.

World (hand-made): 镇江市 / 京口区, two listed projects, each 1500 万元 a month for 1-6月, all accepted (1-6月
18000 万元 = 1.80 亿元; the city prints two decimals). July: 储能 2000, 污水 1000 → 1-7月 21000 万元 = 2.10 亿元."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tests import factories as f
from tests.browser.conftest import TIMEOUT_MS, _folder_for, login
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.progress.services import open_period

PASSWORD = "Tuijin-test-2024!"
P1 = "2024-321102-34-03-000201"
P2 = "2024-321102-34-03-000202"


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            p.screenshot(path=str(_folder_for(request.node.name) / "failure.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test's own failure
            pass
    context.close()


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city, d = f.city_tree("镇江市", ("京口区",))
    f.config(city, amount_places=2)
    lst = f.annual_list(city, "市重大项目")
    p1 = f.project(d["京口区"], total=Decimal(80000), code=P1, name="京口储能装备项目")
    p2 = f.project(d["京口区"], total=Decimal(30000), code=P2, name="京口污水处理厂提标")
    f.entry(lst, p1, plan=Decimal(24000))
    f.entry(lst, p2, plan=Decimal(12000))
    for p in (p1, p2):
        f.reports(p, 2024, [Decimal(1500)] * 6)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1), deadline=deadline, actor=SYSTEM)
    reporter = f.user("jk_reporter", d["京口区"], Role.REPORTER, password=PASSWORD)
    p1.reporters.add(reporter)
    p2.reporters.add(reporter)
    f.user("jk_admin", d["京口区"], Role.DISTRICT_ADMIN, password=PASSWORD)
    f.user("zj_admin", city, Role.CITY_ADMIN, password=PASSWORD)
    return {"p1": p1, "p2": p2, "deadline": deadline}


def completed_on_overview(page, server, query: str = "") -> tuple[str, str, str]:
    """(the heading (its period: 1-6月 reads 上半年), 完成投资 in 亿元, the month status) of the overview."""
    page.goto(f"{server.url}/overview/{query}")
    heading = page.inner_text("h2.overview-title")
    value = page.locator(".kpi", has=page.locator(".label", has_text="完成投资")).locator(".value").inner_text()
    return heading, Decimal(value.replace("亿元", "").strip()), page.inner_text("#month-status")


def logout(page):
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state("networkidle")


def test_a_month_from_template_to_the_overview(page, live_server, world, output_dir, tmp_path):
    server = live_server
    login(page, server, "jk_reporter", PASSWORD)
    page.goto(f"{server.url}/reports/?period=2024-07")
    assert f"截止 {world['deadline']}, 还剩 30 天" in page.inner_text(".deadline")
    assert "待报 2 个项目" in page.inner_text(".deadline")
    page.screenshot(path=str(output_dir / "1-my-reports.png"), full_page=True)

    # The template: last month's cumulative and the plan beside each project; filled in and imported.
    with page.expect_download() as info:
        page.click("a:has-text('下载填报模板')")
    with open(info.value.path(), "rb") as fh:
        wb = openpyxl.load_workbook(io.BytesIO(fh.read()))
    ws = wb.active
    assert [(ws.cell(r, 1).value, ws.cell(r, 9).value, ws.cell(r, 10).value) for r in (5, 6)] == [
        (P1, 9000, 24000), (P2, 9000, 12000)]
    ws["D5"], ws["F5"], ws["D6"] = 2000, "设备安装", 1000
    path = tmp_path / "月报-2024-07.xlsx"
    wb.save(path)
    page.goto(f"{server.url}/reports/import/")
    page.set_input_files("#import-form input[name=file]", str(path))
    page.click("#import-form button[name=preview]")
    page.locator("h2", has_text="预览 (月报)").wait_for()
    assert "将修改 2 行" in page.inner_text("main")
    page.set_input_files("#import-form input[name=file]", str(path))
    page.click("#import-form button[name=commit]")
    page.locator(".messages li", has_text="已导入 2 行").wait_for()
    assert MonthlyReport.objects.get(project=world["p1"], year=2024, month=7).ytd == Decimal(11000)
    logout(page)

    # The district: 全选, 批量通过; the row shows last month's cumulative and the plan.
    login(page, server, "jk_admin", PASSWORD)
    page.goto(f"{server.url}/reports/review/?period=2024-07")
    row = page.locator("tr", has_text="京口储能装备项目")
    assert "9,000" in row.inner_text() and "24,000" in row.inner_text() and "11,000" in row.inner_text()
    page.screenshot(path=str(output_dir / "2-district-review.png"), full_page=True)
    page.check("input[data-select-all]")
    assert page.locator("input[name=report]:checked").count() == 2
    page.click("button[name=decision][value=accept]")
    page.locator(".messages li", has_text="2 份月报已通过").wait_for()
    assert set(MonthlyReport.objects.filter(year=2024, month=7).values_list("status", flat=True)) == {
        ReportStatus.DISTRICT_ACCEPTED}
    logout(page)

    # The city: before any acceptance, the overview opens on June (1-6月 1.80 亿元).
    login(page, server, "zj_admin", PASSWORD)
    heading, value, status = completed_on_overview(page, server)
    assert ("上半年" in heading, value) == (True, Decimal("1.80")), (heading, value)
    # One report accepted: July is not closed (1 of 2), so the overview still opens on June. Asked for July, it
    # counts 储能's July (11000) and 污水's last accepted cumulative (June, 9000): 2.00 亿元.
    page.goto(f"{server.url}/reports/review/?period=2024-07")
    page.locator("tr", has_text="京口储能装备项目").locator("button[name=one_accept]").click()
    page.locator(".messages li", has_text="1 份月报已通过").wait_for()
    heading, value, status = completed_on_overview(page, server)
    assert ("上半年" in heading, value) == (True, Decimal("1.80")), (heading, value)
    heading, value, status = completed_on_overview(page, server, "?through=2024-07")
    assert (value, status) == (Decimal("2.00"), "7月已确认 1/2 (本月填报中, 数据未全部确认)"), (value, status)
    # The other accepted with 全选 + 批量通过: July is closed and the overview opens on it, 2.10 亿元.
    page.goto(f"{server.url}/reports/review/?period=2024-07")
    page.check("input[data-select-all]")
    page.click("button[name=decision][value=accept]")
    page.locator(".messages li", has_text="1 份月报已通过").wait_for()
    heading, value, status = completed_on_overview(page, server)
    assert ("1-7月" in heading, value, status) == (True, Decimal("2.10"), "7月已确认 2/2"), (heading, value, status)
    page.screenshot(path=str(output_dir / "3-overview-july.png"), full_page=True)
    assert AuditEntry.objects.filter(model="progress.MonthlyReport", actor__username="zj_admin").count() == 2
    assert AuditEntry.objects.filter(model="progress.MonthlyReport", actor__username="jk_admin").count() == 2
