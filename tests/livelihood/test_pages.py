"""The pages: overview (counts, charts' data, lagging items), an item with its plan-versus-actual chart, the
lead unit's own items, the progress form (prefilled; refusals shown on the form), review, 公示表 export."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.livelihood import services
from tuijin.livelihood.models import ItemReport, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(w, client):
    parking = w.item("新增公共停车泊位", cooperating_units=[w.depts["教育局"]])
    services.set_milestones(item=parking, points={1: 400, 2: 900, 3: 1500, 4: 2000}, by="quarter",
                            basis="quantity", actor=SYSTEM)
    school = w.item("学校建设", quantity=12, unit="所", lead="教育局", category="教育提质")
    w.report(parking, 4, 890)
    w.report(parking, 5, 1113)
    w.report(school, 5, 1)
    users = {"admin": factories.user("zj_admin", w.city, Role.CITY_ADMIN),
             "housing": factories.user("zj_housing", w.depts["住房和城乡建设局"], Role.DEPARTMENT),
             "leader": factories.user("zj_leader", w.city, Role.CITY_LEADER)}
    return client, users, parking, school


def chart_data(response, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    return json.loads(match.group(1))


def test_overview(w, page):
    client, users, parking, school = page
    client.force_login(users["admin"])
    r = client.get("/livelihood/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "2024年镇江市民生实事项目" in text and "2024年1-5月" in text
    assert "提请分管领导研究调度" in text and "学校建设" in text  # 8.3% against 41.7%: lagging
    data = chart_data(r, "lh-overview-data")
    assert {s["key"]: s["value"] for s in data["statuses"]} == {"completed": 0, "ahead": 1, "on_schedule": 0,
                                                                "behind": 1, "not_reported": 0}
    assert data["categories"] == ["交通出行", "教育提质"]
    assert "vendor/echarts.min.js" in text and "livelihood/livelihood.js" in text
    assert "<script>" not in text  # no inline script (CSP)
    r = client.get("/livelihood/?through=2024-04")
    assert "2024年1-4月" in r.content.decode()
    r = client.get("/livelihood/?through=2024-13")
    assert r.status_code == 200 and "月份应在 1-12 之间" in r.content.decode()


def test_overview_for_a_department_shows_its_items_only(w, page):
    client, users, parking, school = page
    client.force_login(users["housing"])
    text = client.get("/livelihood/").content.decode()
    assert "新增公共停车泊位" in text and "学校建设" not in text


def test_item_page_with_its_plan_versus_actual_chart(w, page):
    client, users, parking, school = page
    client.force_login(users["admin"])
    r = client.get(f"/livelihood/items/{parking.pk}/")
    assert r.status_code == 200
    data = chart_data(r, "lh-item-data")
    assert data["months"][0] == "1月" and len(data["planned"]) == 12
    assert data["planned"][2] == 20.0 and data["planned"][11] == 100.0
    assert data["done"][3:5] == [44.5, 55.7] and data["done"][5] is None
    assert "超序时" in r.content.decode()
    other, _ = factories.city_tree("苏州市", ("姑苏区",), province="江苏省")
    stranger = factories.user("sz_leader", other, Role.CITY_LEADER)
    client.force_login(stranger)
    assert client.get(f"/livelihood/items/{parking.pk}/").status_code == 404


def test_lead_department_reports_and_city_reviews(w, page):
    client, users, parking, school = page
    client.force_login(users["housing"])
    r = client.get("/livelihood/mine/")
    assert "新增公共停车泊位" in r.content.decode() and "填报" in r.content.decode()
    url = f"/livelihood/items/{parking.pk}/report/2024/6/"
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="1113' in form.content.decode()  # prefilled from May
    target = parking.targets.get()
    # A decrease without a reason is refused on the form, and nothing is saved.
    r = client.post(url, {f"target_{target.pk}": "1000", "progress_text": "核减"})
    assert r.status_code == 200 and "须说明原因" in r.content.decode()
    assert not ItemReport.objects.filter(item=parking, month=6).exists()
    r = client.post(url, {f"target_{target.pk}": "1290", "progress_text": "新增泊位177个"})
    assert r.status_code == 302
    report = ItemReport.objects.get(item=parking, month=6)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == users["housing"]
    # The school item is led by 教育局: the housing department may not report it.
    assert client.get(f"/livelihood/items/{school.pk}/report/2024/6/").status_code == 404
    assert client.get("/livelihood/review/").status_code == 403

    client.force_login(users["admin"])
    r = client.get("/livelihood/review/")
    assert "新增公共停车泊位" in r.content.decode()
    r = client.post(f"/livelihood/items/{parking.pk}/review/2024/6/", {"decision": "return", "reason": ""})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a return needs a reason
    client.post(f"/livelihood/items/{parking.pk}/review/2024/6/", {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED

    client.force_login(users["leader"])
    assert client.get(url).status_code == 403  # a leader reads but does not report


def test_export_public_notice(w, page):
    client, users, parking, school = page
    client.force_login(users["admin"])
    r = client.get("/livelihood/export/?through=2024-05")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "2024年镇江市民生实事项目推进情况公示表"
    parking_row = next(x for x in rows if x[1] == "新增公共停车泊位")
    assert parking_row[5:9] == ("1113个", 55.7, 36.7, "超序时")
    client.force_login(users["housing"])
    ws = load_workbook(io.BytesIO(client.get("/livelihood/export/").content)).active
    assert not any("学校建设" in str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def test_photos_and_the_audit_trail(w, page, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tuijin.audit.models import AuditEntry

    settings.MEDIA_ROOT = tmp_path  # never the project's data/ directory
    client, users, parking, school = page
    client.force_login(users["housing"])
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    photo = SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")
    target = parking.targets.get()
    r = client.post(f"/livelihood/items/{parking.pk}/report/2024/6/",
                    {f"target_{target.pk}": "1200", "progress_text": "新建停车场", "photos": [photo]})
    assert r.status_code == 302, r.context["form"].errors
    report = ItemReport.objects.get(item=parking, month=6)
    assert report.photos.count() == 1
    entry = AuditEntry.objects.filter(model="livelihood.ItemReport", object_id=str(report.pk)).get()
    assert entry.actor == users["housing"]
    assert entry.after["progress"] == {str(target.pk): {"done": "1200.00", "delivered": []}}
    assert AuditEntry.objects.filter(model="livelihood.ItemPhoto").count() == 1
    assert AuditEntry.objects.filter(model="livelihood.Item", action="update").exists()  # the milestone plan
    # The photo is linked from the item's page and served by the app, after the item's scope check.
    ph = report.photos.get()
    assert f"/livelihood/photos/{ph.pk}/" in client.get(f"/livelihood/items/{parking.pk}/").content.decode()
    served = client.get(f"/livelihood/photos/{ph.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == buffer.getvalue()
    client.logout()
    assert client.get(f"/livelihood/photos/{ph.pk}/").status_code == 302
