"""资金落实 (issue 20): the optional monthly 当月落实资金 through the import, the form and the API, checked like the
other amounts; the engine's funds_secured_rate_pct = Σ funds ÷ annual plan."""

from decimal import Decimal

import pytest

from tests import factories as f
from tuijin.accounts.models import Role
from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.present import present
from tuijin.indicators.scope import Scope
from tuijin.progress.importer import commit_import, match_field, plan_import
from tuijin.progress.models import MonthlyReport


@pytest.fixture
def city(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city, d = f.city_tree("测试市", ("甲区",))
    lst = f.annual_list(city, "省重大项目")
    p = f.project(d["甲区"], total=Decimal(50000), code="2024-320101-34-03-00001A")
    f.entry(lst, p, plan=Decimal(20000))
    admin = f.user("city_admin", city, Role.CITY_ADMIN)
    return city, p, admin


def test_headers_that_name_funds_secured():
    assert match_field("当月落实资金（万元）") == "funds_secured"
    assert match_field("资金落实") == "funds_secured"
    assert match_field("累计落实资金") is None and match_field("资金落实率") is None


def test_import_reads_funds_secured_and_refuses_bad_cells(city):
    """May: 1200 completed, 3000 万元 secured → 资金落实率 3000 ÷ 20000 = 15.0%, 0.3 亿元."""
    _city, p, admin = city
    bad = f"项目代码,当月完成投资,当月落实资金\n{p.code},1200,很多\n".encode()
    plan = plan_import(user=admin, data=bad, filename="5月.csv", year=2024, month=5)
    assert not plan.ok and "当月落实资金" in str(plan.errors[0]) and "很多" in str(plan.errors[0])
    good = f"项目代码,当月完成投资,当月落实资金\n{p.code},1200,3000\n".encode()
    plan = plan_import(user=admin, data=good, filename="5月.csv", year=2024, month=5)
    assert plan.ok, plan.errors
    commit_import(user=admin, plan=plan, confirm_warnings=True)
    r = MonthlyReport.objects.get(project=p, year=2024, month=5)
    assert (r.amount, r.funds_secured) == (Decimal(1200), Decimal(3000))
    d = present(compute(Scope(_city), Period(2024, 5, 5)))
    assert (d["funds_secured_yi"], d["funds_secured_rate_pct"]) == (0.3, 15)
    # a file without the column keeps the stored value
    again = f"项目代码,当月完成投资\n{p.code},1300\n".encode()
    plan = plan_import(
        user=admin, data=again, filename="5月.csv", year=2024, month=5, reason="更正"
    )
    assert plan.ok, plan.errors
    commit_import(user=admin, plan=plan, confirm_warnings=True)
    r.refresh_from_db()
    assert (r.amount, r.funds_secured) == (Decimal(1300), Decimal(3000))


def test_the_api_takes_and_returns_funds_secured(city, client):
    from tuijin.api.services import create_token

    _city, p, admin = city
    token = create_token(user=admin, name="测试", days=30, actor=admin)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/projects/{p.pk}/reports"
    r = client.post(
        url,
        {"year": 2024, "month": 1, "amount": "100", "funds_secured": "250.5"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    assert r.json()["funds_secured"] == "250.50"
    r = client.post(
        url, {"year": 2024, "month": 1, "amount": "100"}, content_type="application/json", **auth
    )
    assert r.json()["funds_secured"] == "250.50"  # omitted: kept
    r = client.post(
        url,
        {"year": 2024, "month": 1, "amount": "100", "funds_secured": "1e14"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422
    assert "funds_secured" in r.content.decode()


def test_the_report_form_saves_funds_secured(city, client):
    _city, p, admin = city
    client.force_login(admin)
    r = client.post(
        f"/reports/{p.pk}/2024/2/", {"amount": "10", "funds_secured": "77", "progress_text": "施工"}
    )
    assert r.status_code in (200, 302), r.status_code
    assert MonthlyReport.objects.get(project=p, year=2024, month=2).funds_secured == Decimal(77)
    page = client.get(f"/reports/{p.pk}/2024/2/").content.decode()
    assert "当月落实资金" in page
