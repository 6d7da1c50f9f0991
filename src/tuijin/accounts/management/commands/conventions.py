"""tuijin conventions --city NAME [--unit NAME] [--year YYYY] [--set KEY=VALUE …]: show a city's (or a
county's / district's / park's) conventions (口径) for a year, and change them from that year on."""

import unicodedata

from django.utils import timezone

from tuijin.accounts.models import User
from tuijin.accounts.services import system_actor
from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.orgs.selectors import (
    city_by_name,
    conventions_for,
    conventions_rows,
    conventions_source,
    unit_in_city,
)
from tuijin.orgs.services import CONVENTION_KEYS, parse_settings, set_conventions


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each Chinese (wide) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Command(TuijinCommand):
    help = "口径: 查看或修改城市 (或县区、园区) 某年度的口径 (Show or set a unit's conventions for a year)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument(
            "--unit", help="县区/园区名称 (单独发通报、单设口径的单位; 默认: 城市本身)"
        )
        parser.add_argument(
            "--year", type=int, help="年度 (默认今年); 修改自该年度起生效, 以前年度不变"
        )
        parser.add_argument(
            "--set",
            dest="set_values",
            action="extend",
            nargs="+",
            default=[],
            metavar="KEY=VALUE",
            help="修改口径, 一个 --set 后可写多项 (也可多次使用). 可设: "
            + ", ".join(CONVENTION_KEYS)
            + " (如 rate_places=2, curve=3:20,6:45,9:72.5,12:100, wording=time)",
        )
        parser.add_argument("--as", dest="username", help="以哪个用户的身份修改 (默认: 平台运维)")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        city = city_by_name(o["city"])
        unit = unit_in_city(city, o["unit"]) if o["unit"] else city
        year = o["year"] if o["year"] is not None else timezone.localdate().year
        if o["set_values"]:
            actor = system_actor()
            if o["username"]:
                actor = User.objects.filter(username=o["username"], is_active=True).first()
                if actor is None:
                    raise InputError(f"用户不存在或已停用: {o['username']!r}", field="as")
            values = parse_settings(o["set_values"])
            set_conventions(unit=unit, year=year, values=values, actor=actor)
            self.stdout.write(f"已保存 {unit.name} {year}年起的口径 ({len(values)} 项)。")
        conv = conventions_for(unit, year)
        rows = conventions_rows(conv)
        if o["format"] == "json":
            self.emit_json(
                {
                    "unit": unit.name,
                    "year": year,
                    "source": conventions_source(unit, year, conv),
                    "conventions": {r["key"]: r["value"] for r in rows},
                }
            )
            return
        self.stdout.write(f"{unit.name} {year}年 口径 ({conventions_source(unit, year, conv)})")
        label_width = max(_width(r["label"]) for r in rows)
        text_width = max(_width(r["text"]) for r in rows)
        for r in rows:
            label = r["label"] + " " * (label_width - _width(r["label"]))
            text = r["text"] + " " * (text_width - _width(r["text"]))
            self.stdout.write(f"  {label}  {text}  [{r['key']}]")
