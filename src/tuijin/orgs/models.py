"""The org-unit tree (省 → 市 → 板块 → 园区, and departments) and each city's reporting conventions."""

from django.db import models
from django.db.models import Q

from tuijin.core.policy import READ, Role, can


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

    def visible_to(self, user):
        """The units the user may see: its unit's subtree (a reporter or department: its own unit); nothing
        for no role, no unit or an inactive user (core.policy fails closed). accounts.scoping.units_for."""
        if not can(user, READ):
            return self.none()
        if user.is_superuser and not user.unit_id:
            return self.all()
        if user.role in (Role.REPORTER, Role.DEPARTMENT):
            return self.filter(pk=user.unit_id)
        return self.subtree(user.unit)


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

    @property
    def whole_area(self) -> str:
        """全市 / 全县 / 全区 …: how the unit's own bulletin names its whole area."""
        return WHOLE_AREA.get(self.kind, "全市")

    def city(self) -> "OrgUnit | None":
        """The city this unit belongs to (itself when it is one)."""
        if self.kind == UnitKind.CITY:
            return self
        # Kept on the instance for its path (a moved unit looks again): services ask a unit for its city
        # several times in one write.
        known = self.__dict__.get("_city_of_path")
        if known is not None and known[0] == self.path:
            return known[1]
        city = OrgUnit.objects.filter(id__in=self.ancestor_ids, kind=UnitKind.CITY).first()
        self.__dict__["_city_of_path"] = (self.path, city)
        return city


WHOLE_AREA = {
    UnitKind.PROVINCE: "全省", UnitKind.CITY: "全市", UnitKind.COUNTY_CITY: "全市", UnitKind.DISTRICT: "全区",
    UnitKind.COUNTY: "全县", UnitKind.ZONE: "全区", UnitKind.PARK: "全园区", UnitKind.DEPARTMENT: "全系统",
}


class Conventions(models.Model):
    """口径: the conventions a unit's figures and bulletins use in one year (DOMAIN.md: settings, not code).
    A city, or a county / district / park that publishes its own bulletin, keeps one row per year it changed
    them; a year without a row uses the latest earlier year's, then the nearest ancestor's, then the defaults
    (orgs.selectors.conventions_for), so changing 2025's leaves 2024's bulletin as it was."""

    class ScheduleBasis(models.TextChoices):
        MONTH = "month", "按月 (已过月数 ÷ 12)"
        DAY = "day", "按日 (已过天数 ÷ 全年天数)"

    class Rounding(models.TextChoices):
        HALF_UP = "half_up", "四舍五入"
        TRUNCATE = "truncate", "截尾"

    class VarianceBasis(models.TextChoices):
        UNROUNDED = "unrounded", "由未取舍的比率计算"
        PRINTED = "printed", "由印出的比率计算"

    class Wording(models.TextChoices):
        SCHEDULE = "schedule", "超序时 / 欠序时"
        TIME = "time", "快于 / 慢于时间进度"
        PROGRESS = "progress", "超进度 / 欠进度"

    WORDS = {"schedule": ("超序时", "欠序时"), "time": ("快于时间进度", "慢于时间进度"),
             "progress": ("超进度", "欠进度")}

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="conventions", verbose_name="单位")
    year = models.PositiveSmallIntegerField("起用年度")
    schedule_basis = models.CharField("序时进度口径", max_length=10, choices=ScheduleBasis.choices, default="month")
    schedule_curve = models.JSONField("序时进度曲线", default=list, blank=True,
                                      help_text="[[月, 累计%], …] 递增并以 [12, 100] 结束; 为空时按口径计算")
    rounding = models.CharField("取舍规则", max_length=10, choices=Rounding.choices, default="half_up")
    rate_places = models.PositiveSmallIntegerField("百分比小数位", default=1)
    amount_places = models.PositiveSmallIntegerField("金额(亿元)小数位", default=1)
    variance_basis = models.CharField("偏差口径", max_length=10, choices=VarianceBasis.choices, default="unrounded")
    big_project_threshold_wan = models.DecimalField("亿元以上门槛(万元)", max_digits=14, decimal_places=2, default=10000)
    start_deadline_days = models.PositiveIntegerField("百日开工期限(天)", default=100)
    wording = models.CharField("超欠表述", max_length=10, choices=Wording.choices, default="schedule")

    class Meta:
        verbose_name = "口径"
        verbose_name_plural = "口径"
        ordering = ["unit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="conventions_once_per_unit_year"),
            models.CheckConstraint(condition=Q(rate_places__lte=4), name="conventions_rate_places_max4"),
            models.CheckConstraint(condition=Q(amount_places__lte=4), name="conventions_amount_places_max4"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="conventions_year_range"),
            models.CheckConstraint(condition=Q(big_project_threshold_wan__gte=0),
                                   name="conventions_threshold_nonnegative"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}年起 口径"

    @property
    def ahead_word(self) -> str:
        return self.WORDS.get(self.wording, self.WORDS["schedule"])[0]

    @property
    def behind_word(self) -> str:
        return self.WORDS.get(self.wording, self.WORDS["schedule"])[1]

    @property
    def curve_points(self) -> dict:
        """The phased curve as {month: cumulative fraction}; empty when the basis decides."""
        from decimal import Decimal

        return {int(m): Decimal(str(p)) / 100 for m, p in (self.schedule_curve or [])}
