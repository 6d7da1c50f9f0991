"""The org-unit tree (省 → 市 → 板块 → 园区, and departments) and each city's reporting conventions."""

from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区"
    COUNTY_CITY = "county_city", "县级市"
    COUNTY = "county", "县"
    ZONE = "zone", "开发区"
    PARK = "park", "园区"
    DEPARTMENT = "department", "部门"


# Units that count as a 板块 (the level the city ranks and the districts administer).
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.COUNTY_CITY, UnitKind.COUNTY, UnitKind.ZONE)


class OrgUnitQuerySet(models.QuerySet):
    def subtree(self, unit: "OrgUnit"):
        """The unit and everything below it: an indexed prefix match on the materialised path."""
        return self.filter(path__startswith=unit.path)

    def cities(self):
        return self.filter(kind=UnitKind.CITY)

    def active(self):
        """Units still in use (not 撤销): what is offered for new projects and users."""
        return self.filter(active=True)


class OrgUnit(models.Model):
    """组织单元: a node of the administrative tree. `path` is '/<id>/<id>/…/' from the root."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    # 撤销: a retired unit keeps its history (projects, reports, users) but is offered for nothing new.
    active = models.BooleanField("在用", default=True)
    retired_on = models.DateField("撤销日期", null=True, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "组织单元"
        verbose_name_plural = "组织单元"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="orgunit_unique_root_name"
            ),
        ]
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self):
        return self.name

    @property
    def is_department(self) -> bool:
        return self.kind == UnitKind.DEPARTMENT

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def is_within(self, other: "OrgUnit") -> bool:
        return self.path.startswith(other.path)

    def city(self) -> "OrgUnit | None":
        """The city this unit belongs to (itself when it is one)."""
        if self.kind == UnitKind.CITY:
            return self
        return OrgUnit.objects.filter(id__in=self.ancestor_ids, kind=UnitKind.CITY).first()


class CityConfig(models.Model):
    """市级口径: the conventions a city's bulletins use. Settings, not code (DOMAIN.md)."""

    class ScheduleBasis(models.TextChoices):
        MONTH = "month", "按月 (已过月数 ÷ 12)"
        DAY = "day", "按日 (已过天数 ÷ 全年天数)"

    class Rounding(models.TextChoices):
        HALF_UP = "half_up", "四舍五入"
        TRUNCATE = "truncate", "截尾"

    class VarianceBasis(models.TextChoices):
        UNROUNDED = "unrounded", "由未取舍的比率计算"
        PRINTED = "printed", "由印出的比率计算"

    city = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="config", verbose_name="城市")
    schedule_basis = models.CharField("序时进度口径", max_length=10, choices=ScheduleBasis.choices, default="month")
    rounding = models.CharField("取舍规则", max_length=10, choices=Rounding.choices, default="half_up")
    rate_places = models.PositiveSmallIntegerField("百分比小数位", default=1)
    amount_places = models.PositiveSmallIntegerField("金额(亿元)小数位", default=1)
    variance_basis = models.CharField("偏差口径", max_length=10, choices=VarianceBasis.choices, default="unrounded")
    big_project_threshold_wan = models.DecimalField("亿元以上门槛(万元)", max_digits=14, decimal_places=2, default=10000)
    start_deadline_days = models.PositiveIntegerField("百日开工期限(天)", default=100)

    class Meta:
        verbose_name = "城市口径"
        verbose_name_plural = "城市口径"
        constraints = [
            models.CheckConstraint(condition=Q(rate_places__lte=4), name="cityconfig_rate_places_max4"),
            models.CheckConstraint(condition=Q(amount_places__lte=4), name="cityconfig_amount_places_max4"),
        ]

    def __str__(self):
        return f"{self.city} 口径"
