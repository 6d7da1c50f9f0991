"""tuijin remind [--city NAME] [--dry-run] [--now DATETIME] [--format table|json]: make the reminders that are
due (the reporting deadline before and after, problems due, overdue and escalated, the weekly dispatch meeting)
and deliver them by e-mail and the cities' webhooks, retrying failed deliveries; a thin wrapper over
reminders.services.run_reminders, run as the platform operator. Safe to run any number of times (cron: every
15 minutes, or hourly): nobody is reminded twice of the same thing."""

import datetime

from django.utils import timezone

from tuijin.accounts.services import system_actor
from tuijin.core.errors import InputError
from tuijin.core.management.base import ProgressBar, TuijinCommand
from tuijin.orgs.selectors import city_by_name
from tuijin.reminders.models import DeliveryStatus
from tuijin.reminders.services import run_reminders


def parse_now(raw: str) -> datetime.datetime:
    """--now: 2024-07-08T09:00 or 2024-07-08 09:00 (local time unless it carries an offset), or a date (08:00)."""
    try:
        value = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InputError(
            f"--now 应为日期时间, 如 2024-07-08T09:00, 收到 {raw!r}", field="now"
        ) from None
    if len(raw.strip()) == 10:
        value = value.replace(hour=8)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class Command(TuijinCommand):
    help = "发送提醒: 月报截止前后、问题临近时限/逾期/督办、周调度会 (邮件和群机器人/短信), 失败自动重试, 同一件事只提醒一次"

    def add_arguments(self, parser):
        parser.add_argument("--city", help="只处理这个城市 (默认: 全部)")
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出将要发送的提醒, 不写入、不发送"
        )
        parser.add_argument(
            "--now", help="按这个时间计算 (如 2024-07-08T09:00; 默认现在; 用于补跑和演练)"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **o):
        city = city_by_name(o["city"]) if o["city"] else None
        now = parse_now(o["now"]) if o["now"] else None
        bar = ProgressBar(1, "发送")
        result = run_reminders(
            actor=system_actor(),
            now=now,
            city=city,
            dry_run=o["dry_run"],
            progress=None if o["dry_run"] else bar,
        )
        bar.close()
        if o["format"] == "json":
            self.emit_json(
                {
                    "now": result.now.isoformat(),
                    "dry_run": result.dry_run,
                    "reminders": [
                        {
                            "kind": r.kind,
                            "recipient": r.recipient.username,
                            "title": r.title,
                            "text": r.text,
                            "link": r.link,
                        }
                        for r in result.made
                    ],
                    "deliveries": {"attempted": len(result.retries), **result.outcomes},
                }
            )
            return
        verb = "将生成" if result.dry_run else "已生成"
        for r in result.made:
            self.stdout.write(f"{verb}: [{r.title}] → {r.recipient.username}: {r.text}")
        for d in result.retries:
            state = f"{d.get_status_display()}" + (f" ({d.last_error})" if d.last_error else "")
            lead = "将尝试" if result.dry_run else "已尝试"
            self.stdout.write(
                f"{lead}: {d.get_channel_display()} {d.address or '—'} 第 {d.attempts + (1 if result.dry_run else 0)} 次"
                f"{'' if result.dry_run else ' → ' + state}"
            )
        if result.dry_run:
            self.stdout.write(
                f"演练: {verb}提醒 {len(result.made)} 条, 待发送/重试 {len(result.retries)} 个 (未写入、未发送)"
            )
        else:
            o_ = result.outcomes
            self.stdout.write(
                f"提醒 {len(result.made)} 条; 投递 {len(result.retries)} 个: 已发送 "
                f"{o_[DeliveryStatus.SENT]}, 失败待重试 {o_[DeliveryStatus.FAILED]}, "
                f"已放弃 {o_[DeliveryStatus.GAVE_UP]}, 未发送 {o_[DeliveryStatus.SKIPPED]}"
            )
