"""tuijin indicators: the engine's figures for a city (or unit, list, category …) through a month."""

from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import Period
from tuijin.indicators.engine import DIMENSIONS, breakdown_table, compute, dimension_key
from tuijin.indicators.present import present, present_breakdown
from tuijin.indicators.scope import build_scope
from tuijin.indicators.tables import breakdown_table_text, indicator_table


class Command(TuijinCommand):
    help = "计算指标 (Compute the indicators of DOMAIN.md for a scope and period)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument("--through", required=True,
                            help="截至月份 YYYY-MM, 或季度 YYYY-Q1…Q4 (2024-Q3: 1-9月), 半年 YYYY-H1/H2")
        parser.add_argument("--period", default="ytd", choices=["ytd", "quarter", "half", "month"],
                            help="期间: ytd 1-N月 (默认), quarter 所在季度, half 所在半年, month 当月")
        parser.add_argument("--list", dest="annual_list", help="年度清单名称, 如 省重大项目")
        parser.add_argument("--unit", help="板块/园区名称")
        parser.add_argument("--category", help="项目类别, 如 产业")
        parser.add_argument("--industry", help="产业节点名称")
        parser.add_argument("--min-total-yi", dest="min_total_yi", help="计划总投资下限(亿元, 含)")
        parser.add_argument("--basis", default="accepted", choices=["accepted", "submitted"],
                            help="月报口径: accepted 市级确认数 (默认), submitted 报送数")
        parser.add_argument("--by", help="分组维度: " + "、".join(f"{k} ({v})" for k, v in DIMENSIONS.items()))
        parser.add_argument("--format", default="table", choices=["table", "json"])
        parser.add_argument("--json", action="store_true", help="输出 JSON (同 --format json)")

    def handle(self, *args, **o):
        period = Period.parse(o["through"], o["period"])
        scope = build_scope(city=o["city"], unit=o["unit"], annual_list=o["annual_list"], category=o["category"],
                            industry=o["industry"], min_total_yi=o["min_total_yi"])
        as_json = o["json"] or o["format"] == "json"
        if o["by"]:
            dimension = dimension_key(o["by"])
            data = present_breakdown(breakdown_table(scope, period, dimension, o["basis"]), scope, period)
            if as_json:
                self.emit_json(data)
            else:
                self.stdout.write(breakdown_table_text(data))
            return
        data = present(compute(scope, period, basis=o["basis"]))
        if as_json:
            self.emit_json(data)
        else:
            self.stdout.write(indicator_table(data))
