"""Domain rules, no database: a final invoice's recall lines (the deduction-line encoding, AC-10) and a shortfall
written off at receipt inside the payment's bank entry (french-rules §1.3, « Small shortfall »)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from acompte.domain.accounting import (
    AccountingSettings,
    DocumentFact,
    FactLine,
    Nature,
    PartyRef,
    PaymentFact,
    VatPart,
    WriteOffFact,
    WriteOffKind,
    document_entries,
    payment_entries,
    receivable_allocation,
    vat_parts,
)
from acompte.domain.documents import Flow, Kind
from acompte.domain.einvoicing import DeductedDeposit, DeductionEncoding, EParty, build_einvoice, recalled_parts
from acompte.domain.einvoicing import DocumentLine as ELineIn
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from tests.domain.test_accounting import rows

D = Decimal
CUSTOMER = PartyRef("C00001", "Client Dupont")
SUPPLIER = PartyRef("F00001", "Fournisseur Bois")


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def test_a_shortfall_written_off_at_receipt_joins_the_bank_entry():
    written = WriteOffFact(
        "wo:1:2", "FA-2026-0007", date(2026, 3, 11), Flow.SALE, CUSTOMER, eur("0.02"), WriteOffKind.LOSS,
        "doc:7", received_key="pay:1",
    )  # fmt: skip
    payment = PaymentFact(
        "pay:1", "RC-1", date(2026, 3, 11), Direction.IN, Flow.SALE, CUSTOMER, eur("44.98"),
        allocations=(receivable_allocation("doc:7", "FA-2026-0007", eur("44.98")),), write_offs=(written,),
    )  # fmt: skip
    (entry,) = payment_entries(payment, AccountingSettings())
    assert entry.journal.value == "BQ"
    assert rows(entry) == [("512", "44.98", ""), ("658", "0.02", ""), ("411", "", "45.00")]
    assert entry.lines[-1].match_key == "doc:7"  # matched with the invoice's 45.00


def test_a_supplier_shortfall_written_off_when_paying_is_a_758_gain_in_the_bank_entry():
    written = WriteOffFact(
        "wo:2:2", "FF-12", date(2026, 3, 11), Flow.PURCHASE, SUPPLIER, eur("0.02"), WriteOffKind.GAIN, "doc:9",
    )  # fmt: skip
    payment = PaymentFact(
        "pay:2", "DC-1", date(2026, 3, 11), Direction.OUT, Flow.PURCHASE, SUPPLIER, eur("44.98"),
        allocations=(receivable_allocation("doc:9", "FF-12", eur("44.98")),), write_offs=(written,),
    )  # fmt: skip
    (entry,) = payment_entries(payment, AccountingSettings())
    assert rows(entry) == [("401", "45.00", ""), ("512", "", "44.98"), ("758", "", "0.02")]


def test_recall_lines_take_back_each_deposit_on_its_own_4191_key():
    deposits = (DeductedDeposit("FA-1", date(2026, 2, 2), (VatPart(D(20), Nature.GOODS, eur("100.00"), eur("20.00")),)),
                DeductedDeposit("FA-2", date(2026, 2, 9), (VatPart(D(20), Nature.GOODS, eur("50.00"), eur("10.00")),)))  # fmt: skip
    own = (FactLine(eur("1000.00"), D(20)),)
    recalls = tuple(
        FactLine(-p.net, p.rate, p.nature, recall=True, deposit_key=f"doc:{d.number}")
        for d in deposits
        for p in d.parts
    )
    fact = DocumentFact(
        "doc:9", Kind.INVOICE, Flow.SALE, "FA-3", date(2026, 3, 16), CUSTOMER, "EUR", own + recalls,
        issued_parts=recalled_parts(vat_parts(own, "EUR"), deposits),
    )  # fmt: skip
    (entry,) = document_entries(fact, AccountingSettings())
    assert rows(entry) == [
        ("411", "1020.00", ""), ("4191", "100.00", ""), ("4191", "50.00", ""), ("707", "", "1000.00"),
        ("44571", "", "170.00"),
    ]  # fmt: skip
    assert {line.match_key for line in entry.lines if line.account == "4191"} == {"doc:FA-1", "doc:FA-2"}


@settings(max_examples=200, deadline=None)
@given(
    net=st.decimals(min_value=D("1.00"), max_value=D("99999"), places=2),
    gross=st.decimals(min_value=D("0.05"), max_value=D("99999"), places=2),
    rate=st.sampled_from([D(20), D(10), D("5.5"), D("2.1")]),
)
def test_the_recalled_vat_is_the_invoices_less_the_deposits_and_the_xml_says_the_same(net, gross, rate):
    """Whatever the deposit (its VAT is its gross less its net), the invoice with its recall lines collects
    exactly its VAT less the deposit's; the XML's totals are those, and its due equals the net to pay."""
    deposit_net = Money(round(gross / (1 + rate / 100), 2), "EUR")
    deposit = DeductedDeposit(
        "FA-1", date(2026, 2, 2), (VatPart(rate, Nature.GOODS, deposit_net, eur(str(gross)) - deposit_net),)
    )
    own = vat_parts([FactLine(eur(str(net)), rate)], "EUR")
    if deposit.gross > own[0].gross:
        return  # a deposit never exceeds what it is deducted from
    left = recalled_parts(own, [deposit])
    assert left[0].vat == own[0].vat - deposit.parts[0].vat
    invoice = build_einvoice(
        kind=Kind.INVOICE, number="FA-2", issue_date=date(2026, 3, 16), currency="EUR",
        seller=EParty("Vendeur", "123456782", "FR11123456782"), buyer=EParty("Client", "552100554"),
        lines=[ELineIn("Table", D(1), net, D(0), rate, eur(str(net)))], deductions=[deposit],
        encoding=DeductionEncoding.DEDUCTION_LINE,
    )  # fmt: skip
    assert invoice.due == own[0].gross - deposit.gross  # = the position's net to pay
    assert invoice.tax_total == left[0].vat
    assert invoice.paid.is_zero and invoice.business_process == "B1"
