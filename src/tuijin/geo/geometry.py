"""Checking a boundary's GeoJSON before it is stored: only Polygon or MultiPolygon, every vertex a pair of
finite numbers within China's extent (经度 73 至 136, 纬度 3 至 54: core.bounds), every ring closed and of at
least four positions, and a size limit. Refusals are one Chinese line naming the feature and what is wrong."""

from __future__ import annotations

import json
import math
from decimal import Decimal

from tuijin.core.bounds import CN_LATITUDE, CN_LONGITUDE
from tuijin.core.errors import InputError

MAX_FILE_BYTES = 8 * 1024 * 1024  # an uploaded file (a whole city's FeatureCollection)
MAX_POINTS = (
    20_000  # vertices of one unit's boundary (simplify a surveyed outline before uploading)
)
PLACES = 6  # decimals kept (about 0.1 m)
TYPES = ("Polygon", "MultiPolygon")
LON_LOW, LON_HIGH = float(CN_LONGITUDE.low), float(CN_LONGITUDE.high)
LAT_LOW, LAT_HIGH = float(CN_LATITUDE.low), float(CN_LATITUDE.high)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _ring(ring, where: str) -> list[list[float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        got = len(ring) if isinstance(ring, list) else type(ring).__name__
        raise InputError(f"{where}: 每个环至少需要 4 个点 (首尾相同), 实际 {got}", field="file")
    out = []
    for i, position in enumerate(ring, start=1):
        if not isinstance(position, list) or len(position) < 2:
            raise InputError(
                f"{where}第 {i} 个点: 应为 [经度, 纬度], 实际 {json.dumps(position)[:40]}",
                field="file",
            )
        lon, lat = _number(position[0]), _number(position[1])
        if lon is None or lat is None:
            raise InputError(
                f"{where}第 {i} 个点: 坐标不是数字: {json.dumps(position)[:40]}", field="file"
            )
        if not LON_LOW <= lon <= LON_HIGH or not LAT_LOW <= lat <= LAT_HIGH:
            swapped = LON_LOW <= lat <= LON_HIGH and LAT_LOW <= lon <= LAT_HIGH
            raise InputError(
                f"{where}第 {i} 个点 [{lon:g}, {lat:g}] 超出范围 (经度 {CN_LONGITUDE.describe()}, 纬度 "
                f"{CN_LATITUDE.describe()}){'; 是否经纬度顺序反了? geojson 坐标的顺序为 [经度, 纬度]' if swapped else ''}; "
                "边界须为 WGS-84 经纬度 (度), 不是投影坐标",
                field="file",
            )
        out.append([round(lon, PLACES), round(lat, PLACES)])
    if out[0] != out[-1]:
        raise InputError(f"{where}: 环未闭合 (首点 {out[0]} 与末点 {out[-1]} 不同)", field="file")
    return out


def _polygon(rings, where: str) -> list[list[list[float]]]:
    if not isinstance(rings, list) or not rings:
        raise InputError(f"{where}: Polygon 的坐标应为环的列表", field="file")
    return [
        _ring(r, f"{where}第 {i} 个环" if len(rings) > 1 else where)
        for i, r in enumerate(rings, start=1)
    ]


def check_geometry(geometry, where: str = "边界") -> tuple[dict, int]:
    """A GeoJSON geometry (or a Feature holding one) → (the geometry as stored, its number of vertices)."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict):
        raise InputError(f"{where}: 缺少几何图形 (geometry)", field="file")
    kind = geometry.get("type")
    if kind not in TYPES:
        raise InputError(
            f"{where}: 几何类型为 {kind!r}, 只接受 Polygon 或 MultiPolygon (面)", field="file"
        )
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        stored = _polygon(coords, where)
        points = sum(len(r) for r in stored)
    else:
        if not isinstance(coords, list) or not coords:
            raise InputError(f"{where}: MultiPolygon 的坐标应为多边形的列表", field="file")
        stored = [_polygon(p, f"{where}第 {i} 个多边形") for i, p in enumerate(coords, start=1)]
        points = sum(len(r) for p in stored for r in p)
    if points > MAX_POINTS:
        raise InputError(
            f"{where}: 顶点 {points} 个, 超过上限 {MAX_POINTS} 个; 请先简化边界再上传", field="file"
        )
    return {"type": kind, "coordinates": stored}, points


def read_json(data: bytes, filename: str = "") -> object:
    """The uploaded file as JSON (UTF-8, a BOM allowed), refused in Chinese when too large or not JSON."""
    name = f"文件 {filename}" if filename else "文件"
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"{name}大小 {len(data) / 1048576:.1f} MB, 超过上限 {MAX_FILE_BYTES // 1048576} MB",
            field="file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}不是 UTF-8 编码的 geojson 边界文件", field="file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}不是有效的 geojson 边界文件: 第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}",
            field="file",
        ) from None


NAME_KEYS = ("名称", "name", "NAME", "Name", "单位", "单位名称")
CODE_KEYS = ("行政区划代码", "adcode", "code", "CODE", "区划代码", "region_code")


def features_of(doc) -> list[dict]:
    """The features of a FeatureCollection (a lone Feature or geometry counts as one feature)."""
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list) or not features:
            raise InputError("FeatureCollection 中没有要素 (features)", field="file")
        return features
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        return [doc]
    if isinstance(doc, dict) and doc.get("type") in TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    raise InputError(
        f"文件应为 geojson 边界文件 (FeatureCollection), 实际类型为 {kind!r}", field="file"
    )


def feature_keys(feature) -> tuple[str, str]:
    """(名称, 行政区划代码) from a feature's properties, each '' when absent."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    props = props if isinstance(props, dict) else {}
    name = next((str(props[k]).strip() for k in NAME_KEYS if props.get(k) not in (None, "")), "")
    code = next((str(props[k]).strip() for k in CODE_KEYS if props.get(k) not in (None, "")), "")
    return name, code
