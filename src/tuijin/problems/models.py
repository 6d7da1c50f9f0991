"""问题协调 · 周调度 · 联审会办: problems raised on projects and their workflow, escalation rules, meetings
(weekly dispatch and joint review) with their decisions, and in-app notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ProblemCategory(models.Model):
    """问题类别: 用地, 环保, 融资, 审批, 拆迁, 水电气, 用工, 其他 (seeded; configurable)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    RAISED = "raised", "已提出"
    ASSIGNED = "assigned", "已交办"
    SIGNED = "signed", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    ANSWERED = "answered", "已办结"
    CLOSED = "closed", "已销号"


# Assigned to a department and not yet answered: the deadline runs (逾期 when past it).
OPEN_STATUSES = (Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS)
# Not closed: still on someone's desk (including a fresh problem waiting to be assigned).
UNCLOSED_STATUSES = (Status.RAISED, *OPEN_STATUSES, Status.ANSWERED)


class Level(models.IntegerChoices):
    """督办层级: a problem starts at its district (or city) and climbs when overdue."""

    NONE = 0, "未督办"
    CITY = 1, "市级督办"
    LEADER = 2, "分管市领导督办"


class Problem(models.Model):
    """问题: raised on a project, assigned to a lead department with a deadline, answered, closed."""

    class Source(models.TextChoices):
        MANUAL = "manual", "直接提出"
        REPORT = "report", "月报存在问题"
        MEETING = "meeting", "会议"

    project = models.ForeignKey("projects.Project", verbose_name="项目", on_delete=models.CASCADE,
                                related_name="problems")
    category = models.ForeignKey(ProblemCategory, verbose_name="类别", on_delete=models.PROTECT,
                                 related_name="problems")
    title = models.CharField("问题摘要", max_length=120)
    description = models.TextField("问题描述", blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    report = models.ForeignKey("progress.MonthlyReport", verbose_name="来源月报", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="tracked_problems")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.RAISED, db_index=True)

    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField("提出时间")
    lead_department = models.ForeignKey("orgs.OrgUnit", verbose_name="牵头部门", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="led_problems")
    cooperating = models.ManyToManyField("orgs.OrgUnit", verbose_name="配合单位", blank=True,
                                         related_name="cooperating_problems")
    deadline = models.DateField("办理时限", null=True, blank=True, db_index=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    started_at = models.DateTimeField("开始办理", null=True, blank=True)
    answer = models.TextField("办结答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("退回次数", default=0)

    level = models.PositiveSmallIntegerField("督办层级", choices=Level.choices, default=Level.NONE)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办市领导", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="supervised_problems")

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="raised") | Q(lead_department__isnull=False, deadline__isnull=False),
                name="problem_assigned_has_department_and_deadline"),
            models.CheckConstraint(condition=~Q(status__in=["answered", "closed"]) | ~Q(answer=""),
                                   name="problem_answered_has_answer"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=2), name="problem_level_range"),
        ]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["lead_department", "status"])]

    def __str__(self):
        return f"{self.project} · {self.title}"

    def is_overdue(self, today) -> bool:
        """逾期: assigned, not answered, and its deadline (the last day) has passed."""
        return self.status in OPEN_STATUSES and self.deadline is not None and self.deadline < today

    def days_left(self, today) -> int | None:
        if self.deadline is None or self.status not in OPEN_STATUSES:
            return None
        return (self.deadline - today).days


class ProblemEvent(models.Model):
    """办理记录: every step of a problem, timestamped and attributed (the audit trail holds the field changes)."""

    class Action(models.TextChoices):
        RAISE = "raise", "提出"
        ASSIGN = "assign", "交办"
        SIGN = "sign", "签收"
        START = "start", "办理"
        ANSWER = "answer", "办结"
        CLOSE = "close", "销号"
        REOPEN = "reopen", "退回重办"
        ESCALATE = "escalate", "督办"
        DECISION = "decision", "会议决定"
        ATTACH = "attach", "上传附件"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    at = models.DateTimeField("时间")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.problem_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ProblemAttachment(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="problems/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "问题附件"
        verbose_name_plural = "问题附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class EscalationRule(models.Model):
    """督办规则: a problem overdue by at least `days_overdue` days climbs to `level` (1 = 市级, 2 = 分管市领导).
    `leader` is the fallback city leader for level 2 when the project's 责任领导 has no LeaderLink."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE,
                             related_name="escalation_rules")
    level = models.PositiveSmallIntegerField("升级到", choices=Level.choices)
    days_overdue = models.PositiveIntegerField("逾期天数 ≥", default=1)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="默认督办领导", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "督办规则"
        verbose_name_plural = "督办规则"
        ordering = ["city", "level"]
        constraints = [
            models.UniqueConstraint(fields=["city", "level"], name="escalation_rule_once_per_level"),
            models.CheckConstraint(condition=Q(level__in=[1, 2]), name="escalation_rule_level_range"),
            models.CheckConstraint(condition=Q(days_overdue__gte=1), name="escalation_rule_days_positive"),
        ]

    def __str__(self):
        return f"{self.city} 逾期 {self.days_overdue} 天 → {self.get_level_display()}"


class LeaderLink(models.Model):
    """包挂领导: the user account of a city leader named in Project.responsible_leader (e.g. 张副市长)."""

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+")
    leader_name = models.CharField("责任领导", max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="领导账号", on_delete=models.CASCADE,
                             related_name="leader_links")

    class Meta:
        verbose_name = "领导账号对应"
        verbose_name_plural = "领导账号对应"
        constraints = [models.UniqueConstraint(fields=["city", "leader_name"], name="leader_link_once_per_name")]

    def __str__(self):
        return f"{self.leader_name} → {self.user}"


class Meeting(models.Model):
    """会议: a weekly dispatch (周调度, one per city and week) or a joint review session (联审会办)."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "周调度会"
        JOINT = "joint", "联审会办"

    city = models.ForeignKey("orgs.OrgUnit", verbose_name="城市", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField("会议名称", max_length=120)
    week_start = models.DateField("所属周 (周一)", null=True, blank=True)
    held_on = models.DateField("召开日期")
    chair = models.CharField("主持", max_length=60, blank=True)
    attendees = models.TextField("参会人员", blank=True)
    departments_present = models.ManyToManyField("orgs.OrgUnit", verbose_name="参会部门", blank=True,
                                                 related_name="meetings_attended")
    problems = models.ManyToManyField(Problem, verbose_name="会办问题", blank=True, related_name="meetings")
    minutes = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "week_start"], condition=Q(kind="weekly"),
                                    name="meeting_weekly_once_per_week"),
            models.CheckConstraint(condition=~Q(kind="weekly") | Q(week_start__isnull=False),
                                   name="meeting_weekly_has_week"),
        ]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """决定事项: one decision of a meeting, an assignment with an owner (a department) and a deadline."""

    class State(models.TextChoices):
        OPEN = "open", "落实中"
        DONE = "done", "已落实"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    text = models.TextField("决定内容")
    owner = models.ForeignKey("orgs.OrgUnit", verbose_name="责任单位", on_delete=models.PROTECT,
                              related_name="decisions")
    deadline = models.DateField("完成时限")
    state = models.CharField("状态", max_length=6, choices=State.choices, default=State.OPEN)
    result = models.TextField("落实情况", blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "决定事项"
        verbose_name_plural = "决定事项"
        ordering = ["deadline", "id"]
        constraints = [models.CheckConstraint(condition=Q(state="open") | ~Q(result=""),
                                              name="decision_done_has_result")]

    def __str__(self):
        return self.text[:60]

    def is_overdue(self, today) -> bool:
        return self.state == self.State.OPEN and self.deadline < today


class Notification(models.Model):
    """站内通知: one message to one user; `key` makes a repeated run (escalate, digest) create it once."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "交办"
        RETURNED = "returned", "退回"
        ANSWERED = "answered", "办结待销号"
        ESCALATED = "escalated", "督办"
        DUE_SOON = "due_soon", "临近时限"
        DECISION = "decision", "会议决定"
        REMINDER = "reminder", "催报"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField("内容", max_length=300)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text


class DigestSent(models.Model):
    """每日摘要: one row per user and day, so running `tuijin digest` twice sends once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    sent_at = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_day")]

    def __str__(self):
        return f"{self.recipient_id} {self.day}"
