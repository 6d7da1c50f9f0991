"""What the indicator engine keeps: the data version per city and year (the indicator cache's key), and the
figure store (one fact row per project and year, see store.py)."""

from django.db import models


class DataVersion(models.Model):
    """数据版本: a counter per city and year, bumped in the same transaction as every audited write that can move
    a figure of that city (tuijin.indicators.versions). year 0: a change that touches every year of the city
    (a project moved, a stage reached); city NULL: a change whose city is unknown (a category renamed), which
    every city's figures read. The cache key of a figure holds the versions it depends on, so a write in one
    city leaves another city's cached figures valid."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    year = models.PositiveSmallIntegerField("年度", default=0)
    version = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"
        ordering = ["city_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="dataversion_once_per_city_year"),
            models.UniqueConstraint(fields=["year"], condition=models.Q(city__isnull=True),
                                    name="dataversion_once_per_year_without_city"),
        ]

    def __str__(self):
        return f"{self.city_id or '全部'}/{self.year or '全部年度'}: {self.version}"

