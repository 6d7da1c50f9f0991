"""API tokens: one per client a user sets up (a script, another system), stored hashed, revocable, expiring."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class Token(models.Model):
    """接口令牌: the raw token is shown once when created; only its SHA-256 is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=60)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("前缀", max_length=12, editable=False, help_text="令牌开头几位, 用于辨认")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="吊销人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = TokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"

    @property
    def status_label(self) -> str:
        return {"revoked": "已吊销", "expired": "已过期", "active": "有效"}[self.status]
