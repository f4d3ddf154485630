"""Deposits meet credit notes: the money follows the order onto its invoice, comes back when
that invoice is cancelled by a full credit note, and the party account never counts an invoiced order twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from acompte.domain.documents import Kind, PaymentStatus
from acompte.services import accounts, credits, deposits, documents, payments, queries
from tests.conftest import eur
from tests.helpers import line, validated

D = Decimal
DAY = date(2026, 3, 16)


def test_a_full_credit_note_sends_the_deposit_back_to_the_order(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("1000.00"), kind=Kind.ORDER)  # 1 200.00
    deposit = deposits.record_deposit_payment(uow, ctx, order.id, method="transfer", amount=eur("360.00"))
    invoice = documents.convert_document(uow, ctx, order.id, Kind.INVOICE)
    invoice = documents.validate_document(uow, ctx, invoice.id, today=DAY)
    assert documents.get_document(uow, ctx, invoice.id).settlement.allocated.amount == D("360.00")
    assert documents.get_document(uow, ctx, order.id).settlement.allocated.is_zero

    credits.credit_invoice(uow, ctx, invoice.id, today=DAY)

    order_view = documents.get_document(uow, ctx, order.id)
    assert order_view.settlement.allocated.amount == D("360.00")
    assert order_view.status is PaymentStatus.PARTIAL
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.CANCELLED  # by its credit note
    assert payments.get_payment(uow, ctx, deposit.id).payment.amount.amount == D("360.00")
    assert payments.get_payment(uow, ctx, deposit.id).unallocated.is_zero


def test_an_invoiced_order_is_not_owed_twice_in_the_party_account(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("1000.00"), kind=Kind.ORDER)  # 1 200.00
    deposits.record_deposit_payment(uow, ctx, order.id, method="transfer", amount=eur("360.00"))
    before = queries.party_balance(uow, ctx, customer.id)
    assert before.owed.amount == D("840.00")

    partial = documents.convert_document(uow, ctx, order.id, Kind.INVOICE, lines=[line("400.00")])  # 480.00
    documents.validate_document(uow, ctx, partial.id, today=DAY)
    after = queries.party_balance(uow, ctx, customer.id)
    # the invoice carries 480.00 (360.00 paid by the deposit that moved onto it): 120.00 due on it,
    # and the order still carries 720.00 not invoiced yet: 840.00 in all, as before.
    assert after.owed.amount == D("840.00")
    assert accounts.ledger_balance(uow, ctx, customer.id).amount == D("840.00")

    rest = documents.convert_document(uow, ctx, order.id, Kind.INVOICE, lines=[line("600.00")])  # 720.00
    documents.validate_document(uow, ctx, rest.id, today=DAY)
    final = queries.party_balance(uow, ctx, customer.id)
    assert final.owed.amount == D("840.00")
    assert order.id not in {d.id for d in final.open_documents}
    assert accounts.ledger_balance(uow, ctx, customer.id).amount == D("840.00")
