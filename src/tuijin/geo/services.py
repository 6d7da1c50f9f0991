"""Writes of the map and the big screen: boundaries (imported from the city's GeoJSON, one per unit), kiosk
links (created and revoked by the city administrator; only a hash of the token is kept) and a project's
position taken from a site photo's GPS when the reporter asks for it. Each checks the actor's reach, runs in a
transaction and writes the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tuijin.audit.services import record_change
from tuijin.core.errors import InputError
from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.projects import scoping

from . import geometry
from .models import Boundary, KioskLink


def require_city_admin(actor, city: OrgUnit) -> None:
    """Only the city's administrator (or the platform operator) sets the city's map and screen up."""
    if not scoping.administers_city(actor, city):
        raise PermissionDenied("只有本市的市管理员可以管理边界和大屏链接")


def boundary_units(city: OrgUnit):
    """The units of a city that may carry a boundary: the city and every unit below it but departments."""
    return OrgUnit.objects.subtree(city).exclude(kind=UnitKind.DEPARTMENT)


# ---------------------------------------------------------------- boundaries


@dataclass
class BoundaryImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.created) + len(self.updated)


def _snapshot(b: Boundary) -> dict:
    return {"unit": b.unit.name, "points": b.points, "source": b.source, "is_demo": b.is_demo}


def import_boundaries(
    *,
    city: OrgUnit,
    data: bytes,
    filename: str = "",
    actor,
    unit: OrgUnit | None = None,
    is_demo: bool = False,
) -> BoundaryImport:
    """A GeoJSON FeatureCollection whose features name their unit by 名称 (name) or 行政区划代码 (adcode) → one
    boundary per unit (replacing the unit's previous one). With `unit`, the file holds that unit's boundary
    alone (one feature, or a bare geometry). All or nothing: the first problem, naming the feature, refuses
    the whole file."""
    require_city_admin(actor, city)
    doc = geometry.read_json(data, filename)
    features = geometry.features_of(doc)
    units = list(boundary_units(city))
    by_name: dict[str, list[OrgUnit]] = {}
    by_code: dict[str, list[OrgUnit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)
        if u.short_name:
            by_name.setdefault(u.short_name, []).append(u)
        if u.region_code:
            by_code.setdefault(u.region_code, []).append(u)
    if unit is not None:
        if unit.pk not in {u.pk for u in units}:
            raise InputError(f"单位 {unit.name} 不属于 {city.name} (或是部门)", field="unit")
        if len(features) != 1:
            raise InputError(
                f"为单个单位上传时文件应只含 1 个要素, 实际 {len(features)} 个", field="file"
            )
    planned: dict[int, tuple[OrgUnit, dict, int]] = {}
    for i, feature in enumerate(features, start=1):
        name, code = geometry.feature_keys(feature)
        label = f"第 {i} 个要素" + (f" ({name or code})" if name or code else "")
        if unit is not None:
            target = unit
        else:
            if not name and not code:
                raise InputError(
                    f"{label}: 属性中没有 名称 (name) 或 行政区划代码 (adcode), 无法对应单位",
                    field="file",
                )
            found = by_code.get(code, []) if code else []
            if not found and name:
                found = by_name.get(name, [])
            if not found:
                what = f"名称 {name!r}" if name else f"行政区划代码 {code!r}"
                raise InputError(f"{label}: {what} 不是 {city.name} 的单位", field="file")
            found = list({u.pk: u for u in found}.values())
            if (
                len(found) > 1 and name
            ):  # a code shared by a district and its parks: the name decides
                found = [u for u in found if name in (u.name, u.short_name)] or found
            if len(found) > 1:  # still several: the one nearest the city, when there is exactly one
                top = min(u.depth for u in found)
                found = [u for u in found if u.depth == top]
            if len(found) > 1:
                raise InputError(
                    f"{label}: {name or code} 对应多个单位, 请改用行政区划代码", field="file"
                )
            target = found[0]
        if target.pk in planned:
            raise InputError(
                f"{label}: {target.name} 的边界在文件中出现了两次 (每个单位一个边界)", field="file"
            )
        stored, points = geometry.check_geometry(feature, label)
        planned[target.pk] = (target, stored, points)
    result = BoundaryImport()
    source = (filename or "")[:200]
    with transaction.atomic():
        existing = {
            b.unit_id: b
            for b in Boundary.objects.filter(unit_id__in=planned).select_related("unit")
        }
        for target, stored, points in planned.values():
            b = existing.get(target.pk)
            before = _snapshot(b) if b else None
            if b is None:
                b = Boundary(unit=target)
                result.created.append(target.name)
            else:
                result.updated.append(target.name)
            b.geometry, b.points, b.source, b.is_demo = stored, points, source, is_demo
            b.uploaded_by = actor if getattr(actor, "pk", None) else None
            b.save()
            record_change(
                actor=actor,
                action="create" if before is None else "update",
                obj=b,
                before=before,
                after=_snapshot(b),
                reason=f"导入边界: {source}" if source else "导入边界",
            )
    return result


@transaction.atomic
def delete_boundary(*, boundary: Boundary, actor, reason: str = "") -> None:
    city = boundary.unit.city() if boundary.unit.kind != UnitKind.CITY else boundary.unit
    require_city_admin(actor, city)
    before = _snapshot(boundary)
    record_change(
        actor=actor, action="delete", obj=boundary, before=before, after=None, reason=reason
    )
    boundary.delete()


# ---------------------------------------------------------------- kiosk links


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link_snapshot(link: KioskLink) -> dict:
    return {
        "city": link.city.name,
        "name": link.name,
        "hint": link.hint,
        "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
    }


@transaction.atomic
def create_kiosk_link(*, city: OrgUnit, name: str, actor) -> tuple[KioskLink, str]:
    """A new kiosk link for the city's big screen → (link, token). The token is returned once, never stored."""
    require_city_admin(actor, city)
    if not getattr(actor, "pk", None):
        raise InputError("大屏链接须由市管理员账号创建 (以其权限显示本市数据)", field="as")
    name = (name or "").strip()
    if not name:
        raise InputError("请填写大屏链接名称, 如 指挥中心大屏", field="name")
    if len(name) > 60:
        raise InputError(f"名称最多 60 个字: {name[:20]}…", field="name")
    token = secrets.token_urlsafe(32)
    link = KioskLink.objects.create(
        city=city, name=name, token_hash=token_hash(token), hint=token[:6], created_by=actor
    )
    record_change(
        actor=actor,
        action="create",
        obj=link,
        before=None,
        after=_link_snapshot(link),
        reason="新建大屏链接",
    )
    return link, token


@transaction.atomic
def revoke_kiosk_link(*, link: KioskLink, actor, reason: str = "") -> KioskLink:
    require_city_admin(actor, link.city)
    link = KioskLink.objects.select_for_update().select_related("city").get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    before = _link_snapshot(link)
    link.revoked_at = timezone.now()
    link.revoked_by = actor if getattr(actor, "pk", None) else None
    link.save(update_fields=["revoked_at", "revoked_by"])
    record_change(
        actor=actor,
        action="update",
        obj=link,
        before=before,
        after=_link_snapshot(link),
        reason=reason or "撤销大屏链接",
    )
    return link


def kiosk_link_for(token: str) -> tuple[KioskLink | None, str]:
    """The link a kiosk's token opens → (link, '') or (None, why it does not open, in Chinese). A link opens
    while it is not revoked and its creator still administers the city (the screen shows what they may see)."""
    if not token or len(token) > 100:
        return None, "大屏链接无效"
    link = (
        KioskLink.objects.select_related("city", "created_by", "created_by__unit")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        return None, "大屏链接无效或已被删除"
    if link.revoked_at is not None:
        return None, f"该大屏链接已于 {timezone.localtime(link.revoked_at):%Y-%m-%d %H:%M} 被撤销"
    if not scoping.administers_city(link.created_by, link.city):
        return None, "创建该大屏链接的账号已不再是本市管理员, 链接已失效"
    return link, ""


def touch_kiosk_link(link: KioskLink) -> None:
    """Note when a kiosk last fetched its data (at most once a minute; not an audited change)."""
    now = timezone.now()
    if link.last_used_at is None or (now - link.last_used_at).total_seconds() > 60:
        KioskLink.objects.filter(pk=link.pk).update(last_used_at=now)


# ---------------------------------------------------------------- a project's position from a photo


def use_photo_position(*, photo, actor):
    """用照片位置作为项目位置: the reporter (or anyone who may report on or change the project) takes a site
    photo's GPS position as the project's 经纬度, through the projects service (validated, audited)."""
    from tuijin.projects.services import update_project

    project = photo.report.project
    if not (
        scoping.projects_for(actor, scoping.REPORT).filter(pk=project.pk).exists()
        or scoping.projects_for(actor, scoping.WRITE).filter(pk=project.pk).exists()
    ):
        raise PermissionDenied("您不能修改该项目的位置")
    if photo.latitude is None or photo.longitude is None:
        raise InputError("这张照片没有拍摄位置 (GPS), 不能用作项目位置", field="photo")
    taken = (
        f", 拍摄于 {timezone.localtime(photo.taken_at):%Y-%m-%d %H:%M}" if photo.taken_at else ""
    )
    return update_project(
        project=project,
        actor=actor,
        longitude=photo.longitude,
        latitude=photo.latitude,
        reason=f"用照片位置作为项目位置 (照片 {photo.pk}{taken})",
    )
