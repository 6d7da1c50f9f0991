"""tuijin bulletin: a city's (or unit's) bulletin for a period, as text, JSON, .docx or PDF."""

import datetime
import json
from pathlib import Path

from tuijin.bulletins.formats import to_docx, to_json, to_pdf, to_text
from tuijin.bulletins.generator import generate
from tuijin.core.errors import InputError
from tuijin.core.management.base import TuijinCommand
from tuijin.core.periods import Period
from tuijin.orgs.selectors import city_by_name, unit_in_city


class Command(TuijinCommand):
    help = "生成通报 (Write a bulletin from the indicator engine's figures)"

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="城市名称, 如 镇江市")
        parser.add_argument("--through", required=True, help="截至月份 YYYY-MM")
        parser.add_argument("--unit", help="板块/园区名称 (默认全市)")
        parser.add_argument("--period", default="ytd", choices=["ytd", "quarter"],
                            help="期间: ytd 1-N月 (默认), quarter 所在季度")
        parser.add_argument("--format", default="text", choices=["text", "json", "docx", "pdf"])
        parser.add_argument("--output", help="输出文件 (docx/pdf 必填; 默认输出到屏幕)")
        parser.add_argument("--date", help="落款日期 YYYY-MM-DD (默认今天)")
        parser.add_argument("--basis", default="accepted", choices=["accepted", "submitted"],
                            help="月报口径: accepted 市级确认数 (默认), submitted 报送数")

    def handle(self, *args, **o):
        period = Period.parse(o["through"], o["period"])
        city = city_by_name(o["city"])
        unit = unit_in_city(city, o["unit"]) if o["unit"] else None
        issued = None
        if o["date"]:
            try:
                issued = datetime.date.fromisoformat(o["date"])
            except ValueError:
                raise InputError(f"--date: 日期格式应为 YYYY-MM-DD, 收到 {o['date']!r}", field="date") from None
        fmt, output = o["format"], o["output"]
        if fmt in ("docx", "pdf") and not output:
            raise InputError(f"--format {fmt} 需要 --output 文件名", field="output")
        if output and not Path(output).resolve().parent.is_dir():
            raise InputError(f"--output: 目录不存在: {Path(output).parent}", field="output")
        bulletin = generate(city, period, unit=unit, issued=issued, basis=o["basis"])
        if fmt == "text":
            data = to_text(bulletin).encode()
        elif fmt == "json":
            data = (json.dumps(to_json(bulletin), ensure_ascii=False, indent=2) + "\n").encode()
        elif fmt == "docx":
            data = to_docx(bulletin)
        else:
            data = to_pdf(bulletin)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"已写入 {output} ({len(data)} 字节)")
        else:
            self.stdout.write(data.decode(), ending="")
