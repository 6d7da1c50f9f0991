"""The demo's map: schematic boundaries for each demo city's districts and positions for its projects.

No third-party map file: the outlines are generated here, a jittered grid of cells around the city's centre
(a real-ish centre, so the map sits where the city is, but the shapes are NOT the real districts — they are
marked 示意 and the city replaces them with its own approved data). They go in through the same import as a
city's GeoJSON (services.import_boundaries), and the projects' 经纬度 through the projects service
(update_project), a point inside the project's district cell (projects of the city itself near the centre).
Deterministic: every draw comes from a generator seeded by a name or a project code, never from the demo
builder's own random sequence (which the published figures depend on). One project in twelve is left without
a position, as in a real registry, so the map says how many are missing."""

from __future__ import annotations

import json
import math
import random
from decimal import Decimal

from tuijin.orgs.models import DISTRICT_KINDS, OrgUnit


def _demo_actor():
    """The named system actor the demo writes as (services refuse a write without an actor)."""
    from tuijin.accounts.services import system_actor

    return system_actor("演示数据")

CENTRES = {
    "镇江市": (119.455, 32.205),
    "苏州市": (120.585, 31.300),
}  # approximate city centres (lon, lat)
CELL = (0.17, 0.13)  # a cell's width and height in degrees
Q6 = Decimal("0.000001")


def _grid(n: int) -> tuple[int, int]:
    cols = max(1, math.ceil(math.sqrt(n * 1.4)))
    return cols, math.ceil(n / cols)


def schematic_cells(city: OrgUnit, districts: list[OrgUnit]) -> dict[int, tuple[list, tuple]]:
    """{unit id: (closed ring [[lon, lat] …], (west, south, east, north) of the cell's inner box)}."""
    lon0, lat0 = CENTRES.get(city.name, (118.8, 32.05))
    cols, rows = _grid(len(districts))
    w, h = CELL
    left, top = lon0 - cols * w / 2, lat0 + rows * h / 2
    rng = random.Random(f"geo-demo:{city.name}")
    corners = {}
    for i in range(cols + 1):
        for j in range(rows + 1):
            inner = 0 < i < cols and 0 < j < rows
            dx, dy = (
                (rng.uniform(-0.22, 0.22) * w, rng.uniform(-0.22, 0.22) * h) if inner else (0, 0)
            )
            corners[(i, j)] = (left + i * w + dx, top - j * h + dy)
    mids = {}  # edge midpoints, jittered across the edge (shared by both cells: the outlines stay a tessellation)
    for (i, j), (x, y) in corners.items():
        if i < cols:
            x2, y2 = corners[(i + 1, j)]
            jit = rng.uniform(-0.12, 0.12) * h if 0 < j < rows else 0
            mids[("h", i, j)] = ((x + x2) / 2, (y + y2) / 2 + jit)
        if j < rows:
            x2, y2 = corners[(i, j + 1)]
            jit = rng.uniform(-0.12, 0.12) * w if 0 < i < cols else 0
            mids[("v", i, j)] = ((x + x2) / 2 + jit, (y + y2) / 2)
    out = {}
    for k, unit in enumerate(districts):
        i, j = k % cols, k // cols
        ring = [
            corners[(i, j)],
            mids[("h", i, j)],
            corners[(i + 1, j)],
            mids[("v", i + 1, j)],
            corners[(i + 1, j + 1)],
            mids[("h", i, j + 1)],
            corners[(i, j + 1)],
            mids[("v", i, j)],
        ]
        ring = [[round(x, 6), round(y, 6)] for x, y in ring]
        ring.append(ring[0])
        cx, cy = left + (i + 0.5) * w, top - (j + 0.5) * h
        out[unit.pk] = (ring, (cx - w * 0.28, cy - h * 0.28, cx + w * 0.28, cy + h * 0.28))
    return out


def schematic_geojson(city: OrgUnit, districts: list[OrgUnit]) -> tuple[bytes, dict[int, tuple]]:
    cells = schematic_cells(city, districts)
    features = [
        {
            "type": "Feature",
            "properties": {"名称": u.name, "行政区划代码": u.region_code, "示意": True},
            "geometry": {"type": "Polygon", "coordinates": [cells[u.pk][0]]},
        }
        for u in districts
    ]
    doc = {
        "type": "FeatureCollection",
        "name": f"{city.name}示意边界 (演示, 非真实边界)",
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8"), {
        pk: c[1] for pk, c in cells.items()
    }


def build_geo_demo(*, zhenjiang: OrgUnit, suzhou: OrgUnit) -> dict[str, int]:
    from tuijin.accounts.services import system_actor
    from tuijin.projects.models import Project
    from tuijin.projects.services import update_project

    from .services import import_boundaries

    actor = system_actor("演示数据")
    placed = {}
    for city in (zhenjiang, suzhou):
        districts = list(city.children.filter(kind__in=DISTRICT_KINDS).order_by("sort_order", "pk"))
        data, boxes = schematic_geojson(city, districts)
        import_boundaries(
            city=city, data=data, filename=f"{city.name}示意边界.geojson", actor=actor, is_demo=True
        )
        lon0, lat0 = CENTRES.get(city.name, (118.8, 32.05))
        box_of = {}
        for d in districts:
            box_of[d.path] = boxes[d.pk]
        n = 0
        for p in (
            Project.objects.filter(unit__path__startswith=city.path)
            .select_related("unit")
            .order_by("code")
        ):
            rng = random.Random(f"geo-demo:{p.code}")
            if rng.random() < 1 / 12:
                continue
            box = next((b for path, b in box_of.items() if p.unit.path.startswith(path)), None)
            if box is None:  # the city's own projects: around the centre
                box = (lon0 - 0.03, lat0 - 0.02, lon0 + 0.03, lat0 + 0.02)
            lon = Decimal(str(rng.uniform(box[0], box[2]))).quantize(Q6)
            lat = Decimal(str(rng.uniform(box[1], box[3]))).quantize(Q6)
            update_project(project=p, longitude=lon, latitude=lat, reason="演示: 示意坐标", actor=_demo_actor())
            n += 1
        placed[city.name] = n
    return placed
