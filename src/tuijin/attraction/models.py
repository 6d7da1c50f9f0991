"""招商引资 (investment attraction) and 目标任务 (annual targets): leads and their contact log, events, contracts
with their agreed milestones and funds instalments, funds arrived, and per-unit yearly targets."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tuijin.core.bounds import FX_RATE, MONEY, SALES
from tuijin.projects.models import CityDimension


class InvestorKind(models.TextChoices):
    FORTUNE500 = "fortune500", "世界500强"
    CENTRAL_SOE = "central_soe", "央企"
    LISTED = "listed", "上市公司"
    FOREIGN = "foreign", "外资"
    PRIVATE = "private", "民企"


class LeadSource(models.TextChoices):
    EVENT = "event", "招商活动"
    DELEGATION = "delegation", "出访团组"
    AGENCY = "agency", "中介机构"
    VISIT = "visit", "走访企业"
    REFERRAL = "referral", "以商引商"


class LeadStage(models.TextChoices):
    """招商线索阶段: 线索 → 接洽 → 考察 → 洽谈 → 拟签约 → 签约, or 放弃."""

    LEAD = "lead", "线索"
    CONTACT = "contact", "接洽"
    VISIT = "visit", "考察"
    NEGOTIATION = "negotiation", "洽谈"
    PRE_SIGNING = "pre_signing", "拟签约"
    SIGNED = "signed", "签约"
    ABANDONED = "abandoned", "放弃"


LEAD_STAGE_ORDER = [LeadStage.LEAD, LeadStage.CONTACT, LeadStage.VISIT, LeadStage.NEGOTIATION,
                    LeadStage.PRE_SIGNING, LeadStage.SIGNED]


class Lead(models.Model):
    """招商线索 / 在谈项目: an investor's intended project followed by a unit and its team (小分队)."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="跟进单位", on_delete=models.PROTECT,
                             related_name="attraction_leads")
    title = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资方", max_length=200, db_index=True)
    investor_key = models.CharField("投资方(归一)", max_length=200, db_index=True)
    investor_region = models.CharField("国别/地区", max_length=60, blank=True)
    investor_kind = models.CharField("投资方类型", max_length=20, choices=InvestorKind.choices)
    source = models.CharField("线索来源", max_length=20, choices=LeadSource.choices)
    industry_node = models.ForeignKey("industry.TaxonomyNode", verbose_name="产业链", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    intended_investment = models.DecimalField("意向投资(万元)", max_digits=14, decimal_places=2)
    foreign_currency = models.CharField("外币币种", max_length=3, blank=True)
    foreign_amount = models.DecimalField("外币金额(万)", max_digits=14, decimal_places=2, null=True, blank=True)
    fx_rate = models.DecimalField("折算汇率", max_digits=10, decimal_places=4, null=True, blank=True)
    team = models.CharField("招商小分队", max_length=100, blank=True)
    city_leader = models.CharField("挂钩市领导", max_length=50, blank=True)
    stage = models.CharField("阶段", max_length=20, choices=LeadStage.choices, default=LeadStage.LEAD,
                             db_index=True)
    stage_date = models.DateField("进入本阶段日期")
    abandon_reason = models.CharField("放弃原因", max_length=300, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name="重复招商", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates")
    duplicate_decision = models.CharField("重复招商裁定", max_length=300, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "招商线索"
        verbose_name_plural = "招商线索"
        ordering = ["unit__path", "id"]
        constraints = [
            MONEY.constraint("intended_investment", "lead_investment_range", "意向投资"),
            MONEY.constraint("foreign_amount", "lead_foreign_amount_range", "外币金额"),
            FX_RATE.constraint("fx_rate", "lead_fx_rate_range", "折算汇率"),
            models.CheckConstraint(condition=Q(foreign_amount__isnull=True) | Q(fx_rate__gt=0),
                                   name="lead_foreign_amount_needs_rate"),
            models.CheckConstraint(condition=~Q(stage="abandoned") | ~Q(abandon_reason=""),
                                   name="lead_abandoned_has_reason"),
        ]

    def __str__(self):
        return f"{self.investor} {self.title}"


class ContactLog(models.Model):
    """洽谈记录: a dated contact with the investor."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField("日期")
    note = models.CharField("内容", max_length=500)
    stage_after = models.CharField("此后阶段", max_length=20, choices=LeadStage.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["lead", "date", "id"]

    def __str__(self):
        return f"{self.lead} {self.date}"


class EventKind(models.TextChoices):
    DELEGATION = "delegation", "招商团组"
    FAIR = "fair", "经贸交流会"
    PROMOTION = "promotion", "城市推介"
    CEREMONY = "ceremony", "签约仪式"


class AttractionEvent(models.Model):
    """招商活动: a delegation, trade fair, promotion or signing ceremony (签约仪式), where leads are met and
    contracts signed (Contract.event: the projects signed there are the event's cohort)."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    leader = models.CharField("带队领导", max_length=50, blank=True)
    units = models.ManyToManyField("orgs.OrgUnit", verbose_name="参加单位", related_name="attraction_events")
    leads = models.ManyToManyField(Lead, verbose_name="对接线索", related_name="events", blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "招商活动"
        verbose_name_plural = "招商活动"
        ordering = ["-date", "id"]

    def __str__(self):
        return f"{self.date} {self.name}"


class ContractKind(models.TextChoices):
    FIRST = "first", "首次签约"
    INCREASE = "increase", "增资"
    RESIGNED = "resigned", "再签约(不重复统计)"


class IndustryTier(models.TextChoices):
    """三次产业: the sector of the economy a signed project belongs to (bulletins print shares 一产 / 二产 / 三产)."""

    PRIMARY = "primary", "一产"
    SECONDARY = "secondary", "二产"
    TERTIARY = "tertiary", "三产"


class Contract(models.Model):
    """签约合同: the contract that signs a project. Only the first signing of a project counts as a new signing;
    an increase (增资) adds only its increment to the new-signing amount; a re-signing adds nothing."""

    project = models.ForeignKey("projects.Project", verbose_name="项目", on_delete=models.PROTECT,
                                related_name="contracts")
    lead = models.ForeignKey(Lead, verbose_name="招商线索", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="contracts")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="签约单位", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(AttractionEvent, verbose_name="签约活动", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="contracts")
    kind = models.CharField("签约类型", max_length=20, choices=ContractKind.choices)
    industry_tier = models.CharField("三次产业", max_length=10, choices=IndustryTier.choices,
                                     default=IndustryTier.SECONDARY)
    signed_on = models.DateField("签约日期", db_index=True)
    investment = models.DecimalField("合同投资/增资额(万元)", max_digits=14, decimal_places=2)
    registered_capital = models.DecimalField("注册资本(万元)", max_digits=14, decimal_places=2, default=0)
    foreign_capital = models.DecimalField("外资(万元)", max_digits=14, decimal_places=2, default=0)
    foreign_currency = models.CharField("外币币种", max_length=3, blank=True)
    foreign_amount = models.DecimalField("外币金额(万)", max_digits=14, decimal_places=2, null=True, blank=True)
    fx_rate = models.DecimalField("折算汇率", max_digits=10, decimal_places=4, null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "签约合同"
        verbose_name_plural = "签约合同"
        ordering = ["signed_on", "id"]
        constraints = [
            MONEY.constraint("investment", "contract_investment_range", "合同投资/增资额"),
            MONEY.constraint("registered_capital", "contract_registered_capital_range", "注册资本"),
            MONEY.constraint("foreign_capital", "contract_foreign_capital_range", "外资"),
            MONEY.constraint("foreign_amount", "contract_foreign_amount_range", "外币金额"),
            FX_RATE.constraint("fx_rate", "contract_fx_rate_range", "折算汇率"),
            models.CheckConstraint(condition=~Q(kind="increase") | Q(investment__gt=0),
                                   name="contract_increase_positive"),
            models.CheckConstraint(condition=Q(foreign_amount__isnull=True) | Q(fx_rate__gt=0),
                                   name="contract_foreign_amount_needs_rate"),
            models.UniqueConstraint(fields=["project"], condition=Q(kind="first"),
                                    name="contract_one_first_signing_per_project"),
        ]

    def __str__(self):
        return f"{self.project} {self.get_kind_display()} {self.signed_on}"


class AgreedMilestone(models.TextChoices):
    REGISTERED = "registered", "注册"
    LAND = "land", "拿地"
    STARTED = "started", "开工"
    OPERATING = "operating", "投产"


class ContractMilestone(models.Model):
    """合同约定节点: an agreed date (注册, 拿地, 开工, 投产) and when it was actually reached."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("节点", max_length=20, choices=AgreedMilestone.choices)
    due_date = models.DateField("约定日期")
    actual_date = models.DateField("实际日期", null=True, blank=True)

    class Meta:
        ordering = ["contract", "due_date"]
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="contract_milestone_once")]

    def __str__(self):
        return f"{self.contract} {self.get_kind_display()}"


class FundsInstalment(models.Model):
    """约定到位资金: an instalment of the contracted investment due by a date (万元)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField("约定日期")
    amount = models.DecimalField("约定金额(万元)", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["contract", "due_date"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_positive"),
                       MONEY.constraint("amount", "instalment_amount_range", "约定金额")]

    def __str__(self):
        return f"{self.contract} {self.due_date} {self.amount}"


# A city's default sources of funds arrived (code, name, counts as 实际到位外资), in their order. Codes of the
# fixed choices of before (province 市外省内, domestic 省外, foreign 境外) are kept, so old rows map onto them.
DEFAULT_FUNDS_SOURCES = [("foreign", "境外", True), ("domestic", "国内省外", False), ("province", "省内市外", False),
                         ("county", "市内县际", False)]


class FundsSource(CityDimension):
    """资金来源: the sources a city splits its funds arrived by (境外, 国内省外, 省内市外, 市内县际 by default), with a
    code, a name and an order; `is_foreign` sources count as 实际到位外资."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+")
    is_foreign = models.BooleanField("计入实际到位外资", default=False)

    class Meta(CityDimension.Meta):
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="funds_source_unique_code"),
            models.UniqueConstraint(fields=["city", "name"], name="funds_source_unique_name"),
        ]


class FundsArrival(models.Model):
    """到位资金: funds that actually arrived on a date (万元), by the city's source; a source marked foreign (境外)
    counts as 实际到位外资."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="arrivals")
    date = models.DateField("到位日期")
    amount = models.DecimalField("到位金额(万元)", max_digits=14, decimal_places=2)
    source = models.ForeignKey(FundsSource, verbose_name="资金来源", on_delete=models.PROTECT, related_name="arrivals")

    class Meta:
        ordering = ["contract", "date"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="arrival_positive"),
                       MONEY.constraint("amount", "arrival_amount_range", "到位金额")]

    def __str__(self):
        return f"{self.contract} {self.date} {self.amount}"


class TargetLevel(models.TextChoices):
    CITY = "city", "市定"
    PROVINCE = "province", "省定"


class Target(models.Model):
    """目标任务: a unit's yearly target for one engine indicator, set by one level (市 or 省), with the month
    by which it is due (默认 12) and an optional list / category narrowing the indicator's scope; a target on
    到位资金 by source (分来源到位资金) names the city's funds source and is in 万元, to 4 decimals."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE,
                             related_name="attraction_targets")
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=40)
    level = models.CharField("下达层级", max_length=20, choices=TargetLevel.choices, default=TargetLevel.CITY)
    annual_list = models.ForeignKey("projects.AnnualList", verbose_name="清单", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("projects.Category", verbose_name="类别", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(FundsSource, verbose_name="资金来源", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="targets")
    value = models.DecimalField("目标值", max_digits=16, decimal_places=4)
    strictly_above = models.BooleanField("须超过目标值", default=False)
    due_month = models.PositiveSmallIntegerField("完成时限(月)", default=12)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "目标任务"
        verbose_name_plural = "目标任务"
        ordering = ["unit__path", "year", "id"]
        constraints = [
            SALES.constraint("value", "target_value_range", "目标值"),
            models.CheckConstraint(condition=Q(due_month__gte=1, due_month__lte=12), name="target_due_month_range"),
            models.UniqueConstraint(fields=["unit", "year", "indicator", "level", "annual_list", "category",
                                            "source"], name="target_once_per_level"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.indicator}"


class TargetStep(models.Model):
    """分月/分季度目标: the cumulative target through a month."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="steps")
    month = models.PositiveSmallIntegerField("月份")
    cumulative_value = models.DecimalField("累计目标", max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["target", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "month"], name="target_step_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="target_step_month_range"),
            SALES.constraint("cumulative_value", "target_step_value_range", "累计目标"),
        ]

    def __str__(self):
        return f"{self.target} {self.month}月"
