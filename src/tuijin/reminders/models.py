"""提醒 (reminders that reach people): what is due is worked out from the reporting deadline (填报期, 缺报), the
problems' deadlines and escalations (问题协调) and the weekly dispatch meeting (周调度); each reminder is made once
per (recipient, kind, subject, period) and delivered by e-mail and by the city's webhooks (群机器人, 短信网关),
every attempt logged, failures retried with backoff."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    REPORT_DUE = "report_due", "月报截止前提醒"
    REPORT_OVERDUE = "report_overdue", "月报逾期催报"
    PROBLEM_DUE = "problem_due", "问题临近办理时限"
    PROBLEM_OVERDUE = "problem_overdue", "问题已逾期"
    ESCALATED = "escalated", "问题督办"
    WEEKLY = "weekly", "周调度会"


class Channel(models.TextChoices):
    EMAIL = "email", "邮件"
    ROBOT = "robot", "群机器人"
    SMS = "sms", "短信"


class EndpointKind(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    SMS = "sms", "短信网关 (HTTP 接口)"


# The channel each kind of endpoint serves.
ENDPOINT_CHANNEL = {
    EndpointKind.WECOM: Channel.ROBOT,
    EndpointKind.DINGTALK: Channel.ROBOT,
    EndpointKind.SMS: Channel.SMS,
}


class Endpoint(models.Model):
    """提醒通道: one of a city's webhooks, set by its administrator. A robot (企业微信 / 钉钉) gets
    {"msgtype": "text", "text": {"content": …}} with the recipient's mobile @-mentioned; an SMS gateway gets
    `body_template` (JSON with {mobile} and {content}) POSTed to `url` (which may hold {mobile} too).
    Never deleted (the delivery log points at it): switched off instead."""

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=EndpointKind.choices)
    url = models.CharField("地址 (URL)", max_length=500)
    secret = models.CharField("加签密钥 (钉钉, 可空)", max_length=200, blank=True)
    body_template = models.TextField("请求体模板 (短信网关)", blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "提醒通道"
        verbose_name_plural = "提醒通道"
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name"], name="reminder_endpoint_name_once_per_city"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["wecom", "dingtalk", "sms"]),
                name="reminder_endpoint_kind_known",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def channel(self) -> str:
        return ENDPOINT_CHANNEL[self.kind]


class Schedule(models.Model):
    """提醒设置 of a city: when the deadline and problem reminders go out and on which weekday the weekly
    dispatch reminder goes out when no meeting is scheduled yet. A city without a row uses the defaults."""

    city = models.OneToOneField(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+"
    )
    enabled = models.BooleanField("发送提醒", default=True)
    days_before_deadline = models.PositiveSmallIntegerField("截止前几天提醒", default=3)
    days_after_deadline = models.PositiveSmallIntegerField("截止后几天内催报", default=5)
    problem_due_days = models.PositiveSmallIntegerField("问题时限前几天提醒", default=3)
    weekly_weekday = models.PositiveSmallIntegerField("周调度提醒日 (0=周一)", default=0)

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(days_before_deadline__lte=31), name="reminder_schedule_before_range"
            ),
            models.CheckConstraint(
                condition=Q(days_after_deadline__gte=1, days_after_deadline__lte=31),
                name="reminder_schedule_after_range",
            ),
            models.CheckConstraint(
                condition=Q(problem_due_days__lte=31), name="reminder_schedule_due_range"
            ),
            models.CheckConstraint(
                condition=Q(weekly_weekday__lte=6), name="reminder_schedule_weekday_range"
            ),
        ]

    def __str__(self):
        return f"{self.city} 提醒设置"


class Preference(models.Model):
    """A user's own choice: which channels (邮件 / 群机器人 / 短信) and which kinds of reminder. No row: e-mail on,
    every kind on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    email = models.BooleanField("邮件", default=True)
    robot = models.BooleanField("群机器人 (@我)", default=False)
    sms = models.BooleanField("短信", default=False)
    mobile = models.CharField("手机号", max_length=20, blank=True)
    muted_kinds = models.JSONField("不接收的提醒", default=list, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "提醒偏好"
        verbose_name_plural = "提醒偏好"

    def __str__(self):
        return f"{self.user} 提醒偏好"


class Reminder(models.Model):
    """提醒: one message to one person about one thing. The unique key (recipient, kind, subject, period) makes a
    repeated run — or two runs at once — remind nobody twice: a period's deadline once before and once after, a
    problem's deadline once (a new deadline is a new period), an escalation once per level, a week's meeting once."""

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    subject_type = models.CharField("对象类型", max_length=40)
    subject_id = models.PositiveBigIntegerField("对象")
    period = models.CharField("期次", max_length=20)
    title = models.CharField("标题", max_length=120)
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "period"],
                name="reminder_once_per_subject_and_period",
            ),
        ]
        indexes = [models.Index(fields=["city", "created_at"])]

    def __str__(self):
        return f"{self.title} → {self.recipient}"

    def message(self) -> str:
        """The text a robot or an SMS carries: title, body and link."""
        return "\n".join(x for x in (f"【{self.title}】", self.text, self.link) if x)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "失败待重试"
    GAVE_UP = "gave_up", "已放弃"
    SKIPPED = "skipped", "未发送"


class Delivery(models.Model):
    """投递记录: one reminder by one channel (e-mail, or one endpoint), with every attempt counted, the last error
    and when the next attempt is due."""

    reminder = models.ForeignKey(
        Reminder, verbose_name="提醒", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("通道", max_length=10, choices=Channel.choices)
    endpoint = models.ForeignKey(
        Endpoint,
        verbose_name="提醒通道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    target = models.CharField(
        "投递键", max_length=40
    )  # "email" or "endpoint:<id>": once per reminder
    address = models.CharField("发送到", max_length=200, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("错误", blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    claimed_at = models.DateTimeField("开始发送", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "投递记录"
        verbose_name_plural = "投递记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "target"], name="delivery_once_per_reminder_and_target"
            ),
            models.CheckConstraint(condition=Q(attempts__lte=100), name="delivery_attempts_range"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.reminder} · {self.get_channel_display()} · {self.get_status_display()}"
