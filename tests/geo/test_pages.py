"""The map page and its data, the screen's data and the boundaries page, on the dashboard's hand-made town.

Through 2024-05 (1-5月, schedule share 5/12 = 41.7%), by district (plans and completed amounts in 万元 from
tests/dashboard/world.py):
    甲区 (with 甲区园区): P1 4000 / 10000, P2 0 / 20000 → 4000 / 30000 = 13.3%, 28.3 points behind (欠)
    乙区: P3 15000 / 30000, P4 1500 / 5000 → 16500 / 35000 = 47.1%, 5.5 ahead (超)
    丙区: P5 1000 / 6000, P6 1500 / 3000 → 2500 / 9000 = 27.8%, 13.9 behind
Points: P1, P2, P3, P5, P6 have a position (P4 none: one listed project without); their lights (by the default
rules): P1 green, P2 red, P3 green, P5 yellow, P6 green; sizes from 计划总投资 (P2 50000 万元 = 5.0 亿元, printed with the town's 1 decimal)."""

import pytest

from tuijin.geo.models import Boundary


def test_map_data(mapped, client):
    client.force_login(mapped.users["leader"])
    r = client.get("/map/data/", {"through": "2024-05"})
    assert r.status_code == 200
    d = r.json()
    regions = {x["name"]: x for x in d["regions"]}
    assert {n: (x["rate"], x["value"], x["variance"]) for n, x in regions.items()} == {
        "甲区": ("13.3%", 13.3, "欠 28.3 个百分点"),
        "乙区": ("47.1%", 47.1, "超 5.5 个百分点"),
        "丙区": ("27.8%", 27.8, "欠 13.9 个百分点"),
    }
    assert regions["甲区"]["url"].startswith("/dashboard/list/?key=projects&city=")
    assert f"unit={mapped.jia.pk}" in regions["甲区"]["url"]
    assert sorted(f["properties"]["name"] for f in d["geo"]["features"]) == ["丙区", "乙区", "甲区"]
    points = {p["name"]: p for p in d["points"]}
    P = mapped.p
    assert {n: p["light"] for n, p in points.items()} == {
        P[1].name: "green",
        P[2].name: "red",
        P[3].name: "green",
        P[5].name: "yellow",
        P[6].name: "green",
    }
    assert points[P[2].name]["total"] == "5.0" and points[P[2].name]["value"][2] == 5.0
    assert points[P[2].name]["url"] == f"/projects/{P[2].pk}/"
    assert d["without_position"] == 1
    assert "外市机密项目" not in r.content.decode()
    variance = client.get("/map/data/", {"through": "2024-05", "measure": "variance"}).json()
    assert {x["name"]: x["value"] for x in variance["regions"]} == {
        "甲区": -28.3,
        "乙区": 5.5,
        "丙区": -13.9,
    }


def test_map_of_a_district_and_a_district_user(mapped, client):
    """甲区's administrator sees 甲区 alone: its park has no boundary, so 甲区's own outline is drawn."""
    client.force_login(mapped.users["jia_admin"])
    d = client.get("/map/data/", {"through": "2024-05"}).json()
    assert [x["name"] for x in d["regions"]] == ["甲区园区"]
    assert [f["properties"]["name"] for f in d["geo"]["features"]] == []
    assert {p["name"] for p in d["points"]} == {mapped.p[1].name, mapped.p[2].name}
    assert (
        client.get("/map/data/", {"through": "2024-05", "unit": mapped.yi.pk}).status_code == 400
    )  # not offered


def test_map_page(mapped, client):
    client.force_login(mapped.users["leader"])
    r = client.get("/map/", {"through": "2024-05"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="map-data"' in html and "data-geo-map" in html and "vendor/echarts.min.js" in html
    assert "1 个项目尚未填写经纬度" in html and "查看项目" in html
    assert client.get("/map/", {"through": "2024-13"}).status_code == 400


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_map_queries_are_pinned(mapped, client, django_assert_max_num_queries, role, settings):
    """The map's data in a fixed number of queries, whatever the number of projects (the engine's cache off)."""
    settings.INDICATOR_CACHE_SECONDS = 0
    client.force_login(mapped.users[role])
    client.get("/map/data/", {"through": "2024-05"})
    with django_assert_max_num_queries(45):
        assert client.get("/map/data/", {"through": "2024-05"}).status_code == 200


def test_screen_data_and_page(mapped, client):
    client.force_login(mapped.users["leader"])
    page = client.get("/screen/", {"through": "2024-05", "refresh": "5", "rotate": "3"})
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'data-refresh="5"' in html
        and 'data-rotate="3"' in html
        and "/screen/data/?through=2024-05" in html
    )
    d = client.get("/screen/data/", {"through": "2024-05"}).json()
    assert [k["label"] for k in d["kpis"]][:2] == ["完成投资", "年度投资完成率"]
    assert d["kpis"][1]["value"] == "31.1%"  # 23000 / 74000 万元
    assert [(r["name"], r["rate"]) for r in d["ranking"]] == [
        ("乙区", "47.1%"),
        ("丙区", "27.8%"),
        ("甲区", "13.3%"),
    ]
    assert d["lights"] == {"red": 1, "yellow": 2, "green": 3}
    assert [s["name"] for s in d["signings"]] == ["乙区新签约物流项目", "甲区新签约智能装备项目"]
    assert d["trend"]["series"][0]["data"][4]["text"] == "31.1%"


def test_screen_queries_are_pinned(mapped, client, django_assert_max_num_queries, settings):
    settings.INDICATOR_CACHE_SECONDS = 0
    client.force_login(mapped.users["leader"])
    client.get("/screen/data/", {"through": "2024-05"})
    with django_assert_max_num_queries(110):
        assert client.get("/screen/data/", {"through": "2024-05"}).status_code == 200


def test_the_boundaries_page(town, client):
    from .conftest import collection, feature, square

    client.force_login(town.users["admin"])
    assert client.get("/map/boundaries/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("区界.geojson", collection(feature(square(119, 32), 名称="甲区")))
    r = client.post("/map/boundaries/", {"file": good}, follow=True)
    assert "已导入边界: 新增 1 个 (甲区)" in r.content.decode()
    bad = SimpleUploadedFile("区界.geojson", collection(feature(square(119, 32), 名称="丁区")))
    r = client.post("/map/boundaries/", {"file": bad})
    assert r.status_code == 400 and "名称 &#x27;丁区&#x27; 不是 测试市 的单位" in r.content.decode()
    r = client.post(f"/map/boundaries/{town.jia.pk}/delete/")
    assert r.status_code == 302 and not Boundary.objects.exists()
    client.force_login(town.users["leader"])
    assert client.get("/map/boundaries/").status_code == 403
    client.force_login(town.users["outsider"])
    assert client.post(f"/map/boundaries/{town.jia.pk}/delete/").status_code == 404


def test_boundaries_command(town, tmp_path, capsys):
    import json

    from django.core.management import call_command

    from .conftest import collection, feature, square

    path = tmp_path / "区界.geojson"
    path.write_bytes(
        collection(feature(square(119, 32), 名称="甲区"), feature(square(119.2, 32), 名称="乙区"))
    )
    call_command("boundaries", "import", str(path), "--city", "测试市", "--as", "town_admin")
    assert "测试市: 已导入边界 2 个 (新增 2, 更新 0)" in capsys.readouterr().out
    call_command("boundaries", "list", "--city", "测试市", "--json")
    rows = {r["unit"]: r["boundary"] for r in json.loads(capsys.readouterr().out)["units"]}
    assert rows["甲区"] and rows["乙区"] and not rows["丙区"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="只有本市的市管理员|不在您的权限范围内"):
        call_command("boundaries", "import", str(path), "--city", "测试市", "--as", "town_leader")
    path.write_bytes(b"{")
    with pytest.raises(CommandError, match="不是有效的 geojson 边界文件"):
        call_command("boundaries", "import", str(path), "--city", "测试市", "--as", "town_admin")
