"""Monthly reports (月报): this month's completed investment and the year-to-date cumulative, kept consistent."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuijin.core.bounds import LATITUDE, LONGITUDE, MONEY


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    DISTRICT_ACCEPTED = "district_accepted", "板块已审核"
    ACCEPTED = "accepted", "市级已确认"


# The statuses whose figures count when indicators are asked for submitted rather than accepted figures.
SUBMITTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.DISTRICT_ACCEPTED, ReportStatus.ACCEPTED)


class MonthlyReport(models.Model):
    """月报: a project's month. `amount` is 当月完成投资, `ytd` is 1-N月累计; ytd = previous ytd + amount."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    amount = models.DecimalField("当月完成投资(万元)", max_digits=14, decimal_places=2)
    ytd = models.DecimalField("1-N月累计完成投资(万元)", max_digits=14, decimal_places=2)
    # 资金落实 (optional): the funds secured for the project in the month (万元); the engine sums the period's
    # months like `amount` and divides by the annual plan (资金落实率).
    funds_secured = models.DecimalField("当月落实资金(万元)", max_digits=14, decimal_places=2, null=True, blank=True)
    progress_text = models.TextField("形象进度", blank=True)
    problems_text = models.TextField("存在问题", blank=True)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    confirmed_warnings = models.JSONField("已确认的提示", default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "月报"
        verbose_name_plural = "月报"
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="report_once_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="report_month_range"),
            MONEY.constraint("amount", "report_amount_range", "当月完成投资"),
            MONEY.constraint("ytd", "report_ytd_range", "1-N月累计完成投资"),
            MONEY.constraint("funds_secured", "report_funds_secured_range", "当月落实资金"),
        ]
        indexes = [models.Index(fields=["year", "month", "status"])]

    def __str__(self):
        return f"{self.project} {self.year}年{self.month}月"


class ReportingPeriod(models.Model):
    """期号: a city's reporting month with its fill window and deadline. After the deadline it is locked and
    a change needs a recorded reason (更正), then goes through review again."""

    city = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="reporting_periods",
                             verbose_name="城市")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    opens_on = models.DateField("开始填报")
    deadline = models.DateField("截止日期")
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "填报期"
        verbose_name_plural = "填报期"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "month"], name="period_once_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="period_month_range"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="period_deadline_after_open"),
        ]

    def __str__(self):
        return f"{self.city} {self.year}年{self.month}月"

    def is_locked(self, today) -> bool:
        return self.locked_at is not None or today > self.deadline


class ReportPhoto(models.Model):
    """现场照片: kept with the time it was taken and, where the file carries it, the location."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to="report-photos/%Y/%m/")
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        constraints = [
            LATITUDE.constraint("latitude", "photo_latitude_range", "纬度"),
            LONGITUDE.constraint("longitude", "photo_longitude_range", "经度"),
        ]

    def __str__(self):
        return f"{self.report} 照片 {self.pk}"
