"""Every upload form of the site, in Debian's chromium with JavaScript on (zh-CN, 1440×900): a file chosen on
the page really reaches the server, the preview (where there is one) shows its rows, confirming writes them, and
the uploaded photo or attachment appears on the page. The import page sends its file with a progress bar.

The world is built once for the module and committed (a live server of the module's own: pytest-django's
`live_server` would flush the database after every test); the module empties the database when it ends."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image

from tests import factories as f
from tests.browser.conftest import TIMEOUT_MS, _folder_for, login
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction.models import Lead
from tuijin.dashboard.services import create_campaign
from tuijin.livelihood import services as livelihood
from tuijin.livelihood.models import ItemReport
from tuijin.orgs.services import create_unit
from tuijin.problems.models import Problem, ProblemAttachment
from tuijin.problems.services import ensure_categories
from tuijin.progress.models import MonthlyReport, ReportPhoto
from tuijin.progress.services import open_period
from tuijin.projects.models import ListEntry, Project

PASSWORD = "Tuijin-test-2024!"
# Each test runs in a transaction of its own (rolled back after it) on top of the module's committed world.
pytestmark = pytest.mark.django_db

P1 = "2024-321102-34-03-000101"
P2 = "2024-321102-34-03-000102"
NEW = "2024-321102-34-03-000103"


def image_bytes(kind: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (40, 90, 160)).save(buf, kind)
    return buf.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            city, d = f.city_tree("镇江市", ("京口区", "润州区"))
            lst = f.annual_list(city, "市重大项目")
            p1 = f.project(d["京口区"], total=Decimal(80000), code=P1, name="京口储能装备项目")
            p2 = f.project(d["京口区"], total=Decimal(30000), code=P2, name="京口污水处理厂提标")
            for p in (p1, p2):
                f.entry(lst, p, plan=Decimal(24000))
                f.reports(p, 2024, [Decimal(1500)] * 6)
            open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1),
                        deadline=timezone.localdate() + datetime.timedelta(days=30), actor=SYSTEM)
            reporter = f.user("jk_reporter", d["京口区"], Role.REPORTER, password=PASSWORD)
            p1.reporters.add(reporter)
            p2.reporters.add(reporter)
            f.user("jk_admin", d["京口区"], Role.DISTRICT_ADMIN, password=PASSWORD)
            city_admin = f.user("zj_admin", city, Role.CITY_ADMIN, password=PASSWORD)
            f.category()
            ensure_categories()
            # 民生实事: the city's 2024 programme, one item led by a department.
            housing = create_unit(name="镇江市住房和城乡建设局", kind="department", parent=city, actor=SYSTEM)
            programme = livelihood.create_programme(unit=city, year=2024, actor=SYSTEM)
            item = livelihood.add_item(programme=programme, category="交通出行", name="新增公共停车泊位",
                                       lead_unit=housing, quantity=2000, unit="个", actor=SYSTEM)
            f.user("zj_housing", housing, Role.DEPARTMENT, password=PASSWORD)
            # 双比双看: a campaign of the two districts.
            campaign = create_campaign(city=city, name="二季度双比双看", year=2024, first_month=4, last_month=6,
                                       units=[d["京口区"], d["润州区"]], actor=city_admin,
                                       indicators=[dict(name="完成投资", kind="completed", weight=100,
                                                        method="best")])
            yield {"city": city, "d": d, "list": lst, "p1": p1, "p2": p2, "reporter": reporter, "item": item,
                   "campaign": campaign}
        finally:
            call_command("flush", interactive=False, verbosity=0)  # as transactional_db leaves the database
            media.disable()


@pytest.fixture(scope="module")
def server(world, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        live = LiveServer("localhost:0")
    live._live_server_modified_settings.enable()
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    texts = []  # every text an upload bar showed, across page loads
    context.expose_binding("recordBar", lambda source, text: texts.append(text))
    context.add_init_script(BAR_RECORDER)
    p = context.new_page()
    p.bar_texts = texts
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            p.screenshot(path=str(_folder_for(request.node.name) / "failure.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test's own failure
            pass
    context.close()


BAR_RECORDER = """document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => document.querySelectorAll("[data-upload-bar]").forEach(bar => {
    const text = bar.innerText.trim();
    if (text) window.recordBar(text);
  })).observe(document.body, {childList: true, subtree: true, characterData: true});
});"""


def assert_bar_counted_the_bytes(page):
    """The bar under the form showed how much of the file had gone up (a small file goes up in one piece)."""
    shown = page.bar_texts
    assert any(re.fullmatch(r"上传中: \d+% \(\d+ KB / \d+ KB\)", t) for t in shown), shown
    assert "已上传, 服务器处理中…" in shown, shown


def download_workbook(page, link_text: str):
    with page.expect_download() as info:
        page.click(f"a:has-text('{link_text}')")
    with open(info.value.path(), "rb") as fh:  # saved without the .xlsx ending openpyxl wants
        return openpyxl.load_workbook(io.BytesIO(fh.read()))


def save(wb, folder, name: str) -> str:
    path = folder / name
    wb.save(path)
    return str(path)


def test_monthly_import_uploads_previews_and_writes_the_rows(page, server, world, output_dir, tmp_path):
    login(page, server, "jk_reporter", PASSWORD)
    page.goto(f"{server.url}/reports/import/")
    wb = download_workbook(page, "下载月报模板")
    ws = wb.active
    assert [ws.cell(r, 1).value for r in (5, 6)] == [P1, P2]
    ws["D5"], ws["F5"] = 1800, "主体结构封顶"
    path = save(wb, tmp_path, "月报-2024-07.xlsx")

    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    page.set_input_files("#import-form input[name=file]", path)
    page.click("#import-form button[name=preview]")
    heading = page.locator("h2", has_text="预览 (月报)")
    heading.wait_for()
    assert "2024年7月" in heading.inner_text()
    assert "将修改 1 行" in page.inner_text("main")
    assert "京口储能装备项目" in page.inner_text("main table")
    assert "{#" not in page.inner_text("main") and "{%" not in page.inner_text("main")
    assert any(m == "POST" and u.endswith("/reports/import/") for m, u in requests)
    # The bar counted the bytes sent, then asked how far the import had got.
    assert_bar_counted_the_bytes(page)
    assert any("/reports/import/progress/" in u for _, u in requests), "the bar never asked for the import's progress"
    page.screenshot(path=str(output_dir / "preview.png"), full_page=True)
    assert not MonthlyReport.objects.filter(project=world["p1"], year=2024, month=7).exists()

    page.set_input_files("#import-form input[name=file]", path)  # 确认 needs the same file again
    page.click("#import-form button[name=commit]")
    page.locator(".messages li", has_text="已导入 1 行").wait_for()
    report = MonthlyReport.objects.get(project=world["p1"], year=2024, month=7)
    assert (report.amount, report.ytd, report.progress_text) == (Decimal("1800.00"), Decimal("10800.00"),
                                                                 "主体结构封顶")
    assert not MonthlyReport.objects.filter(project=world["p2"], year=2024, month=7).exists()
    page.screenshot(path=str(output_dir / "written.png"), full_page=True)


def test_registry_import_uploads_previews_and_creates_the_project(page, server, world, output_dir, tmp_path):
    login(page, server, "jk_admin", PASSWORD)
    page.goto(f"{server.url}/reports/import/")
    wb = download_workbook(page, "下载项目库模板")
    ws = wb["项目库"]
    ws.append([NEW, "京口氢能装备项目", "镇江氢能有限公司", "京口区", "产业", "", 12000, "", "京口工业园", "", "", ""])
    path = save(wb, tmp_path, "项目库.xlsx")

    page.set_input_files("#import-form input[name=file]", path)
    page.click("#import-form button[name=preview]")
    page.locator("h2", has_text="预览 (项目库)").wait_for()
    assert "将新增 1 个, 修改 0 个" in page.inner_text("main")
    assert "京口氢能装备项目" in page.inner_text("main table")
    page.screenshot(path=str(output_dir / "preview.png"), full_page=True)
    assert not Project.objects.filter(code=NEW).exists()

    page.set_input_files("#import-form input[name=file]", path)
    page.click("#import-form button[name=commit]")
    page.locator(".messages li", has_text="项目库已导入: 新增 1 个").wait_for()
    assert_bar_counted_the_bytes(page)
    project = Project.objects.select_related("unit").get(code=NEW)
    assert (project.name, project.unit.name, project.total_investment) == ("京口氢能装备项目", "京口区",
                                                                           Decimal("12000.00"))


def test_annual_list_import_uploads_previews_and_lists_the_project(page, server, world, output_dir, tmp_path):
    year = timezone.localdate().year
    login(page, server, "jk_admin", PASSWORD)
    page.goto(f"{server.url}/reports/import/")
    wb = download_workbook(page, f"下载{year}年市重大项目模板")
    ws = wb.active
    assert [ws.cell(r, 1).value for r in (5, 6)] == [P1, P2]
    ws["D5"] = 30000  # 年度计划投资 (万元)
    path = save(wb, tmp_path, "清单.xlsx")

    page.set_input_files("#import-form input[name=file]", path)
    page.click("#import-form button[name=preview]")
    page.locator("h2", has_text="预览 (年度清单)").wait_for()
    assert f"{year}年市重大项目" in page.inner_text("main h2")
    assert "将新增 1 个" in page.inner_text("main")
    page.screenshot(path=str(output_dir / "preview.png"), full_page=True)

    page.set_input_files("#import-form input[name=file]", path)
    page.click("#import-form button[name=commit]")
    page.locator(".messages li", has_text=f"{year}年市重大项目已导入: 列入 1 个").wait_for()
    assert_bar_counted_the_bytes(page)
    entry = ListEntry.objects.get(annual_list=world["list"], project=world["p1"], year=year)
    assert entry.annual_plan == Decimal("30000.00")
    assert not ListEntry.objects.filter(annual_list=world["list"], project=world["p2"], year=year).exists()


def test_attraction_import_uploads_previews_and_registers_the_lead(page, server, world, output_dir, tmp_path):
    path = tmp_path / "招商线索.csv"
    path.write_text("项目名称,投资方,投资方类型,线索来源,意向投资(万元),跟进单位,日期\n"
                    "京口智能装备基地,德马机械有限公司,外资,招商活动,25000,京口区,2024-03-01\n", encoding="utf-8")
    login(page, server, "jk_admin", PASSWORD)
    page.goto(f"{server.url}/attraction/import/")
    page.select_option("#import-form select[name=kind]", "leads")
    page.set_input_files("#import-form input[name=file]", str(path))
    page.click("#import-form button[name=preview]")
    assert "京口智能装备基地" in page.locator("#import-preview").inner_text()
    assert_bar_counted_the_bytes(page)
    page.screenshot(path=str(output_dir / "preview.png"), full_page=True)
    assert not Lead.objects.filter(title="京口智能装备基地").exists()

    page.set_input_files("#import-form input[name=file]", str(path))
    page.click("#import-form button[name=commit]")
    page.locator(".messages li", has_text="已导入 1 行").wait_for()  # on the board, where the import led
    assert page.url.endswith("/attraction/")
    lead = Lead.objects.get(title="京口智能装备基地")
    assert (lead.investor, lead.unit.name) == ("德马机械有限公司", "京口区")
    assert "京口智能装备基地" in page.inner_text("main")


def test_report_photo_is_uploaded_with_the_month(page, server, world, output_dir, tmp_path):
    path = tmp_path / "现场.jpg"
    path.write_bytes(image_bytes("JPEG"))
    project = world["p2"]
    login(page, server, "jk_reporter", PASSWORD)
    page.goto(f"{server.url}/reports/{project.pk}/2024/7/")
    page.fill("input[name=amount]", "1500")
    page.fill("textarea[name=progress_text]", "厂区道路施工")
    page.set_input_files("input[name=photos]", str(path))
    page.click("button[name=submit]")
    page.locator(".messages li", has_text="7月月报已报送").wait_for()  # on 月报填报, where the form led
    assert_bar_counted_the_bytes(page)
    report = MonthlyReport.objects.get(project=project, year=2024, month=7)
    photo = ReportPhoto.objects.get(report=report)
    page.goto(f"{server.url}/reports/{project.pk}/2024/7/")
    link = page.locator(f"a[href='/reports/photos/{photo.pk}/']")
    assert link.inner_text() == "照片1"
    page.screenshot(path=str(output_dir / "report.png"), full_page=True)
    served = page.request.get(f"{server.url}/reports/photos/{photo.pk}/")
    assert served.ok and served.body() == path.read_bytes()


def test_problem_attachments_upload_when_raised_and_on_the_problem(page, server, world, output_dir, tmp_path):
    first, second = tmp_path / "红线图.pdf", tmp_path / "用地批复.pdf"
    first.write_bytes(b"%PDF-1.4 red line")
    second.write_bytes(b"%PDF-1.4 approval")
    login(page, server, "jk_reporter", PASSWORD)
    page.goto(f"{server.url}/problems/new/{world['p1'].pk}/")
    page.select_option("select[name=category]", label="用地")
    page.fill("input[name=title]", "用地指标未落实")
    page.set_input_files("input[name=attachment]", str(first))
    page.click("main form button[type=submit]")
    page.locator(".messages li", has_text="问题已提出").wait_for()
    assert_bar_counted_the_bytes(page)
    problem = Problem.objects.get(title="用地指标未落实")
    assert "红线图.pdf" in page.inner_text("main")

    page.bar_texts.clear()
    page.set_input_files("form[action$='/attach/'] input[name=file]", str(second))
    page.click("form[action$='/attach/'] button[type=submit]")
    page.locator(".messages li", has_text="附件已上传").wait_for()
    assert_bar_counted_the_bytes(page)
    assert "用地批复.pdf" in page.inner_text("main")
    names = sorted(a.file.name.rsplit("/", 1)[-1] for a in ProblemAttachment.objects.filter(problem=problem))
    assert len(names) == 2
    page.screenshot(path=str(output_dir / "problem.png"), full_page=True)


def test_livelihood_photo_is_uploaded_with_the_month(page, server, world, output_dir, tmp_path):
    path = tmp_path / "停车场.png"
    path.write_bytes(image_bytes("PNG"))
    item = world["item"]
    target = item.targets.get()
    login(page, server, "zj_housing", PASSWORD)
    page.goto(f"{server.url}/livelihood/items/{item.pk}/report/2024/6/")
    page.fill(f"input[name=target_{target.pk}]", "1200")
    page.fill("textarea[name=progress_text]", "新建停车场")
    page.set_input_files("input[name=photos]", str(path))
    page.click("main form button[type=submit]:not([name=save_draft])")
    page.locator(".messages li", has_text="6月进展已").wait_for()
    assert_bar_counted_the_bytes(page)
    report = ItemReport.objects.get(item=item, year=2024, month=6)
    photo = report.photos.get()
    assert page.locator(f"a[href='/livelihood/photos/{photo.pk}/']").count() == 1
    page.screenshot(path=str(output_dir / "item.png"), full_page=True)


def test_competition_highlight_photo_is_uploaded(page, server, world, output_dir, tmp_path):
    path = tmp_path / "亮点.png"
    path.write_bytes(image_bytes("PNG"))
    campaign = world["campaign"]
    login(page, server, "zj_admin", PASSWORD)
    page.goto(f"{server.url}/dashboard/competition/?campaign={campaign.pk}")
    form = page.locator("#admin-tools form[enctype='multipart/form-data']")
    form.locator("select[name=unit]").select_option(label="京口区")
    form.locator("input[name=title]").fill("京口储能亮点")
    form.locator("input[name=photo]").set_input_files(str(path))
    form.locator("button[value=highlight]").click()
    page.locator(".messages li", has_text="已添加亮点项目").wait_for()  # the page with its charts, loaded again
    assert_bar_counted_the_bytes(page)
    page.wait_for_selector("#chart-ranking[data-ready]")
    highlight = campaign.highlights.get()
    assert highlight.title == "京口储能亮点"
    assert "京口储能亮点" in page.inner_text("main")
    served = page.request.get(f"{server.url}/dashboard/competition/media/?highlight={highlight.pk}")
    assert served.ok and served.body() == path.read_bytes()
    page.screenshot(path=str(output_dir / "competition.png"), full_page=True)
