"""Foreign currency in the books (domain/accounting/currency.py): conversion at one rate, half-up once; entries
converted line by line with the party and the VAT exact and the rounding cent on revenue; the share of an
invoice's booked amount each payment clears; the realised exchange difference (656 / 756); and the property that
entries balance and the differences are exactly the invoice's euros less the payments' euros."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.domain.accounting import (
    AccountingSettings,
    DocumentFact,
    ExchangeDifferenceFact,
    FactLine,
    JournalEntry,
    Nature,
    PartyRef,
    PaymentFact,
    ReversalFact,
    balances,
    booked_share,
    convert,
    convert_entry,
    exchange_difference_entry,
    invoice_entry,
    payment_entries,
    realised_difference,
    receivable_allocation,
    reversal_entry,
)
from acompte.domain.accounting.currency import checked_rate, document_anchors, payment_anchors
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import ExchangeRateNotAllowed, ExchangeRateRequired, InvalidExchangeRate
from acompte.domain.money import Money, total
from acompte.domain.payments import Direction

D = Decimal
SETTINGS = AccountingSettings()
CUSTOMER = PartyRef("C00001", "Acme Corp")
SUPPLIER = PartyRef("F00001", "Timber Inc")
DOC_ANCHORS = document_anchors(SETTINGS.accounts)
PAY_ANCHORS = payment_anchors(SETTINGS.accounts)


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def dollar_invoice(flow: Flow, *nets: str, vat: str = "20") -> DocumentFact:
    return DocumentFact(
        key="doc:1",
        kind=Kind.INVOICE,
        flow=flow,
        number="FA-2026-0040" if flow is Flow.SALE else "FF-2026-0040",
        issue_date=date(2026, 3, 16),
        party=CUSTOMER if flow is Flow.SALE else SUPPLIER,
        currency="USD",
        lines=tuple(FactLine(usd(net), D(vat)) for net in nets),
    )


def dollar_payment(flow: Flow, amount: Money, settles: Money, paid_before: Money | None = None) -> PaymentFact:
    return PaymentFact(
        key="pay:1",
        number="RG-2026-0001",
        payment_date=date(2026, 4, 10),
        direction=Direction.IN if flow is Flow.SALE else Direction.OUT,
        flow=flow,
        party=CUSTOMER if flow is Flow.SALE else SUPPLIER,
        amount=amount,
        allocations=(receivable_allocation("doc:1", "FA-2026-0040", settles, paid_before=paid_before),),
    )


def rows(entry: JournalEntry) -> list[tuple[str, str, str, str | None]]:
    return [
        (
            line.account,
            str(line.debit.amount),
            str(line.credit.amount),
            str(line.foreign_amount.amount) if line.foreign_amount else None,
        )
        for line in entry.lines
    ]


def settled_on(entry: JournalEntry, account: str, key: str) -> Money:
    amount = total((line.signed for line in entry.lines if line.account == account and line.match_key == key), "EUR")
    return -amount if amount.is_negative else amount


# -- conversion ---------------------------------------------------------------------------------------------------


def test_an_amount_converts_half_up_once_and_symmetrically():
    assert convert(usd("1200.00"), D("0.921537"), "EUR") == eur("1105.84")  # 1 105.8444
    assert convert(usd("0.50"), D("0.99"), "EUR") == eur("0.50")  # 0.495 -> 0.50 (half-up)
    assert convert(usd("-0.50"), D("0.99"), "EUR") == eur("-0.50")
    assert convert(eur("12.34"), D("2"), "EUR") == eur("12.34")  # already in the company's currency
    with pytest.raises(InvalidExchangeRate):
        convert(usd("1.00"), D("0"), "EUR")


def test_a_dollar_invoice_is_booked_in_euros_with_the_party_and_the_vat_exact_and_the_cent_on_revenue():
    # 1 200.00 USD at 0.921537: 411 = 1 105.84 (1 105.8444), VAT 184.31 (184.3074), 707 921.54 (921.537) would
    # make 1 105.85 on the credit side: revenue takes the cent, 921.53
    entry = convert_entry(
        invoice_entry(dollar_invoice(Flow.SALE, "1000.00"), SETTINGS), D("0.921537"), "EUR", DOC_ANCHORS
    )
    assert rows(entry) == [
        ("411", "1105.84", "0.00", "1200.00"),
        ("707", "0.00", "921.53", "-1000.00"),
        ("44571", "0.00", "184.31", "-200.00"),
    ]
    assert entry.debit == entry.credit == eur("1105.84")


def test_a_supplier_invoice_in_dollars_is_the_mirror():
    entry = convert_entry(
        invoice_entry(dollar_invoice(Flow.PURCHASE, "1000.00"), SETTINGS), D("0.921537"), "EUR", DOC_ANCHORS
    )
    assert rows(entry) == [
        ("607", "921.53", "0.00", "1000.00"),
        ("44566", "184.31", "0.00", "200.00"),
        ("401", "0.00", "1105.84", "-1200.00"),
    ]


def test_the_largest_revenue_line_takes_the_cent_of_several():
    fact = DocumentFact(
        key="doc:1",
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        number="FA-2026-0041",
        issue_date=date(2026, 3, 16),
        party=CUSTOMER,
        currency="USD",
        lines=(FactLine(usd("0.01"), D(20)), FactLine(usd("1000.00"), D(20), nature=Nature.SERVICES)),
    )
    entry = convert_entry(invoice_entry(fact, SETTINGS), D("0.921537"), "EUR", DOC_ANCHORS)
    assert entry.debit == entry.credit
    by_account = balances([entry], "EUR")
    assert by_account["411"] == convert(fact.gross, D("0.921537"), "EUR")
    assert by_account["707"] == eur("-0.01")  # the small line converts on its own


def test_a_reversed_foreign_entry_reverses_its_foreign_amounts_too():
    entry = convert_entry(invoice_entry(dollar_invoice(Flow.SALE, "1000.00"), SETTINGS), D("0.92"), "EUR", DOC_ANCHORS)
    mirror = reversal_entry(entry, ReversalFact("rev:doc:1", "doc:1", date(2026, 3, 20)))
    assert sorted(rows(mirror)) == sorted(
        [
            ("411", "0.00", "1104.00", "-1200.00"),
            ("707", "920.00", "0.00", "1000.00"),
            ("44571", "184.00", "0.00", "200.00"),
        ]
    )


# -- settlement and the realised difference ------------------------------------------------------------------------


def test_a_customer_paying_at_a_higher_rate_makes_a_gain_on_756():
    invoice = convert_entry(
        invoice_entry(dollar_invoice(Flow.SALE, "1000.00"), SETTINGS), D("0.921537"), "EUR", DOC_ANCHORS
    )
    (payment,) = (
        convert_entry(e, D("0.95"), "EUR", PAY_ANCHORS)
        for e in payment_entries(dollar_payment(Flow.SALE, usd("1200.00"), usd("1200.00")), SETTINGS)
    )
    assert rows(payment) == [("512", "1140.00", "0.00", "1200.00"), ("411", "0.00", "1140.00", "-1200.00")]
    booked = booked_share(usd("0.00"), usd("1200.00"), D("0.921537"), "EUR")
    gain = realised_difference(Flow.SALE, booked, settled_on(payment, "411", "doc:1"))
    assert (booked, gain) == (eur("1105.84"), eur("34.16"))
    difference = exchange_difference_entry(
        ExchangeDifferenceFact("fx:1:doc:1", "RG-2026-0001", date(2026, 4, 10), Flow.SALE, CUSTOMER, gain, "doc:1"),
        SETTINGS,
    )
    assert rows(difference) == [("411", "34.16", "0.00", None), ("756", "0.00", "34.16", None)]
    assert balances([invoice, payment, difference], "EUR")["411"] == eur("0.00")


def test_paying_a_supplier_at_a_higher_rate_is_a_loss_on_656():
    invoice = convert_entry(
        invoice_entry(dollar_invoice(Flow.PURCHASE, "1000.00"), SETTINGS), D("0.921537"), "EUR", DOC_ANCHORS
    )
    (payment,) = (
        convert_entry(e, D("0.95"), "EUR", PAY_ANCHORS)
        for e in payment_entries(dollar_payment(Flow.PURCHASE, usd("1200.00"), usd("1200.00")), SETTINGS)
    )
    assert rows(payment) == [("401", "1140.00", "0.00", "1200.00"), ("512", "0.00", "1140.00", "-1200.00")]
    loss = realised_difference(Flow.PURCHASE, eur("1105.84"), settled_on(payment, "401", "doc:1"))
    assert loss == eur("-34.16")
    difference = exchange_difference_entry(
        ExchangeDifferenceFact("fx:1:doc:1", "PA-2026-0001", date(2026, 4, 10), Flow.PURCHASE, SUPPLIER, loss, "doc:1"),
        SETTINGS,
    )
    assert rows(difference) == [("656", "34.16", "0.00", None), ("401", "0.00", "34.16", None)]
    assert balances([invoice, payment, difference], "EUR")["401"] == eur("0.00")


def test_the_shares_of_partial_payments_add_up_to_the_booked_invoice():
    rate = D("0.921537")
    parts = [usd("333.33"), usd("333.33"), usd("533.34")]
    shares = []
    before = usd("0.00")
    for part in parts:
        shares.append(booked_share(before, part, rate, "EUR"))
        before = before + part
    assert total(shares, "EUR") == convert(usd("1200.00"), rate, "EUR") == eur("1105.84")


def test_a_rate_is_refused_for_the_company_currency_required_for_another_and_positive():
    assert checked_rate("0.921500", "USD", "EUR", piece="FA-1") == D("0.921500")
    assert checked_rate(None, "EUR", "EUR", piece="FA-1") is None
    assert checked_rate(None, "USD", "EUR", piece="FA-1", required=False) is None
    with pytest.raises(ExchangeRateNotAllowed):
        checked_rate("1", "EUR", "EUR", piece="FA-1")
    with pytest.raises(ExchangeRateRequired):
        checked_rate(None, "USD", "EUR", piece="FA-1")
    for bad in ("0", "-1", "abc", "1.00000000001", "NaN"):
        with pytest.raises(InvalidExchangeRate):
            checked_rate(bad, "USD", "EUR", piece="FA-1")


# -- the property -------------------------------------------------------------------------------------------------

RATES = st.decimals(min_value=D("0.000001"), max_value=D("200"), places=6).filter(lambda r: r > 0)
AMOUNTS = st.integers(min_value=1, max_value=10_000_000).map(lambda c: usd(str(D(c).scaleb(-2))))


@settings(max_examples=150, deadline=None)
@given(
    flow=st.sampled_from([Flow.SALE, Flow.PURCHASE]),
    nets=st.lists(AMOUNTS, min_size=1, max_size=4),
    vat=st.sampled_from(["20", "10", "5.5", "2.1", "0"]),
    invoice_rate=RATES,
    cuts=st.lists(st.tuples(st.integers(min_value=1, max_value=100), RATES), min_size=1, max_size=4),
)
def test_entries_balance_and_the_differences_are_the_invoice_euros_less_the_payment_euros(
    flow, nets, vat, invoice_rate, cuts
):
    fact = dollar_invoice(flow, *(str(n.amount) for n in nets), vat=vat)
    converted = convert_entry(invoice_entry(fact, SETTINGS), invoice_rate, "EUR", DOC_ANCHORS)
    party = "411" if flow is Flow.SALE else "401"
    booked_invoice = convert(fact.gross, invoice_rate, "EUR")
    invoice = [converted] if converted is not None else []  # a few cents at a tiny rate convert to nothing
    for entry in invoice:
        assert entry.debit == entry.credit
    assert abs(balances(invoice, "EUR").get(party, eur("0.00")).amount) == booked_invoice.amount
    # the gross split into payments (the last takes the rest), each at its own rate
    weights = [w for w, _ in cuts]
    amounts = [a for a in fact.gross.split(weights) if a.is_positive]
    entries = list(invoice)
    paid_euros = eur("0.00")
    differences = eur("0.00")
    before = usd("0.00")
    for amount, (_, rate) in zip(amounts, cuts, strict=False):
        (booked_payment,) = payment_entries(dollar_payment(flow, amount, amount, before), SETTINGS)
        payment = convert_entry(booked_payment, rate, "EUR", PAY_ANCHORS)
        payments = [payment] if payment is not None else []
        for entry in payments:
            assert entry.debit == entry.credit
        assert abs(balances(payments, "EUR").get("512", eur("0.00")).amount) == convert(amount, rate, "EUR").amount
        settled = settled_on(payment, party, "doc:1") if payment is not None else eur("0.00")
        paid_euros = paid_euros + settled
        difference = realised_difference(flow, booked_share(before, amount, invoice_rate, "EUR"), settled)
        before = before + amount
        entries.extend(payments)
        if not difference.is_zero:
            diff_entry = exchange_difference_entry(
                ExchangeDifferenceFact("fx", "RG", date(2026, 4, 10), flow, fact.party, difference, "doc:1"), SETTINGS
            )
            assert diff_entry.debit == diff_entry.credit
            entries.append(diff_entry)
        differences = differences + difference
    books = balances(entries, "EUR")
    assert books.get(party, eur("0.00")) == eur("0.00")  # the invoice, its payments and their differences are matched
    gain_less_loss = -books.get("756", eur("0.00")) - books.get("656", eur("0.00"))
    assert gain_less_loss == differences
    # a sale loses what the invoice was booked at beyond what the payments brought; a purchase the mirror
    expected = paid_euros - booked_invoice if flow is Flow.SALE else booked_invoice - paid_euros
    assert differences == expected
