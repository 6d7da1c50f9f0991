"""tuijin digest: the daily digest e-mail (每日摘要) — unread notifications, a department's overdue and
due-soon problems, a leader's supervised problems. At most one per user and day: safe to run twice."""

from django.utils import timezone

from tuijin.core.management.base import TuijinCommand
from tuijin.problems.services import send_digest


class Command(TuijinCommand):
    help = "发送每日摘要邮件 (每人每天最多一封, 可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="摘要日期 (YYYY-MM-DD, 默认今天)")

    def handle(self, *args, **o):
        now = None
        if o["date"]:
            import datetime

            day = datetime.date.fromisoformat(o["date"])
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))
        sent = send_digest(now=now)
        for user, lines in sent:
            self.stdout.write(f"已发送: {user.username} <{user.email}> ({lines} 行)")
        self.stdout.write(f"共发送 {len(sent)} 封")
