"""core.bounds: one parser for every money, count and rate a user types, and the database constraints behind
it. NaN, infinities, exponent forms and values beyond the domain's ceiling are refused naming the field and
the value; a write that still reaches the database is refused there (SQLite stores anything in a DECIMAL
column) and answered with the constraint's Chinese message."""

from decimal import Decimal

import pytest
from django import forms
from django.db import IntegrityError, transaction

from tests import factories as f
from tuijin.core.bounds import MONEY, BoundedDecimalField, constraint_message, parse_number
from tuijin.core.errors import InputError
from tuijin.progress.models import MonthlyReport
from tuijin.projects.models import Project


@pytest.mark.parametrize("value", ["999999999999.99", "1e14", "1E+309", "1e10", 1e20, Decimal("99999999999999999999"),
                                   "100000000.01", -1, "-0.01"])
def test_out_of_range_is_refused_naming_field_and_value(value):
    with pytest.raises(InputError) as caught:
        parse_number(value, MONEY, label="当月完成投资", field="amount")
    text = caught.value.text
    assert caught.value.field == "amount"
    assert text.startswith("当月完成投资：") and "超出允许范围（0 至 100000000万元）" in text
    shown = repr(value) if isinstance(value, float) else str(value)
    assert shown in text


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "inf", "-Infinity", float("nan"), float("inf"),
                                   Decimal("NaN"), Decimal("-Infinity")])
def test_non_finite_is_refused(value):
    with pytest.raises(InputError, match="当月完成投资：.*不是有限的数字"):
        parse_number(value, MONEY, label="当月完成投资", field="amount")


@pytest.mark.parametrize("value", ["一千", "1,2,3e", "0x10", "1_000", True, "1e", "--1"])
def test_text_that_is_not_a_number_is_refused(value):
    with pytest.raises(InputError, match="不是数字"):
        parse_number(value, MONEY, label="意向投资")


@pytest.mark.parametrize(("value", "expected"), [
    ("1,234.567", Decimal("1234.57")), ("1e3", Decimal("1000.00")), (0.1, Decimal("0.10")),
    (12, Decimal("12.00")), ("100000000", Decimal("100000000.00")), (" 5 ", Decimal("5.00")), ("", None),
    (None, None), ("-", None), ("１２", Decimal("12.00")),
])
def test_plausible_values_parse(value, expected):
    assert parse_number(value, MONEY, label="x") == expected


def test_form_field_refuses_with_the_label_and_the_value():
    class F(forms.Form):
        amount = BoundedDecimalField(label="当月完成投资 (万元)", bounds=MONEY, required=False)

    for raw, words in [("1e14", "超出允许范围"), ("NaN", "不是有限的数字"), ("Infinity", "不是有限的数字"),
                       ("999999999999.99", "超出允许范围")]:
        form = F({"amount": raw})
        assert not form.is_valid()
        assert form.errors["amount"][0].startswith(f"当月完成投资：{raw} ")
        assert words in form.errors["amount"][0]
    form = F({"amount": "12.5"})
    assert form.is_valid() and form.cleaned_data["amount"] == Decimal("12.50")


@pytest.fixture
def project(db):
    city, d = f.city_tree("约束市", ("甲区",))
    return f.project(d["甲区"], total=Decimal(1000))


@pytest.mark.parametrize("amount", [Decimal("100000000.01"), Decimal("999999999999.99"), Decimal("-1")])
def test_database_refuses_an_out_of_range_amount_written_directly(project, amount):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        MonthlyReport.objects.create(project=project, year=2024, month=1, amount=amount, ytd=Decimal(0))
    assert constraint_message(caught.value) == "当月完成投资超出允许范围（0 至 100000000万元）"
    assert not MonthlyReport.objects.filter(project=project).exists()


def test_database_refuses_an_out_of_range_update(project):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Project.objects.filter(pk=project.pk).update(total_investment=Decimal("1e9"))  # fits numeric(14,2), beyond the range
    assert "计划总投资超出允许范围" in constraint_message(caught.value)
    project.refresh_from_db()
    assert project.total_investment == Decimal(1000)


def test_database_refuses_text_nan_and_infinity(project):
    """SQLite stores anything in a decimal column: the CheckConstraint refuses it (IntegrityError). PostgreSQL's
    numeric(14,2) refuses text and overflow itself (DataError) and NaN through the same constraint."""
    from django.db import DataError, connection

    for raw in ("'NaN'", "'1E+309'", "9e999", "'abc'"):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"UPDATE projects_project SET total_investment = {raw} WHERE id = %s", [project.pk])
    project.refresh_from_db()
    assert project.total_investment == Decimal(1000)
