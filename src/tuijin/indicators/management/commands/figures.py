"""tuijin figures rebuild [--city NAME]: rebuild the figure store (indicators.ProjectYearFact) from the raw rows."""

import time

from tuijin.core.management.base import TuijinCommand
from tuijin.indicators.store import rebuild
from tuijin.indicators.tables import render
from tuijin.indicators.versions import ANY, bump
from tuijin.orgs.selectors import city_by_name


class Command(TuijinCommand):
    help = "图表数据仓库: 从原始数据重建项目年度事实 (Rebuild the figure store from the raw rows)"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument("--city", help="只重建这个城市的项目 (默认: 全部)")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        city = city_by_name(o["city"]) if o["city"] else None
        began = time.monotonic()
        rows = rebuild(city)
        bump(
            {city.pk} if city else {ANY}
        )  # cached figures of the city (or of every city) are recomputed
        seconds = round(time.monotonic() - began, 2)
        data = {"city": city.name if city else "全部", "rows": rows, "seconds": seconds}
        if o["format"] == "json":
            self.emit_json(data)
            return
        self.stdout.write(render(["范围", "事实行数", "用时(秒)"], [[data["city"], rows, seconds]]))
