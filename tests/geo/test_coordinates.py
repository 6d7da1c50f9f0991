"""A project's 经纬度: both or neither, within China's extent (经度 73–136, 纬度 3–54), 6 places, kept by the
projects service (create, update), the project form, the registry import (columns 经度 / 纬度) and taken from
a site photo's GPS when the reporter asks for it (用照片位置作为项目位置); the database refuses the rest."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests import factories as f
from tuijin.core.errors import InputError
from tuijin.projects.models import Project
from tuijin.projects.services import check_position, update_project


@pytest.mark.parametrize(
    "lon, lat, expected",
    [
        (
            "119.4558331",
            "32.2044449",
            (Decimal("119.455833"), Decimal("32.204445")),
        ),  # rounded half up to 6 places
        (119, 32, (Decimal("119.000000"), Decimal("32.000000"))),
        ("", "", (None, None)),
        (None, None, (None, None)),
    ],
)
def test_good_positions(lon, lat, expected):
    assert check_position(lon, lat) == expected


@pytest.mark.parametrize(
    "lon, lat, message",
    [
        ("东经119", "32", "经度：东经119 不是数字"),
        ("190", "32", "经度：190 超出允许范围（73 至 136）"),
        ("-0.12", "51.5", "经度：-0.12 超出允许范围（73 至 136）"),
        ("119", "60", "纬度：60 超出允许范围（3 至 54）"),
        ("119", "nan", "纬度：nan 不是有限的数字"),
        ("119", "", "经度和纬度应同时填写: 缺少纬度"),
        (None, "32", "经度和纬度应同时填写: 缺少经度"),
    ],
)
def test_bad_positions_are_refused_naming_the_field_and_value(lon, lat, message):
    with pytest.raises(InputError) as exc:
        check_position(lon, lat)
    assert message in exc.value.text


def test_the_service_keeps_and_clears_a_position(town):
    p = update_project(
        project=town.p[1], longitude="119.1", latitude="32.1", actor=town.users["admin"]
    )
    assert (p.longitude, p.latitude) == (Decimal("119.1"), Decimal("32.1"))
    with pytest.raises(InputError, match="缺少经度"):
        update_project(
            project=p, longitude=None, actor=town.users["admin"]
        )  # the latitude alone stays: refused
    p = update_project(project=p, longitude=None, latitude=None, actor=town.users["admin"])
    p.refresh_from_db()
    assert p.longitude is None and p.latitude is None


def test_the_database_refuses_what_the_service_would(town):
    for lon, lat in ((Decimal(200), Decimal(32)), (Decimal(119), None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Project.objects.filter(pk=town.p[1].pk).update(longitude=lon, latitude=lat)


def test_create_with_a_position(town):
    p = f.project(town.jia, longitude="119.2", latitude="32.3")
    assert (p.longitude, p.latitude) == (Decimal("119.2"), Decimal("32.3"))


def test_the_project_form_takes_and_refuses_a_position(town, client):
    """The edit form: 经度 120.5 / 纬度 31.25 are saved; 纬度 320 is refused on the field with its value."""
    from tuijin.web.forms import ProjectForm

    client.force_login(town.users["admin"])
    p = town.p[3]
    data = {
        k: ("" if v is None else getattr(v, "pk", v)) for k, v in ProjectForm.initial_for(p).items()
    }
    data.update(longitude="120.5", latitude="31.25", reason="补充经纬度")
    r = client.post(f"/projects/{p.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    p.refresh_from_db()
    assert (p.longitude, p.latitude) == (Decimal("120.5"), Decimal("31.25"))
    data.update(latitude="320")
    r = client.post(f"/projects/{p.pk}/edit/", data)
    assert r.status_code == 400
    assert "纬度：320 超出允许范围（3 至 54）" in r.content.decode()
    r = client.get(f"/projects/{p.pk}/edit/")
    assert 'name="longitude"' in r.content.decode() and 'value="120.500000"' in r.content.decode()


def test_the_registry_import_reads_longitude_and_latitude_columns(town):
    """Row 2 sets P1's position; row 3 has 纬度 in the 经度 cell and the other way round (named as swapped);
    row 4 has only 经度 for a project without a position."""
    from tuijin.core import exports
    from tuijin.progress.registry import commit_projects, plan_projects

    admin = town.users["admin"]
    good = exports.csv_text(
        [
            ["项目代码", "项目名称", "所属单位", "经度", "纬度"],
            [town.p[1].code, town.p[1].name, "甲区", "119.123456", "32.654321"],
        ]
    ).encode()
    plan = plan_projects(user=admin, data=good, filename="位置.csv")
    assert plan.ok and plan.updated == 1, [str(e) for e in plan.errors]
    assert "经度: 空 → 119.123456" in plan.changes[0].text
    commit_projects(user=admin, plan=plan)
    town.p[1].refresh_from_db()
    assert (town.p[1].longitude, town.p[1].latitude) == (
        Decimal("119.123456"),
        Decimal("32.654321"),
    )
    bad = exports.csv_text(
        [
            ["项目代码", "项目名称", "所属单位", "经度", "纬度"],
            [town.p[3].code, town.p[3].name, "乙区", "32.1", "119.2"],
            [town.p[5].code, town.p[5].name, "丙区", "119.2", ""],
        ]
    ).encode()
    plan = plan_projects(user=admin, data=bad, filename="位置.csv")
    reasons = [(e.row, e.reason) for e in plan.errors]
    assert (2, "经度：32.1 超出允许范围（73 至 136） (是否经度和纬度填反了?)") in reasons, reasons
    assert (2, "纬度：119.2 超出允许范围（3 至 54） (是否经度和纬度填反了?)") in reasons, reasons
    assert (3, "经度和纬度应同时填写: 缺少纬度") in reasons, reasons


def _photo(report, lat, lon, taken=None):
    from tuijin.progress.models import ReportPhoto

    return ReportPhoto.objects.create(
        report=report, image="report-photos/x.jpg", latitude=lat, longitude=lon, taken_at=taken
    )


def test_a_photo_position_becomes_the_project_position_when_the_reporter_asks(town, client):
    """P1's 填报员 takes the GPS of its May photo (32.1 N, 119.05 E) as P1's position: audited with the photo;
    a photo without GPS is refused in words; another district's reporter gets a 404; a leader (no REPORT) 403."""
    from django.utils import timezone

    from tuijin.audit.models import AuditEntry
    from tuijin.progress.models import MonthlyReport

    report = MonthlyReport.objects.get(project=town.p[1], year=2024, month=5)
    photo = _photo(
        report,
        Decimal("32.100000"),
        Decimal("119.050000"),
        timezone.make_aware(datetime.datetime(2024, 5, 20, 10, 30)),
    )
    blind = _photo(report, None, None)
    client.force_login(town.users["reporter"])
    r = client.post(f"/map/photos/{photo.pk}/position/", {"next": "/reports/"})
    assert r.status_code == 302 and r["Location"] == "/reports/"
    town.p[1].refresh_from_db()
    assert (town.p[1].longitude, town.p[1].latitude) == (Decimal("119.05"), Decimal("32.1"))
    entry = AuditEntry.objects.filter(model="projects.Project", object_id=str(town.p[1].pk)).latest(
        "pk"
    )
    assert entry.reason == f"用照片位置作为项目位置 (照片 {photo.pk}, 拍摄于 2024-05-20 10:30)"
    form = client.get(f"/reports/{town.p[1].pk}/2024/6/").content.decode()
    assert form.count("用照片位置作为项目位置") == 1  # beside the photo with GPS only
    assert f'action="/map/photos/{photo.pk}/position/"' in form
    r = client.post(f"/map/photos/{blind.pk}/position/", follow=True)
    assert "这张照片没有拍摄位置 (GPS), 不能用作项目位置" in r.content.decode()
    other = MonthlyReport.objects.get(project=town.p[3], year=2024, month=5)
    assert (
        client.post(
            f"/map/photos/{_photo(other, Decimal(32), Decimal(119)).pk}/position/"
        ).status_code
        == 404
    )
    client.force_login(town.users["leader"])
    assert client.post(f"/map/photos/{photo.pk}/position/").status_code == 403


def test_the_registry_template_carries_positions_and_imports_back_unchanged(town, client):
    """The 项目库 template's columns N (经度) and O (纬度) hold P1's position (119.123456, 32.654321) to 6
    places; the workbook as downloaded changes nothing."""
    import io

    import openpyxl

    from tuijin.progress.registry import plan_projects

    admin = town.users["admin"]
    update_project(project=town.p[1], longitude="119.123456", latitude="32.654321", actor=admin)
    client.force_login(admin)
    response = client.get("/reports/template/projects/")
    data = b"".join(response.streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data))["项目库"]
    assert (ws["N3"].value, ws["O3"].value, ws["N4"].value) == ("经度", "纬度", "度")
    row = next(r for r in range(5, 20) if ws.cell(r, 1).value == town.p[1].code)
    assert (ws.cell(row, 14).value, ws.cell(row, 15).value) == (119.123456, 32.654321)
    plan = plan_projects(user=admin, data=data, filename="项目库.xlsx")
    assert plan.ok and not plan.changes, [str(e) for e in plan.errors] + [c.text for c in plan.changes]
