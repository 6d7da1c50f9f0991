"""tuijin livelihood: a city's (or district's) livelihood programme (民生实事) through a month: counts by status
and every item with its target, done, shares and status; optionally the 公示表 as .xlsx."""

from django.core.management.base import CommandError

from tuijin.accounts.models import User
from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import parse_year_month
from tuijin.livelihood.export import write_notice_xlsx
from tuijin.livelihood.present import present_status, status_table
from tuijin.livelihood.selectors import BASES, programme_for, programme_status
from tuijin.orgs.selectors import city_by_name, unit_in_city


class Command(TuijinCommand):
    help = "民生实事推进情况 (Livelihood items: counts by status and the item list through a month)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument("--through", required=True, help="截至月份 YYYY-MM (年度即计划年度)")
        parser.add_argument("--unit", help="县区名称: 看该县区的民生实事计划 (默认: 市级计划)")
        parser.add_argument("--basis", default="accepted", choices=sorted(BASES),
                            help="进展口径: accepted 已确认数 (默认), submitted 报送数")
        parser.add_argument("--format", default="table", choices=["table", "json"])
        parser.add_argument("--as", dest="username", help="以哪个用户的身份查看 (限定其权限范围)")
        parser.add_argument("--xlsx", help="同时导出公示表 (.xlsx) 到此文件")

    def handle(self, *args, **o):
        year, month = parse_year_month(o["through"])
        city = city_by_name(o["city"])
        owner = unit_in_city(city, o["unit"]) if o["unit"] else city
        programme = programme_for(owner, year)
        user = None
        if o["username"]:
            user = User.objects.filter(username=o["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用: {o['username']!r}", returncode=2)
        status = programme_status(programme=programme, month=month, user=user, basis=o["basis"])
        data = present_status(status)
        if o["xlsx"]:
            with open(o["xlsx"], "wb") as fh:
                write_notice_xlsx(fh, data)
            self.stderr.write(f"公示表已导出到 {o['xlsx']}")
        if o["format"] == "json":
            self.emit_json(data)
        else:
            self.stdout.write(status_table(data))
