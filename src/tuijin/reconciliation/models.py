"""统计对账 (reconciliation before the bulletin): what the statistics bureau and the approval platform say about
a city's projects, imported from their exports, and what the city's administrator said about each difference.

The differences themselves (findings) are never stored: `rules.py` computes them from these rows and the
project records whenever they are asked for; a `FindingNote` keeps the explanation or resolution of one finding
(by rule and subject) for one period, so it survives a recomputation."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuijin.core.bounds import MONEY, PERCENT


class StatsStatus(models.TextChoices):
    """入库状态 as the statistics bureau's list gives it."""

    IN = "in", "已入库"
    PENDING = "pending", "待入库"
    OUT = "out", "未入库"
    REMOVED = "removed", "已退库"


class StatisticsEntry(models.Model):
    """统计入库: one project's row in the statistics bureau's 固定资产投资 入库 list for a year (imported)."""

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="statistics_entries",
    )
    status = models.CharField("入库状态", max_length=10, choices=StatsStatus.choices)
    status_text = models.CharField("入库状态(原文)", max_length=30, blank=True)
    code_given = models.CharField("项目代码(原文)", max_length=40, blank=True)
    name_given = models.CharField("项目名称(原文)", max_length=200, blank=True)
    source = models.CharField("导入文件", max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "统计入库记录"
        verbose_name_plural = "统计入库记录"
        ordering = ["city", "year", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"], name="statistics_entry_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="statistics_entry_year_range"
            ),
        ]
        indexes = [models.Index(fields=["city", "year"], name="statistics_entry_city_year")]

    def __str__(self):
        return f"{self.year} {self.project_id} {self.get_status_display()}"


class StatisticsMonth(models.Model):
    """统计完成投资: the bureau's completed investment of one project in one month (当月, 万元)."""

    entry = models.ForeignKey(
        StatisticsEntry, verbose_name="统计入库记录", on_delete=models.CASCADE, related_name="months"
    )
    month = models.PositiveSmallIntegerField("月份")
    amount = models.DecimalField("统计完成投资(万元)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "统计完成投资"
        verbose_name_plural = "统计完成投资"
        ordering = ["entry", "month"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "month"], name="statistics_month_once"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="statistics_month_range"
            ),
            MONEY.constraint("amount", "statistics_month_amount_range", "统计完成投资"),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.month}月 {self.amount}"


class ApprovalKind(models.TextChoices):
    """审批 / 核准 / 备案: how the approval platform cleared a project."""

    APPROVAL = "approval", "审批"
    RATIFICATION = "ratification", "核准"
    FILING = "filing", "备案"


class ApprovalRecord(models.Model):
    """审批记录: one approval of a project from the approval platform's export (imported)."""

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="approval_records",
    )
    kind = models.CharField("审批类型", max_length=20, choices=ApprovalKind.choices)
    approved_on = models.DateField("审批日期")
    document_no = models.CharField("审批文号", max_length=100, blank=True)
    code_given = models.CharField("项目代码(原文)", max_length=40, blank=True)
    source = models.CharField("导入文件", max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "审批记录"
        verbose_name_plural = "审批记录"
        ordering = ["city", "project", "approved_on"]
        indexes = [models.Index(fields=["city", "document_no"], name="approval_record_city_doc")]

    def __str__(self):
        return f"{self.project_id} {self.get_kind_display()} {self.approved_on} {self.document_no}"


class Rule(models.TextChoices):
    """对账规则: the kinds of difference `rules.reconcile` finds."""

    NOT_IN_STATS = "not_in_stats", "已报送未入库"
    AMOUNT = "amount", "完成投资与统计数不符"
    DUPLICATE = "duplicate", "重复登记 (不重复统计)"
    START_BEFORE_APPROVAL = "start_before_approval", "开工早于审批"
    OVER_TOTAL = "over_total", "累计完成超计划总投资"


class NoteStatus(models.TextChoices):
    EXPLAINED = "explained", "已说明"
    RESOLVED = "resolved", "已处理"


class FindingNote(models.Model):
    """A city administrator's explanation (已说明) or resolution (已处理) of one finding for one period
    (through year-month). A finding without a note is open (未处理)."""

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("截至月份")
    rule = models.CharField("规则", max_length=30, choices=Rule.choices)
    subject = models.CharField(
        "对象", max_length=200, help_text="项目代码; 重复登记为两个代码, 以 | 分隔"
    )
    status = models.CharField("状态", max_length=20, choices=NoteStatus.choices)
    note = models.TextField("说明")
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="说明人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    noted_at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        verbose_name = "对账差异说明"
        verbose_name_plural = "对账差异说明"
        ordering = ["city", "year", "month", "rule", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "month", "rule", "subject"], name="finding_note_once"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="finding_note_month_range"
            ),
        ]

    def __str__(self):
        return (
            f"{self.year}-{self.month:02d} {self.rule} {self.subject}: {self.get_status_display()}"
        )


class ThresholdKind(models.TextChoices):
    PERCENT = "pct", "%"
    WAN = "wan", "万元"


class Gate(models.TextChoices):
    """What a city requires of the reconciliation before its bulletin is issued (签发)."""

    NONE = "none", "不要求"
    EXPLAINED = "explained", "差异须已说明或已处理"
    CLEAR = "clear", "差异须全部处理完毕"


class ReconciliationSettings(models.Model):
    """对账设置: a city's threshold for amount differences and its rule before issuing a bulletin. A city
    without a row uses the defaults (5%, no requirement)."""

    city = models.OneToOneField(
        "orgs.OrgUnit",
        verbose_name="城市",
        on_delete=models.CASCADE,
        related_name="reconciliation_settings",
    )
    threshold_kind = models.CharField(
        "差异阈值单位", max_length=5, choices=ThresholdKind.choices, default=ThresholdKind.PERCENT
    )
    threshold = models.DecimalField(
        "差异阈值",
        max_digits=14,
        decimal_places=2,
        default=5,
        help_text="报送累计与统计累计相差超过该值 (万元, 或统计数的 %) 即列为差异",
    )
    gate = models.CharField("签发通报前", max_length=20, choices=Gate.choices, default=Gate.NONE)

    class Meta:
        verbose_name = "对账设置"
        verbose_name_plural = "对账设置"
        constraints = [
            MONEY.constraint("threshold", "reconciliation_threshold_range", "差异阈值"),
            models.CheckConstraint(
                condition=~Q(threshold_kind="pct") | Q(threshold__lte=PERCENT.high),
                name="reconciliation_threshold_pct_range",
            ),
        ]

    def __str__(self):
        return f"{self.city} 对账设置"
