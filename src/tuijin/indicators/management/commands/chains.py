"""tuijin chains: the industrial clusters' and chains' invoiced-sales shares and growth (A8, A9)."""

from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import Period
from tuijin.indicators.chains import chain_report, present_chains
from tuijin.indicators.tables import render
from tuijin.orgs.selectors import city_by_name, unit_in_city


class Command(TuijinCommand):
    help = "产业链开票销售占比与增速 (Industrial chains' sales share, growth and gap)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True)
        parser.add_argument("--through", required=True, help="截至月份 YYYY-MM")
        parser.add_argument("--unit", help="板块名称")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        city = city_by_name(o["city"])
        unit = unit_in_city(city, o["unit"]) if o["unit"] else None
        data = present_chains(chain_report(city, Period.parse(o["through"]), unit))
        if o["format"] == "json":
            self.emit_json(data)
            return
        headers = ["名称", "开票销售(亿元)", "占比%", "同比%", "高于规上(百分点)", "企业数"]
        rows = []
        for level in ("clusters_total", "chains_total"):
            block = data[level]
            rows.append([f"[{block['name']}合计]", block["sales_yi"], block["share_pct"], block["growth_pct"],
                         block["gap_pp"], block["enterprises"]])
            rows += [[n["name"], n["sales_yi"], n["share_pct"], n["growth_pct"], n["gap_pp"], n["enterprises"]]
                     for n in block["nodes"]]
        self.stdout.write(f"{data['city']} {data['taxonomy']} {data['period']['label']}  "
                          f"规上工业开票销售 {data['total_sales_yi']} 亿元, 同比 {data['total_growth_pct']}%\n")
        self.stdout.write(render(headers, rows))
