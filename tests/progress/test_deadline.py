"""The reporting deadline as its users meet it: bulk review (each return with its own reason, all or nothing,
each audited), the review row's comparison figures and photos, the 报送进度 board by district with 催报 once per
reporter and period, the reporter's countdown, the prefilled template, 本月无变化, and the periods a city
administrator locks, extends and reopens.

World (hand-made): 测试市 with 甲区 and 乙区; 2024 list plans A1 12000, A2 6000 (甲区), B1 3000 (乙区). A1 reported
1000 a month for 1-6月 (cumulative 6000, June's 形象进度 "主体施工"), A2 500 a month (3000), B1 nothing. July's
period opens with its deadline five days ahead of today."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.problems.models import Notification
from tuijin.progress import selectors, services
from tuijin.progress.importer import plan_import
from tuijin.progress.models import MonthlyReport, ReportingPeriod, ReportStatus

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    lst = f.annual_list(city, "市重大项目")
    a1 = f.project(d["甲区"], name="甲区一号项目", total=Decimal(50000))
    a2 = f.project(d["甲区"], name="甲区二号项目", total=Decimal(20000))
    b1 = f.project(d["乙区"], name="乙区一号项目", total=Decimal(10000))
    for p, plan in ((a1, 12000), (a2, 6000), (b1, 3000)):
        f.entry(lst, p, plan=Decimal(plan))
    f.reports(a1, 2024, [Decimal(1000)] * 5)
    services.save_report(project=a1, year=2024, month=6, amount=Decimal(1000), progress_text="主体施工",
                         status=ReportStatus.ACCEPTED, actor=SYSTEM)
    f.reports(a2, 2024, [Decimal(500)] * 6)
    period = services.open_period(city=city, year=2024, month=7, opens_on=datetime.date(2024, 7, 1),
                                  deadline=today + datetime.timedelta(days=5), actor=SYSTEM)
    rep_a = f.user("rep_a", d["甲区"], Role.REPORTER)
    rep_b = f.user("rep_b", d["乙区"], Role.REPORTER)
    a1.reporters.add(rep_a)
    a2.reporters.add(rep_a)
    b1.reporters.add(rep_b)
    return {"city": city, "d": d, "a1": a1, "a2": a2, "b1": b1, "period": period, "today": today,
            "rep_a": rep_a, "rep_b": rep_b, "admin_a": f.user("adm_a", d["甲区"], Role.DISTRICT_ADMIN),
            "city_admin": f.user("city_admin", city, Role.CITY_ADMIN)}


def submit_july(w):
    r1 = services.save_report(project=w["a1"], year=2024, month=7, amount=Decimal(1200), progress_text="封顶",
                              actor=w["rep_a"])
    r2 = services.save_report(project=w["a2"], year=2024, month=7, amount=Decimal(300), actor=w["rep_a"])
    return r1, r2


def post_batch(client, data):
    return client.post("/reports/review/batch/", {"period": "2024-07", **data})


def test_bulk_accept_moves_every_ticked_report_and_audits_each(client, world):
    r1, r2 = submit_july(world)
    client.force_login(world["admin_a"])
    page = client.get("/reports/review/?period=2024-07").content.decode()
    assert "全选" in page and "批量通过所选" in page
    before = AuditEntry.objects.filter(model="progress.MonthlyReport").count()
    response = post_batch(client, {"report": [r1.pk, r2.pk], "decision": "accept"})
    assert response.status_code == 302
    assert set(MonthlyReport.objects.filter(pk__in=[r1.pk, r2.pk]).values_list("status", flat=True)) == {
        ReportStatus.DISTRICT_ACCEPTED}
    assert AuditEntry.objects.filter(model="progress.MonthlyReport").count() == before + 2


def test_bulk_return_needs_each_reason_and_writes_nothing_without(client, world):
    r1, r2 = submit_july(world)
    client.force_login(world["admin_a"])
    response = post_batch(client, {"report": [r1.pk, r2.pk], "decision": "return", f"reason_{r1.pk}": "照片不清"})
    assert response.status_code == 302
    assert set(MonthlyReport.objects.filter(pk__in=[r1.pk, r2.pk]).values_list("status", flat=True)) == {
        ReportStatus.SUBMITTED}
    messages = [m.message for m in response.wsgi_request._messages]
    assert any("退回必须逐份填写原因: 甲区二号项目" in m for m in messages), messages
    post_batch(client, {"report": [r1.pk, r2.pk], "decision": "return", f"reason_{r1.pk}": "照片不清",
                        f"reason_{r2.pk}": "累计与台账不符"})
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.status, r1.return_reason) == (ReportStatus.RETURNED, "照片不清")
    assert (r2.status, r2.return_reason) == (ReportStatus.RETURNED, "累计与台账不符")


def test_a_batch_with_a_report_out_of_reach_writes_nothing(world):
    r1, _ = submit_july(world)
    rb = services.save_report(project=world["b1"], year=2024, month=7, amount=Decimal(100), actor=world["rep_b"])
    from tuijin.projects import scoping

    allowed = MonthlyReport.objects.filter(project__in=scoping.projects_for(world["admin_a"], scoping.REVIEW))
    with pytest.raises(InputError, match=f"月报 {rb.pk} 不存在或不在您的审核范围内"):
        services.review_batch(decisions=[services.ReviewDecision(r1.pk, True), services.ReviewDecision(rb.pk, True)],
                              level="district", actor=world["admin_a"], allowed_reports=allowed)
    r1.refresh_from_db()
    assert r1.status == ReportStatus.SUBMITTED


def test_a_review_row_shows_last_month_the_plan_this_month_the_photo_and_the_project(client, world):
    r1, _ = submit_july(world)
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (40, 90, 160)).save(buf, "JPEG")
    photo = services.add_photo(report=r1, upload=SimpleUploadedFile("site.jpg", buf.getvalue(), "image/jpeg"),
                               actor=world["rep_a"])
    client.force_login(world["admin_a"])
    rows = {r.project.name: r for r in selectors.review_rows(world["admin_a"], 2024, 7)}
    assert (rows["甲区一号项目"].previous_ytd, rows["甲区一号项目"].annual_plan) == (Decimal(6000), Decimal(12000))
    assert (rows["甲区二号项目"].previous_ytd, rows["甲区二号项目"].annual_plan) == (Decimal(3000), Decimal(6000))
    page = client.get("/reports/review/?period=2024-07").content.decode()
    row = page[page.index("甲区一号项目") - 200:page.index("甲区二号项目")]
    for text in ("6,000", "12,000", "1,200", "7,200", "封顶", f"/reports/photos/{photo.pk}/",
                 f'href="/projects/{world["a1"].pk}/"', 'class="thumb"'):
        assert text in row, text


def test_the_board_counts_each_district_and_drills_to_the_missing(client, world):
    r1, _ = submit_july(world)
    services.review_report(report=r1, accept=True, level="district", actor=world["admin_a"])
    board = {r.unit.name: (r.expected, r.submitted, r.missing, r.reviewed, r.returned)
             for r in selectors.submission_board(world["city_admin"], 2024, 7)}
    assert board == {"甲区": (2, 2, 0, 1, 0), "乙区": (1, 0, 1, 0, 0)}
    client.force_login(world["city_admin"])
    page = client.get(f"/reports/board/?period=2024-07&unit={world['d']['乙区'].pk}").content.decode()
    assert "乙区 未报项目 (1)" in page and "乙区一号项目" in page and "rep_b" in page
    assert "甲区一号项目" not in page.split("未报项目")[1]
    # A district administrator sees its own district only.
    assert [r.unit.name for r in selectors.submission_board(world["admin_a"], 2024, 7)] == ["甲区"]


def test_remind_notifies_each_missing_reporter_once_per_period_and_is_audited(client, world):
    client.force_login(world["city_admin"])
    response = client.post("/reports/board/remind/", {"period": "2024-07"})
    assert response.status_code == 302
    # Nobody has reported July: rep_a (A1, A2) and rep_b (B1), one notification each.
    notes = {n.recipient.username: n for n in Notification.objects.filter(kind="reminder")}
    assert set(notes) == {"rep_a", "rep_b"}
    assert "甲区一号项目、甲区二号项目" in notes["rep_a"].text and "2024年7月" in notes["rep_a"].text
    assert AuditEntry.objects.filter(model="problems.Notification", reason="催报 2024年7月").count() == 2
    client.post("/reports/board/remind/", {"period": "2024-07"})
    assert Notification.objects.filter(kind="reminder").count() == 2
    # The reporter opens the notification: it links to the reports and is read from then on.
    client.force_login(world["rep_a"])
    page = client.get("/problems/notifications/").content.decode()
    assert 'href="/reports/"' in page and "催报" in page
    assert Notification.objects.get(recipient=world["rep_a"]).read_at is not None


def test_a_reporter_sees_the_days_left_then_how_late(client, world):
    client.force_login(world["rep_a"])
    page = client.get("/reports/?period=2024-07").content.decode()
    assert f"截止 {world['today'] + datetime.timedelta(days=5)}, 还剩 5 天" in page and "待报 2 个项目" in page
    ReportingPeriod.objects.filter(pk=world["period"].pk).update(deadline=world["today"] - datetime.timedelta(days=3),
                                                                 opens_on=datetime.date(2024, 7, 1))
    page = client.get("/reports/?period=2024-07").content.decode()
    assert "已逾期 3 天" in page


def test_the_template_is_prefilled_and_imports_back_unchanged(client, world):
    client.force_login(world["rep_a"])
    response = client.get("/reports/template/?period=2024-07")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [ws.cell(3, c).value for c in (9, 10)] == ["上月累计(参考)", "2024年计划(参考)"]
    rows = {ws.cell(r, 2).value: (ws.cell(r, 6).value, ws.cell(r, 9).value, ws.cell(r, 10).value) for r in (5, 6)}
    assert rows == {"甲区一号项目": ("主体施工", 6000, 12000), "甲区二号项目": (None, 3000, 6000)}
    buf = io.BytesIO()
    ws.parent.save(buf)
    plan = plan_import(user=world["rep_a"], data=buf.getvalue(), filename="t.xlsx")
    assert plan.ok and plan.changes == [] and plan.unchanged == 2
    ws["D5"] = 800
    buf = io.BytesIO()
    ws.parent.save(buf)
    plan = plan_import(user=world["rep_a"], data=buf.getvalue(), filename="t.xlsx")
    assert [(c.project.name, c.after["amount"], c.after["ytd"]) for c in plan.changes] == [
        ("甲区一号项目", Decimal(800), Decimal(6800))]


def test_no_change_this_month_files_zero_with_last_progress(client, world):
    client.force_login(world["rep_a"])
    response = client.post(f"/reports/{world['a1'].pk}/2024/7/unchanged/")
    assert response.status_code == 302
    report = MonthlyReport.objects.get(project=world["a1"], year=2024, month=7)
    assert (report.amount, report.ytd, report.progress_text, report.status) == (
        Decimal(0), Decimal(6000), "主体施工", ReportStatus.SUBMITTED)
    assert AuditEntry.objects.filter(model="progress.MonthlyReport", object_id=str(report.pk), action="create").exists()
    response = client.post(f"/reports/{world['a1'].pk}/2024/7/unchanged/")
    assert any("已报送, 请在表单中修改" in m.message for m in response.wsgi_request._messages)
    # Another district's project is out of reach.
    assert client.post(f"/reports/{world['b1'].pk}/2024/7/unchanged/").status_code == 404


def test_the_city_admin_locks_extends_and_reopens_a_period(client, world):
    period, today = world["period"], world["today"]
    client.force_login(world["city_admin"])
    page = client.get("/reports/periods/").content.decode()
    assert "延期" in page and "锁定" in page
    later = today + datetime.timedelta(days=9)
    client.post(f"/reports/periods/{period.pk}/", {"action": "extend", "deadline": later.isoformat(), "reason": "汛期"})
    period.refresh_from_db()
    assert period.deadline == later
    client.post(f"/reports/periods/{period.pk}/", {"action": "lock"})
    period.refresh_from_db()
    assert period.locked_at is not None and period.is_locked(today)
    response = client.post(f"/reports/periods/{period.pk}/", {"action": "reopen", "deadline": later.isoformat()})
    assert any("重新开放填报期必须填写原因" in m.message for m in response.wsgi_request._messages)
    client.post(f"/reports/periods/{period.pk}/", {"action": "reopen", "deadline": later.isoformat(),
                                                   "reason": "补报设备款"})
    period.refresh_from_db()
    assert period.locked_at is None and not period.is_locked(today)
    reasons = list(AuditEntry.objects.filter(model="progress.ReportingPeriod", object_id=str(period.pk),
                                             action="update").order_by("pk").values_list("reason", flat=True))
    assert reasons == ["汛期", "", "补报设备款"]
    client.force_login(world["admin_a"])
    assert client.post(f"/reports/periods/{period.pk}/", {"action": "lock"}).status_code == 403
