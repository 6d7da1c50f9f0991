"""全省: the province reader (js_reader in the demo) compares its cities for one 1-N月, the figures the engine
gives each city (the same as that city's overview), by default the latest month closed in every city.

World: 测试省 with 甲市 (one project, plan 1000 万元, 100 a month for 1-3月, all accepted) and 乙市 (plan 2000,
300 a month for 1-2月). 甲市 has closed March, 乙市 February: the page compares 1-2月. 甲市 200 万元 = 0.02 亿元,
20.0%; 乙市 600 万元 = 0.06 亿元, 30.0%. Both cities print two decimals."""

from decimal import Decimal

import pytest

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.orgs.models import OrgUnit


@pytest.fixture
def province(db):
    a, da = f.city_tree("甲市", ("甲一区",), province="测试省")
    b, db_ = f.city_tree("乙市", ("乙一区",), province="测试省")
    for city, district, plan, amounts in ((a, da["甲一区"], 1000, [100] * 3), (b, db_["乙一区"], 2000, [300] * 2)):
        f.config(city, amount_places=2)
        p = f.project(district)
        f.entry(f.annual_list(city), p, plan=Decimal(plan))
        f.reports(p, 2024, [Decimal(x) for x in amounts])
    reader = f.user("js_reader", OrgUnit.objects.get(name="测试省"), Role.PROVINCE_READER)
    return reader, a, b


def rows(html: str) -> list[list[str]]:
    import re

    table = html[html.index('id="province-table"'):html.index("</table>", html.index('id="province-table"'))]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]


def test_the_province_reader_compares_its_cities_on_a_month_closed_everywhere(client, province):
    reader, a, b = province
    client.force_login(reader)
    html = client.get("/overview/province/").content.decode()
    assert "1-2月" in html
    got = {r[0]: r[1:5] for r in rows(html)}
    assert got == {"甲市": ["1", "0.10", "0.02", "20.0%"], "乙市": ["1", "0.20", "0.06", "30.0%"]}
    assert f"/overview/?city={a.pk}&amp;through=2024-02" in html
    # Asked for March: 甲市 300 万元 (30.0%), 乙市 still its February cumulative.
    got = {r[0]: r[3:5] for r in rows(client.get("/overview/province/?through=2024-03").content.decode())}
    assert got == {"甲市": ["0.03", "30.0%"], "乙市": ["0.06", "30.0%"]}
    # The nav offers 全省 to the province reader, current on this page.
    assert 'href="/overview/province/" class="active" aria-current="page">全省' in html


def test_a_city_user_sees_only_its_city(client, province):
    _, a, _ = province
    admin = f.user("jia_admin", a, Role.CITY_ADMIN)
    client.force_login(admin)
    html = client.get("/overview/province/").content.decode()
    assert [r[0] for r in rows(html)] == ["甲市"] and ">全省<" not in html
