"""The audit trail (操作留痕): who changed what, when, from where, before and after, and why."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """审计记录: append-only; nothing in the UI edits or deletes it."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    model = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象ID", max_length=40, db_index=True)
    object_repr = models.CharField("对象", max_length=255)
    project_id = models.BigIntegerField("所属项目", null=True, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for the fields that differ."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
