"""一项目一档: the project's 审批要件 (approval documents: 立项, 用地, 规划, 环评, 施工许可 …), each with its 文号, date
and an optional scanned file. The rest of the dossier (stages, plan against actual, photos, problems, contracts,
list history) is read from the records the other apps keep; nothing is copied here."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApprovalItem(models.TextChoices):
    """审批事项, in the order a project usually gets them."""

    APPROVAL = "approval", "立项(审批/核准/备案)"
    LAND = "land", "用地预审与选址"
    LAND_USE = "land_use", "用地批准(土地证)"
    PLANNING = "planning", "建设用地规划许可"
    ENGINEERING = "engineering", "建设工程规划许可"
    ENVIRONMENT = "environment", "环评批复"
    ENERGY = "energy", "节能审查"
    SAFETY = "safety", "安全评价"
    PERMIT = "permit", "施工许可"
    OTHER = "other", "其他"


ITEM_ORDER = list(ApprovalItem.values)


class ApprovalDocument(models.Model):
    """审批要件: one approval of a project (事项, 文号, 批复日期, 发文机关), with the scanned document if uploaded."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="approvals"
    )
    item = models.CharField("审批事项", max_length=20, choices=ApprovalItem.choices)
    name = models.CharField("要件名称", max_length=100, blank=True)
    number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("批复日期")
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    file = models.FileField("文件", upload_to="approvals/%Y/%m/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "审批要件"
        verbose_name_plural = "审批要件"
        ordering = ["project", "issued_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__gte="1949-10-01"), name="approval_issued_on_range"
            ),
            models.UniqueConstraint(
                fields=["project", "number"],
                condition=~Q(number=""),
                name="approval_number_once_per_project",
            ),
        ]
        indexes = [models.Index(fields=["project", "issued_on"])]

    def __str__(self):
        return f"{self.project} {self.label}{' ' + self.number if self.number else ''}"

    @property
    def label(self) -> str:
        """What the table prints: the item, with its own name where one is given (其他: the name alone)."""
        if self.item == ApprovalItem.OTHER and self.name:
            return self.name
        return f"{self.get_item_display()}{f' ({self.name})' if self.name else ''}"
