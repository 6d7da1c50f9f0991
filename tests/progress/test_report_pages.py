"""The report form as a reporter uses it: prefilled, submitted with photos whose EXIF time and GPS position
are kept, warnings shown for confirmation, and other districts' projects out of reach."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.progress.models import MonthlyReport, ReportPhoto


def jpeg(with_exif: bool) -> bytes:
    img = Image.new("RGB", (32, 24), (40, 90, 160))
    exif = Image.Exif()
    if with_exif:
        exif.get_ifd(0x8769)[36867] = "2024:07:18 09:30:00"
        exif[0x8825] = {1: "N", 2: (32.0, 12.0, 36.0), 3: "E", 4: (119.0, 27.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def reporter_world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city, d = f.city_tree("镇江市", ("京口区", "润州区"))
    lst = f.annual_list(city, "市重大项目")
    mine = f.project(d["京口区"], total=Decimal(80000))
    other = f.project(d["润州区"], total=Decimal(80000))
    for p in (mine, other):
        f.entry(lst, p, plan=Decimal(24000))
        f.reports(p, 2024, [Decimal(1000)] * 6)
    reporter = f.user("rep", d["京口区"], Role.REPORTER)
    mine.reporters.add(reporter)
    return reporter, mine, other


def test_the_report_form_prints_amounts_through_the_numbers_module(client, reporter_world):
    """计划总投资 80000, 年度计划 24000, 上月累计 6 × 1000 = 6000 万元: separators, no ".00" (wan_text)."""
    reporter, mine, _ = reporter_world
    client.force_login(reporter)
    html = client.get(f"/reports/{mine.pk}/2024/7/").content.decode()
    assert "<dd>80,000 万元</dd>" in html and "<dd>24,000 万元</dd>" in html and "<dd>6,000 万元</dd>" in html
    # the months already reported: 当月 1000, 累计 1000 … 6000
    assert '<td class="num">1,000</td><td class="num">6,000</td>' in html
    assert "80000.00" not in html and "1000.00<" not in html


def test_submit_with_photos_keeps_time_and_location(client, reporter_world):
    reporter, mine, _ = reporter_world
    client.force_login(reporter)
    url = f"/reports/{mine.pk}/2024/7/"
    page = client.get(url)
    assert page.status_code == 200 and "6,000 万元" in page.content.decode()  # 上月累计 (tuijin.core.numbers)
    response = client.post(url, {
        "amount": "1200", "progress_text": "设备进场", "submit": "1",
        "photos": [SimpleUploadedFile("a.jpg", jpeg(True), "image/jpeg"),
                   SimpleUploadedFile("b.jpg", jpeg(False), "image/jpeg")],
    })
    assert response.status_code == 302
    report = MonthlyReport.objects.get(project=mine, year=2024, month=7)
    assert (report.amount, report.ytd) == (Decimal("1200.00"), Decimal("7200.00"))
    photos = sorted(ReportPhoto.objects.filter(report=report), key=lambda p: p.image.name)
    assert len(photos) == 2
    assert photos[0].taken_at.astimezone(datetime.UTC).replace(tzinfo=None) == datetime.datetime(2024, 7, 18, 1, 30)
    assert (photos[0].latitude, photos[0].longitude) == (Decimal("32.210000"), Decimal("119.450000"))
    assert (photos[1].taken_at, photos[1].latitude) == (None, None)

    # The photos are listed on the month's page and served by the app to those who may see the project only.
    page = client.get(url).content.decode()
    assert f"/reports/photos/{photos[0].pk}/" in page
    served = client.get(f"/reports/photos/{photos[0].pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == photos[0].image.open("rb").read()
    outsider = f.user("other_rep", mine.unit.parent.children.exclude(pk=mine.unit_id).get(), Role.REPORTER)
    client.force_login(outsider)
    assert client.get(f"/reports/photos/{photos[0].pk}/").status_code == 404
    client.logout()
    assert client.get(f"/reports/photos/{photos[0].pk}/").status_code == 302  # to the login page


def test_a_bad_photo_leaves_nothing_written(client, reporter_world):
    """A file that is not an image is refused by name, and neither the report nor the ticked milestone nor the
    good photo beside it is saved (one transaction)."""
    from tuijin.projects.models import Milestone

    reporter, mine, _ = reporter_world
    client.force_login(reporter)
    response = client.post(f"/reports/{mine.pk}/2024/7/", {
        "amount": "1200", "progress_text": "设备进场", "submit": "1", "milestones": ["land"],
        "photos": [SimpleUploadedFile("a.jpg", jpeg(True), "image/jpeg"),
                   SimpleUploadedFile("合同.pdf", b"%PDF-1.4 not a photo", "application/pdf")],
    })
    assert response.status_code == 200 and "合同.pdf 不是图片" in response.content.decode()
    assert not MonthlyReport.objects.filter(project=mine, year=2024, month=7).exists()
    assert not Milestone.objects.filter(project=mine).exists() and not ReportPhoto.objects.exists()


def test_a_jump_is_shown_for_confirmation_then_saved(client, reporter_world):
    reporter, mine, _ = reporter_world
    client.force_login(reporter)
    url = f"/reports/{mine.pk}/2024/7/"
    response = client.post(url, {"amount": "9000", "submit": "1"})
    assert response.status_code == 200 and "请核实以下提示" in response.content.decode()
    assert not MonthlyReport.objects.filter(project=mine, month=7).exists()
    response = client.post(url, {"amount": "9000", "submit": "1", "confirm_warnings": "on"})
    assert response.status_code == 302
    assert MonthlyReport.objects.get(project=mine, month=7).confirmed_warnings == ["month_jump"]


def test_another_districts_project_is_not_found(client, reporter_world):
    reporter, _, other = reporter_world
    client.force_login(reporter)
    assert client.get(f"/reports/{other.pk}/2024/7/").status_code == 404
