from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acompte.domain.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency
from acompte.domain.money import Money, total


def test_money_is_built_from_decimal_strings_and_keeps_the_currency_minor_unit():
    assert Money.of("12.5", "EUR").amount == Decimal("12.50")
    assert str(Money.of("3", "EUR")) == "3.00 EUR"
    assert Money.of("1500", "JPY").amount == Decimal("1500")
    assert Money.of("1.250", "TND").amount == Decimal("1.250")


def test_a_float_is_refused_even_when_it_looks_harmless():
    with pytest.raises(InvalidAmount):
        Money.of(0.1, "EUR")  # type: ignore[arg-type]


def test_too_many_decimals_are_an_error_unless_a_rounding_is_named():
    with pytest.raises(InvalidAmount):
        Money.of("1.005", "EUR")
    assert Money.of("1.005", "EUR", rounding="ROUND_HALF_UP").amount == Decimal("1.01")
    assert Money.of("1.005", "EUR", rounding="ROUND_HALF_EVEN").amount == Decimal("1.00")


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1e3", "NaN", "12.3.4", "--1"])
def test_malformed_amount_strings_are_refused(text):
    with pytest.raises(InvalidAmount):
        Money.parse(text, "EUR")


def test_french_formatted_input_is_understood():
    assert Money.parse("1 234,56", "EUR").amount == Decimal("1234.56")
    assert Money.parse("1\u202f234,5", "EUR").amount == Decimal("1234.50")


def test_unknown_currency_is_refused():
    with pytest.raises(UnknownCurrency):
        Money.of("1", "XXX")


def test_arithmetic_across_currencies_raises():
    with pytest.raises(CurrencyMismatch):
        Money.of("1", "EUR") + Money.of("1", "USD")
    with pytest.raises(CurrencyMismatch):
        assert Money.of("1", "EUR") < Money.of("2", "USD")


def test_negative_zero_reads_as_zero():
    assert str(Money.of("-0.00", "EUR")) == "0.00 EUR"
    assert str(Money.of("1.00", "EUR") - Money.of("1.00", "EUR")) == "0.00 EUR"


def test_times_rounds_half_up_once():
    assert Money.of("0.05", "EUR").times(Decimal("0.5")).amount == Decimal("0.03")
    assert Money.of("1200.00", "EUR").times(Decimal("0.3333")).amount == Decimal("399.96")


def test_split_gives_parts_that_sum_exactly_with_the_extra_cent_first():
    parts = Money.of("100.00", "EUR").split([1, 1, 1])
    assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12),
)
def test_split_always_sums_to_the_whole(cents, weights):
    whole = Money.from_minor(cents, "EUR")
    parts = whole.split(weights)
    assert total(parts, "EUR") == whole
    assert len(parts) == len(weights)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_minor_units_round_trip(cents):
    assert Money.from_minor(cents, "EUR").minor_units == cents
