"""The monthly-report import says the same "不在您的范围内或不存在" for another city's project code and for a code
that exists nowhere: an import is no oracle for which codes exist (issue 15 item 9)."""

from decimal import Decimal

import pytest

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.progress.importer import plan_import

pytestmark = pytest.mark.django_db


def test_a_foreign_code_and_an_unknown_code_read_the_same(db):
    city, d = f.city_tree("镇江市", ("京口区",))
    mine = f.project(d["京口区"], total=Decimal(80000))
    _, other = f.city_tree("苏州市", ("姑苏区",))
    foreign = f.project(other["姑苏区"], total=Decimal(80000))
    unknown = foreign.code[:-3] + "999" if not foreign.code.endswith("999") else foreign.code[:-3] + "998"
    reporter = f.user("rep", d["京口区"], Role.REPORTER)
    mine.reporters.add(reporter)
    text = f"项目代码,当月完成投资\n{mine.code},10\n{foreign.code},5\n{unknown},5\n"
    plan = plan_import(user=reporter, data=text.encode(), filename="月报.csv", year=2024, month=5)
    said = {e.row: e.reason for e in plan.errors}
    assert said[3] == said[4] == "项目代码不在您的范围内或不存在"
