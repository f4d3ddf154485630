"""The rounding rule: line nets rounded half-up, VAT per rate on the summed nets, half-up (docs/rounding.md)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acompte.adapters.i18n import message
from acompte.domain.documents import LineInput, price_line, totals_of
from acompte.domain.errors import InvalidLine, InvalidVatRate, NegativeQuantity
from acompte.domain.money import Money
from acompte.domain.vat import VatRounding, check_rate, split_gross_by_rate

D = Decimal


def priced(*specs, rounding=VatRounding.PER_RATE):
    lines = [
        price_line(i, LineInput("x", D(qty), D(price), D(rate), D(discount)), "EUR")
        for i, (qty, price, rate, discount) in enumerate(specs, 1)
    ]
    return lines, totals_of(lines, "EUR", rounding)


def test_half_a_cent_rounds_up():
    lines, totals = priced(("1", "0.005", "20", "0"))
    assert lines[0].net.amount == D("0.01")
    assert totals.vat.amount == D("0.00")
    assert totals.gross.amount == D("0.01")


def test_three_decimal_unit_prices_are_rounded_once_per_line():
    lines, totals = priced(("3", "1.333", "20", "0"), ("7", "0.125", "20", "0"))
    assert [line.net.amount for line in lines] == [D("4.00"), D("0.88")]  # 3.999 and 0.875
    assert totals.net.amount == D("4.88")
    assert totals.vat.amount == D("0.98")  # 0.976
    assert totals.gross.amount == D("5.86")


def test_five_and_a_half_percent():
    _, totals = priced(("1", "10.00", "5.5", "0"), ("1", "0.10", "5.5", "0"))
    assert totals.net.amount == D("10.10")
    assert totals.vat.amount == D("0.56")  # 0.5555 -> 0.56
    _, alone = priced(("1", "0.10", "5.5", "0"))
    assert alone.vat.amount == D("0.01")  # 0.0055 -> 0.01


def test_vat_is_computed_on_the_sum_per_rate_not_per_line():
    specs = [("1", "2.77", "20", "0")] * 3
    _, per_rate = priced(*specs)
    _, per_line = priced(*specs, rounding=VatRounding.PER_LINE)
    assert per_rate.vat.amount == D("1.66")  # 8.31 x 20 % = 1.662
    assert per_line.vat.amount == D("1.65")  # 3 x 0.554 -> 3 x 0.55


def test_many_small_lines():
    _, totals = priced(*[("1", "0.01", "20", "0")] * 100)
    assert totals.net.amount == D("1.00")
    assert totals.vat.amount == D("0.20")
    _, per_line = priced(*[("1", "0.01", "20", "0")] * 100, rounding=VatRounding.PER_LINE)
    assert per_line.vat.amount == D("0.00")


def test_mixed_rates_have_one_breakdown_line_each_highest_first():
    _, totals = priced(("2", "100", "20", "10"), ("1", "50", "5.5", "0"), ("1", "30", "10", "0"), ("1", "5", "0", "0"))
    assert [(b.rate, b.net.amount, b.vat.amount) for b in totals.breakdown] == [
        (D("20"), D("180.00"), D("36.00")),
        (D("10"), D("30.00"), D("3.00")),
        (D("5.5"), D("50.00"), D("2.75")),
        (D("0"), D("5.00"), D("0.00")),
    ]
    assert totals.gross.amount == D("306.75")


def test_line_discount_applies_before_rounding():
    lines, _ = priced(("3", "19.99", "20", "12.5"))
    assert lines[0].net.amount == D("52.47")  # 59.97 x 0.875 = 52.47375


def test_bad_lines_are_refused():
    with pytest.raises(NegativeQuantity) as negative:
        price_line(1, LineInput("x", D("-1"), D("10"), D("20")), "EUR")
    assert "avoir" in message(negative.value, "fr")
    with pytest.raises(InvalidLine):
        price_line(1, LineInput(" ", D("1"), D("10"), D("20")), "EUR")
    with pytest.raises(InvalidLine):
        price_line(1, LineInput("x", D("1.0001"), D("10"), D("20")), "EUR")
    with pytest.raises(InvalidLine):
        price_line(1, LineInput("x", D("1"), D("10"), D("20"), D("120")), "EUR")


def test_a_rate_the_company_does_not_have_is_refused():
    assert check_rate(D("5.50"), [D("20"), D("5.5")]) == D("5.5")
    with pytest.raises(InvalidVatRate):
        check_rate(D("19.6"), [D("20"), D("5.5")])


def test_a_gross_amount_split_across_rates_keeps_its_exact_total():
    weights = {D("20"): Money.of("1200.00", "EUR"), D("5.5"): Money.of("211.00", "EUR")}
    parts = split_gross_by_rate(Money.of("550.00", "EUR"), weights)
    assert sum((p.gross.amount for p in parts), D(0)) == D("550.00")
    for part in parts:
        assert part.net + part.vat == part.gross


@given(
    lines=st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=1000, places=3),
            st.decimals(min_value=0, max_value=10000, places=4),
            st.sampled_from([D("20"), D("10"), D("5.5"), D("2.1"), D("0")]),
            st.decimals(min_value=0, max_value=100, places=2),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_totals_are_exact_and_consistent(lines):
    priced_lines = [price_line(i, LineInput("x", q, p, r, d), "EUR") for i, (q, p, r, d) in enumerate(lines, 1)]
    totals = totals_of(priced_lines, "EUR", VatRounding.PER_RATE)
    assert totals.gross == totals.net + totals.vat
    assert totals.net.amount == sum((line.net.amount for line in priced_lines), D(0))
    for b in totals.breakdown:
        exact = b.net.amount * b.rate / 100
        assert abs(b.vat.amount - exact) <= D("0.005")
