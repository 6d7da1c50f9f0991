"""Users: each belongs to one org unit and holds one role; what they see follows from both."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from tuijin.core.policy import Role  # noqa: F401  (re-exported: accounts.models.Role is used everywhere)


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
