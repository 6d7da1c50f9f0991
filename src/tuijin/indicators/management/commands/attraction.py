"""tuijin attraction: a city's (or unit's) investment attraction through a month: leads by stage, events, the
engine's new-signing figures, and the performance figures (履约率, 资金到位率, 签约项目开工率 / 投产率).
`--by-source`: 到位资金 by the city's funds sources with shares and targets, by 三次产业, 亿元以上, 履约项目.
`--cohort-event ID` / `--cohort-year YEAR` with `--as-of DATE`: a cohort of signed projects followed to a date."""

from django.core.management.base import CommandError

from tuijin.attraction.models import AttractionEvent, Lead
from tuijin.attraction.selectors import event_counts, leads_by_stage
from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import Period
from tuijin.indicators.attraction import performance
from tuijin.indicators.attraction_present import (
    cohort_report,
    funds_by_source_report,
    parse_as_of,
    performance_data,
)
from tuijin.indicators.engine import compute
from tuijin.indicators.present import Presenter
from tuijin.indicators.scope import Scope
from tuijin.indicators.tables import render
from tuijin.orgs.models import OrgUnit
from tuijin.orgs.selectors import city_by_name, conventions_for, unit_in_city


class Command(TuijinCommand):
    help = "招商引资情况 (leads by stage, events, new signings and contract performance through a month)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument("--through", help="截至月份 YYYY-MM (1月至该月); 批次 (--cohort-*) 不需要")
        parser.add_argument("--unit", help="县区名称 (默认: 全市)")
        parser.add_argument("--format", default="table", choices=["table", "json"])
        parser.add_argument("--json", action="store_true", help="同 --format json")
        parser.add_argument("--by-source", action="store_true",
                            help="到位资金分来源 (占比、目标、超/欠进度)、分三次产业、亿元以上项目, 履约项目与履约率")
        parser.add_argument("--cohort-event", type=int, metavar="ID", help="签约批次: 该招商活动 / 签约仪式上签约的项目")
        parser.add_argument("--cohort-year", type=int, metavar="YEAR", help="签约批次: 该年签约的项目")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="批次跟踪至该日")

    def handle(self, *args, **o):
        if o["json"]:
            o["format"] = "json"
        city = city_by_name(o["city"])
        unit = unit_in_city(city, o["unit"]) if o["unit"] else None
        scope = Scope(city, unit)
        if o["cohort_event"] is not None or o["cohort_year"] is not None:
            self.cohort(scope, o)
            return
        if not o["through"]:
            raise CommandError("--through: 请给出截至月份 YYYY-MM", returncode=2)
        period = Period.parse(o["through"])
        if o["by_source"]:
            self.by_source(scope, period, o)
            return
        root = scope.root
        units = OrgUnit.objects.subtree(root)
        leads = Lead.objects.filter(unit__in=units)
        events = AttractionEvent.objects.filter(city=city, date__gte=period.start, date__lte=period.end)
        if unit is not None:
            events = events.filter(units__in=units).distinct()
        presenter = Presenter(conventions_for(root, period.year))
        figures = compute(scope, period)
        perf = performance(scope, period)
        data = {
            "city": city.name, "unit": root.name, "period": period.label,
            "leads_by_stage": leads_by_stage(leads),
            "events": event_counts(events),
            "new_signed": presenter.event(figures.new_signed),
            **performance_data(presenter, perf),
            "by_unit": [{"unit": p.unit.name, **performance_data(presenter, p)} for p in perf.by_unit],
        }
        if o["format"] == "json":
            self.emit_json(data)
            return
        s = data["new_signed"]
        self.stdout.write(f"{root.name} {period.label} 招商引资\n")
        self.stdout.write("线索: " + ", ".join(f"{k} {v}" for k, v in data["leads_by_stage"].items()))
        self.stdout.write(f"招商活动: {data['events']['total']} 场")
        self.stdout.write(f"新签约: {s['count']} 个, {s['total_yi']} 亿元 (同比 {s['count_yoy_pct']}%, "
                          f"{s['total_yoy_pct']}%)\n")
        cols = [("单位", "unit"), ("应履约", "contracts_due"), ("按约履约", "contracts_on_schedule"),
                ("履约率%", "performance_rate_pct"), ("应到位(亿元)", "funds_due_yi"),
                ("到位(亿元)", "funds_arrived_yi"), ("资金到位率%", "funds_arrival_rate_pct"),
                ("到位外资(亿元)", "foreign_arrived_yi"), ("签约项目开工率%", "cohort_start_rate_pct"),
                ("签约项目投产率%", "cohort_operating_rate_pct")]
        rows = [[root.name, *[data[k] for _, k in cols[1:]]]] + [[u[k] for _, k in cols] for u in data["by_unit"]]
        self.stdout.write(render([h for h, _ in cols], rows))

    def by_source(self, scope, period, o):
        data = funds_by_source_report(scope, period)
        if o["format"] == "json":
            self.emit_json(data)
            return
        self.stdout.write(f"{data['unit']} {period.label} 到位资金 {data['funds_arrived_yi']} 亿元\n")
        self.stdout.write(render(
            ["资金来源", "到位(亿元)", "占比%", "目标(万元)", "完成目标%", "序时进度%", "超/欠进度(百分点)"],
            [[r["name"], r["arrived_yi"], r["share_pct"], r["target_wan"], r["progress_pct"], r["schedule_pct"],
              r["vs_schedule_pp"]] for r in data["sources"]]))
        self.stdout.write("")
        self.stdout.write(render(["三次产业", "到位(亿元)", "占比%", "项目数"],
                                 [[t["name"], t["arrived_yi"], t["share_pct"], t["projects"]] for t in data["tiers"]]
                                 + [["亿元以上项目", data["big_arrived_yi"], data["big_share_pct"],
                                     data["big_projects"]]]))
        self.stdout.write("")
        self.stdout.write(render(
            ["签约项目", "履约项目", "履约率%", "应履约合同", "按约履约", "按约履约率%"],
            [[data["signed_projects"], data["performing_projects"], data["performing_rate_pct"],
              data["contracts_due"], data["contracts_on_schedule"], data["milestone_performance_rate_pct"]]]))

    def cohort(self, scope, o):
        if o["cohort_event"] is not None and o["cohort_year"] is not None:
            raise CommandError("--cohort-event 与 --cohort-year 只能选一个", returncode=2)
        if not o["as_of"]:
            raise CommandError("--as-of: 请给出跟踪截至日期 YYYY-MM-DD", returncode=2)
        as_of = parse_as_of(o["as_of"], "--as-of")
        event = None
        if o["cohort_event"] is not None:
            event = AttractionEvent.objects.filter(pk=o["cohort_event"], city=scope.city).first()
            if event is None:
                raise CommandError(f"--cohort-event: {scope.city.name} 没有编号为 {o['cohort_event']} 的招商活动",
                                   returncode=2)
        data = cohort_report(scope, as_of, event=event, year=o["cohort_year"])
        if o["format"] == "json":
            self.emit_json(data)
            return
        self.stdout.write(f"{data['unit']} {data['cohort']} {data['period']}\n")
        self.stdout.write(render(
            ["签约项目", "履约项目", "履约率%", "已开工", "开工率%", "已投产", "投产率%", "合同投资(亿元)",
             "到位资金(亿元)", "资金到位率%"],
            [[data["signed"], data["performing"], data["performing_rate_pct"], data["started"],
              data["start_rate_pct"], data["operating"], data["operating_rate_pct"], data["contracted_yi"],
              data["arrived_yi"], data["funds_rate_pct"]]]))
