"""tuijin attraction: a city's (or unit's) investment attraction through a month: leads by stage, events, the
engine's new-signing figures, and the performance figures (履约率, 资金到位率, 签约项目开工率 / 投产率)."""

from tuijin.attraction.indicators import performance
from tuijin.attraction.models import AttractionEvent, Lead
from tuijin.attraction.present import performance_data
from tuijin.attraction.selectors import event_counts, leads_by_stage
from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import Period
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
        parser.add_argument("--through", required=True, help="截至月份 YYYY-MM (1月至该月)")
        parser.add_argument("--unit", help="县区名称 (默认: 全市)")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        period = Period.parse(o["through"])
        city = city_by_name(o["city"])
        unit = unit_in_city(city, o["unit"]) if o["unit"] else None
        scope = Scope(city, unit)
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
