"""The deadline's pages in Debian's chromium (zh-CN) at 1440×900 and 390×844, saved under test-output/ for a
person to look at: the reporter's countdown with 本月无变化, the review list with its photo, the 报送进度 board
drilled to a district with 催报, the periods page, a project's photo gallery. Clicking 本月无变化 and 催报 in the
browser does what the page says."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests import factories as f
from tests.browser.conftest import login
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.problems.models import Notification
from tuijin.progress import services
from tuijin.progress.models import MonthlyReport

PASSWORD = "Tuijin-test-2024!"
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city, d = f.city_tree("镇江市", ("京口区", "润州区"))
    lst = f.annual_list(city, "市重大项目")
    p1 = f.project(d["京口区"], total=Decimal(80000), name="京口储能装备项目")
    p2 = f.project(d["京口区"], total=Decimal(30000), name="京口污水处理厂提标")
    p3 = f.project(d["润州区"], total=Decimal(20000), name="润州智能制造产业园")
    for p in (p1, p2, p3):
        f.entry(lst, p, plan=Decimal(12000))
        f.reports(p, 2024, [Decimal(1000)] * 6)
    services.open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1),
                         deadline=timezone.localdate() + datetime.timedelta(days=6), actor=SYSTEM)
    rep = f.user("jk_reporter", d["京口区"], Role.REPORTER, password=PASSWORD)
    rz = f.user("rz_reporter", d["润州区"], Role.REPORTER, password=PASSWORD)
    p1.reporters.add(rep)
    p2.reporters.add(rep)
    p3.reporters.add(rz)
    f.user("jk_admin", d["京口区"], Role.DISTRICT_ADMIN, password=PASSWORD)
    f.user("zj_admin", city, Role.CITY_ADMIN, password=PASSWORD)
    report = services.save_report(project=p1, year=2024, month=7, amount=Decimal(1500), progress_text="设备安装",
                                  actor=rep)
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 120, 90)).save(buf, "JPEG")
    services.add_photo(report=report, upload=SimpleUploadedFile("site.jpg", buf.getvalue(), "image/jpeg"), actor=rep)
    return {"p1": p1, "p2": p2, "p3": p3, "rz_unit": d["润州区"]}


def shoot(page, output_dir, name):
    for label, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=str(output_dir / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_deadline_pages(page, live_server, world, output_dir):
    login(page, live_server, "jk_reporter", PASSWORD)
    page.goto(f"{live_server.url}/reports/?period=2024-07")
    assert "还剩 6 天" in page.inner_text(".deadline") and "待报 1 个项目" in page.inner_text(".deadline")
    shoot(page, output_dir, "1-my-reports")
    page.locator("tr", has_text="京口污水处理厂提标").locator("button", has_text="本月无变化").click()
    page.locator(".messages li", has_text="本月无变化").wait_for()
    report = MonthlyReport.objects.get(project=world["p2"], year=2024, month=7)
    assert (report.amount, report.ytd) == (Decimal(0), Decimal(6000))
    page.click("form[action='/logout/'] button")

    login(page, live_server, "jk_admin", PASSWORD)
    page.goto(f"{live_server.url}/reports/review/?period=2024-07")
    assert page.locator("img.thumb").count() == 1
    shoot(page, output_dir, "2-review")
    page.click("form[action='/logout/'] button")

    login(page, live_server, "zj_admin", PASSWORD)
    page.goto(f"{live_server.url}/reports/board/?period=2024-07")
    page.click(f"a[href*='unit={world['rz_unit'].pk}']")
    page.locator("h2", has_text="润州区 未报项目 (1)").wait_for()
    shoot(page, output_dir, "3-board")
    page.locator("tr", has_text="润州区").locator("button", has_text="催报").click()
    page.locator(".messages li", has_text="已向 1 位填报员发送催报通知").wait_for()
    assert Notification.objects.filter(recipient__username="rz_reporter", kind="reminder").count() == 1
    page.goto(f"{live_server.url}/reports/periods/")
    shoot(page, output_dir, "4-periods")
    page.goto(f"{live_server.url}/projects/{world['p1'].pk}/")
    assert page.locator(".gallery img").count() == 1
    page.locator("#photos").scroll_into_view_if_needed()
    shoot(page, output_dir, "5-project")
