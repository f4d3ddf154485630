"""Pure rules the wiring of deposits and credits to accounting adds (no database): which natures a deposit's
deduction takes, who gains on a write-off, how a posted entry is reversed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.domain.accounting import (
    AccountingSettings,
    DeductionFact,
    Nature,
    PartyRef,
    ReversalFact,
    VatPart,
    WriteOffKind,
    deduction_entry,
    natured_parts,
    reversal_entry,
    write_off_kind,
)
from acompte.domain.documents import Flow
from acompte.domain.money import Money, total

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def test_a_deduction_takes_the_nature_of_the_final_invoice_at_its_rate():
    invoice = (VatPart(D(20), Nature.SERVICES, eur("1000.00"), eur("200.00")),)
    assert natured_parts([(D(20), eur("150.00"), eur("30.00"))], invoice) == (
        VatPart(D(20), Nature.SERVICES, eur("150.00"), eur("30.00")),
    )


def test_a_rate_the_invoice_does_not_have_takes_the_default_nature():
    invoice = (VatPart(D(20), Nature.SERVICES, eur("100.00"), eur("20.00")),)
    assert natured_parts([(D("5.5"), eur("10.00"), eur("0.55"))], invoice, Nature.GOODS) == (
        VatPart(D("5.5"), Nature.GOODS, eur("10.00"), eur("0.55")),
    )


def test_goods_and_services_at_one_rate_share_a_deduction_in_proportion_to_their_nets():
    invoice = (
        VatPart(D(20), Nature.GOODS, eur("600.00"), eur("120.00")),
        VatPart(D(20), Nature.SERVICES, eur("400.00"), eur("80.00")),
    )
    parts = natured_parts([(D(20), eur("300.01"), eur("60.01"))], invoice)
    assert parts == (
        VatPart(D(20), Nature.GOODS, eur("180.01"), eur("36.01")),
        VatPart(D(20), Nature.SERVICES, eur("120.00"), eur("24.00")),
    )


@settings(max_examples=60, deadline=None)
@given(
    net=st.integers(min_value=1, max_value=10_000_000),
    vat=st.integers(min_value=0, max_value=2_000_000),
    goods=st.integers(min_value=1, max_value=10_000_000),
    services=st.integers(min_value=1, max_value=10_000_000),
)
def test_splitting_a_deduction_between_natures_keeps_its_net_and_vat_to_the_cent(net, vat, goods, services):
    invoice = (
        VatPart(D(20), Nature.GOODS, Money.from_minor(goods, "EUR"), eur("0.00")),
        VatPart(D(20), Nature.SERVICES, Money.from_minor(services, "EUR"), eur("0.00")),
    )
    parts = natured_parts([(D(20), Money.from_minor(net, "EUR"), Money.from_minor(vat, "EUR"))], invoice)
    assert total((p.net for p in parts), "EUR").minor_units == net
    assert total((p.vat for p in parts), "EUR").minor_units == vat


def test_who_gains_on_a_write_off():
    assert write_off_kind("overpayment", Flow.SALE) is WriteOffKind.GAIN  # a customer overpaid: 758
    assert write_off_kind("credit_note", Flow.SALE) is WriteOffKind.GAIN  # a customer's credit never claimed: 758
    assert write_off_kind("shortfall", Flow.SALE) is WriteOffKind.LOSS  # a customer paid 0.02 short: 658
    assert write_off_kind("overpayment", Flow.PURCHASE) is WriteOffKind.LOSS  # we overpaid a supplier: 658
    assert write_off_kind("credit_note", Flow.PURCHASE) is WriteOffKind.LOSS
    assert write_off_kind("shortfall", Flow.PURCHASE) is WriteOffKind.GAIN  # we paid a supplier 0.02 short: 758


def test_a_reversal_mirrors_the_posted_entry_debits_first():
    imputation = deduction_entry(
        DeductionFact(
            "ded:1:doc:2", "FA-2026-00002", "doc:2", "doc:1", date(2026, 3, 16), Flow.SALE,
            PartyRef("C00001", "Client"), (VatPart(D(20), Nature.GOODS, eur("300.00"), eur("60.00")),), "FAC-2026-00001",
        ),
        AccountingSettings(),
    )  # fmt: skip
    reversal = reversal_entry(
        imputation, ReversalFact("rev:ded:1:doc:2", "ded:1:doc:2", date(2026, 4, 2), "avoir", "AV-2026-00001")
    )
    assert [(ln.account, str(ln.debit.amount), str(ln.credit.amount)) for ln in reversal.lines] == [
        ("411", "360.00", "0.00"),
        ("4191", "0.00", "300.00"),
        ("44571", "0.00", "60.00"),
    ]
    assert (reversal.entry_date, reversal.piece_ref, reversal.source) == (
        date(2026, 4, 2),
        "AV-2026-00001",
        "rev:ded:1:doc:2",
    )
    assert [ln.match_key for ln in reversal.lines] == ["doc:2", "doc:1", None]
    assert reversal.label.startswith("Annulation Imputation acompte FAC-2026-00001")
