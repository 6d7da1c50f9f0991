"""Issue 15 in 招商: a lead's 意向投资 99999999999999999999 (form, service, import cell 1e13 / 1e20 / NaN / inf)
is refused naming the field and the value, nothing is written, and the board still answers."""

from decimal import Decimal

import pytest

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction.models import Lead
from tuijin.attraction.services import create_lead
from tuijin.core.errors import InputError

from .conftest import D

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def jia_admin(town):
    return f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN, password=PASSWORD)


@pytest.mark.parametrize(("value", "words"), [
    ("99999999999999999999", "超出允许范围"), ("1e14", "超出允许范围"), ("NaN", "不是有限的数字"),
    ("inf", "不是有限的数字"),
])
def test_lead_form_refuses_out_of_range_investment(client, town, jia_admin, value, words):
    client.force_login(jia_admin)
    r = client.post("/attraction/leads/new/", {
        "title": "巨额项目", "investor": "某公司", "investor_kind": "private", "source": "visit",
        "intended_investment": value, "stage_date": "2024-01-05"}, follow=True)
    text = r.content.decode()
    assert r.status_code == 200 and f"意向投资：{value}" in text and words in text
    assert Lead.objects.count() == 0
    assert client.get("/attraction/").status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", Decimal("1e14"), float("nan"), "Infinity"])
def test_create_lead_refuses_out_of_range_investment(town, value):
    with pytest.raises(InputError) as caught:
        create_lead(unit=town.jia, title="巨额项目", investor="某公司", investor_kind="private", source="visit",
                    intended_investment=value, stage_date=D(2024, 1, 5), actor=SYSTEM)
    assert caught.value.field == "intended_investment" and caught.value.text.startswith("意向投资")
    assert Lead.objects.count() == 0


@pytest.mark.parametrize(("cell", "words"), [("1e13", "超出允许范围"), ("1e20", "超出允许范围"),
                                             ("NaN", "不是有限的数字"), ("inf", "不是有限的数字")])
def test_lead_import_cell_out_of_range(town, cell, words):
    from tuijin.attraction.excel import commit_import, plan_import

    admin = f.user("city_admin", town.city, Role.CITY_ADMIN)
    data = ("项目名称,投资方,投资方类型,线索来源,意向投资(万元),跟进单位,日期\n"
            f"巨额项目,某公司,民企,走访企业,{cell},甲区,2024-01-05\n").encode()
    plan = plan_import(user=admin, data=data, filename="线索.csv", kind="leads")
    text = [str(p) for p in plan.problems]
    assert len(text) == 1, text
    assert "第 2 行 E 列" in text[0] and cell in text[0] and words in text[0] and "意向投资" in text[0]
    with pytest.raises(InputError):
        commit_import(plan, user=admin)
    assert Lead.objects.count() == 0
