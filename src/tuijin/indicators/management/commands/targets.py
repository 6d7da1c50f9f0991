"""tuijin targets: each unit's yearly targets (目标任务) of a city with the actual value through a month, the share
of the target done (完成目标任务的 x%), the schedule, and whether the target is met."""

from tuijin.attraction.models import Target
from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import parse_year_month
from tuijin.indicators.attraction_present import target_rows
from tuijin.indicators.tables import render
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.selectors import city_by_name, unit_in_city


class Command(TuijinCommand):
    help = "目标任务完成情况 (each unit's yearly targets with their actual values through a month)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 苏州市")
        parser.add_argument("--year", required=True, type=int, help="目标年度")
        parser.add_argument("--through", required=True, help="截至月份 YYYY-MM (须在目标年度内)")
        parser.add_argument("--unit", help="只看该单位 (及下属单位) 的目标")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        year, month = parse_year_month(o["through"])
        if year != o["year"]:
            raise InputError(f"--through {o['through']} 不在目标年度 {o['year']} 内", field="through")
        city = city_by_name(o["city"])
        root = unit_in_city(city, o["unit"]) if o["unit"] else city
        targets = (Target.objects.filter(year=year, unit__in=OrgUnit.objects.subtree(root))
                   .select_related("unit", "annual_list", "category", "source").prefetch_related("steps")
                   .order_by("unit__path", "id"))
        rows = target_rows(targets, month)
        data = {"city": city.name, "unit": root.name, "year": year, "through": o["through"], "targets": rows}
        if o["format"] == "json":
            self.emit_json(data)
            return
        self.stdout.write(f"{root.name} {year} 年目标任务 (截至 {month} 月)\n")
        self.stdout.write(render(
            ["单位", "指标", "说明", "目标", "实际", "完成目标%", "进度%", "达成"],
            [[r["unit"], f"{r['indicator_label']}({r['measure']})", r["description"] or r["list"] or "",
              ("超过" if r["strictly_above"] else "") + str(r["target"]), r["actual"], r["progress_pct"],
              r["schedule_pct"], {True: "是", False: "否", None: "—"}[r["met"]]] for r in rows]))
