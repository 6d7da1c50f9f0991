"""Reporting periods: YYYY-MM parsing that refuses 2024-13 by name, quarter and month spans, day counts."""

import datetime

import pytest

from tuijin.core.periods import (
    Period,
    PeriodError,
    days_elapsed_through_month,
    days_in_year,
    parse_year_month,
)


def test_parse_year_month():
    assert parse_year_month("2024-05") == (2024, 5)
    assert parse_year_month("2024-5") == (2024, 5)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "2024/05", "2024-5-1", "05-2024", "", "abcd-ef"])
def test_parse_year_month_refuses_naming_field_and_value(text):
    with pytest.raises(PeriodError) as exc:
        parse_year_month(text)
    assert "--through" in str(exc.value)
    assert repr(text) in str(exc.value)


def test_periods():
    assert Period.parse("2024-05") == Period(2024, 1, 5)
    assert Period.parse("2024-05", "quarter") == Period(2024, 4, 6)
    assert Period.parse("2024-05", "month") == Period(2024, 5, 5)
    assert Period.parse("2024-08", "half") == Period(2024, 7, 12)
    assert Period.quarter(2024, 1).label == "2024年一季度"
    assert Period.year_to_date(2024, 6).label == "2024年上半年"
    assert Period.year_to_date(2024, 9).label == "2024年前三季度"
    assert Period.year_to_date(2024, 5).label == "2024年1-5月"
    assert Period.month(2024, 5).label == "2024年5月"
    assert Period(2024, 1, 2).end == datetime.date(2024, 2, 29)
    assert Period(2023, 1, 2).end == datetime.date(2023, 2, 28)
    assert Period(2024, 4, 6).previous_year() == Period(2023, 4, 6)
    with pytest.raises(PeriodError):
        Period(2024, 5, 4)
    with pytest.raises(PeriodError):
        Period.quarter(2024, 5)


def test_day_counts():
    # 31 + 29 = 60 in the leap year, 31 + 28 = 59 otherwise
    assert days_elapsed_through_month(2024, 2) == 60
    assert days_elapsed_through_month(2023, 2) == 59
    assert days_elapsed_through_month(2024, 12) == 366
    assert days_in_year(2024) == 366
    assert days_in_year(2023) == 365
    assert days_in_year(1900) == 365  # not a leap year (divisible by 100)
    assert days_in_year(2000) == 366
