"""tuijin export KIND: the standard progress table (progress, bulletins.progress_table) and the OC4IDS project package
(oc4ids, bulletins.oc4ids). Streams to a file. An output, so it lives in an app of the top layer."""

from django.core.management.base import CommandError

from tuijin.accounts.models import User
from tuijin.bulletins.progress_table import count_rows, iter_csv, write_xlsx
from tuijin.core.management.base import ProgressBar, TuijinCommand
from tuijin.core.periods import Period
from tuijin.indicators.scope import build_scope, restrict_scope


class Command(TuijinCommand):
    help = "导出 (Export: progress 进展情况表 | oc4ids)"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["progress", "oc4ids"])
        parser.add_argument("--city", required=True)
        parser.add_argument("--through", help="截至月份 YYYY-MM (progress 必填)")
        parser.add_argument("--list", dest="annual_list")
        parser.add_argument("--unit")
        parser.add_argument("--basis", default="accepted", choices=["accepted", "submitted"])
        parser.add_argument("--format", default="xlsx", choices=["xlsx", "csv", "json"])
        parser.add_argument("--output", "-o", help="输出文件 (默认: 标准输出, 仅 csv/json)")
        parser.add_argument("--as", dest="username", help="以哪个用户的身份导出 (限定其权限范围)")
        parser.add_argument("--progress", action="store_true", help="总是显示进度条")
        parser.add_argument("--validate", action="store_true", help="oc4ids: 按 ../shared/oc4ids 校验导出结果")

    def handle(self, *args, **o):
        if o["kind"] == "oc4ids":
            return self.oc4ids(o)
        if not o["through"]:
            raise CommandError("progress 导出需要 --through YYYY-MM", returncode=2)
        period = Period.parse(o["through"])
        scope = build_scope(city=o["city"], unit=o["unit"], annual_list=o["annual_list"])
        if o["username"]:
            user = User.objects.filter(username=o["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用: {o['username']!r}", returncode=2)
            scope = restrict_scope(user, scope)
        bar = ProgressBar(count_rows(scope, period), "导出", force=o["progress"])
        if o["format"] == "xlsx":
            if not o["output"]:
                raise CommandError("xlsx 导出需要 --output FILE", returncode=2)
            with open(o["output"], "wb") as fh:
                write_xlsx(fh, scope, period, o["basis"], progress=bar.advance)
        else:
            out = open(o["output"], "w", encoding="utf-8", newline="") if o["output"] else self.stdout
            try:
                for chunk in iter_csv(scope, period, o["basis"], progress=bar.advance):
                    if o["output"]:
                        out.write(chunk)
                    else:
                        out.write(chunk, ending="")
            finally:
                if o["output"]:
                    out.close()
        bar.close()
        if o["output"]:
            self.stderr.write(f"已导出 {bar.done} 个项目到 {o['output']}")

    def oc4ids(self, o):
        from tuijin.bulletins.oc4ids import export_command

        return export_command(self, o)
