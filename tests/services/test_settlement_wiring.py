"""Deposits and credits through the accounting export and Factur-X, end to end on SQLite and PostgreSQL: real
deposit invoices deducted on final invoices (AC-01, AC-02, AC-07), credit notes, refunds and write-offs, what a
cancelled final invoice undoes, and payments locked once exported. Every figure is the worked example's
(../shared/domain/french-rules.md §6) or checked by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.exports.facturx import NSMAP, check_xsd, cii_xml
from acompte.adapters.exports.fec import check_fec, fec_filename, write_fec
from acompte.domain.credits import CreditRef
from acompte.domain.documents import Flow, Kind, LineInput, PaymentStatus
from acompte.domain.errors import ExportedPaymentLocked
from acompte.domain.money import Money
from acompte.domain.parties import ItemKind
from acompte.domain.payments import Direction
from acompte.services import (
    accounts,
    companies,
    credits,
    deposits,
    documents,
    exports,
    parties,
    payments,
)
from acompte.services.exports import einvoicing, ereporting
from acompte.services.payment_changes import cancel_payment, change_payment
from tests.exports.validation import fatal_failures
from tests.helpers import snapshot

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


@pytest.fixture
def legal(uow, ctx, customer):
    """What Factur-X needs: the company's VAT number and address, the customer's SIREN and address."""
    with uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782", address="12 rue des Artisans, 69003 Lyon")
        uow.commit()
    return parties.update_party(uow, ctx, customer.id, siren="552100554", address="3 place du Marché, 75011 Paris")


def rows(posted) -> list[tuple[str, str, str]]:
    return [
        (
            line.account,
            str(line.debit.amount) if line.debit.is_positive else "",
            str(line.credit.amount) if line.credit.is_positive else "",
        )
        for line in posted.entry.lines
    ]


def balances(ledger) -> dict[str, str]:
    result: dict[str, Money] = {}
    for posted in ledger.entries:
        for line in posted.entry.lines:
            result[line.account] = result.get(line.account, eur("0")) + line.signed
    return {a: str(m.amount) for a, m in sorted(result.items())}


def fec_is_clean(ledger, date_from: date, date_to: date) -> bool:
    content = write_fec(ledger)
    return (
        check_fec(content, date_from=date_from, date_to=date_to, filename=fec_filename("123456782", date(2026, 12, 31)))
        == []
    )


def text(xml: bytes, path: str) -> list[str]:
    from lxml import etree

    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


def order(uow, ctx, party_id, *lines: LineInput, kind=Kind.ORDER, flow=Flow.SALE, day=date(2026, 2, 1)):
    draft = documents.create_document(uow, ctx, kind=kind, flow=flow, party_id=party_id, lines=list(lines))
    return documents.validate_document(uow, ctx, draft.id, today=day)


def deposit_invoice(uow, ctx, origin_id, percent: str, *, issued_on: date, paid_on: date):
    """A deposit invoice of `percent` % of the order, issued, then paid in full by transfer."""
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=origin_id, percent=D(percent))
    return deposits.issue_deposit_invoice(
        uow, ctx, draft.id, today=issued_on, generate_payment=True, method="transfer", payment_date=paid_on
    )


def final_invoice(uow, ctx, origin_id, day: date):
    """The final invoice of the order, issued: « déduire les acomptes à 100 % » deducts its deposit invoices."""
    draft = deposits.create_final_invoice(uow, ctx, origin_id)
    return documents.validate_document(uow, ctx, draft.invoice.id, today=day)


def receive(uow, ctx, party_id, amount: str, day: date, *to: tuple[int, str], direction=Direction.IN):
    return payments.record_payment(
        uow,
        ctx,
        party_id=party_id,
        amount=eur(amount),
        method="transfer",
        direction=direction,
        payment_date=day,
        allocations=[(doc_id, eur(part)) for doc_id, part in to],
    )


TABLE = LineInput("Table en chêne", D(1), D("1000.00"), D(20))


# -- AC-01: a real deposit invoice, paid, deducted on the final invoice ---------------------------------------------


def test_ac01_a_paid_deposit_invoice_deducted_on_the_final_invoice_is_imputed_once_and_in_factur_x(uow, ctx, legal):
    cmd = order(uow, ctx, legal.id, TABLE)
    deposit = deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    assert deposit.document.document.gross == eur("360.00")
    final = final_invoice(uow, ctx, cmd.id, date(2026, 3, 16))
    assert final.settlement.deducted == eur("360.00")
    balance = receive(uow, ctx, legal.id, "840.00", date(2026, 4, 10), (final.id, "840.00"))
    assert documents.get_document(uow, ctx, final.id).status is PaymentStatus.PAID

    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 4, 30), today=date(2026, 5, 2))

    assert [(p.entry.journal.value, p.number, str(p.entry.entry_date), p.entry.piece_ref, rows(p)) for p in result.posted] == [
        ("BQ", "BQ000001", "2026-02-05", deposit.payment.payment.number,
         [("512", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]),
        ("VE", "VE000001", "2026-03-16", final.document.number,
         [("411", "1200.00", ""), ("707", "", "1000.00"), ("44571", "", "200.00")]),
        ("OD", "OD000001", "2026-03-16", final.document.number,
         [("4191", "300.00", ""), ("44571", "60.00", ""), ("411", "", "360.00")]),
        ("BQ", "BQ000002", "2026-04-10", balance.payment.number, [("512", "840.00", ""), ("411", "", "840.00")]),
    ]  # fmt: skip
    assert deposit.document.document.number in result.posted[2].entry.label  # « Imputation acompte FAC-… »
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"411": "0.00", "4191": "0.00", "44571": "-200.00", "512": "1200.00", "707": "-1000.00"}
    assert fec_is_clean(ledger, date(2026, 2, 1), date(2026, 4, 30))
    lettered = {ledger.entries[i].entry.lines[j].account for i, j in ledger.matches}
    assert lettered == {"411", "4191"}  # 1 200.00 D = 360.00 C + 840.00 C; 4191 300.00 C = 300.00 D
    # a later run posts nothing again (the deduction is exported once)
    again = exports.run_export(uow, ctx, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    assert again.posted == ()

    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, final.id))
    assert check_xsd(xml)
    assert all(not failures for failures in fatal_failures(xml).values())
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert text(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == ["B4"]
    assert text(xml, "//ram:GrandTotalAmount") == ["1200.00"]
    assert text(xml, "//ram:TotalPrepaidAmount") == ["360.00"]  # BT-113
    assert text(xml, "//ram:DuePayableAmount") == ["840.00"]  # BT-115
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [deposit.document.document.number]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20260202"]

    deposit_xml = cii_xml(einvoicing.einvoice_for(uow, ctx, deposit.document.id))
    assert all(not failures for failures in fatal_failures(deposit_xml).values())
    assert text(deposit_xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["386"]
    assert text(deposit_xml, "//ram:TaxBasisTotalAmount") == ["300.00"]  # BT-109
    assert text(deposit_xml, "//ram:GrandTotalAmount") == ["360.00"]  # BT-112


def test_a_deposit_invoice_vat_is_read_as_issued_even_when_its_net_would_recompute_another_cent(uow, ctx, legal):
    """360.09 TTC at 20 %: net 300.08 (300.075 half-up), VAT 360.09 − 300.08 = 60.01 — while 300.08 × 20 % would
    give 60.02. The export, Factur-X and the PDF all say 60.01, as issued."""
    cmd = order(uow, ctx, legal.id, TABLE)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=cmd.id, amount=eur("360.09"))
    issued = deposits.issue_deposit_invoice(
        uow, ctx, draft.id, today=date(2026, 2, 2), generate_payment=True, method="transfer"
    )
    assert [(b.net.amount, b.vat.amount) for b in deposits.document_breakdown(uow, ctx, issued.document.id)] == [
        (D("300.08"), D("60.01"))
    ]
    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    assert [rows(p) for p in result.posted] == [[("512", "360.09", ""), ("4191", "", "300.08"), ("44571", "", "60.01")]]
    xml = cii_xml(einvoicing.einvoice_for(uow, ctx, issued.document.id))
    assert text(xml, "//ram:TaxTotalAmount") == ["60.01"]
    assert text(xml, "//ram:GrandTotalAmount") == ["360.09"]
    assert all(not failures for failures in fatal_failures(xml).values())  # BR-CO-17 allows the cent
    from acompte.services import printing

    printed = printing.printable_document(uow, ctx, issued.document.id)
    assert (printed.vat_total.amount, printed.gross.amount) == (D("60.01"), D("360.09"))


def test_ac02_a_services_deposit_invoice_is_imputed_on_the_pending_vat_the_final_invoice_used(uow, ctx, customer):
    """Services without the debits option: the final invoice leaves its VAT pending (44574); the deposit's 30.00,
    already due when it was received, leaves 44574 at the imputation, and the balance makes the other 170.00 due."""
    advice = parties.create_item(uow, ctx, name="Mission de conseil", unit_price=D("1000.00"), vat_rate=D(20),
                                 kind=ItemKind.SERVICE)  # fmt: skip
    quote = order(uow, ctx, customer.id, LineInput(advice.name, D(1), D("1000.00"), D(20), item_id=advice.id),
                  kind=Kind.QUOTE, day=date(2026, 1, 5))  # fmt: skip
    deposit = deposit_invoice(uow, ctx, quote.id, "15", issued_on=date(2026, 1, 12), paid_on=date(2026, 1, 12))
    final = final_invoice(uow, ctx, quote.id, date(2026, 2, 27))
    receive(uow, ctx, customer.id, "1020.00", date(2026, 3, 20), (final.id, "1020.00"))

    result = exports.run_export(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))

    assert [(p.entry.journal.value, str(p.entry.entry_date), rows(p)) for p in result.posted] == [
        ("BQ", "2026-01-12", [("512", "180.00", ""), ("4191", "", "150.00"), ("44571", "", "30.00")]),
        ("VE", "2026-02-27", [("411", "1200.00", ""), ("706", "", "1000.00"), ("44574", "", "200.00")]),
        ("OD", "2026-02-27", [("4191", "150.00", ""), ("44574", "30.00", ""), ("411", "", "180.00")]),
        ("BQ", "2026-03-20", [("512", "1020.00", ""), ("411", "", "1020.00")]),
        ("OD", "2026-03-20", [("44574", "170.00", ""), ("44571", "", "170.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {
        "411": "0.00", "4191": "0.00", "44571": "-200.00", "44574": "0.00", "512": "1200.00", "706": "-1000.00",
    }  # fmt: skip
    assert fec_is_clean(ledger, date(2026, 1, 1), date(2026, 3, 31))
    # e-reporting of payments (CGI art. 290 A): the deposit received, then the balance
    reports = ereporting.payment_reports(uow, ctx, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert [(r.payment_date, r.received.amount, r.vat_total.amount) for r in reports] == [
        (date(2026, 1, 12), D("180.00"), D("30.00")),
        (date(2026, 3, 20), D("1020.00"), D("170.00")),
    ]
    assert deposit.document.document.number in result.posted[2].entry.label


def test_ac07_a_supplier_deposit_invoice_deducted_on_the_bill(uow, ctx, supplier):
    bought = order(uow, ctx, supplier.id, LineInput("Bois de chêne", D(1), D("2000.00"), D(20)), flow=Flow.PURCHASE)
    draft = deposits.create_deposit_invoice(uow, ctx, origin_id=bought.id, percent=D(20))
    deposits.issue_deposit_invoice(uow, ctx, draft.id, today=date(2026, 2, 3), generate_payment=True,
                                   method="transfer", payment_date=date(2026, 2, 3))  # fmt: skip
    bill = final_invoice(uow, ctx, bought.id, date(2026, 3, 2))
    assert bill.settlement.deducted == eur("480.00")
    receive(uow, ctx, supplier.id, "1920.00", date(2026, 3, 31), (bill.id, "1920.00"), direction=Direction.OUT)

    result = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))

    assert [(p.entry.journal.value, rows(p)) for p in result.posted] == [
        ("BQ", [("4091", "400.00", ""), ("44566", "80.00", ""), ("512", "", "480.00")]),
        ("HA", [("607", "2000.00", ""), ("44566", "400.00", ""), ("401", "", "2400.00")]),
        ("OD", [("401", "480.00", ""), ("4091", "", "400.00"), ("44566", "", "80.00")]),
        ("BQ", [("401", "1920.00", ""), ("512", "", "1920.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {
        "401": "0.00", "4091": "0.00", "44566": "400.00", "512": "-2400.00", "607": "2000.00",
    }  # fmt: skip


def test_a_final_invoice_cancelled_after_export_gives_its_deposit_back_by_a_reversing_entry(uow, ctx, customer):
    """The imputation was posted; the credit note cancelling the final invoice frees the deposit invoice
    (deposits.return_deposits_to_origin): the next run reverses the imputation, dated on the credit note, so
    4191 holds the deposit again and 411 owes nothing."""
    cmd = order(uow, ctx, customer.id, TABLE)
    deposit_invoice(uow, ctx, cmd.id, "30", issued_on=date(2026, 2, 2), paid_on=date(2026, 2, 5))
    final = final_invoice(uow, ctx, cmd.id, date(2026, 3, 16))
    march = exports.run_export(uow, ctx, date_from=date(2026, 2, 1), date_to=date(2026, 3, 31))
    assert [p.entry.journal.value for p in march.posted] == ["BQ", "VE", "OD"]

    note = credits.credit_invoice(uow, ctx, final.id, comment="Facture erronée", today=date(2026, 4, 2))
    assert documents.get_document(uow, ctx, final.id).settlement.deducted.is_zero

    april = exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert [(p.entry.journal.value, str(p.entry.entry_date), p.entry.piece_ref, rows(p)) for p in april.posted] == [
        ("VE", "2026-04-02", note.document.number,
         [("707", "1000.00", ""), ("44571", "200.00", ""), ("411", "", "1200.00")]),
        ("OD", "2026-04-02", note.document.number,
         [("411", "360.00", ""), ("4191", "", "300.00"), ("44571", "", "60.00")]),
    ]  # fmt: skip
    assert april.posted[1].entry.label.startswith("Annulation Imputation acompte")
    year = exports.ledger(uow, ctx, on=date(2026, 4, 30))
    # 411: 1 200 − 360 − 1 200 + 360 = 0; the deposit is in 4191 again, its VAT (due on receipt) stays collected
    assert balances(year) == {"411": "0.00", "4191": "-300.00", "44571": "-60.00", "512": "360.00", "707": "0.00"}
    assert fec_is_clean(year, date(2026, 1, 1), date(2026, 12, 31))
    may = exports.run_export(uow, ctx, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    assert may.posted == ()  # reversed once


# -- credit notes, refunds, write-offs ------------------------------------------------------------------------


def test_a_return_used_on_its_invoice_and_a_refunded_overpayment_are_exported_balanced_then_locked(uow, ctx, customer):
    chairs = LineInput("Chaise paillée", D(12), D("85.50"), D(20))
    invoice = order(uow, ctx, customer.id, chairs, kind=Kind.INVOICE, day=date(2026, 3, 2))  # 1 231.20
    note = credits.credit_invoice(uow, ctx, invoice.id, lines=[(1, D(2))], today=date(2026, 3, 10))  # 205.20
    assert credits.get_credit_note(uow, ctx, note.id).use.applied == eur("205.20")  # used on its invoice
    cheque = receive(uow, ctx, customer.id, "1100.00", date(2026, 3, 12), (invoice.id, "1026.00"))  # 74.00 over
    refund = credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="transfer",
                            payment_date=date(2026, 3, 20))  # fmt: skip
    assert refund.amount == eur("74.00")

    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))

    assert [(p.entry.journal.value, p.entry.piece_ref, rows(p)) for p in result.posted] == [
        ("VE", invoice.document.number, [("411", "1231.20", ""), ("707", "", "1026.00"), ("44571", "", "205.20")]),
        ("VE", note.document.number, [("707", "171.00", ""), ("44571", "34.20", ""), ("411", "", "205.20")]),
        ("BQ", cheque.payment.number, [("512", "1100.00", ""), ("411", "", "1026.00"), ("411", "", "74.00")]),
        ("BQ", refund.payment_number, [("411", "74.00", ""), ("512", "", "74.00")]),
    ]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    assert balances(ledger) == {"411": "0.00", "44571": "-171.00", "512": "1026.00", "707": "-855.00"}
    assert fec_is_clean(ledger, date(2026, 3, 1), date(2026, 3, 31))
    customer_lines = [
        (i, j) for i, p in enumerate(ledger.entries) for j, ln in enumerate(p.entry.lines) if ln.account == "411"
    ]
    assert all(key in ledger.matches for key in customer_lines)  # the refund is matched with the overpayment
    assert accounts.party_account(uow, ctx, customer.id).balance.is_zero

    # (c) the exported payments are locked: no new amount, no cancellation, the refund cannot be unwound
    before = snapshot(uow, ctx)
    with pytest.raises(ExportedPaymentLocked):
        change_payment(uow, ctx, cheque.id, amount=eur("1026.00"))
    with pytest.raises(ExportedPaymentLocked):
        cancel_payment(uow, ctx, cheque.id)
    with pytest.raises(ExportedPaymentLocked):
        credits.unwind_refund(uow, ctx, refund.id)
    assert snapshot(uow, ctx) == before
    assert change_payment(uow, ctx, cheque.id, comment="rapproché").payment.comment == "rapproché"


def test_a_refund_to_a_party_that_is_also_a_supplier_is_booked_on_the_customer_account(uow, ctx):
    both = parties.create_party(uow, ctx, name="Menuiserie Martin", supplier=True)
    invoice = order(uow, ctx, both.id, LineInput("Chaise", D(1), D("100.00"), D(20)), kind=Kind.INVOICE,
                    day=date(2026, 3, 2))  # fmt: skip
    cheque = receive(uow, ctx, both.id, "150.00", date(2026, 3, 3), (invoice.id, "120.00"))
    credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="transfer", payment_date=date(2026, 3, 4))
    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert rows(result.posted[-1]) == [("411", "30.00", ""), ("512", "", "30.00")]  # not 401
    assert balances(exports.ledger(uow, ctx, run_id=result.run_id))["411"] == "0.00"


def test_write_offs_are_posted_to_758_and_658_and_a_gesture_is_a_price_reduction(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "1.00"})
    table = order(uow, ctx, customer.id, LineInput("Table", D(1), D("100.00"), D(20)), kind=Kind.INVOICE,
                  day=date(2026, 3, 2))  # 120.00  # fmt: skip
    receive(uow, ctx, customer.id, "120.00", date(2026, 3, 3), (table.id, "120.00"))
    gesture = credits.create_credit_note(
        uow, ctx, party_id=customer.id, lines=[LineInput("Geste commercial : rayure", D(1), D("10.00"), D(20))],
        origin_id=table.id, today=date(2026, 3, 5),
    )  # fmt: skip
    credits.write_off_credit(uow, ctx, gesture.id, reason="jamais réclamé", today=date(2026, 3, 31))
    repair = order(uow, ctx, customer.id, LineInput("Réparation", D(1), D("37.50"), D(20)), kind=Kind.INVOICE,
                   day=date(2026, 3, 10))  # 45.00  # fmt: skip
    receive(uow, ctx, customer.id, "44.98", date(2026, 3, 11), (repair.id, "44.98"))
    credits.write_off_shortfall(uow, ctx, repair.id, today=date(2026, 3, 11))  # 0.02
    cushion = order(uow, ctx, customer.id, LineInput("Coussin", D(1), D("10.00"), D(20)), kind=Kind.INVOICE,
                    day=date(2026, 3, 12))  # 12.00  # fmt: skip
    over = receive(uow, ctx, customer.id, "12.04", date(2026, 3, 12), (cushion.id, "12.00"))
    credits.write_off_overpayment(uow, ctx, over.id, today=date(2026, 3, 12))  # 0.04

    result = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))

    by_piece = {(p.entry.piece_ref, p.entry.journal.value): rows(p) for p in result.posted}
    assert by_piece[(gesture.document.number, "VE")] == [
        ("709", "10.00", ""),
        ("44571", "2.00", ""),
        ("411", "", "12.00"),
    ]
    assert by_piece[(gesture.document.number, "OD")] == [("411", "12.00", ""), ("758", "", "12.00")]
    assert by_piece[(repair.document.number, "OD")] == [("658", "0.02", ""), ("411", "", "0.02")]
    assert by_piece[(over.payment.number, "OD")] == [("411", "0.04", ""), ("758", "", "0.04")]
    ledger = exports.ledger(uow, ctx, run_id=result.run_id)
    # 411: 120 − 120 − 12 + 12 + 45 − 44.98 − 0.02 + 12 − 12.04 + 0.04 = 0; 44571: −20 + 2 − 7.50 − 2 = −27.50
    assert balances(ledger) == {
        "411": "0.00", "44571": "-27.50", "512": "177.02", "658": "0.02", "707": "-147.50", "709": "10.00",
        "758": "-12.04",
    }  # fmt: skip
    assert fec_is_clean(ledger, date(2026, 3, 1), date(2026, 3, 31))
    assert accounts.party_account(uow, ctx, customer.id).balance.is_zero


def test_when_a_written_off_credit_note_gets_a_use_back_only_the_growth_of_its_write_off_is_posted(uow, ctx, customer):
    paid = order(uow, ctx, customer.id, TABLE, kind=Kind.INVOICE, day=date(2026, 3, 2))  # 1 200.00
    receive(uow, ctx, customer.id, "1200.00", date(2026, 3, 3), (paid.id, "1200.00"))
    gesture = credits.create_credit_note(
        uow, ctx, party_id=customer.id, lines=[LineInput("Geste commercial", D(1), D("100.00"), D(20))],
        origin_id=paid.id, today=date(2026, 3, 5),
    )  # 120.00  # fmt: skip
    next_order = order(uow, ctx, customer.id, TABLE, day=date(2026, 3, 6))
    credits.use_credit(uow, ctx, credit_id=gesture.id, document_id=next_order.id, amount=eur("50.00"))
    credits.write_off_credit(uow, ctx, gesture.id, today=date(2026, 3, 31))  # the 70.00 left
    march = exports.run_export(uow, ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert [rows(p) for p in march.posted if p.entry.journal.value == "OD"] == [
        [("411", "70.00", ""), ("758", "", "70.00")]
    ]

    documents.cancel_document(uow, ctx, next_order.id)  # the 50.00 comes back to the credit note: written off too
    assert credits.get_credit_note(uow, ctx, gesture.id).use.written_off == eur("120.00")

    april = exports.run_export(uow, ctx, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert [(str(p.entry.entry_date), rows(p)) for p in april.posted] == [
        ("2026-04-01", [("411", "50.00", ""), ("758", "", "50.00")])  # posted late, on the run's first day
    ]
    year = exports.ledger(uow, ctx, on=date(2026, 4, 30))
    # 411: 1 200 − 1 200 − 120 (gesture) + 70 + 50 (written off) = 0
    assert balances(year) == {
        "411": "0.00", "44571": "-180.00", "512": "1200.00", "707": "-1000.00", "709": "100.00", "758": "-120.00",
    }  # fmt: skip
