"""The supported calendar (1900-01-01 … 2999-12-31): one check refuses a date outside it with the field and the
bounds, date arithmetic refuses to leave it, and the financial year of every supported day is computed — for
every closing day a company may choose — without a loop or an overflow."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.adapters.i18n import message as rendered
from acompte.domain.accounting import fiscal_year
from acompte.domain.accounts import TermPart
from acompte.domain.dates import MAX_DATE, MIN_DATE, DateField, add_days, check_date
from acompte.domain.errors import InvalidDate, Reason


def _closing_days() -> list[tuple[int, int]]:
    days = []
    for month in range(1, 13):
        for day in range(1, 32):
            try:
                date(2024, month, day)
            except ValueError:
                continue
            days.append((month, day))
    return days


#: Every closing day a company can set (`accounting.fiscal_year_end` = MM-DD, 29 February included).
CLOSING_DAYS = _closing_days()
supported_days = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)


def test_the_bounds_are_the_supported_range() -> None:
    assert check_date(MIN_DATE) == MIN_DATE
    assert check_date(MAX_DATE) == MAX_DATE


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(3000, 1, 1), date(9999, 12, 31)])
def test_a_date_outside_is_refused_with_its_field_and_the_bounds(day: date) -> None:
    with pytest.raises(InvalidDate) as refused:
        check_date(day, DateField.DATE_FROM)
    assert refused.value.params == {
        "reason": Reason.DATE_OUT_OF_RANGE,
        "field": DateField.DATE_FROM,
        "minimum": MIN_DATE,
        "maximum": MAX_DATE,
    }
    assert rendered(refused.value, "fr") == (
        "Date invalide : la date de début doit être comprise entre le 01/01/1900 et le 31/12/2999."
    )
    assert rendered(refused.value, "en").startswith("Invalid date: the start date must be between")


def test_adding_days_stops_at_the_bounds_instead_of_overflowing() -> None:
    assert add_days(date(2999, 12, 1), 30) == MAX_DATE
    with pytest.raises(InvalidDate):
        add_days(date(2999, 12, 1), 31, DateField.DUE_DATE)
    with pytest.raises(InvalidDate):
        add_days(MAX_DATE, 1)
    with pytest.raises(InvalidDate):
        add_days(MIN_DATE, -1)
    with pytest.raises(InvalidDate):  # 9999-12-31 + 30 used to raise OverflowError
        TermPart(percent=Decimal(100), days=30).due_date(date(9999, 12, 31))


def test_a_due_date_beyond_the_range_is_refused() -> None:
    with pytest.raises(InvalidDate) as refused:
        TermPart(percent=Decimal(100), days=30, end_of_month=True).due_date(date(2999, 12, 15))
    assert refused.value.params["field"] is DateField.DUE_DATE
    assert TermPart(percent=Decimal(100), days=10, end_of_month=True).due_date(date(2999, 12, 15)) == MAX_DATE


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1, 12, 31), date(9999, 12, 31)])
def test_the_financial_year_of_a_date_outside_is_refused_at_once(day: date) -> None:
    with pytest.raises(InvalidDate):  # year 1 used to loop for ever looking for 31 December of year 0
        fiscal_year(day, (12, 31))


def test_the_financial_year_at_the_edges() -> None:
    assert fiscal_year(MIN_DATE) == (MIN_DATE, date(1900, 12, 31))
    assert fiscal_year(MAX_DATE) == (date(2999, 1, 1), MAX_DATE)
    assert fiscal_year(MIN_DATE, (6, 30)) == (date(1899, 7, 1), date(1900, 6, 30))
    assert fiscal_year(MAX_DATE, (6, 30)) == (date(2999, 7, 1), date(3000, 6, 30))
    # 29 February closes on the 28th of a common year, on the 29th of a leap year
    assert fiscal_year(date(2023, 3, 1), (2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))
    assert fiscal_year(date(2100, 2, 28), (2, 29)) == (date(2099, 3, 1), date(2100, 2, 28))


@pytest.mark.parametrize("month", range(1, 13))
@settings(deadline=None, max_examples=30, derandomize=True)
@given(day=supported_days, dom=st.integers(1, 31))
def test_every_supported_day_lies_in_one_financial_year_of_about_a_year(month: int, day: date, dom: int) -> None:
    closing = (month, dom)
    if closing not in CLOSING_DAYS:
        dom = 29 if month == 2 else 30  # the month's last day (2024 calendar): what the setting allows
        closing = (month, dom)
    start, end = fiscal_year(day, closing)
    assert start <= day <= end
    assert end.month == month and end.day in {dom, dom - 1}  # 29 February -> 28 on a common year
    assert 365 <= (end - start).days + 1 <= 366
    # the years tile the calendar: the day after the end starts the next one, the day before the start ends
    # the previous one (as far as the supported range goes)
    if end + timedelta(days=1) <= MAX_DATE:
        assert fiscal_year(end + timedelta(days=1), closing)[0] == end + timedelta(days=1)
    if start - timedelta(days=1) >= MIN_DATE:
        assert fiscal_year(start - timedelta(days=1), closing)[1] == start - timedelta(days=1)


def test_every_closing_day_works_at_both_bounds_and_around_a_leap_day() -> None:
    for closing in CLOSING_DAYS:
        for day in (MIN_DATE, MAX_DATE, date(2000, 2, 29), date(2100, 3, 1)):
            start, end = fiscal_year(day, closing)
            assert start <= day <= end
