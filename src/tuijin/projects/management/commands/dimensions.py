"""tuijin dimensions --city NAME [--kind sector|nature|category] [--add CODE=NAME …] [--as USER]: list a city's
breakdown dimensions (行业领域, 建设性质; 项目类别 is the platform's) and add values, through the same service as
the 分类维度 page (projects.services.add_dimension: scoped, audited)."""

from django.db import transaction

from tuijin.accounts.models import User
from tuijin.accounts.services import system_actor
from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.orgs.selectors import city_by_name
from tuijin.projects.services import DIMENSIONS, add_dimension


class Command(TuijinCommand):
    help = "分类维度: 查看或新增城市的行业领域、建设性质 (及全平台的项目类别)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument("--kind", default="sector", choices=list(DIMENSIONS),
                            help="sector 行业领域 (默认) | nature 建设性质 | category 项目类别 (全平台)")
        parser.add_argument("--add", nargs="+", action="extend", default=[], metavar="CODE=NAME",
                            help="新增, 如 --add tourism=文化旅游 health=卫生健康")
        parser.add_argument("--as", dest="username", help="以哪个用户的身份修改 (默认: 平台运维)")

    def handle(self, *args, **o):
        city = city_by_name(o["city"])
        kind = o["kind"]
        model, label = DIMENSIONS[kind]
        if o["add"]:
            actor = system_actor()
            if o["username"]:
                actor = User.objects.filter(username=o["username"], is_active=True).first()
                if actor is None:
                    raise InputError(f"用户不存在或已停用: {o['username']!r}", field="as")
            pairs = []
            for item in o["add"]:
                code, sep, name = item.partition("=")
                if not sep:
                    raise InputError(f"--add 应写成 代码=名称: {item!r}", field="add")
                pairs.append((code.strip(), name.strip()))
            others = model.objects.all() if kind == "category" else model.objects.filter(city=city)
            order = max(others.values_list("sort_order", flat=True), default=0)
            with transaction.atomic():  # all the values or none
                for i, (code, name) in enumerate(pairs, start=1):
                    add_dimension(actor=actor, kind=kind, city=None if kind == "category" else city,
                                  code=code, name=name, sort_order=order + i)
            self.stdout.write(f"已新增{label} {len(pairs)} 项。")
        rows = model.objects.all() if kind == "category" else model.objects.filter(city=city)
        self.stdout.write(f"{city.name} {label}" if kind != "category" else f"{label} (全平台)")
        for d in rows.order_by("sort_order", "pk"):
            self.stdout.write(f"  {d.sort_order:>3}  {d.code:<16} {d.name}{'' if d.active else ' (已停用)'}")
