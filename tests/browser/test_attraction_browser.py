"""Done-when (d): a district user moves a lead to 签约 with its contract in Debian's chromium; the project appears
in the registry and in that month's new-signing figure on the dashboard."""

import datetime

from tests import factories as f
from tests.browser.conftest import login
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction.services import create_lead
from tuijin.projects.models import Project, Stage

PASSWORD = "Tuijin-test-2024!"


def test_district_user_signs_a_lead_and_the_dashboard_counts_it(page, live_server, transactional_db, output_dir):
    city, d = f.city_tree("镇江市", ("京口区", "润州区"))
    f.category()
    f.user("jk_admin", d["京口区"], Role.DISTRICT_ADMIN, password=PASSWORD)
    lead = create_lead(unit=d["京口区"], title="京口储能电池基地", investor="远景能源有限公司", investor_kind="private",
                       source="event", intended_investment=50000, stage_date=datetime.date(2024, 3, 1), actor=SYSTEM)

    login(page, live_server, "jk_admin", PASSWORD)
    page.goto(f"{live_server.url}/attraction/")
    page.click("text=京口储能电池基地")
    page.wait_for_load_state("networkidle")
    page.select_option("#move-form select[name=stage]", "pre_signing")
    page.fill("#move-form input[name=date]", "2024-04-10")
    page.click("#move-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#lead-stage") == "拟签约"
    form = page.locator("#sign-form")
    form.locator("input[name=signed_on]").fill("2024-05-20")
    form.locator("input[name=investment]").fill("60000")
    form.locator("input[name=code]").fill("2024-321102-34-03-000771")
    form.locator("select[name=category]").select_option(label="产业")
    form.locator("input[name=due_started]").fill("2024-08-28")
    form.locator("button[name=sign]").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#lead-stage") == "签约" and "首次签约" in page.inner_text("#contract")
    page.screenshot(path=str(output_dir / "lead-signed.png"), full_page=True)

    project = Project.objects.get(code="2024-321102-34-03-000771")
    assert (project.name, project.unit, project.stage) == ("京口储能电池基地", d["京口区"], Stage.SIGNED)
    assert project.stage_events.get(stage=Stage.SIGNED).date == datetime.date(2024, 5, 20)
    assert lead.contracts.count() == 1

    page.goto(f"{live_server.url}/projects/")
    assert "京口储能电池基地" in page.inner_text("main")
    page.goto(f"{live_server.url}/dashboard/?through=2024-05&kind=month")
    kpi = page.locator(".kpi", has_text="新签约项目")
    assert kpi.locator(".value .fig").first.inner_text() == "1"
    assert "6.0 亿元" in kpi.inner_text()
    page.screenshot(path=str(output_dir / "dashboard.png"), full_page=True)

    # The pipeline board on a phone (390 px): the stage columns stack, each the width of the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/attraction/")
    boxes = [page.locator(f".board .column[data-stage={s}]").bounding_box() for s in ("lead", "signed")]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"] and boxes[0]["width"] <= 390
    assert "京口储能电池基地" in page.inner_text(".board .column[data-stage=signed]")
    page.screenshot(path=str(output_dir / "pipeline-phone.png"), full_page=True)
