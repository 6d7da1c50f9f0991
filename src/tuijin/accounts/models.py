"""Users: each belongs to one org unit and holds one role; what they see follows from both."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市管理员"
    CITY_LEADER = "city_leader", "市领导"
    DISTRICT_ADMIN = "district_admin", "板块管理员"
    REPORTER = "reporter", "填报员"
    DEPARTMENT = "department", "部门经办"
    PROVINCE_READER = "province_reader", "省级查看"


class User(AbstractUser):
    """用户: attached to an org unit (城市 / 板块 / 部门) with a role."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "—"
