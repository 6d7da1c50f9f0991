"""tuijin synth: fill the database with a province of synthetic data (bulk inserts, minutes for 100,000 projects)."""

import time

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tuijin.core.management.base import ProgressBar, TuijinCommand
from tuijin.core.periods import parse_year_month
from tuijin.demo.synth import SynthConfig, registry_is_empty, synthesize


class Command(TuijinCommand):
    help = "生成省级规模的合成数据 (Fill the database with province-scale synthetic data)"

    def add_arguments(self, parser):
        parser.add_argument("--cities", type=int, default=13, help="城市数 (江苏省 13 个市; 更多则合成)")
        parser.add_argument("--projects", type=int, default=100_000, help="项目总数")
        parser.add_argument("--years", type=int, default=2, help="年度清单与月报覆盖的年数")
        parser.add_argument("--through", default="2024-06", help="数据的最后一个月 YYYY-MM (默认 2024-06)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reset", action="store_true", help="先清空数据库 (flush)")
        parser.add_argument("--chunk", type=int, default=2000, help="每个事务写入的项目数")
        parser.add_argument("--progress", action="store_true", help="即使 stderr 不是终端也显示进度条")

    def handle(self, *args, **o):
        if o["cities"] < 1 or o["projects"] < 1 or o["years"] < 1 or o["chunk"] < 1:
            raise CommandError("--cities, --projects, --years and --chunk must be positive", returncode=2)
        year, month = parse_year_month(o["through"])
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if o["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif not registry_is_empty():
            raise CommandError("数据库中已有单位或项目: 用 --reset 清空后再生成 (the registry is not empty: "
                               "use --reset)", returncode=2)
        config = SynthConfig(cities=o["cities"], projects=o["projects"], years=o["years"], seed=o["seed"],
                             last_year=year, last_month=month, chunk=o["chunk"])
        bar = ProgressBar(o["projects"], label="合成项目", stream=self.stderr._out, force=o["progress"])
        result = synthesize(config, progress=bar.advance, say=lambda msg: self.stderr.write(msg))
        bar.close()
        # Bulk inserts bypass the services; one audit entry records the load and moves the data version on,
        # so no cached indicator from before it is served.
        from tuijin.audit.models import AuditEntry

        AuditEntry.objects.create(action="create", model="demo.synth", object_id="-", object_repr="合成数据",
                                  actor_name="tuijin synth", after={k: v for k, v in result.counts.items()})
        # The figure store is kept by the services; a bulk load rebuilds it (and bumps every city's version).
        from tuijin.indicators.store import rebuild
        from tuijin.indicators.versions import ANY, bump

        store_began = time.monotonic()
        facts = rebuild()
        bump({ANY})
        self.stderr.write(f"图表数据仓库已重建: {facts:,} 行, {time.monotonic() - store_began:.1f} 秒")
        counts = ", ".join(f"{k.split('_', 1)[1]} {v:,}" for k, v in sorted(result.counts.items()))
        self.stdout.write(f"合成数据已生成 ({connection.vendor}): {counts}; 用时 {time.monotonic() - started:.1f} 秒"
                          f" (写入 {result.seconds:.1f} 秒)。")
