"""tuijin demo: build a fresh demo database (江苏省: 镇江市, 苏州市), print the logins, and serve it."""

import time

from django.core.management import call_command
from django.db import connection

from tuijin.core.management.base import TuijinCommand
from tuijin.demo.builder import build_demo


class Command(TuijinCommand):
    help = "构建演示数据库并启动服务 (Build a fresh demo database and serve it)"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只构建, 不启动服务")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **o):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if connection.introspection.table_names():
            call_command("flush", interactive=False, verbosity=0)
        self.stderr.write("正在构建演示数据 …")

        def progress(msg: str) -> None:
            self.stderr.write(f"  [{time.monotonic() - started:5.1f}s] {msg}")

        result = build_demo(progress=progress)
        self.stdout.write(
            f"演示数据已建成: {len(result.cities)} 个城市, {result.projects} 个项目, {result.reports} 份月报, "
            f"用时 {time.monotonic() - started:.0f} 秒。"
        )
        if result.logins:
            self.stdout.write("演示账号 (用户名 / 密码 / 角色 / 单位):")
            for login in result.logins:
                self.stdout.write(f"  {login['username']:<12} {login['password']:<20} {login['role']:<8} "
                                  f"{login['unit']}")
        if not o["no_serve"]:
            self.stdout.write(f"打开 http://{o['host']}:{o['port']}/ 并用上面的账号登录。按 Ctrl+C 停止。")
            call_command("runserver", f"{o['host']}:{o['port']}", "--noreload", "--insecure")
