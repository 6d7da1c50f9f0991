"""tuijin createuser --unit NAME --role ROLE USERNAME: create a user (password from TUIJIN_PASSWORD or
prompted twice). Bad input is one line on stderr and exit status 2."""

import getpass
import os
import sys

from django.core.management.base import CommandError

from tuijin.accounts.models import Role
from tuijin.accounts.selectors import find_unit, qualified_name
from tuijin.accounts.services import create_user, system_actor
from tuijin.core.management.base import TuijinCommand


class Command(TuijinCommand):
    help = "创建用户 (Create a user in a unit with a role; password from TUIJIN_PASSWORD or prompted)"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--unit", required=True, help="所属单位名称; 重名时写成 城市/单位, 如 镇江市/京口区")
        parser.add_argument("--role", required=True,
                            help="角色: " + ", ".join(f"{r.value} ({r.label})" for r in Role))
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--phone", default="", help="电话")
        parser.add_argument("--email", default="", help="电子邮箱")

    def handle(self, *args, **o):
        role = self.role(o["role"])
        unit = find_unit(o["unit"])
        password = self.password()
        user = create_user(username=o["username"], password=password, unit=unit, role=role,
                           first_name=o["name"], phone=o["phone"], email=o["email"], actor=system_actor("运维命令行"))
        self.stdout.write(f"已创建用户 {user.username}: {user.role_label}, {qualified_name(unit)}")

    def role(self, value: str) -> str:
        """A role by its code (district_admin) or its Chinese name (板块管理员)."""
        for r in Role:
            if value in (r.value, r.label):
                return r.value
        known = ", ".join(f"{r.value} ({r.label})" for r in Role)
        raise CommandError(f"角色未知: {value!r}; 可选: {known}", returncode=2)

    def password(self) -> str:
        password = os.environ.get("TUIJIN_PASSWORD")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError("请通过环境变量 TUIJIN_PASSWORD 提供密码 (标准输入不是终端, 无法提示输入)",
                               returncode=2)
        first = getpass.getpass("密码: ")
        second = getpass.getpass("再次输入密码: ")
        if first != second:
            raise CommandError("两次输入的密码不一致", returncode=2)
        return first
