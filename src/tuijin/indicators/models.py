"""What the indicator engine keeps: the data version per city and year (the indicator cache's key), and the
figure store (one fact row per project and year, see store.py)."""

from typing import Any

from django.db import models


class DataVersion(models.Model):
    """数据版本: a counter per city and year, bumped in the same transaction as every audited write that can move
    a figure of that city (tuijin.indicators.versions). year 0: a change that touches every year of the city
    (a project moved, a stage reached); city NULL: a change whose city is unknown (a category renamed), which
    every city's figures read. The cache key of a figure holds the versions it depends on, so a write in one
    city leaves another city's cached figures valid."""

    city = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="城市",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度", default=0)
    version = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"
        ordering = ["city_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="dataversion_once_per_city_year"),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(city__isnull=True),
                name="dataversion_once_per_year_without_city",
            ),
        ]

    def __str__(self):
        return f"{self.city_id or '全部'}/{self.year or '全部年度'}: {self.version}"


MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


def _months(prefix: str, label: str, null: bool = False) -> dict:
    return {
        f"{prefix}{m}": models.DecimalField(
            f"{m}月{label}", null=null, blank=null, **({} if null else {"default": 0}), **MONEY
        )
        for m in range(1, 13)
    }


class _FactBase(models.Model):
    """The columns of ProjectYearFact; the month columns are added below (acc1…acc12, sub1…sub12, plan1…plan12)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    city = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="城市",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", on_delete=models.CASCADE, related_name="+"
    )
    unit_path = models.CharField("单位路径", max_length=255)
    category_id = models.BigIntegerField("项目类别", null=True, blank=True)
    sector_id = models.BigIntegerField("行业领域", null=True, blank=True)
    nature_id = models.BigIntegerField("建设性质", null=True, blank=True)
    industry_path = models.CharField("产业链路径", max_length=255, blank=True)
    total_investment = models.DecimalField("计划总投资(万元)", **MONEY)
    # The counting entry: the highest-ranked list of the project's city that counts in 全部 (None: on no such list).
    entry = models.ForeignKey(
        "projects.ListEntry",
        verbose_name="计数清单条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    annual_list = models.ForeignKey(
        "projects.AnnualList",
        verbose_name="计数清单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    annual_plan = models.DecimalField("年度计划投资(万元)", default=0, **MONEY)
    planned_new_start = models.BooleanField("计划新开工", default=False)
    planned_start_month = models.PositiveSmallIntegerField("计划开工月份", null=True, blank=True)
    planned_completion = models.BooleanField("计划竣工", default=False)
    planned_operation = models.BooleanField("计划投产", default=False)
    continuing = models.BooleanField("续建", default=False)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    operating_on = models.DateField("投产日期", null=True, blank=True)
    at_capacity_on = models.DateField("达产日期", null=True, blank=True)

    class Meta:
        abstract = True


for _name, _field in {
    **_months("acc", "已确认完成投资"),
    **_months("sub", "已报送完成投资"),
    **_months("plan", "累计计划", null=True),
    **_months("facc", "已确认落实资金"),
    **_months("fsub", "已报送落实资金"),
}.items():
    _field.contribute_to_class(_FactBase, _name)


class FactManager(models.Manager):
    """Every read of the store first writes what a deferred refresh has pending (store.deferred_refresh)."""

    def get_queryset(self):
        from . import store

        store.flush_pending()
        return super().get_queryset()


class ProjectYearFact(_FactBase):
    """项目年度事实: what every core figure of a listed project in a year needs, in one row (the figure store,
    tuijin.indicators.store). Written by the services that change what it derives from, in the same transaction
    (store.refresh_facts), rebuilt from scratch by `tuijin figures rebuild`. accN / subN: 当月完成投资 of month N on
    the accepted / submitted basis (0 without a report on that basis); planN: the counting entry's planned
    cumulative through month N (None: no plan for that month); faccN / fsubN: 当月落实资金 of month N on either basis."""

    objects = FactManager()

    class Meta:
        verbose_name = "项目年度事实"
        verbose_name_plural = "项目年度事实"
        ordering = ["year", "unit_path", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="fact_once_per_project_year")
        ]
        indexes = [
            models.Index(fields=["year", "unit_path"], name="fact_year_unit_path"),
            models.Index(fields=["city", "year"], name="fact_city_year"),
        ]

    def __str__(self):
        return f"{self.project_id}/{self.year}"
