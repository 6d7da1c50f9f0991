"""The dashboard's own data: traffic-light rules (as data, per city) and the district competition (双比双看):
campaigns, their weighted indicators, the city's bonuses and deductions, and the units' highlight projects.

No figure is stored here: lights and scores are computed by the engine (indicators.lights,
indicators.competition) from these rows and the project records."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tuijin.core.bounds import SCORE
from tuijin.indicators import competition, lights


class LightRule(models.Model):
    """红黄绿灯规则: one rule of a city, with its yellow and red thresholds (see indicators/lights.py)."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="light_rules")
    name = models.CharField("规则名称", max_length=60)
    kind = models.CharField("规则类型", max_length=30, choices=list(lights.KIND_LABELS.items()))
    yellow_threshold = models.DecimalField("黄灯阈值", max_digits=8, decimal_places=2, null=True, blank=True)
    red_threshold = models.DecimalField("红灯阈值", max_digits=8, decimal_places=2, null=True, blank=True)
    applies_to = models.CharField("适用对象", max_length=10, choices=list(lights.TARGET_LABELS.items()), default=lights.BOTH)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("顺序", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "红黄绿灯规则"
        verbose_name_plural = "红黄绿灯规则"
        ordering = ["city", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="light_rule_unique_name"),
            SCORE.constraint("yellow_threshold", "light_rule_yellow_range", "黄灯阈值"),
            SCORE.constraint("red_threshold", "light_rule_red_range", "红灯阈值"),
        ]

    def __str__(self):
        return f"{self.city} {self.name}"

    def as_rule(self) -> lights.Rule:
        return lights.Rule(self.name, self.kind, self.yellow_threshold, self.red_threshold, self.applies_to, self.pk)

    def describe(self) -> str:
        return self.as_rule().describe()


class Campaign(models.Model):
    """竞赛 (双比双看 / 赛马): one period's round of a city's district competition."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    first_month = models.PositiveSmallIntegerField("起始月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    last_month = models.PositiveSmallIntegerField("截止月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    units = models.ManyToManyField("orgs.OrgUnit", verbose_name="参赛单位", related_name="+")
    previous = models.ForeignKey("self", verbose_name="上一期", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="next_rounds")
    description = models.TextField("说明", blank=True)
    red_count = models.PositiveSmallIntegerField("红榜名额", default=3)
    black_count = models.PositiveSmallIntegerField("黑榜名额", default=3)
    published_at = models.DateTimeField("红黑榜发布时间", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "竞赛"
        verbose_name_plural = "竞赛"
        ordering = ["-year", "-last_month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="campaign_unique_name"),
            models.CheckConstraint(condition=Q(first_month__gte=1, first_month__lte=models.F("last_month"),
                                               last_month__lte=12), name="campaign_month_range"),
        ]

    def __str__(self):
        return self.name

    @property
    def period(self):
        from tuijin.core.periods import Period

        return Period(self.year, self.first_month, self.last_month)


class CampaignIndicator(models.Model):
    """竞赛指标: an engine indicator or project points, with its weight and scoring method."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("指标名称", max_length=60)
    kind = models.CharField("指标", max_length=30, choices=list(competition.KIND_LABELS.items()))
    weight = models.DecimalField("权重 (分)", max_digits=8, decimal_places=2, default=Decimal(10))
    method = models.CharField("计分方法", max_length=10, choices=list(competition.METHOD_LABELS.items()), default=competition.BEST)
    params = models.JSONField("计分参数", default=dict, blank=True,
                              help_text="项目赋分的分值 (留空: 默认方案); 其他指标不需要")
    sort_order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "竞赛指标"
        verbose_name_plural = "竞赛指标"
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaign_indicator_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="campaign_indicator_weight_non_negative"),
            SCORE.constraint("weight", "campaign_indicator_weight_range", "权重"),
        ]

    def __str__(self):
        return f"{self.campaign} {self.name}"

    def as_spec(self) -> competition.IndicatorSpec:
        return competition.IndicatorSpec(str(self.pk), self.name, self.kind, self.weight, self.method,
                                         self.params or {})


class CampaignAdjustment(models.Model):
    """加分 / 扣分: points the city adds to (positive) or deducts from (negative) a unit's total, with a reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField("分值", max_digits=8, decimal_places=2, help_text="加分为正, 扣分为负")
    reason = models.CharField("事由", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "加减分"
        verbose_name_plural = "加减分"
        ordering = ["campaign", "unit__sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="campaign_adjustment_not_zero"),
            SCORE.constraint("points", "campaign_adjustment_points_range", "分值"),
        ]

    def __str__(self):
        return f"{self.unit} {self.points:+} {self.reason}"


class Highlight(models.Model):
    """亮点项目: a unit's project presented in a campaign, with a photo or a video. A demo highlight without a
    photo file shows a placeholder drawn on request (marked 演示)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="highlights")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", verbose_name="项目", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="highlights")
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("亮点介绍", blank=True)
    photo = models.ImageField("照片", upload_to="highlights/%Y/", blank=True)
    video = models.FileField("视频", upload_to="highlight-videos/%Y/", blank=True)
    sort_order = models.PositiveIntegerField("顺序", default=0)
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "亮点项目"
        verbose_name_plural = "亮点项目"
        ordering = ["campaign", "unit__sort_order", "sort_order", "id"]

    def __str__(self):
        return self.title

    @property
    def has_photo(self) -> bool:
        return bool(self.photo) or self.is_demo
