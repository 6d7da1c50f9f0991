"""tuijin roles: the roles, their Chinese names, what each may do and where."""

from tuijin.accounts.selectors import role_table
from tuijin.core.management.base import TuijinCommand


class Command(TuijinCommand):
    help = "列出角色及其权限 (List the roles, what each may do and over which projects)"

    def add_arguments(self, parser):
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, **o):
        rows = role_table()
        if o["format"] == "json":
            self.emit_json(rows)
            return
        for row in rows:
            self.stdout.write(f"{row['role']:<16} {row['label']}")
            self.stdout.write(f"    可以: {'、'.join(row['action_labels'])}")
            self.stdout.write(f"    范围: {row['reach']}")
            self.stdout.write(f"    所属单位: {'/'.join(row['unit_kinds'])}")
