"""tuijin boundaries import FILE --city NAME --as USER [--unit NAME] [--json]: import a city's district
boundaries (GeoJSON FeatureCollection, features named by 名称 or 行政区划代码) through the same service as the
边界管理 page (geo.services.import_boundaries: validated, all or nothing, audited).
tuijin boundaries list --city NAME [--json]: which units have a boundary."""

from pathlib import Path

from django.core.management.base import CommandError

from tuijin.accounts.models import User
from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.geo.models import Boundary
from tuijin.geo.services import boundary_units, import_boundaries
from tuijin.orgs.selectors import city_by_name


class Command(TuijinCommand):
    help = "行政区划边界: import 导入 GeoJSON | list 查看"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            title="子命令",
            parser_class=type(parser),
            metavar="import|list",
        )
        kw = {"called_from_command_line": getattr(parser, "called_from_command_line", None)}
        imp = sub.add_parser("import", help="导入边界 (geojson 边界文件: FeatureCollection)", **kw)
        imp.add_argument("file", help="geojson 边界文件")
        imp.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        imp.add_argument(
            "--as", dest="username", required=True, help="以哪个用户的身份导入 (本市市管理员)"
        )
        imp.add_argument("--unit", default="", help="只更新这个单位 (文件中只有一个要素时)")
        imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        lst = sub.add_parser("list", help="查看本市各单位是否已有边界", **kw)
        lst.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        lst.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **o):
        city = city_by_name(o["city"])
        if o["action"] == "list":
            return self._list(city, o["json"])
        actor = (
            User.objects.select_related("unit")
            .filter(username=o["username"], is_active=True)
            .first()
        )
        if actor is None:
            raise InputError(f"用户不存在或已停用: {o['username']!r}", field="as")
        unit = None
        if o["unit"]:
            unit = boundary_units(city).filter(name=o["unit"]).first()
            if unit is None:
                raise InputError(f"单位 {o['unit']!r} 不是 {city.name} 的单位", field="unit")
        path = Path(o["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}: {exc.strerror}", returncode=2) from None
        result = import_boundaries(city=city, data=data, filename=path.name, actor=actor, unit=unit)
        if o["json"]:
            self.emit_json(
                {"city": city.name, "created": result.created, "updated": result.updated}
            )
            return
        self.stdout.write(
            f"{city.name}: 已导入边界 {result.count} 个 (新增 {len(result.created)}, 更新 "
            f"{len(result.updated)})"
        )
        for name in result.created:
            self.stdout.write(f"  新增  {name}")
        for name in result.updated:
            self.stdout.write(f"  更新  {name}")

    def _list(self, city, as_json: bool):
        shapes = {b.unit_id: b for b in Boundary.objects.filter(unit__in=boundary_units(city))}
        rows = [
            {
                "unit": u.name,
                "region_code": u.region_code,
                "boundary": u.pk in shapes,
                "points": shapes[u.pk].points if u.pk in shapes else 0,
                "source": shapes[u.pk].source if u.pk in shapes else "",
            }
            for u in boundary_units(city).order_by("path")
        ]
        if as_json:
            self.emit_json({"city": city.name, "units": rows})
            return
        self.stdout.write(f"{city.name} 行政区划边界 ({len(shapes)} / {len(rows)})")
        self.stdout.write(f"  {'单位':<12} {'代码':<8} {'边界':<4} {'顶点':>6}  来源")
        for r in rows:
            self.stdout.write(
                f"  {r['unit']:<12} {r['region_code']:<8} {'有' if r['boundary'] else '无':<4} "
                f"{r['points']:>6}  {r['source']}"
            )
