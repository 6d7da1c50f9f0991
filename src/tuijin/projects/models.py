"""The project registry: projects, their lifecycle stage events and milestones, annual lists and their entries."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuijin.core.bounds import CN_LATITUDE, CN_LONGITUDE, CONSTRAINTS, MONEY
from tuijin.core.policy import READ, Role, can

CONSTRAINTS["project_position_both_or_neither"] = "经度和纬度应同时填写或同时留空"


class Stage(models.TextChoices):
    """全生命周期阶段, in order. 终止 ends a project at any point."""

    PLANNING = "planning", "谋划"
    NEGOTIATING = "negotiating", "在谈"
    SIGNED = "signed", "签约"
    STARTED = "started", "开工"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产"
    AT_CAPACITY = "at_capacity", "达产"
    TERMINATED = "terminated", "终止"


STAGE_ORDER = [s.value for s in Stage if s != Stage.TERMINATED]


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


class MilestoneKind(models.TextChoices):
    LAND = "land", "拿地"
    PERMIT = "permit", "施工许可"
    TOPPED_OUT = "topped_out", "封顶"
    FIRST_EQUIPMENT = "first_equipment", "首台设备"
    TRIAL_PRODUCTION = "trial_production", "试生产"


class Category(models.Model):
    """项目类别: 产业, 基础设施, 社会民生, 生态环保 … (configurable)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "项目类别"
        verbose_name_plural = "项目类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class CityDimension(models.Model):
    """A breakdown dimension a city administrator manages: a code, a name, a display order, retired or not."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("名称", max_length=30)
    sort_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("在用", default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Sector(CityDimension):
    """行业领域: 交通, 能源, 农林水利, 社会事业, 城建环保, 商贸服务, 工业科技 … (per city)."""

    class Meta(CityDimension.Meta):
        verbose_name = "行业领域"
        verbose_name_plural = "行业领域"
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="sector_unique_code"),
            models.UniqueConstraint(fields=["city", "name"], name="sector_unique_name"),
        ]


class BuildNature(CityDimension):
    """建设性质: 新建, 续建 … (per city)."""

    class Meta(CityDimension.Meta):
        verbose_name = "建设性质"
        verbose_name_plural = "建设性质"
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="build_nature_unique_code"),
            models.UniqueConstraint(fields=["city", "name"], name="build_nature_unique_name"),
        ]


class ProjectQuerySet(models.QuerySet):
    """Reach (netbox's RestrictedQuerySet.restrict): the projects a user may see or act on. Every project query
    that answers a user starts here (projects.scoping.projects_for and get_project_or_404 stand on it)."""

    @staticmethod
    def reach_q(user, action: str = READ) -> Q | None:
        """The filter on Project for what the user may do `action` on; None means nothing at all.

        A unit subtree (path prefix) for city and district roles, the assigned projects for a 填报员, the
        department's projects for a 部门经办; None for no unit, no role, an inactive user or an action the
        role may not take (core.policy.can fails closed)."""
        if not can(user, action):
            return None
        if user.is_superuser and not user.unit_id:
            return Q()
        if user.role == Role.REPORTER:
            return Q(reporters=user)
        if user.role == Role.DEPARTMENT:
            return Q(responsible_department_id=user.unit_id)
        return Q(unit__path__startswith=user.unit.path)

    def visible_to(self, user, action: str = READ):
        """The projects of this queryset the user may do `action` on (READ: see)."""
        q = self.reach_q(user, action)
        return self.none() if q is None else self.filter(q)


class Project(models.Model):
    """重大项目: one investment project in the registry, from 谋划 to 达产."""

    code = models.CharField("项目代码", max_length=40, unique=True)
    code_is_legacy = models.BooleanField("旧版代码", default=False)
    name = models.CharField("项目名称", max_length=200, db_index=True)
    owner = models.CharField("项目业主", max_length=200, blank=True)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="projects")
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="projects")
    industry_node = models.ForeignKey("industry.TaxonomyNode", verbose_name="产业链", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="projects")
    sector = models.ForeignKey(Sector, verbose_name="行业领域", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="projects")
    nature = models.ForeignKey(BuildNature, verbose_name="建设性质", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="projects")
    total_investment = models.DecimalField("计划总投资(万元)", max_digits=14, decimal_places=2)
    location = models.CharField("建设地点", max_length=200, blank=True)
    # 经纬度 (WGS-84 decimal degrees, within China): for the map (一张图); both or neither (services.check_position).
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField("建设内容", blank=True)
    responsible_leader = models.CharField("责任领导", max_length=50, blank=True)
    responsible_department = models.ForeignKey("orgs.OrgUnit", verbose_name="责任部门", null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="responsible_projects")
    service_contact = models.CharField("服务专员", max_length=50, blank=True)
    reporters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="reported_projects",
                                       verbose_name="填报员")
    stage = models.CharField("当前阶段", max_length=20, choices=Stage.choices, default=Stage.PLANNING, db_index=True)
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["unit__path", "code"]
        constraints = [
            MONEY.constraint("total_investment", "project_total_range", "计划总投资"),
            CN_LONGITUDE.constraint("longitude", "project_longitude_range", "经度"),
            CN_LATITUDE.constraint("latitude", "project_latitude_range", "纬度"),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="project_position_both_or_neither", violation_error_message="经度和纬度应同时填写或同时留空"),
        ]
        indexes = [models.Index(fields=["unit", "category"]), models.Index(fields=["total_investment"])]

    def __str__(self):
        return self.name


class StageEvent(models.Model):
    """阶段事件: the dated event that moved a project into a stage. Kept as history, one per stage."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_events")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    date = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "阶段事件"
        verbose_name_plural = "阶段事件"
        ordering = ["project", "date", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="stage_event_once_per_stage")]
        indexes = [models.Index(fields=["stage", "date"])]

    def __str__(self):
        return f"{self.project} {self.get_stage_display()} {self.date}"


class StagePlan(models.Model):
    """计划日期: when a stage is planned to be reached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_plans")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    planned_date = models.DateField("计划日期")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="stage_plan_once_per_stage")]

    def __str__(self):
        return f"{self.project_id} {self.get_stage_display()} {self.planned_date}"


class Milestone(models.Model):
    """节点: 拿地, 施工许可, 封顶, 首台设备, 试生产 — planned and actual dates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("节点", max_length=20, choices=MilestoneKind.choices)
    planned_date = models.DateField("计划日期", null=True, blank=True)
    actual_date = models.DateField("实际日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["project", "actual_date", "planned_date"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_once_per_kind")]

    def __str__(self):
        return f"{self.project} {self.get_kind_display()}"


class AnnualList(models.Model):
    """年度清单: 省重大项目, 市重大项目, 县区重点, 技改 … defined by a city (or its province). `rank` orders
    the lists from the highest level; a project on several lists counts once, under its highest list."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="annual_lists")
    name = models.CharField("清单名称", max_length=60)
    short_name = models.CharField("简称", max_length=30, blank=True)
    rank = models.PositiveSmallIntegerField("层级顺序", default=10)
    # 计入全部: whether the list's projects count in the 全部 (all lists) figures; a list kept only for
    # reference (储备, 预备) does not.
    counts_in_total = models.BooleanField("计入全部", default=True)

    class Meta:
        verbose_name = "年度清单"
        verbose_name_plural = "年度清单"
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="annual_list_unique_name")]

    def __str__(self):
        return self.name


class ListYear(models.Model):
    """清单使用年度: a year in which a city uses a list (what the lists import's 年度 column records)."""

    annual_list = models.ForeignKey(AnnualList, verbose_name="清单", on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("年度")

    class Meta:
        verbose_name = "清单使用年度"
        verbose_name_plural = "清单使用年度"
        ordering = ["annual_list", "year"]
        constraints = [
            models.UniqueConstraint(fields=["annual_list", "year"], name="list_year_once"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="list_year_range"),
        ]

    def __str__(self):
        return f"{self.year} {self.annual_list_id}"


class ListEntry(models.Model):
    """清单项目: a project on a list for a year, with that year's plan and flags."""

    annual_list = models.ForeignKey(AnnualList, verbose_name="清单", on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="list_entries")
    year = models.PositiveSmallIntegerField("年度")
    annual_plan = models.DecimalField("年度计划投资(万元)", max_digits=14, decimal_places=2)
    planned_new_start = models.BooleanField("计划新开工", default=False)
    planned_start_month = models.PositiveSmallIntegerField("计划开工月份", null=True, blank=True)
    continuing = models.BooleanField("续建", default=False)
    planned_completion = models.BooleanField("计划竣工", default=False)
    planned_operation = models.BooleanField("计划投产", default=False)

    class Meta:
        verbose_name = "清单项目"
        verbose_name_plural = "清单项目"
        constraints = [
            models.UniqueConstraint(fields=["annual_list", "project", "year"], name="list_entry_once_per_year"),
            MONEY.constraint("annual_plan", "list_entry_plan_range", "年度计划投资"),
            models.CheckConstraint(
                condition=Q(planned_start_month__isnull=True) | Q(planned_start_month__gte=1, planned_start_month__lte=12),
                name="list_entry_start_month_range",
            ),
            models.CheckConstraint(condition=~Q(planned_new_start=True, continuing=True),
                                   name="list_entry_new_or_continuing"),
        ]
        indexes = [models.Index(fields=["year", "annual_list"])]

    def __str__(self):
        return f"{self.year} {self.annual_list} {self.project}"


class EntryMonthlyPlan(models.Model):
    """分月计划: the planned cumulative investment of a list entry through a month (万元)."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="monthly_plans")
    month = models.PositiveSmallIntegerField("月份")
    cumulative_plan = models.DecimalField("累计计划(万元)", max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "month"], name="entry_plan_once_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="entry_plan_month_range"),
            MONEY.constraint("cumulative_plan", "entry_plan_cumulative_range", "累计计划"),
        ]

    def __str__(self):
        return f"{self.entry_id} 1-{self.month}月 {self.cumulative_plan} 万元"


class ScheduleCurve(models.Model):
    """序时进度曲线: a phased schedule share for a city (and optionally one list) and year. Months without a
    point are interpolated linearly between their neighbours (0 at the start of the year)."""

    city = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="schedule_curves")
    annual_list = models.ForeignKey(AnnualList, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="schedule_curves")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    cumulative_pct = models.DecimalField("累计序时(%)", max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = "序时进度曲线"
        verbose_name_plural = "序时进度曲线"
        constraints = [
            models.UniqueConstraint(fields=["city", "annual_list", "year", "month"], name="curve_point_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="curve_month_range"),
            models.CheckConstraint(condition=Q(cumulative_pct__gte=0, cumulative_pct__lte=100),
                                   name="curve_pct_range"),
        ]

    def __str__(self):
        return f"{self.city_id} {self.year}-{self.month:02d}: {self.cumulative_pct}%"
