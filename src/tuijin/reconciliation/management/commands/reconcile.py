"""tuijin reconcile: the city's reported investment against the statistics bureau's 入库 list and the approval
platform's export, through a month: every finding (rules.reconcile) with its status, as a table or JSON."""

import re
from decimal import Decimal, InvalidOperation

from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import parse_year_month
from tuijin.orgs.selectors import city_by_name
from tuijin.reconciliation.models import ThresholdKind
from tuijin.reconciliation.present import present
from tuijin.reconciliation.rules import Threshold, reconcile


def parse_threshold(text: str | None) -> Threshold | None:
    """“5%” (of the statistics figure) or “300” / “300万元” (万元); None when not given."""
    if text is None:
        return None
    t = re.sub(r"\s", "", text)
    kind = ThresholdKind.PERCENT if t.endswith("%") else ThresholdKind.WAN
    number = t.removesuffix("%").removesuffix("万元").removesuffix("万")
    try:
        value = Decimal(number)
    except InvalidOperation:
        value = None
    if (
        value is None
        or not value.is_finite()
        or value < 0
        or (kind == ThresholdKind.PERCENT and value > 100)
    ):
        raise InputError(
            f"--threshold 应为 0-100 的百分比 (如 5%) 或万元金额 (如 300), 收到 {text!r}",
            field="threshold",
        )
    return Threshold(kind, value)


class Command(TuijinCommand):
    help = "统计对账 (Reported investment against the statistics 入库 list and the approval export)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument("--through", required=True, help="截至月份 YYYY-MM")
        parser.add_argument(
            "--threshold", help="金额差异阈值: 百分比 (如 5%%) 或万元 (如 300); 默认本市对账设置"
        )
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        year, month = parse_year_month(o["through"])
        city = city_by_name(o["city"])
        r = reconcile(city, year, month, parse_threshold(o["threshold"]))
        data = present(r)
        if o["json"] or o["format"] == "json":
            self.emit_json(data)
            return
        self.stdout.write(f"{city.name} {year}年1-{month}月 统计对账 (金额差异阈值 {r.threshold})")
        self.stdout.write(
            f"统计入库清单: {data['statistics_rows']} 个项目; 审批记录: {data['approval_rows']} 条"
        )
        if not r.statistics_imported:
            self.stdout.write(f"注意: 尚未导入 {year} 年的统计入库清单, 未核对入库和金额。")
        self.stdout.write(
            f"差异 {len(r.findings)} 条: 未处理 {r.open}, 已说明 {r.explained}, 已处理 {r.resolved}"
        )
        for _rule, label, items in r.by_rule():
            if not items:
                continue
            self.stdout.write(f"\n{label} ({len(items)})")
            for f in items:
                names = " / ".join(f"{p.code} {p.name} ({p.unit.name})" for p in f.projects)
                self.stdout.write(f"  [{f.status_label}] {names}")
                self.stdout.write(f"      {f.text}")
                if f.note:
                    self.stdout.write(f"      说明: {f.note}")
