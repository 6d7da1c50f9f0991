"""tuijin city create NAME: the platform operator sets up a city (and its province when new) with its tree
path and default conventions, ready for its administrators and its spreadsheets."""

from django.core.management.base import CommandError

from tuijin.accounts.services import system_actor
from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.orgs.services import create_city


class Command(TuijinCommand):
    help = "城市管理: create 新建城市 (Set up a city and, when new, its province)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            title="子命令",
            parser_class=type(parser),
            metavar="create",
        )
        create = sub.add_parser(
            "create",
            help="新建城市 (及其所属省份)",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        create.add_argument("name", help="城市名称, 如 镇江市")
        create.add_argument(
            "--province", default="", help="所属省份名称, 如 江苏省 (不存在时一并新建)"
        )
        create.add_argument(
            "--region-code", dest="region_code", default="", help="行政区划代码 (6 位数字)"
        )

    def handle(self, *args, **o):
        if o["action"] != "create":
            raise CommandError(f"未知的子命令: {o['action']!r}", returncode=2)
        try:
            city = create_city(
                name=o["name"],
                province=o["province"],
                region_code=o["region_code"],
                actor=system_actor(),
            )
        except InputError as exc:
            raise CommandError(exc.text, returncode=2) from None
        where = f"{city.parent.name} " if city.parent_id else ""
        self.stdout.write(
            f"已新建城市: {where}{city.name} (编号 {city.pk}, 路径 {city.path}), 口径为默认值 "
            f"(用 tuijin conventions --city {city.name} 查看和修改)"
        )
