"""tuijin escalate: 督办 — raise every overdue problem to the level its city's rules give, and notify
departments of deadlines within the next days. Safe to run any number of times (cron: daily, or hourly)."""

from django.utils import timezone

from tuijin.core.management.base import TuijinCommand
from tuijin.orgs.selectors import city_by_name
from tuijin.problems.services import run_escalation


class Command(TuijinCommand):
    help = "问题督办: 逾期问题按规则升级 (区 → 市 → 分管市领导), 并提醒临近时限"

    def add_arguments(self, parser):
        parser.add_argument("--city", help="只处理这个城市 (默认: 全部)")
        parser.add_argument("--date", help="按这一天计算 (YYYY-MM-DD, 默认今天; 用于补跑)")

    def handle(self, *args, **o):
        city = city_by_name(o["city"]) if o["city"] else None
        now = None
        if o["date"]:
            import datetime

            day = datetime.date.fromisoformat(o["date"])
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))
        done = run_escalation(now=now, city=city)
        for problem, _level in done:
            self.stdout.write(f"督办: {problem.project.name}「{problem.title}」→ {problem.get_level_display()}")
        self.stdout.write(f"共升级 {len(done)} 个问题")
