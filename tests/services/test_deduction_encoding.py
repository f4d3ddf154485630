"""One deduction encoding for a final invoice's PDF, Factur-X and sales entry, fixed at issue (french-rules §4.2,
AC-10), on SQLite and PostgreSQL. AC-01's figures: an order of 1 000.00 HT at 20 %, a deposit invoice of 30 %
(300.00 HT + 60.00 VAT = 360.00) paid, the final invoice issued on 16/03/2026."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acompte.adapters.exports.facturx import check_xsd, cii_xml
from acompte.domain.documents import LineInput
from acompte.domain.money import Money
from acompte.services import companies, deposits, documents, exports, parties, positions, printing
from acompte.services.exports import einvoicing
from acompte.services.ports import Ctx
from tests.exports.validation import fatal_failures
from tests.services.test_settlement_wiring import (
    TABLE,
    balances,
    deposit_invoice,
    final_invoice,
    order,
    rows,
    text,
)

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@pytest.fixture
def legal(uow, ctx, customer):  # type: ignore[no-untyped-def]
    """What Factur-X needs: the company's VAT number and address, the customer's SIREN and address."""
    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    return parties.update_party(uow, ctx, customer.id, siren="552100554", address="3 place du Marché, 75011 Paris")


def by_lines(uow, ctx) -> None:  # type: ignore[no-untyped-def]
    companies.update_settings(uow, ctx, {"einvoicing": {"deduction_encoding": "deduction_line"}})


def test_ac10_the_deduction_line_encoding_makes_one_sales_entry_and_the_same_figures_in_the_pdf_and_xml(
    uow, ctx, legal
):
    by_lines(uow, ctx)
    cmd = order(uow, ctx, legal.id, TABLE)
    deposit = deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    final = final_invoice(uow, ctx, cmd.id, date(2026, 3, 16))
    number = deposit.document.document.number

    # the position does not depend on the encoding: 1 200.00 − 360.00 deducted = 840.00 still owed
    position = positions.position_of_id(uow, ctx, final.id)
    assert (position.total, position.deducted, position.net_to_pay, position.balance_due) == (
        eur("1200.00"), eur("360.00"), eur("840.00"), eur("840.00"),
    )  # fmt: skip

    printed = printing.printable_document(uow, ctx, final.id)
    assert [(p.designation, p.quantity, p.unit_price, p.vat_rate, p.net.amount) for p in printed.lines] == [
        ("Table en chêne", D(1), D("1000.00"), D(20), D("1000.00")),
        (f"Acompte déjà facturé {number}", D(-1), D("300.00"), D(20), D("-300.00")),
    ]
    assert [(v.rate, v.net.amount, v.vat.amount) for v in printed.vat] == [(D(20), D("700.00"), D("140.00"))]
    assert (printed.net.amount, printed.vat_total.amount, printed.gross.amount) == (
        D("700.00"),
        D("140.00"),
        D("840.00"),
    )
    assert printed.deducted == ()
    assert printed.net_to_pay == eur("840.00")
    assert f"Facture d'acompte {number} du 02/02/2026" in printed.references

    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, final.id))
    assert check_xsd(xml)
    assert all(not failures for failures in fatal_failures(xml).values())
    assert text(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == ["B1"]
    assert text(xml, "//ram:TaxBasisTotalAmount") == ["700.00"]
    assert text(xml, "//ram:TaxTotalAmount") == ["140.00"]
    assert text(xml, "//ram:GrandTotalAmount") == ["840.00"]
    assert text(xml, "//ram:TotalPrepaidAmount") in ([], ["0.00"])  # BT-113 = 0
    assert text(xml, "//ram:DuePayableAmount") == ["840.00"]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [number]

    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31), today=date(2026, 4, 2))
    assert [(p.entry.journal.value, str(p.entry.entry_date), rows(p)) for p in result.posted] == [
        ("BQ", "2026-02-05", [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]),
        ("VE", "2026-03-16", [("411", "840.00", ""), ("4191", "300.00", ""), ("707", "", "1000.00"),
                              ("44571", "", "140.00")]),
    ]  # fmt: skip
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"411": "840.00", "4191": "0.00", "44571": "-200.00", "512": "360.00", "707": "-1000.00"}
    lettered = {ledger.entries[i].entry.lines[j].account for i, j in ledger.matches}
    assert "4191" in lettered  # the deposit's 300.00 C matched by the recall's 300.00 D


def test_the_encoding_is_fixed_when_the_invoice_is_issued(uow, ctx, legal):
    """Issued with `deduction_line`, the invoice keeps it after the company goes back to `paid_amount`; an invoice
    issued afterwards follows the new choice."""
    by_lines(uow, ctx)
    cmd = order(uow, ctx, legal.id, TABLE)
    deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    first = final_invoice(uow, ctx, cmd.id, date(2026, 3, 16))
    companies.update_settings(uow, ctx, {"einvoicing": {"deduction_encoding": "paid_amount"}})

    assert printing.printable_document(uow, ctx, first.id).gross == eur("840.00")
    assert einvoicing.einvoice_for(uow, ctx, first.id).paid.is_zero

    other = order(uow, ctx, legal.id, TABLE)
    deposit_invoice(uow, ctx, other.id, "30", issued_on=date(2026, 3, 17), paid_on=date(2026, 3, 17))
    second = final_invoice(uow, ctx, other.id, date(2026, 3, 18))
    printed = printing.printable_document(uow, ctx, second.id)
    assert (printed.gross, [d.amount for d in printed.deducted]) == (eur("1200.00"), [eur("360.00")])
    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    journals = [(p.entry.journal.value, p.entry.piece_ref) for p in result.posted]
    assert journals.count(("OD", second.document.number)) == 1  # the paid-amount invoice's imputation
    assert ("OD", first.document.number) not in journals


def fresh_company(app, encoding: str):  # type: ignore[no-untyped-def]
    """A company of its own per example: export periods never overlap inside one company."""
    company_id = companies.create_company(app.uow(), name="Exemple SARL", currency="EUR", siren="123456782")
    ctx = Ctx(company_id, actor="tester")
    uow = app.uow()
    with uow:
        uow.companies.update(company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    companies.update_settings(uow, ctx, {"einvoicing": {"deduction_encoding": encoding}})
    buyer = parties.create_party(uow, ctx, name="Client Dupont")
    parties.update_party(uow, ctx, buyer.id, siren="552100554", address="3 place du Marché, 75011 Paris")
    return uow, ctx, buyer


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    nets=st.lists(st.decimals(min_value=D("1.00"), max_value=D("5000"), places=2), min_size=1, max_size=3),
    rates=st.lists(st.sampled_from([D(20), D(10), D("5.5")]), min_size=3, max_size=3),
    percent=st.integers(min_value=5, max_value=100),
    encoding=st.sampled_from(["paid_amount", "deduction_line"]),
)
def test_pdf_xml_and_entry_agree_to_the_cent_in_both_encodings(app, nets, rates, percent, encoding):  # type: ignore[no-untyped-def]
    uow, ctx, buyer = fresh_company(app, encoding)
    lines = [LineInput(f"Article {i}", D(1), net, rate) for i, (net, rate) in enumerate(zip(nets, rates, strict=False))]
    cmd = order(uow, ctx, buyer.id, *lines)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=cmd.id, percent=D(percent))
    deposits.issue_deposit_invoice(uow, ctx, draft.id, today=date(2026, 2, 2), generate_payment=True, method="transfer")
    final = final_invoice(uow, ctx, cmd.id, date(2026, 3, 16))

    position = positions.position_of_id(uow, ctx, final.id)
    printed = printing.printable_document(uow, ctx, final.id)
    invoice = einvoicing.einvoice_for(uow, ctx, final.id)
    assert printed.net_to_pay == position.net_to_pay == invoice.due  # BT-115 = the position's net to pay
    assert printed.gross == invoice.grand_total  # BT-112
    assert printed.vat_total == invoice.tax_total  # BT-110
    xml = cii_xml(invoice)
    assert all(not failures for failures in fatal_failures(xml).values())

    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    for posted in result.posted:
        assert posted.entry.debit == posted.entry.credit
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    totals = balances(ledger)
    assert totals.get("4191", "0.00") == "0.00"  # the deposit is taken back whole, either way
    assert D(totals["411"]) == position.net_to_pay.amount  # the customer owes the net to pay
    ordered = documents.get_document(uow, ctx, cmd.id).document
    assert -D(totals["44571"]) == (ordered.gross - ordered.net).amount  # all the VAT, collected once
