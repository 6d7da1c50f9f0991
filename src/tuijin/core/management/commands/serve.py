"""tuijin serve: serve Tuijin over HTTP, static assets included (no CDN), after applying any pending migrations.

This is Django's threaded development server with `--insecure` static serving: right for the demo, a laptop
or a trial on an intranet machine. A production installation puts gunicorn or granian behind nginx and lets
nginx serve `collectstatic`'s folder; see docs/deploy.md.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tuijin.core.management.base import TuijinCommand


class Command(TuijinCommand):
    help = "启动 Web 服务 (Serve Tuijin over HTTP, with its static assets)"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 (default 127.0.0.1)")
        parser.add_argument("--port", default="8000", help="端口 (default 8000)")
        parser.add_argument("--no-migrate", action="store_true", help="不自动执行数据库迁移")
        parser.add_argument("--reload", action="store_true", help="代码改动时自动重启 (开发用)")

    def handle(self, *args, **o):
        host, port = o["host"].strip(), parse_port(o["port"])
        if not host:
            raise CommandError("--host: 不能为空 (empty host)", returncode=2)
        ipv6 = ":" in host
        addr = f"[{host.strip('[]')}]:{port}" if ipv6 else f"{host}:{port}"

        if not o["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if getattr(settings, "PRODUCTION", False):
            self.stderr.write("注意: tuijin serve 使用开发服务器; 生产部署请见 docs/deploy.md (gunicorn + nginx)")
        if not _has_users():
            self.stderr.write("数据库中还没有用户: 运行 `tuijin demo --no-serve` 构建演示数据, "
                              "或用 `tuijin createuser` 创建账号")
        self.stdout.write(f"Tuijin 推进: http://{addr}/  (按 Ctrl+C 停止)")
        self.stdout.flush()
        options = ["--insecure"] + ([] if o["reload"] else ["--noreload"]) + (["--ipv6"] if ipv6 else [])
        call_command("runserver", addr, *options)


def parse_port(raw) -> int:
    """A TCP port, 1-65535; anything else is refused with one line naming the value."""
    try:
        port = int(str(raw).strip())
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise CommandError(f"--port: 端口应为 1-65535 的整数, 收到 {raw!r} (port must be 1-65535)", returncode=2)
    return port


def _has_users() -> bool:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.exists()
    except Exception:  # an unmigrated database with --no-migrate: runserver will say what is wrong
        return True
