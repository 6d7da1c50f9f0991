"""民生实事: a level's yearly programme of livelihood items (件), grouped in categories (类), each item with
one or more targets (目标; an item split into 事项 has one target per sub-item), a milestone plan (节点计划)
and monthly progress reports (月度进展) reviewed like the monthly project reports.

    Programme (2024年镇江市民生实事项目, owned by 镇江市)
      └ Category (类: 健康服务 …)
          └ Item (件: 适龄妇女两癌筛查; 牵头单位, 配合单位, 分管领导, 计划投资, 完成时限)
              ├ Target (事项 / 目标: 宫颈癌筛查 4 万人; 乳腺癌筛查 4 万人) ─ Deliverable (建设内容: 功能 …)
              ├ Milestone (节点计划: 累计计划 per month or per quarter end)
              └ ItemReport (月度进展, year/month) ─ TargetProgress (累计完成), ItemPhoto

Status (已完成 / 超序时 / 按序时 / 欠序时) is never stored: livelihood/progress.py computes it from these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tuijin.core.bounds import LATITUDE, LONGITUDE, MONEY, QUANTITY
from tuijin.core.policy import READ, REPORT, Role, can, is_active_member


class TargetKind(models.TextChoices):
    QUANTITY = "quantity", "数量指标"
    DELIVERABLES = "deliverables", "建设内容清单"
    POLICY = "policy", "政策类 (无建设内容)"


class PlanKind(models.TextChoices):
    LINEAR = "linear", "均衡推进 (按完成时限倒排)"
    MONTHLY = "monthly", "分月节点"
    QUARTERLY = "quarterly", "分季度节点"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已确认"


# The statuses whose figures count under the "submitted" basis (the "accepted" basis counts ACCEPTED only).
COUNTED_SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)

# A policy item's progress is reported as a share of the work (出台 = 100%).
POLICY_TARGET = 100
POLICY_UNIT = "%"


class Programme(models.Model):
    """民生实事年度计划: one level's yearly list (省 / 市 / 县区), owned by that level's org unit."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属层级单位", on_delete=models.PROTECT,
                             related_name="livelihood_programmes")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=120)
    tolerance_pp = models.DecimalField(
        "按序时容差(百分点)", max_digits=5, decimal_places=2, default=5,
        help_text="完成进度与计划进度之差在 ±容差 之内为按序时; 超出为超序时 / 欠序时")
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "民生实事年度计划"
        verbose_name_plural = "民生实事年度计划"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="livelihood_programme_once_per_year"),
            models.CheckConstraint(condition=Q(tolerance_pp__gte=0, tolerance_pp__lte=100),
                                   name="livelihood_programme_tolerance_range"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2200), name="livelihood_programme_year"),
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """类: a group of items in a programme (教育, 健康服务, 交通出行 …)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("类别", max_length=60)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "民生实事类别"
        verbose_name_plural = "民生实事类别"
        ordering = ["programme", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="livelihood_category_unique")]

    def __str__(self):
        return self.name


class ItemQuerySet(models.QuerySet):
    """Reach: the livelihood items a user may see or act on (where every livelihood query starts)."""

    def reach_q(self, user, action: str = READ) -> Q | None:
        """The filter on Item for what the user may do `action` on; None means nothing at all.

        A unit role (市 / 板块 / 省) reads the programmes owned within its subtree (with the higher-level items
        counted in them) and the items led or co-led by units of its subtree; it reports, reviews and edits only
        as its role allows: reports on its programmes' items and the items its units lead, reviews and edits its
        own programmes. A department (部门经办) or reporter (填报员) reads the items its unit leads or cooperates
        on, and fills in the monthly progress of the items its unit leads (牵头单位填报, issue 7)."""
        Item = self.model  # noqa: N806 (the model, as everywhere else)
        if not is_active_member(user):
            return None
        if user.is_superuser and not user.unit_id:
            return Q()
        uid = user.unit_id
        if user.role in (Role.DEPARTMENT, Role.REPORTER):
            if action == READ:
                return Q(lead_unit_id=uid) | Q(pk__in=Item.cooperating_units.through.objects.filter(
                    orgunit_id=uid).values("item_id"))
            return Q(lead_unit_id=uid) if action == REPORT else None
        if not can(user, action):
            return None
        path = user.unit.path
        own = Q(programme__unit__path__startswith=path)
        if action == READ:
            shared = Item.shared_with.through.objects.filter(programme__unit__path__startswith=path).values("item_id")
            cooperating = Item.cooperating_units.through.objects.filter(
                orgunit__path__startswith=path).values("item_id")
            return own | Q(lead_unit__path__startswith=path) | Q(pk__in=shared) | Q(pk__in=cooperating)
        if action == REPORT:
            return own | Q(lead_unit__path__startswith=path)
        return own

    def visible_to(self, user, action: str = READ):
        """The items of this queryset the user may do `action` on (READ: see)."""
        q = self.reach_q(user, action)
        return self.none() if q is None else self.filter(q)


class Item(models.Model):
    """件: one promised item, led by one unit (牵头单位, usually a department) with cooperating units.

    The plan: milestones (节点计划) when any are stored; otherwise linear from `start_month` to
    `deadline_month` (倒排 from the deadline; 1 and 12 give the domain's default, months ÷ 12)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="items")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("名称", max_length=200)
    description = models.TextField("目标任务", blank=True)
    lead_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="牵头单位", on_delete=models.PROTECT,
                                  related_name="livelihood_items_led")
    cooperating_units = models.ManyToManyField("orgs.OrgUnit", verbose_name="配合单位", blank=True,
                                               related_name="livelihood_items_cooperating")
    responsible_leader = models.CharField("分管领导", max_length=50, blank=True)
    planned_investment = models.DecimalField("计划投资(万元)", max_digits=14, decimal_places=2, null=True,
                                             blank=True)
    plan_kind = models.CharField("节点计划方式", max_length=10, choices=PlanKind.choices, default=PlanKind.LINEAR)
    start_month = models.PositiveSmallIntegerField("开始月份", default=1)
    deadline_month = models.PositiveSmallIntegerField("完成时限(月)", default=12)
    shared_with = models.ManyToManyField(Programme, verbose_name="同时计入", blank=True,
                                         related_name="shared_items",
                                         help_text="上级实事同时计入的下级年度计划 (如省实事计入市实事)")
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "民生实事"
        verbose_name_plural = "民生实事"
        ordering = ["programme", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "seq"], name="livelihood_item_unique_seq"),
            models.UniqueConstraint(fields=["programme", "name"], name="livelihood_item_unique_name"),
            models.CheckConstraint(condition=Q(start_month__gte=1, deadline_month__lte=12,
                                               start_month__lte=F("deadline_month")),
                                   name="livelihood_item_months"),
            MONEY.constraint("planned_investment", "livelihood_item_investment_range", "计划投资"),
        ]
        indexes = [models.Index(fields=["lead_unit", "programme"])]

    def __str__(self):
        return self.name


class Target(models.Model):
    """目标 (事项): what an item promises. A plain item has one target with an empty name; an item split
    into sub-items (事项) has one per sub-item. `quantity` is the annual target for a quantity target, 100 (%)
    for a policy target, and empty for a deliverables target (its target is the number of deliverables)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="targets")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("事项", max_length=100, blank=True)
    kind = models.CharField("目标类型", max_length=15, choices=TargetKind.choices, default=TargetKind.QUANTITY)
    quantity = models.DecimalField("年度目标", max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)

    class Meta:
        verbose_name = "目标(事项)"
        verbose_name_plural = "目标(事项)"
        ordering = ["item", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="livelihood_target_unique_seq"),
            models.UniqueConstraint(fields=["item", "name"], name="livelihood_target_unique_name"),
            models.CheckConstraint(
                condition=(Q(kind=TargetKind.DELIVERABLES, quantity__isnull=True)
                           | Q(kind=TargetKind.QUANTITY, quantity__gt=0)
                           | Q(kind=TargetKind.POLICY, quantity=POLICY_TARGET)),
                name="livelihood_target_quantity_by_kind"),
            QUANTITY.constraint("quantity", "livelihood_target_quantity_range", "年度目标"),
        ]

    def __str__(self):
        return f"{self.item} {self.name}".strip()


class Deliverable(models.Model):
    """建设内容: one named deliverable of a deliverables target (a function of a platform …)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="deliverables")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "建设内容"
        verbose_name_plural = "建设内容"
        ordering = ["target", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["target", "seq"], name="livelihood_deliverable_unique_seq"),
            models.UniqueConstraint(fields=["target", "name"], name="livelihood_deliverable_unique_name"),
        ]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    """节点计划: the planned cumulative progress through a month (a quarterly plan stores months 3, 6, 9, 12),
    as a percentage of the target or, for an item with one quantity target, as a quantity."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="milestones")
    month = models.PositiveSmallIntegerField("月份")
    planned_pct = models.DecimalField("累计计划(%)", max_digits=7, decimal_places=3, null=True, blank=True)
    planned_quantity = models.DecimalField("累计计划(数量)", max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    note = models.CharField("节点内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "节点计划"
        verbose_name_plural = "节点计划"
        ordering = ["item", "month"]
        constraints = [
            models.UniqueConstraint(fields=["item", "month"], name="livelihood_milestone_once_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="livelihood_milestone_month"),
            models.CheckConstraint(
                condition=(Q(planned_pct__isnull=False, planned_quantity__isnull=True, planned_pct__gte=0,
                             planned_pct__lte=100)
                           | Q(planned_pct__isnull=True, planned_quantity__isnull=False, planned_quantity__gte=0)),
                name="livelihood_milestone_one_value"),
            QUANTITY.constraint("planned_quantity", "livelihood_milestone_quantity_range", "累计计划(数量)"),
        ]

    def __str__(self):
        return f"{self.item} {self.month}月"


class ItemReport(models.Model):
    """月度进展: the lead unit's report of an item for a month of the programme year. Quantities are
    cumulative from the start of the year (累计完成), like 1-N月累计; so is the investment."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    investment_ytd = models.DecimalField("1-N月累计完成投资(万元)", max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    progress_text = models.TextField("进展情况", blank=True)
    status = models.CharField("状态", max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    decrease_reason = models.CharField("累计数减少的原因", max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "民生实事月度进展"
        verbose_name_plural = "民生实事月度进展"
        ordering = ["item", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["item", "year", "month"], name="livelihood_report_once_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="livelihood_report_month"),
            MONEY.constraint("investment_ytd", "livelihood_report_investment_range", "1-N月累计完成投资"),
        ]
        indexes = [models.Index(fields=["year", "month", "status"])]

    def __str__(self):
        return f"{self.item} {self.year}年{self.month}月"


class TargetProgress(models.Model):
    """累计完成: a target's cumulative quantity in a report (for a deliverables target, the number of
    deliverables in `delivered`). Above the target is allowed and shown as over 100%."""

    report = models.ForeignKey(ItemReport, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress")
    done = models.DecimalField("累计完成", max_digits=14, decimal_places=2)
    delivered = models.ManyToManyField(Deliverable, verbose_name="已完成的建设内容", blank=True,
                                       related_name="delivered_in")

    class Meta:
        verbose_name = "累计完成"
        verbose_name_plural = "累计完成"
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="livelihood_progress_once_per_target"),
            QUANTITY.constraint("done", "livelihood_progress_done_range", "累计完成"),
        ]

    def __str__(self):
        return f"{self.report} {self.target.name}".strip()


class ItemPhoto(models.Model):
    """现场照片 of a monthly report, with when (and, when the file says, where) it was taken."""

    report = models.ForeignKey(ItemReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to="livelihood-photos/%Y/%m/")
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "民生实事现场照片"
        verbose_name_plural = "民生实事现场照片"
        constraints = [
            LATITUDE.constraint("latitude", "livelihood_photo_latitude_range", "纬度"),
            LONGITUDE.constraint("longitude", "livelihood_photo_longitude_range", "经度"),
        ]

    def __str__(self):
        return f"{self.report} 照片"
