"""tuijin import FILE: import monthly reports (月报), the project registry (项目库), a year's annual list
(年度清单), its entries' monthly plans (分月计划), or the city's own set-up — its org tree (units, 组织单元)
and its lists (lists, 清单设置) — or the outside lists the reconciliation compares with (statistics, 统计入库清单;
approvals, 审批平台导出) from a spreadsheet, as a user, with a preview and a progress bar. Without --commit it only shows
what would change; with --commit it writes all or nothing. In the reconciliation app, the highest of the apps
whose imports it runs (the layers, docs/architecture.md)."""

from pathlib import Path

from django.core.management.base import CommandError

from tuijin.accounts.models import User
from tuijin.core.management.base import ProgressBar, TuijinCommand
from tuijin.core.periods import parse_year_month
from tuijin.progress import registry, setup_imports
from tuijin.progress.importer import commit_import, plan_import
from tuijin.progress.spreadsheets import check_size
from tuijin.reconciliation import importer as outside


class Command(TuijinCommand):
    help = ("导入月报 / 项目库 / 年度清单 / 组织单元 / 清单设置 "
            "(Import reports, projects, an annual list, the city's units or lists from .xlsx/.xls/.ods/.csv)")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="以哪个用户的身份导入 (决定权限范围)")
        parser.add_argument("--kind", choices=[registry.KIND_REPORTS, registry.KIND_PROJECTS, registry.KIND_LIST,
                                               registry.KIND_PLANS, registry.KIND_UNITS, registry.KIND_LISTS,
                                               outside.KIND_STATISTICS, outside.KIND_APPROVALS],
                            help="文件内容: reports 月报 | projects 项目库 | list 年度清单 | plans 分月计划 | units 组织单元 | "
                                 "lists 清单设置 | statistics 统计入库清单 | approvals 审批平台导出 (默认按表头识别)")
        parser.add_argument("--period", help="月报期间 YYYY-MM (文件标题中没有写明时必填)")
        parser.add_argument("--list", dest="annual_list", help="年度清单名称 (标题和“清单”列中没有写明时必填)")
        parser.add_argument("--year", type=int, help="清单年度 / 统计年度 (标题和“年度”列中没有写明时必填)")
        parser.add_argument("--commit", action="store_true", help="写入数据库 (默认只预览)")
        parser.add_argument("--reason", default="", help="更正原因 (月报期间已锁定时修改数据必填)")
        parser.add_argument("--confirm-warnings", action="store_true", help="确认全部提示后写入")
        parser.add_argument("--progress", action="store_true", help="总是显示进度条")

    def handle(self, *args, **o):
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用: {o['username']!r}", returncode=2)
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在: {path}", returncode=2)
        check_size(path.stat().st_size, path.name)  # before reading it into memory
        data = path.read_bytes()
        kind = o["kind"] or outside.detect_kind(data, path.name) or registry.detect_kind(data, path.name) \
            or registry.KIND_REPORTS
        if kind == registry.KIND_REPORTS:
            return self.reports(user, path, data, o)
        if kind in (outside.KIND_STATISTICS, outside.KIND_APPROVALS):
            return self.outside(user, path, data, kind, o)
        bar = ProgressBar(max(data.count(b"\n"), 1), "读取", force=o["progress"])
        if kind == registry.KIND_PROJECTS:
            plan = registry.plan_projects(user=user, data=data, filename=path.name, progress=bar.advance)
        elif kind == registry.KIND_UNITS:
            plan = setup_imports.plan_units(user=user, data=data, filename=path.name, progress=bar.advance)
        elif kind == registry.KIND_LISTS:
            plan = setup_imports.plan_lists(user=user, data=data, filename=path.name, progress=bar.advance)
        elif kind == registry.KIND_PLANS:
            plan = registry.plan_plans(user=user, data=data, filename=path.name, annual_list=o["annual_list"],
                                       year=o["year"], progress=bar.advance)
        else:
            plan = registry.plan_list(user=user, data=data, filename=path.name, annual_list=o["annual_list"],
                                      year=o["year"], progress=bar.advance)
        bar.close()
        if not o["kind"]:
            plan.errors = registry.kind_hint(plan, data, path.name, kind)
        for problem in plan.errors:
            self.stderr.write(str(problem))
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} 处错误, 未导入任何数据", returncode=2)
        what = plan.kind_label + (f" {plan.year}年{plan.annual_list.name}" if plan.annual_list else "")
        self.stdout.write(f"{what}: 将新增 {plan.created} 个, 修改 {plan.updated} 个, 未变 {plan.unchanged} 个, "
                          f"跳过空白/合计行 {plan.skipped} 行")
        for change in plan.changes:
            self.stdout.write(f"  {'新增' if change.created else '修改'} {change.code} {change.name}: {change.text}")
        for warning in plan.warnings:
            self.stdout.write(f"  提示: {warning}")
        for note in plan.notes:
            self.stdout.write(f"  注意: {note}")
        if not o["commit"]:
            self.stdout.write("预览完毕 (加 --commit 写入)。")
            return
        bar = ProgressBar(len(plan.changes), "写入", force=o["progress"])
        commit = {registry.KIND_PROJECTS: registry.commit_projects, registry.KIND_PLANS: registry.commit_plans,
                  registry.KIND_UNITS: setup_imports.commit_units, registry.KIND_LISTS: setup_imports.commit_lists,
                  registry.KIND_LIST: registry.commit_list}[kind]
        n = commit(user=user, plan=plan, progress=bar.advance)
        bar.close()
        self.stdout.write(f"已导入 {n} 个。")

    def reports(self, user, path, data, o):
        year = month = None
        if o["period"]:
            year, month = parse_year_month(o["period"], "--period")
        bar = ProgressBar(max(data.count(b"\n"), 1), "读取", force=o["progress"])
        plan = plan_import(user=user, data=data, filename=path.name, year=year, month=month, reason=o["reason"],
                           progress=bar.advance)
        bar.close()
        if not o["kind"]:
            plan.errors = registry.kind_hint(plan, data, path.name, registry.KIND_REPORTS)
        for problem in plan.errors:
            self.stderr.write(str(problem))
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} 处错误, 未导入任何数据", returncode=2)
        self.stdout.write(f"{plan.year}年{plan.month}月: 将修改 {len(plan.changes)} 行, 未变 {plan.unchanged} 行, "
                          f"跳过合计/分组行 {plan.skipped} 行")
        for change in plan.changes:
            self.stdout.write(f"  {change.project.code} {change.project.name}: {change.text}")
        for warning in plan.warnings:
            self.stdout.write(f"  提示: {warning}")
        for note in plan.notes:
            self.stdout.write(f"  注意: {note}")
        if not o["commit"]:
            self.stdout.write("预览完毕 (加 --commit 写入)。")
            return
        bar = ProgressBar(len(plan.changes), "写入", force=o["progress"])
        n = commit_import(user=user, plan=plan, confirm_warnings=o["confirm_warnings"], progress=bar.advance)
        bar.close()
        self.stdout.write(f"已导入 {n} 行。")

    def outside(self, user, path, data, kind, o):
        """统计入库清单 / 审批平台导出 (tuijin.reconciliation.importer), into the user's city."""
        bar = ProgressBar(max(data.count(b"\n"), 1), "读取", force=o["progress"])
        plan = outside.plan_file(user=user, data=data, filename=path.name, kind=kind, year=o["year"],
                                 progress=bar.advance)
        bar.close()
        for problem in plan.errors:
            self.stderr.write(str(problem))
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} 处错误, 未导入任何数据", returncode=2)
        years = "、".join(f"{y}年" for y in plan.years)
        self.stdout.write(f"{plan.kind_label}{f' ({years})' if years else ''}: 将新增 {plan.created} 个, "
                          f"修改 {plan.updated} 个, 删除 {plan.removed} 个, 未变 {plan.unchanged} 个, "
                          f"跳过 {plan.skipped} 行")
        for change in plan.changes:
            self.stdout.write(f"  {change.action} {change.project.code} {change.project.name}: {change.text}")
        for note in plan.notes:
            self.stdout.write(f"  注意: {note}")
        if not o["commit"]:
            self.stdout.write("预览完毕 (加 --commit 写入)。")
            return
        bar = ProgressBar(len(plan.records), "写入", force=o["progress"])
        n = outside.commit_file(user=user, plan=plan, progress=bar.advance)
        bar.close()
        self.stdout.write(f"已导入 {n} 个。")
