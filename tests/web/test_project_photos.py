"""A reviewer sees a project's site photos on its page as a gallery by month (newest month first, the count in
the month's report row), and the photo's audit entry speaks of 月报 and 照片, not of a field named `report`."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.progress.services import add_photo


def jpeg(colour) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "JPEG")
    return SimpleUploadedFile("site.jpg", buf.getvalue(), "image/jpeg")


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city, d = f.city_tree("测试市", ("甲区",))
    p = f.project(d["甲区"], name="甲区一号项目", total=Decimal(20000))
    f.entry(f.annual_list(city), p)
    may, june = f.reports(p, 2024, [Decimal(100), Decimal(200)], first_month=5)
    reviewer = f.user("adm", d["甲区"], Role.DISTRICT_ADMIN)
    photos = [add_photo(report=may, upload=jpeg((10, 10, 10)), actor=reviewer),
              add_photo(report=june, upload=jpeg((20, 20, 20)), actor=reviewer),
              add_photo(report=june, upload=jpeg((30, 30, 30)), actor=reviewer)]
    return p, reviewer, photos


def test_the_project_page_shows_a_gallery_by_month(client, world):
    project, reviewer, photos = world
    client.force_login(reviewer)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    gallery = page[page.index('id="photos"'):page.index('id="reports"')]
    assert gallery.index("2024年6月") < gallery.index("2024年5月")  # newest month first
    june = gallery[gallery.index("2024年6月"):gallery.index("2024年5月")]
    assert "(2 张)" in june and f"/reports/photos/{photos[1].pk}/" in june and f"/reports/photos/{photos[2].pk}/" in june
    assert f"/reports/photos/{photos[0].pk}/" in gallery[gallery.index("2024年5月"):]
    reports = page[page.index('id="reports"'):page.index('id="history"')]
    assert '<a href="#photos">2 张</a>' in reports and '<a href="#photos">1 张</a>' in reports
    history = page[page.index('id="history"'):]
    assert '<span class="field">照片</span>' in history and '<span class="field">月报</span>' in history
    assert '<span class="field">report</span>' not in history
    assert client.get(f"/reports/photos/{photos[0].pk}/").status_code == 200
