"""A reporter fills and submits a month in the browser, the district administrator returns it with a reason,
and the reporter sees the reason (Debian's chromium through Playwright)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests import factories as f
from tests.browser.conftest import login
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.progress.models import MonthlyReport, ReportStatus
from tuijin.progress.services import open_period

PASSWORD = "Tuijin-test-2024!"


def logout(page):
    page.click("header form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_reporter_submits_district_returns_reporter_sees_reason(page, live_server, transactional_db, output_dir):
    city, d = f.city_tree("镇江市", ("京口区", "润州区"))
    lst = f.annual_list(city, "市重大项目")
    project = f.project(d["京口区"], total=Decimal(80000), name="京口演示储能装备项目")
    f.entry(lst, project, plan=Decimal(24000))
    f.reports(project, 2024, [Decimal(1500)] * 6)
    open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1),
                deadline=timezone.localdate() + datetime.timedelta(days=30), actor=SYSTEM)
    reporter = f.user("jk_reporter", d["京口区"], Role.REPORTER, password=PASSWORD)
    project.reporters.add(reporter)
    f.user("jk_admin", d["京口区"], Role.DISTRICT_ADMIN, password=PASSWORD)

    login(page, live_server, "jk_reporter", PASSWORD)
    page.goto(f"{live_server.url}/reports/{project.pk}/2024/7/")
    page.fill("input[name=amount]", "1800")
    page.fill("textarea[name=progress_text]", "主体结构封顶, 设备进场")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert "已报送" in page.content()
    report = MonthlyReport.objects.get(project=project, year=2024, month=7)
    assert (report.amount, report.ytd, report.status) == (Decimal("1800.00"), Decimal("10800.00"),
                                                         ReportStatus.SUBMITTED)
    logout(page)

    login(page, live_server, "jk_admin", PASSWORD)
    page.goto(f"{live_server.url}/reports/review/?period=2024-07")
    row = page.locator("tr", has_text="京口演示储能装备项目")
    row.locator("input[name^=reason_]").fill("形象进度描述过简, 请补充设备进场数量")
    row.locator("button[name=one_return]").click()
    page.wait_for_load_state("networkidle")
    assert "已退回" in page.content()
    page.screenshot(path=str(output_dir / "review.png"), full_page=True)
    logout(page)

    login(page, live_server, "jk_reporter", PASSWORD)
    page.goto(f"{live_server.url}/reports/?period=2024-07")
    assert "退回原因: 形象进度描述过简, 请补充设备进场数量" in page.inner_text("main")
    page.goto(f"{live_server.url}/reports/{project.pk}/2024/7/")
    assert "形象进度描述过简" in page.inner_text("#return-reason")
    page.screenshot(path=str(output_dir / "returned.png"), full_page=True)
