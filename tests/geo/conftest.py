"""The dashboard's hand-made town (tests/dashboard/world.py: 测试市 with 甲区 (and 甲区园区), 乙区, 丙区, each
project's light worked out by hand) with square boundaries and project positions, for the map and screen."""

from __future__ import annotations

import json

import pytest

from tests.dashboard.world import build_town
from tests.worlds import fresh, module_world


def square(lon: float, lat: float, d: float = 0.1) -> dict:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False
    ).encode()


def feature(geometry, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


# (lon, lat) of each district's square's south-west corner; a project sits at the corner + 0.05.
CORNERS = {"甲区": (119.0, 32.0), "乙区": (119.2, 32.0), "丙区": (119.4, 32.0)}


def place(town):
    """Boundaries for 甲区 / 乙区 / 丙区 (through the import service) and a position for P1…P6 (P4 left out:
    the map says one listed project has no position)."""
    from tuijin.geo.services import import_boundaries
    from tuijin.projects.services import update_project

    data = collection(*(feature(square(*CORNERS[n]), 名称=n) for n in CORNERS))
    import_boundaries(
        city=town.city, data=data, filename="测试市.geojson", actor=town.users["admin"]
    )
    for key in (1, 2, 3, 5, 6):
        p = town.p[key]
        district = p.unit.name if p.unit.name in CORNERS else "甲区"
        lon, lat = CORNERS[district]
        update_project(
            project=p,
            longitude=f"{lon + 0.05:.6f}",
            latitude=f"{lat + 0.02 + key / 100:.6f}",
            actor=town.users["admin"],
        )
    return town


town_built_once = module_world(build_town)


@pytest.fixture
def town(town_built_once, db):
    return fresh(town_built_once)


@pytest.fixture
def mapped(town):
    return place(town)
