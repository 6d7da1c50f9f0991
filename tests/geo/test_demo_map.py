"""The demo's map: 镇江市's 8 and 苏州市's 10 districts carry a schematic (示意) boundary imported through the
boundary service, and about eleven projects in twelve a position inside their district's cell (the rest
none, as in a real registry: the map says how many)."""

import pytest

pytestmark = pytest.mark.demo


def _inside(point, ring) -> bool:
    """Ray casting: whether (lon, lat) lies inside the closed ring."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def test_demo_boundaries_and_positions(demo):
    from tuijin.geo.models import Boundary
    from tuijin.orgs.models import DISTRICT_KINDS
    from tuijin.orgs.selectors import city_by_name
    from tuijin.projects.models import Project

    for name, districts in (("镇江市", 8), ("苏州市", 10)):
        city = city_by_name(name)
        shapes = {b.unit_id: b for b in Boundary.objects.filter(unit__parent=city)}
        assert len(shapes) == districts and all(
            b.is_demo and b.geometry["type"] == "Polygon" for b in shapes.values()
        )
        assert set(shapes) == set(
            city.children.filter(kind__in=DISTRICT_KINDS).values_list("pk", flat=True)
        )
        projects = list(
            Project.objects.filter(unit__path__startswith=city.path).select_related("unit")
        )
        placed = [p for p in projects if p.longitude is not None]
        assert 0.85 < len(placed) / len(projects) < 0.97
        for p in placed:
            district = next(pk for pk in shapes if f"/{pk}/" in p.unit.path)
            ring = shapes[district].geometry["coordinates"][0]
            assert _inside((float(p.longitude), float(p.latitude)), ring), (p.code, p.unit.name)
