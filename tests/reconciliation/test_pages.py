"""The reconciliation pages and the bulletin page's status and 签发 button, through the test client."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.reconciliation.conftest import statistics_csv
from tuijin.bulletins.models import BulletinIssue
from tuijin.reconciliation.models import FindingNote, Gate, ReconciliationSettings, StatisticsEntry
from tuijin.reconciliation.services import save_settings


def test_who_reads_the_page(imported, client):
    """The 市管理员 and 市领导 read it (7 findings through 2024-03); a district's administrator is refused."""
    for who, status in (("admin", 200), ("leader", 200), ("district", 403)):
        client.force_login(imported[who])
        response = client.get(f"/reconciliation/?city={imported['city'].pk}&through=2024-03")
        assert response.status_code == status, who
        if status == 200:
            html = response.content.decode()
            assert "差异 7 条" in html and "开工早于审批" in html
            assert ('name="note"' in html) == (who == "admin")


def test_bad_through_and_threshold_are_400_not_500(imported, client):
    client.force_login(imported["leader"])
    assert client.get("/reconciliation/?through=2024-13").status_code == 400
    response = client.get("/reconciliation/?through=2024-03&threshold=abc")
    assert response.status_code == 400 and "差异阈值" in response.content.decode()
    assert (
        client.get("/reconciliation/?through=2024-03&threshold=40")
        .content.decode()
        .count("统计累计")
        == 2
    )


def test_import_preview_then_commit(town, client):
    client.force_login(town["admin"])
    data = statistics_csv(town["p"])
    preview = client.post(
        "/reconciliation/import/",
        {"city": town["city"].pk, "file": SimpleUploadedFile("s.csv", data)},
    )
    assert preview.status_code == 200 and "将新增 <strong>7</strong> 个" in preview.content.decode()
    assert not StatisticsEntry.objects.exists()
    done = client.post(
        "/reconciliation/import/",
        {"city": town["city"].pk, "commit": "1", "file": SimpleUploadedFile("s.csv", data)},
    )
    assert done.status_code == 302 and StatisticsEntry.objects.count() == 7
    bad = client.post(
        "/reconciliation/import/",
        {
            "city": town["city"].pk,
            "file": SimpleUploadedFile("b.csv", "项目代码,x\n1,2\n".encode()),
        },
    )
    assert bad.status_code == 200 and "找不到表头" in bad.content.decode()
    client.force_login(town["leader"])
    assert client.get("/reconciliation/import/").status_code == 403


def test_note_and_settings_forms(imported, client):
    p, city = imported["p"], imported["city"]
    client.force_login(imported["admin"])
    response = client.post(
        "/reconciliation/note/",
        {
            "city": city.pk,
            "through": "2024-03",
            "rule": "not_in_stats",
            "subject": p[2].code,
            "status": "explained",
            "note": "已申报",
        },
    )
    assert response.status_code == 302 and FindingNote.objects.get().note == "已申报"
    empty = client.post("/reconciliation/note/", {"city": city.pk}, follow=True)
    assert empty.status_code == 200 and any("截至月份" in str(m) for m in empty.context["messages"])
    client.post(
        "/reconciliation/settings/",
        {"city": city.pk, "threshold_kind": "wan", "threshold": "300", "gate": "clear"},
    )
    s = ReconciliationSettings.objects.get(city=city)
    assert (s.threshold_kind, s.threshold, s.gate) == ("wan", 300, "clear")
    client.force_login(imported["leader"])
    assert client.post("/reconciliation/note/", {"city": city.pk}).status_code == 403


def test_bulletin_page_status_and_issue(imported, client):
    """Gate 须已说明或已处理: the page shows 7 open and the reason; 签发 is refused with it; without a gate it is
    issued and the page says so. The leader sees the status, not the button."""
    city = imported["city"]
    save_settings(actor=imported["admin"], city=city, gate=Gate.EXPLAINED)
    client.force_login(imported["admin"])
    html = client.get(f"/bulletins/?city={city.pk}&through=2024-03").content.decode()
    assert (
        "差异 7 条, 未处理 7 条" in html
        and "尚有 7 条差异未处理" in html
        and "签发本期通报" in html
    )
    refused = client.post("/bulletins/issue/", {"city": city.pk, "through": "2024-03"}, follow=True)
    assert any("不能签发" in str(m) and "7 条" in str(m) for m in refused.context["messages"])
    assert not BulletinIssue.objects.exists()
    save_settings(actor=imported["admin"], city=city, gate=Gate.NONE)
    client.post("/bulletins/issue/", {"city": city.pk, "through": "2024-03"})
    assert BulletinIssue.objects.filter(city=city, year=2024, month=3).exists()
    assert "已于" in client.get(f"/bulletins/?city={city.pk}&through=2024-03").content.decode()
    client.force_login(imported["leader"])
    html = client.get(f"/bulletins/?city={city.pk}&through=2024-03").content.decode()
    assert "统计对账" in html and "签发本期通报" not in html
    assert (
        client.post("/bulletins/issue/", {"city": city.pk, "through": "2024-03"}).status_code == 403
    )
