"""A hand-made city for the problem tests: 测试市 with 甲区 / 乙区, two departments, another city with its own
department, and one user per role."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tests.worlds import fresh, module_world
from tuijin.orgs.services import create_unit
from tuijin.problems.models import ProblemCategory
from tuijin.problems.services import ensure_categories

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


@dataclass
class World:
    city: object
    jia: object
    yi: object
    land_bureau: object
    eco_bureau: object
    other_city: object
    other_bureau: object
    project: object
    other_project: object
    admin: object
    leader: object
    district: object
    other_district: object
    reporter: object
    dept: object
    eco_dept: object
    outsider: object

    def category(self, name="用地"):
        return ProblemCategory.objects.get(name=name)


def build_world():
    ensure_categories()
    city, d = f.city_tree("测试市", ("甲区", "乙区"))
    land = create_unit(name="测试市自然资源和规划局", kind="department", parent=city, actor=SYSTEM)
    eco = create_unit(name="测试市生态环境局", kind="department", parent=city, actor=SYSTEM)
    other, _ = f.city_tree("外市", ("丙区",))
    other_bureau = create_unit(name="外市自然资源和规划局", kind="department", parent=other, actor=SYSTEM)
    project = f.project(d["甲区"], name="甲区测试项目", responsible_leader="张副市长")
    other_project = f.project(d["乙区"], name="乙区测试项目")
    reporter = f.user("reporter", d["甲区"], "reporter", email="reporter@example.cn")
    project.reporters.add(reporter)
    return World(
        city=city, jia=d["甲区"], yi=d["乙区"], land_bureau=land, eco_bureau=eco, other_city=other,
        other_bureau=other_bureau, project=project, other_project=other_project,
        admin=f.user("admin", city, "city_admin", email="admin@example.cn"),
        leader=f.user("leader", city, "city_leader", first_name="张副市长", email="leader@example.cn"),
        district=f.user("jia_admin", d["甲区"], "district_admin", email="jia@example.cn"),
        other_district=f.user("yi_admin", d["乙区"], "district_admin"),
        reporter=reporter,
        dept=f.user("land", land, "department", email="land@example.cn"),
        eco_dept=f.user("eco", eco, "department"),
        outsider=f.user("outsider", other, "city_admin"),
    )


world_built_once = module_world(build_world)


@pytest.fixture
def world(world_built_once, db):
    return fresh(world_built_once)
