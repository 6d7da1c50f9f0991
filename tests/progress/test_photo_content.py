"""The report form's photos are checked by their bytes: an SVG renamed .jpg and declared image/jpeg is refused
with a message naming it, and nothing is written (issue 15 item 9)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.progress.models import MonthlyReport, ReportPhoto

pytestmark = pytest.mark.django_db


def test_an_svg_renamed_jpg_is_not_a_photo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, d = f.city_tree("镇江市", ("京口区",))
    project = f.project(d["京口区"], total=Decimal(80000))
    reporter = f.user("rep", d["京口区"], Role.REPORTER)
    project.reporters.add(reporter)
    client.force_login(reporter)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    r = client.post(f"/reports/{project.pk}/2024/7/", {
        "amount": "100", "submit": "1", "photos": [SimpleUploadedFile("现场.jpg", svg, "image/jpeg")]})
    assert r.status_code == 200 and "现场.jpg 不是图片" in r.content.decode()
    assert not MonthlyReport.objects.exists() and not ReportPhoto.objects.exists()
