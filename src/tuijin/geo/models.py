"""一张图 and 大屏: a unit's boundary (GeoJSON the city uploads from its own approved map data) and the kiosk
links of the command room's big screen. No figure is stored here: the map and the screen read the engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Boundary(models.Model):
    """行政区划边界: one unit's outline (a GeoJSON Polygon or MultiPolygon, WGS-84 lon/lat, validated by
    geo.geometry.check_geometry), drawn on the map (echarts.registerMap) and shaded by its figures."""

    unit = models.OneToOneField(
        "orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField("边界 (GeoJSON)")
    points = models.PositiveIntegerField("顶点数", default=0)
    source = models.CharField("来源文件", max_length=200, blank=True)
    is_demo = models.BooleanField("示意边界 (演示)", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now=True)

    class Meta:
        verbose_name = "行政区划边界"
        verbose_name_plural = "行政区划边界"
        ordering = ["unit__path"]

    def __str__(self):
        return f"{self.unit} 边界"


class KioskLink(models.Model):
    """大屏链接: a token-protected, read-only link to a city's big screen for a kiosk display that nobody logs
    in to. Only the SHA-256 of the token is stored; the token is shown once when the link is created."""

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="kiosk_links"
    )
    name = models.CharField("名称", max_length=60)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    hint = models.CharField("令牌前缀", max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "大屏链接"
        verbose_name_plural = "大屏链接"
        ordering = ["city", "-created_at", "-id"]

    def __str__(self):
        return f"{self.city} {self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
