"""Deposit rules without a database: amounts, the VAT split of a gross amount, cumulative cuts, deductions."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.domain.deposits import (
    DeductionCandidate,
    DepositSettings,
    check_deduction,
    check_deposit,
    combine,
    gross_of,
    parse_percent,
    parse_rate,
    percent_of,
    plan_deductions,
    proportional_share,
    resolve_percent,
    share_in_percent,
    subtract,
    take,
    to_company_currency,
)
from acompte.domain.errors import (
    DeductionExceedsDeposit,
    DeductionExceedsInvoice,
    DepositExceedsOrder,
    InvalidExchangeRate,
    InvalidPercentage,
    NonPositiveAmount,
)
from acompte.domain.money import Money
from acompte.domain.vat import VatLine, compute_totals

D = Decimal


def eur(text):
    return Money.of(text, "EUR")


def order_pool(*nets_and_rates):
    return compute_totals([(eur(n), D(r)) for n, r in nets_and_rates], "EUR").breakdown


def rows(breakdown):
    return [(f"{b.rate:f}", str(b.net.amount), str(b.vat.amount)) for b in breakdown]


# -- AC-01 / AC-02 (shared/domain/french-rules.md §6) ---------------------------------------------------------
def test_ac01_a_30_percent_deposit_on_1200_is_360_of_which_300_net_and_60_vat():
    pool = order_pool(("1000.00", "20"))
    deposit = percent_of(eur("1200.00"), D("30"))
    assert deposit == eur("360.00")
    assert rows(take(pool, (), deposit)) == [("20", "300.00", "60.00")]


def test_ac02_a_15_percent_deposit_on_1200_is_180_of_which_150_net_and_30_vat():
    pool = order_pool(("1000.00", "20"))
    assert rows(take(pool, (), percent_of(eur("1200.00"), D("15")))) == [("20", "150.00", "30.00")]


def test_ac07_a_20_percent_supplier_deposit_on_2400_is_480_of_which_400_net_and_80_vat():
    pool = order_pool(("2000.00", "20"))
    assert rows(take(pool, (), percent_of(eur("2400.00"), D("20")))) == [("20", "400.00", "80.00")]


def test_a_deposit_typed_including_vat_stays_exactly_that_amount():
    pool = order_pool(("1000.00", "20"), ("200.00", "5.5"))  # gross 1200.00 + 211.00
    parts = take(pool, (), eur("550.00"))
    assert gross_of(parts, "EUR") == eur("550.00")
    # 550.00 × 1200/1411 = 467.75 at 20 % (net 389.79) and 82.25 at 5.5 % (net 77.96)
    assert rows(parts) == [("20", "389.79", "77.96"), ("5.5", "77.96", "4.29")]
    for part in parts:
        assert part.net + part.vat == part.gross


def test_the_vat_split_follows_the_orders_gross_per_rate():
    pool = order_pool(("1000.00", "20"), ("120.00", "10"))  # 1200.00 and 132.00 gross
    parts = take(pool, (), percent_of(eur("1332.00"), D("50")))
    assert [p.gross.amount for p in parts] == [D("600.00"), D("66.00")]
    assert rows(parts) == [("20", "500.00", "100.00"), ("10", "60.00", "6.00")]


def test_three_thirds_give_the_order_back_exactly_rate_by_rate():
    pool = order_pool(("1000.00", "20"))
    taken = ()
    cuts = []
    for amount in ("400.00", "400.00", "400.00"):
        cut = take(pool, taken, eur(amount))
        cuts.append(rows(cut))
        taken = combine([taken, cut], "EUR")
    # 400 / 1.2 = 333.33 each time on its own would give 999.99 net; cumulative cuts give 1000.00 exactly
    assert cuts == [[("20", "333.33", "66.67")], [("20", "333.34", "66.66")], [("20", "333.33", "66.67")]]
    assert rows(taken) == [("20", "1000.00", "200.00")]


def test_taking_what_remains_returns_exactly_the_remainder():
    pool = order_pool(("1118.50", "20"), ("120.00", "10"), ("15.00", "5.5"))
    first = take(pool, (), eur("500.00"))
    rest = take(pool, first, gross_of(pool, "EUR") - eur("500.00"))
    assert combine([first, rest], "EUR") == pool
    assert subtract(pool, first, "EUR") == rest


def test_taking_more_than_the_pool_holds_is_a_programming_error():
    pool = order_pool(("100.00", "20"))
    with pytest.raises(ValueError):
        take(pool, (), eur("120.01"))
    with pytest.raises(NonPositiveAmount):
        take(pool, (), eur("0.00"))


# -- percentages, defaults, checks ----------------------------------------------------------------------------
def test_percentages_are_between_0_and_100():
    assert parse_percent("33,33") == D("33.33")
    assert parse_percent(D("100")) == D("100")
    for bad in ("-1", "100.01", "abc", "12.34567", 0.3):
        with pytest.raises(InvalidPercentage):
            parse_percent(bad)


def test_the_most_specific_default_percentage_wins():
    party = {"deposit_percent": "30", "deposit_percent_by_item": {"7": "50"}}
    item = {"deposit_percent": "15"}
    assert resolve_percent(item_id=7, party_settings=party, item_settings=item, company_default=D(10)) == D(50)
    assert resolve_percent(item_id=8, party_settings=party, item_settings=item, company_default=D(10)) == D(15)
    assert resolve_percent(item_id=8, party_settings=party, item_settings={}, company_default=D(10)) == D(30)
    assert resolve_percent(item_id=None, party_settings={}, item_settings=None, company_default=D(10)) == D(10)
    assert resolve_percent(item_id=None, party_settings={}, item_settings=None, company_default=None) is None


def test_settings_have_safe_defaults():
    settings_ = DepositSettings.from_settings({})
    assert settings_.deduct_all is True
    assert settings_.generates_payment("sale") is False
    assert settings_.block_delivery is False
    custom = DepositSettings.from_settings({"deposits": {"generate_payment_purchase": True, "default_percent": "30"}})
    assert custom.generates_payment("purchase") and not custom.generates_payment("sale")
    assert custom.default_percent == D(30)


def test_a_deposit_above_what_remains_is_refused_with_the_figures():
    check_deposit(eur("840.00"), eur("840.00"), "la commande CO-1")
    with pytest.raises(DepositExceedsOrder, match=r"840\.01 EUR.*840\.00 EUR.*CO-1"):
        check_deposit(eur("840.01"), eur("840.00"), "la commande CO-1")
    with pytest.raises(NonPositiveAmount):
        check_deposit(eur("0.00"), eur("840.00"), "la commande CO-1")


def test_a_deduction_fits_in_the_deposit_and_in_the_invoice():
    check_deduction(eur("360.00"), eur("360.00"), eur("1200.00"), "FAC-1", "FA-1")
    with pytest.raises(DeductionExceedsDeposit):
        check_deduction(eur("360.01"), eur("360.00"), eur("1200.00"), "FAC-1", "FA-1")
    with pytest.raises(DeductionExceedsInvoice):
        check_deduction(eur("300.00"), eur("360.00"), eur("299.99"), "FAC-1", "FA-1")


def test_a_partial_invoice_deducts_its_share_and_the_last_one_all_that_remains():
    assert proportional_share(eur("300.00"), eur("1200.00")) == D("0.25")
    assert proportional_share(eur("900.00"), eur("900.00")) == 1
    plan = plan_deductions(
        [DeductionCandidate(1, eur("600.00")), DeductionCandidate(2, eur("600.00"))], eur("300.00"), D("0.25")
    )
    assert plan == [(1, eur("150.00")), (2, eur("150.00"))]


def test_a_small_invoice_deducts_only_up_to_its_own_total():
    plan = plan_deductions([DeductionCandidate(1, eur("600.00")), DeductionCandidate(2, eur("600.00"))], eur("700.00"))
    assert plan == [(1, eur("600.00")), (2, eur("100.00"))]


def test_exchange_rates_are_exact_and_positive():
    assert parse_rate("1,0850") == D("1.0850")
    for bad in ("0", "-1", "x", 1.08):
        with pytest.raises(InvalidExchangeRate):
            parse_rate(bad)
    usd = Money.of("1000.00", "USD")
    assert to_company_currency(usd, D("0.9215"), "EUR") == eur("921.50")
    assert to_company_currency(eur("5.00"), None, "EUR") == eur("5.00")
    assert share_in_percent(eur("360.00"), eur("1200.00")) == D("30.00")


# -- properties -----------------------------------------------------------------------------------------------
RATES = st.sampled_from([D("20"), D("10"), D("5.5"), D("2.1"), D("0")])
NETS = st.decimals(min_value=D("0.01"), max_value=D("50000"), places=2)


@st.composite
def pools_and_cuts(draw):
    lines = draw(st.lists(st.tuples(NETS, RATES), min_size=1, max_size=4))
    pool = compute_totals([(eur(str(n)), r) for n, r in lines], "EUR").breakdown
    gross = gross_of(pool, "EUR").minor_units
    cuts = draw(st.lists(st.integers(min_value=1, max_value=gross), min_size=1, max_size=5))
    return pool, cuts


@settings(max_examples=300, deadline=None)  # pure arithmetic: a loaded CI machine must not fail it on time
@given(pools_and_cuts())
def test_cuts_never_exceed_the_pool_and_always_sum_to_what_was_asked(data):
    pool, cuts = data
    taken = ()
    remaining = gross_of(pool, "EUR")
    for units in cuts:
        amount = Money.from_minor(units, "EUR").min(remaining)
        if not amount.is_positive:
            break
        cut = take(pool, taken, amount)
        assert gross_of(cut, "EUR") == amount
        for part in cut:
            assert part.net + part.vat == part.gross
            assert not part.gross.is_negative
        taken = combine([taken, cut], "EUR")
        remaining = remaining - amount
        assert gross_of(taken, "EUR") <= gross_of(pool, "EUR")
    if remaining.is_positive:
        taken = combine([taken, take(pool, taken, remaining)], "EUR")
    assert taken == pool  # a fully prepaid order: exactly the order, rate by rate, net and VAT


@settings(max_examples=300)
@given(
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=0, max_size=6),
    st.integers(min_value=0, max_value=10**7),
    st.decimals(min_value=D("0.01"), max_value=D(1), places=4),
)
def test_planned_deductions_never_make_an_invoice_negative(availables, room_units, share):
    room = Money.from_minor(room_units, "EUR")
    plan = plan_deductions(
        [DeductionCandidate(i, Money.from_minor(a, "EUR")) for i, a in enumerate(availables)], room, share
    )
    deducted = sum((amount.amount for _, amount in plan), D(0))
    assert deducted <= room.amount
    assert room.amount - deducted >= 0
    for i, amount in plan:
        assert amount.is_positive and amount.minor_units <= availables[i]


@settings(max_examples=200)
@given(
    st.lists(st.decimals(min_value=D(0), max_value=D(100), places=2), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=10**8),
)
def test_deposits_that_pass_the_check_never_exceed_the_order(percents, gross_units):
    gross = Money.from_minor(gross_units, "EUR")
    accepted = Money.zero("EUR")
    for pct in percents:
        amount = percent_of(gross, pct)
        try:
            check_deposit(amount, gross - accepted, "la commande")
        except (DepositExceedsOrder, NonPositiveAmount):
            continue
        accepted = accepted + amount
    assert accepted <= gross


def test_vat_lines_combine_and_subtract_rate_by_rate():
    a = (VatLine(D(20), eur("10.00"), eur("2.00")),)
    b = (VatLine(D(20), eur("10.00"), eur("2.00")), VatLine(D(10), eur("5.00"), eur("0.50")))
    assert rows(combine([a, b], "EUR")) == [("20", "20.00", "4.00"), ("10", "5.00", "0.50")]
    assert rows(subtract(b, a, "EUR")) == [("10", "5.00", "0.50")]


def test_a_deposit_document_reads_its_stored_split_and_any_other_its_lines() -> None:
    from datetime import date as _date

    from acompte.domain.deposits import issued_breakdown
    from acompte.domain.documents import Document, Flow, Kind, LineInput, State, price_line
    from acompte.domain.money import Money
    from acompte.domain.vat import VatLine, VatRounding

    eur = lambda text: Money.of(text, "EUR")  # noqa: E731
    line = price_line(
        1,
        LineInput(designation="Chaise", quantity=Decimal("1"), unit_price=Decimal("458.33"), vat_rate=Decimal("20")),
        "EUR",
    )
    document = Document(
        id=1,
        company_id=1,
        kind=Kind.DEPOSIT_INVOICE,
        flow=Flow.SALE,
        state=State.VALIDATED,
        party_id=1,
        currency="EUR",
        issue_date=_date(2026, 12, 7),
        due_date=None,
        gross=eur("550.00"),
        net=eur("458.33"),
        lines=(line,),
    )
    # a split stored at issue that the lines cannot give back (net 458.34 + VAT 91.66 = 550.00)
    stored = (VatLine(rate=Decimal("20"), net=eur("458.34"), vat=eur("91.66")),)
    assert issued_breakdown(document, stored, VatRounding.PER_RATE) == stored
    [computed] = issued_breakdown(document, None, VatRounding.PER_RATE)
    assert (computed.net, computed.vat) == (eur("458.33"), eur("91.67"))  # 458.33 × 20 % = 91.666 → 91.67
