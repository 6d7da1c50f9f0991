"""Boundary validation (geo.geometry and geo.services.import_boundaries): only Polygon / MultiPolygon, every
vertex within China's extent (经度 73–136, 纬度 3–54), rings closed and of four positions at least, a size limit,
features named by a unit of the city (名称 or 行政区划代码), one boundary per unit; every refusal is one Chinese
line naming the feature and what is wrong, and nothing is stored."""

import json

import pytest

from tests.factories import SYSTEM
from tuijin.core.errors import InputError
from tuijin.geo import geometry
from tuijin.geo.models import Boundary
from tuijin.geo.services import import_boundaries

from .conftest import collection, feature, square


def refused(town, data, match, **kw):
    with pytest.raises(InputError) as exc:
        import_boundaries(
            city=town.city, data=data, filename="x.geojson", actor=town.users["admin"], **kw
        )
    assert match in exc.value.text, exc.value.text
    assert not Boundary.objects.exists()
    return exc.value.text


def test_a_good_collection_is_stored_by_name_and_by_code(town):
    """甲区 by 名称, 乙区 by its 行政区划代码 (set here to 999102); the coordinates are kept to 6 places."""
    from tuijin.orgs.models import OrgUnit

    OrgUnit.objects.filter(pk=town.yi.pk).update(region_code="999102")
    g = square(119.1234567, 32.0)
    result = import_boundaries(
        city=town.city,
        data=collection(feature(g, 名称="甲区"), feature(square(119.3, 32.0), adcode="999102")),
        filename="测试市.geojson",
        actor=town.users["admin"],
    )
    assert sorted(result.created) == ["乙区", "甲区"]
    b = Boundary.objects.get(unit=town.jia)
    assert b.geometry["type"] == "Polygon" and b.points == 5
    assert b.geometry["coordinates"][0][0] == [119.123457, 32.0]
    again = import_boundaries(
        city=town.city,
        data=collection(feature(square(119.0, 32.0), name="甲区")),
        filename="第二次.geojson",
        actor=town.users["admin"],
    )
    assert again.updated == ["甲区"] and Boundary.objects.count() == 2  # one per unit: replaced


def test_a_multipolygon_is_accepted(town):
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(119, 32)["coordinates"], square(119.5, 32)["coordinates"]],
    }
    import_boundaries(
        city=town.city, data=collection(feature(multi, 名称="丙区")), actor=town.users["admin"]
    )
    assert Boundary.objects.get(unit=town.bing).points == 10


@pytest.mark.parametrize(
    "data, match",
    [
        (b"{not json", "不是有效的 geojson 边界文件: 第 1 行第 2 列"),
        ("\ufeff[1, 2]".encode("utf-8"), "应为 geojson 边界文件 (FeatureCollection), 实际类型为 'list'"),
        (b'{"type": "FeatureCollection", "features": []}', "FeatureCollection 中没有要素"),
        (
            collection(feature({"type": "Point", "coordinates": [119, 32]}, 名称="甲区")),
            "第 1 个要素 (甲区): 几何类型为 'Point', 只接受 Polygon 或 MultiPolygon",
        ),
        (
            collection(
                feature(
                    {"type": "LineString", "coordinates": [[119, 32], [119.1, 32]]}, 名称="甲区"
                )
            ),
            "几何类型为 'LineString'",
        ),
        (collection(feature(None, 名称="甲区")), "第 1 个要素 (甲区): 缺少几何图形"),
        (
            collection(
                feature(
                    {
                        "type": "Polygon",
                        "coordinates": [[[119, 32], [119.1, 32], [119.1, 32.1], [119, 32.1]]],
                    },
                    名称="甲区",
                )
            ),
            "环未闭合 (首点 [119.0, 32.0] 与末点 [119.0, 32.1] 不同)",
        ),
        (
            collection(
                feature(
                    {"type": "Polygon", "coordinates": [[[119, 32], [119.1, 32], [119, 32]]]},
                    名称="甲区",
                )
            ),
            "每个环至少需要 4 个点 (首尾相同), 实际 3",
        ),
        (
            collection(
                feature(
                    {
                        "type": "Polygon",
                        "coordinates": [[[119, 32], ["东", 32], [119.1, 32.1], [119, 32]]],
                    },
                    名称="甲区",
                )
            ),
            "第 2 个点: 坐标不是数字",
        ),
        (
            collection(
                feature(
                    {
                        "type": "Polygon",
                        "coordinates": [[[119, 32], [True, 32], [119.1, 32.1], [119, 32]]],
                    },
                    名称="甲区",
                )
            ),
            "第 2 个点: 坐标不是数字",
        ),
    ],
)
def test_bad_geojson_is_refused_naming_what_is_wrong(town, data, match):
    refused(town, data, match)


def test_out_of_bounds_names_the_point_and_a_swapped_pair(town):
    """[-0.1, 51.5] (London) is outside; [32.0, 119.0] is a swapped pair (纬度 first); 500000 is a projected
    metre coordinate."""
    london = square(-0.1, 51.5)
    text = refused(
        town,
        collection(feature(london, 名称="甲区")),
        "第 1 个要素 (甲区)第 1 个点 [-0.1, 51.5] 超出范围",
    )
    assert "经度 73 至 136" in text and "纬度 3 至 54" in text
    swapped = {
        "type": "Polygon",
        "coordinates": [[[32.0, 119.0], [32.1, 119.0], [32.1, 119.1], [32.0, 119.0]]],
    }
    assert "是否经纬度顺序反了" in refused(
        town, collection(feature(swapped, 名称="甲区")), "超出范围"
    )
    metres = {
        "type": "Polygon",
        "coordinates": [
            [[500000, 3500000], [500100, 3500000], [500100, 3500100], [500000, 3500000]]
        ],
    }
    assert "不是投影坐标" in refused(town, collection(feature(metres, 名称="甲区")), "超出范围")


def test_unknown_unit_other_city_and_department_are_refused(town):
    """A feature must name a unit of this city: 外区 (外市's) and a name nobody has are refused alike; so is a
    feature without any name or code."""
    from tuijin.orgs.services import create_unit

    create_unit(name="测试市发改委", kind="department", parent=town.city, actor=SYSTEM)
    refused(
        town,
        collection(feature(square(119, 32), 名称="外区")),
        "第 1 个要素 (外区): 名称 '外区' 不是 测试市 的单位",
    )
    refused(
        town, collection(feature(square(119, 32), 名称="丁区")), "名称 '丁区' 不是 测试市 的单位"
    )
    refused(town, collection(feature(square(119, 32), 名称="测试市发改委")), "不是 测试市 的单位")
    refused(
        town,
        collection(feature(square(119, 32), adcode="110101")),
        "行政区划代码 '110101' 不是 测试市 的单位",
    )
    refused(
        town,
        collection(feature(square(119, 32), 面积=12)),
        "属性中没有 名称 (name) 或 行政区划代码 (adcode)",
    )


def test_one_boundary_per_unit_and_all_or_nothing(town):
    """The second feature for 甲区 refuses the file, and 乙区 (valid, first) is not stored either."""
    refused(
        town,
        collection(
            feature(square(119.2, 32), 名称="乙区"),
            feature(square(119, 32), 名称="甲区"),
            feature(square(119, 32.2), 名称="甲区"),
        ),
        "第 3 个要素 (甲区): 甲区 的边界在文件中出现了两次",
    )


def test_size_limits(town, monkeypatch):
    monkeypatch.setattr(geometry, "MAX_POINTS", 4)
    refused(town, collection(feature(square(119, 32), 名称="甲区")), "顶点 5 个, 超过上限 4 个")
    monkeypatch.setattr(geometry, "MAX_FILE_BYTES", 10)
    refused(town, collection(feature(square(119, 32), 名称="甲区")), "超过上限")


def test_a_single_unit_upload(town):
    """With a unit chosen, a bare geometry is that unit's; a file of two features is refused."""
    import_boundaries(
        city=town.city,
        data=json.dumps(square(119, 32)).encode(),
        actor=town.users["admin"],
        unit=town.park,
    )
    assert Boundary.objects.get().unit == town.park
    with pytest.raises(InputError, match="应只含 1 个要素, 实际 2 个"):
        import_boundaries(
            city=town.city,
            data=collection(feature(square(119, 32)), feature(square(119, 33))),
            actor=town.users["admin"],
            unit=town.jia,
        )


def test_only_the_city_administrator_imports(town):
    from django.core.exceptions import PermissionDenied

    data = collection(feature(square(119, 32), 名称="甲区"))
    for who in ("leader", "jia_admin", "outsider"):
        with pytest.raises(PermissionDenied):
            import_boundaries(city=town.city, data=data, actor=town.users[who])
    assert not Boundary.objects.exists()


def test_the_import_is_audited(town):
    from tuijin.audit.models import AuditEntry

    import_boundaries(
        city=town.city,
        data=collection(feature(square(119, 32), 名称="甲区")),
        filename="a.geojson",
        actor=town.users["admin"],
    )
    entry = AuditEntry.objects.filter(model__icontains="boundary").latest("pk")
    assert entry.actor == town.users["admin"] and entry.reason == "导入边界: a.geojson"
