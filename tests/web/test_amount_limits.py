"""Issue 15: 计划总投资 on the project form. Exponent notation (1e14, 1e309), NaN and inf used to pass the
12-digit check and poison the column; now each is a form error naming the field and the value, nothing is
written, and the project list still answers."""

from decimal import Decimal

import pytest

from tuijin.audit.models import AuditEntry
from tuijin.projects.models import Project

from .conftest import login
from .test_forms import GOOD_CODE, field_errors, form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "words"), [
    ("1e309", "超出允许范围"), ("1e14", "超出允许范围"), ("1E10", "超出允许范围"), ("999999999999.99", "超出允许范围"),
    ("100000000.01", "超出允许范围"), ("NaN", "不是有限的数字"), ("inf", "不是有限的数字"),
    ("-Infinity", "不是有限的数字"),
])
def test_project_form_refuses_out_of_range_total(client, city, value, words):
    login(client, city.jia_admin)
    projects, audits = Project.objects.count(), AuditEntry.objects.count()
    response = client.post("/projects/new/", form_data(city, total_investment=value))
    assert response.status_code == 400
    error = field_errors(response, "total_investment")[0]
    assert error.startswith(f"计划总投资：{value} ") and words in error
    assert not Project.objects.filter(code=GOOD_CODE).exists()
    assert (Project.objects.count(), AuditEntry.objects.count()) == (projects, audits)
    assert client.get("/projects/").status_code == 200


def test_project_edit_refuses_exponent_total(client, city):
    login(client, city.admin)
    data = form_data(city, code=city.p1.code, name=city.p1.name, total_investment="1e14", reason="更正")
    response = client.post(f"/projects/{city.p1.pk}/edit/", data)
    assert response.status_code == 400
    assert "1e14" in field_errors(response, "total_investment")[0]
    city.p1.refresh_from_db()
    assert city.p1.total_investment == Decimal(30000)
    assert client.get("/projects/").status_code == 200 and client.get("/overview/").status_code == 200


def test_the_ceiling_itself_is_accepted(client, city):
    login(client, city.admin)
    response = client.post("/projects/new/", form_data(city, total_investment="100000000"))
    assert response.status_code == 302
    assert Project.objects.get(code=GOOD_CODE).total_investment == Decimal(100000000)
    assert client.get("/projects/").status_code == 200 and client.get("/overview/").status_code == 200


def test_a_range_violation_that_reaches_the_database_answers_400_in_chinese(client, city, monkeypatch):
    """Should a path skip the parser, the database refuses the value and the page says why (not a 500)."""
    from tuijin.projects import services
    from tuijin.web import forms as web_forms

    monkeypatch.setattr(services, "check_finite_below", lambda number, *a, **k: number)
    monkeypatch.setattr(web_forms, "check_finite_below", lambda number, *a, **k: number)
    login(client, city.admin)
    client.raise_request_exception = False
    response = client.post("/projects/new/", form_data(city, total_investment="100000000.5"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "计划总投资超出允许范围（0 至 100000000万元）" in text and "未保存" in text
    assert not Project.objects.filter(code=GOOD_CODE).exists()
    assert client.get("/projects/").status_code == 200
