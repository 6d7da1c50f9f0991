"""Demo users: one per role, with readable passwords that pass the password policy. Called by the demo
builder (tuijin.demo.builder) after the org tree and the projects exist; everything goes through services."""

from __future__ import annotations

from django.db import transaction

from tuijin.accounts.models import Role
from tuijin.accounts.selectors import qualified_name
from tuijin.accounts.services import assign_reporter, create_user


def _demo_actor():
    """The named system actor the demo writes as (services refuse a write without an actor)."""
    from tuijin.accounts.services import system_actor

    return system_actor("演示数据")

# username, password, role, display name, which unit (a key of the units passed in)
DEMO_USERS = [
    ("zj_admin", "Jinshan-Temple-2024", Role.CITY_ADMIN, "镇江市重大办管理员", "zhenjiang"),
    ("zj_leader", "Beigu-Mountain-2024", Role.CITY_LEADER, "镇江市分管领导", "zhenjiang"),
    ("jk_admin", "Xijin-Ferry-2024", Role.DISTRICT_ADMIN, "京口区重大办", "jingkou"),
    ("jk_reporter", "Yangtze-Report-2024", Role.REPORTER, "京口区项目填报员", "jingkou"),
    ("zj_dept", "Jiaoshan-Island-2024", Role.DEPARTMENT, "发改委经办人", "department"),
    ("sz_leader", "Humble-Garden-2024", Role.CITY_LEADER, "苏州市分管领导", "suzhou"),
    ("js_reader", "Purple-Mountain-2024", Role.PROVINCE_READER, "江苏省发改委查看", "province"),
]


@transaction.atomic
def create_demo_users(*, zhenjiang, suzhou, jingkou, department, reporter_projects) -> list[dict]:
    """Create the demo users and return [{username, password, role, role_code, unit}] for printing.

    The reporter is assigned `reporter_projects`; the department handler's department becomes the
    responsible department of those same projects where none is set, so both see something."""
    units = {"zhenjiang": zhenjiang, "suzhou": suzhou, "jingkou": jingkou, "department": department,
             "province": zhenjiang.parent}
    logins, made = [], {}
    for username, password, role, display, unit_key in DEMO_USERS:
        unit = units[unit_key]
        if unit is None:
            continue
        made[username] = create_user(username=username, password=password, unit=unit, role=role,
                                     first_name=display, actor=_demo_actor())
        logins.append({"username": username, "password": password, "role": role.label, "role_code": role.value,
                       "unit": qualified_name(unit)})
    reporter = made["jk_reporter"]
    for project in reporter_projects:
        assign_reporter(project=project, reporter=reporter, reason="演示: 指定填报员", actor=_demo_actor())
        if project.responsible_department_id is None:
            from tuijin.projects.services import update_project

            update_project(project=project, responsible_department=department, reason="演示: 指定责任部门", actor=_demo_actor())
    return logins
