"""A 填报员's or 部门经办's overview and bulletin say whose projects they cover ("您负责的 2 个项目", "XX局负责的…"),
not 全市 or the district's name (issue 15 item 9)."""

from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.orgs.services import create_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def jingkou(db):
    city, d = f.city_tree("镇江市", ("京口区",))
    lst = f.annual_list(city, "市重大项目")
    projects = [f.project(d["京口区"], total=Decimal(80000)) for _ in range(4)]
    for p in projects:
        f.entry(lst, p, plan=Decimal(24000))
        f.reports(p, 2024, [Decimal(1000)] * 3)
    reporter = f.user("rep", d["京口区"], Role.REPORTER)
    for p in projects[:2]:
        p.reporters.add(reporter)
    bureau = create_unit(name="镇江市发展和改革委员会", kind="department", parent=city, actor=SYSTEM)
    projects[3].responsible_department = bureau
    projects[3].save()
    dept = f.user("fgw", bureau, Role.DEPARTMENT)
    return reporter, dept


def test_a_reporters_overview_and_bulletin_name_its_projects(client, jingkou):
    reporter, _ = jingkou
    client.force_login(reporter)
    page = client.get("/overview/", {"through": "2024-03"}).content.decode()
    assert "您负责的 2 个项目 ·" in page
    text = client.get("/bulletins/", {"through": "2024-03"}).content.decode()
    assert "您负责的 2 个项目" in text and "全市" not in text.split('id="bulletin-text"')[1].split("</pre>")[0]


def test_a_departments_bulletin_names_the_department(client, jingkou):
    _, dept = jingkou
    client.force_login(dept)
    page = client.get("/bulletins/", {"through": "2024-03"}).content.decode()
    assert "镇江市发展和改革委员会负责的" in page
