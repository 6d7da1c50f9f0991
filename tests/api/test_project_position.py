"""经度 / 纬度 through the API: sent as numbers or decimal strings (6 places), returned as strings, both or
neither; out of China's extent or half a pair is a 422 naming the field and the value."""

from .conftest import error_of


def body(world, code, **extra):
    return {
        "code": code,
        "name": "甲区新材料项目",
        "unit_id": world.units["jia"].pk,
        "category": "industry",
        "total_investment": 30000,
        **extra,
    }


def test_create_and_patch_a_position(api, world):
    writer = api.as_(world.tokens["city_admin"])
    r = writer.post(
        "projects",
        body(world, "2024-320101-34-03-00051A", longitude=119.4558331, latitude="32.204444"),
    )
    assert r.status_code == 201, r.content
    assert (r.json()["longitude"], r.json()["latitude"]) == ("119.455833", "32.204444")
    pid = r.json()["id"]
    r = writer.patch(f"projects/{pid}", {"longitude": "120.1", "latitude": 31.5})
    assert r.status_code == 200 and (r.json()["longitude"], r.json()["latitude"]) == (
        "120.100000",
        "31.500000",
    )
    r = writer.patch(f"projects/{pid}", {"longitude": None, "latitude": None})
    assert r.status_code == 200 and r.json()["longitude"] is None and r.json()["latitude"] is None
    assert writer.get(f"projects/{pid}").json()["latitude"] is None


def test_bad_positions_are_422_naming_the_field(api, world):
    writer = api.as_(world.tokens["city_admin"])
    r = writer.post("projects", body(world, "2024-320101-34-03-00052A", longitude=200, latitude=32))
    assert r.status_code == 422
    assert "经度：200 超出允许范围（73 至 136）" in str(error_of(r))
    r = writer.post("projects", body(world, "2024-320101-34-03-00053A", longitude=119.2))
    assert r.status_code == 422 and "经度和纬度应同时填写: 缺少纬度" in str(error_of(r))
    r = writer.post(
        "projects", body(world, "2024-320101-34-03-00054A", longitude=True, latitude=32)
    )
    assert r.status_code == 422 and "经度应为数字" in str(error_of(r))
