"""通报 (bulletins): the sentence templates a bulletin is written from, and each city's section settings.

A bulletin is data plus words: every figure comes from the indicator engine, every sentence from a template
row. Rows with no city are the system defaults (seeded by migration); a city's administrator edits a sentence
by writing an override row for that city with the same key (never by changing the default)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuijin.core.bounds import MONEY, POINTS


class Section(models.TextChoices):
    """通报的段落. Each section offers its own named figures (see defaults.FIGURES)."""

    OVERVIEW = "overview", "总体情况"
    LISTS = "lists", "重点清单项目"
    EVENTS = "events", "招引落地"
    UNIT_EVENTS = "unit_events", "各板块招引落地"
    RANKING = "ranking", "板块排名"
    LAGGING = "lagging", "进度滞后"
    CHAINS = "chains", "产业集群和产业链"
    TARGETS = "targets", "目标任务"
    ATTRACTION = "attraction", "招商引资"
    LIVELIHOOD = "livelihood", "民生实事"
    PROBLEMS = "problems", "问题协调"
    EMPTY = "empty", "无数据"


class SentenceTemplate(models.Model):
    """句式模板: one sentence of a bulletin, with named figures in braces ({completed_yi}) and optional
    clauses in square brackets. `city` empty: the system default; set: that city's override of `key`."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="sentence_templates")
    key = models.CharField("句式键", max_length=60)
    section = models.CharField("段落", max_length=20, choices=Section.choices)
    order = models.PositiveIntegerField("顺序", default=100)
    text = models.TextField("句式")
    enabled = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通报句式"
        verbose_name_plural = "通报句式"
        ordering = ["section", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="sentence_template_once_per_city"),
            models.UniqueConstraint(fields=["key"], condition=Q(city__isnull=True),
                                    name="sentence_template_default_once"),
        ]

    def __str__(self):
        return f"{self.city or '默认'} {self.key}"


class BulletinConfig(models.Model):
    """通报设置: which lists and paragraphs a city's bulletin includes, the threshold (亿元以上 = 计划总投资
    ≥ 10000 万元) and the category counted for signings (产业). A city without a row uses the defaults."""

    city = models.OneToOneField("orgs.OrgUnit", on_delete=models.CASCADE, related_name="bulletin_config",
                                verbose_name="城市")
    heading = models.CharField("通报标题", max_length=100, blank=True,
                               help_text="留空: “{城市}重大项目推进情况通报”")
    issuer = models.CharField("发文单位", max_length=100, blank=True,
                              help_text="留空: “{城市}重大项目建设推进办公室”")
    lists = models.ManyToManyField("projects.AnnualList", blank=True, related_name="+", verbose_name="通报的清单",
                                   help_text="留空: 当年有项目的全部清单, 按层级顺序")
    lagging_lists = models.ManyToManyField("projects.AnnualList", blank=True, related_name="+",
                                           verbose_name="点名滞后项目的清单", help_text="留空: 层级最高的清单")
    threshold_wan = models.DecimalField("招引门槛(万元, 含)", max_digits=14, decimal_places=2, null=True,
                                        blank=True, help_text="留空: 城市口径的亿元以上门槛")
    signing_category = models.ForeignKey("projects.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name="招引统计的项目类别",
                                         help_text="留空: 产业")
    include_ranking = models.BooleanField("板块排名", default=True)
    include_unit_events = models.BooleanField("各板块招引落地", default=True)
    include_lagging = models.BooleanField("点名滞后板块和项目", default=True)
    include_chains = models.BooleanField("产业集群和产业链", default=True)
    include_targets = models.BooleanField("目标任务", default=True)
    include_livelihood = models.BooleanField("民生实事", default=True)
    include_problems = models.BooleanField("问题协调", default=True)
    lagging_limit = models.PositiveSmallIntegerField("点名项目数上限", default=10)
    lag_threshold_pp = models.DecimalField("滞后判定(低于序时百分点)", max_digits=5, decimal_places=1, default=0,
                                           help_text="项目完成率低于序时进度超过该值即点名; 0: 低于即点名")

    class Meta:
        verbose_name = "通报设置"
        verbose_name_plural = "通报设置"
        constraints = [
            models.CheckConstraint(condition=Q(threshold_wan__isnull=True) | Q(threshold_wan__gte=0),
                                   name="bulletin_threshold_non_negative"),
            models.CheckConstraint(condition=Q(lag_threshold_pp__gte=0), name="bulletin_lag_non_negative"),
            MONEY.constraint("threshold_wan", "bulletin_threshold_range", "招引门槛"),
            POINTS.constraint("lag_threshold_pp", "bulletin_lag_range", "滞后判定"),
        ]

    def __str__(self):
        return f"{self.city} 通报设置"


class BulletinIssue(models.Model):
    """签发: a city's bulletin for a period (through year-month) marked as issued by its administrator. When the
    city requires it (reconciliation.ReconciliationSettings.gate), issuing is refused while the period's
    reconciliation has open findings (reconciliation.selectors.gate_problem)."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE,
                             related_name="bulletin_issues")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("截至月份")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "通报签发"
        verbose_name_plural = "通报签发"
        ordering = ["city", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "month"], name="bulletin_issue_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="bulletin_issue_month_range"),
        ]

    def __str__(self):
        return f"{self.city} {self.year}年1-{self.month}月通报 已签发"
