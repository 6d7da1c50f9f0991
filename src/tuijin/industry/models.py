"""A city's industry taxonomy trees (四群八链, 876, 1030产业体系) and its above-scale enterprises' sales."""

from django.db import models
from django.db.models import Q

from tuijin.core.bounds import SALES


class Taxonomy(models.Model):
    """产业体系: one named tree per city (a city may run several, e.g. 四群八链 and 876)."""

    city = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="taxonomies", verbose_name="城市")
    name = models.CharField("名称", max_length=50)
    level_names = models.JSONField("各层名称", default=list, blank=True,
                                   help_text='例如 ["产业集群", "产业链"]')
    is_primary = models.BooleanField("用于产业链统计", default=False)

    class Meta:
        verbose_name = "产业体系"
        verbose_name_plural = "产业体系"
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="taxonomy_unique_name")]

    def __str__(self):
        return f"{self.city} {self.name}"


class TaxonomyNode(models.Model):
    """产业节点: a cluster (depth 1), a chain (depth 2) … with a materialised path for subtree filters."""

    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField("名称", max_length=80)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "产业节点"
        verbose_name_plural = "产业节点"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "parent", "name"], name="taxnode_unique_name"),
            models.CheckConstraint(condition=Q(depth__gte=1), name="taxnode_depth_positive"),
        ]

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    """规上工业企业: an above-scale industrial enterprise, tagged with the taxonomy nodes it belongs to."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="enterprises", verbose_name="所在单位")
    name = models.CharField("名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    above_scale = models.BooleanField("规上企业", default=True)
    nodes = models.ManyToManyField(TaxonomyNode, blank=True, related_name="enterprises", verbose_name="所属产业")

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self):
        return self.name


class MonthlySales(models.Model):
    """开票销售: an enterprise's invoiced sales of one month, 万元."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="sales")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    invoiced_sales = models.DecimalField("开票销售(万元)", max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "月度开票销售"
        verbose_name_plural = "月度开票销售"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "month"], name="sales_unique_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="sales_month_range"),
            SALES.constraint("invoiced_sales", "sales_range", "开票销售"),
        ]
        indexes = [models.Index(fields=["year", "month"])]

    def __str__(self):
        return f"{self.enterprise_id} {self.year}-{self.month:02d}: {self.invoiced_sales} 万元"
