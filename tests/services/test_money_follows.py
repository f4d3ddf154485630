"""When an order (or delivery note) is invoiced, the deposit payments on it move to the
invoice, up to the invoice's gross; deleting the draft invoice — or cancelling the invoice (credit notes call
`return_deposits_to_origin`) — sends them back. The amounts the customer paid never change."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Kind, PaymentStatus
from acompte.domain.errors import InvalidTransition
from acompte.services import deposits, documents, history, payments
from tests.deposit_helpers import eur, issued_deposit, issued_final, table_order
from tests.helpers import line, pay, snapshot, validated

D = Decimal


def allocations_of(uow, ctx, payment_id):  # type: ignore[no-untyped-def]
    return sorted((a.document_id, a.amount) for a in payments.get_payment(uow, ctx, payment_id).allocations)


def test_invoicing_an_order_moves_its_deposit_payment_to_the_invoice(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("360.00"), method="transfer")
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    assert draft.balance_due == eur("840.00")
    assert allocations_of(uow, ctx, deposit.id) == [(draft.invoice.id, eur("360.00"))]
    assert documents.get_document(uow, ctx, order.id).settlement.allocated.is_zero
    # the order's history says where the money went, the invoice's where it came from
    order_events = [e for e in history.document_history(uow, ctx, order.id) if e.kind == "DepositCarried"]
    assert [(e.data["to_document_id"], e.data["amount"]) for e in order_events] == [(draft.invoice.id, "360.00")]
    assert any(e.kind == "DepositCarried" for e in history.document_history(uow, ctx, draft.invoice.id))
    assert any(e.kind == "DepositCarried" for e in history.payment_history(uow, ctx, deposit.id))

    invoice = documents.validate_document(uow, ctx, draft.invoice.id)
    assert (invoice.status, invoice.balance_due) == (PaymentStatus.PARTIAL, eur("840.00"))
    pay(uow, ctx, customer.id, "840.00", (invoice.id, "840.00"))
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID
    position = deposits.deposit_position(uow, ctx, order.id)
    assert (position.invoiced, position.outstanding) == (eur("1200.00"), eur("0.00"))


def test_deleting_the_draft_invoice_sends_the_money_back_to_the_order(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("360.00"), method="transfer")
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    documents.delete_draft(uow, ctx, draft.invoice.id)
    assert allocations_of(uow, ctx, deposit.id) == [(order.id, eur("360.00"))]
    assert payments.get_payment(uow, ctx, deposit.id).payment.amount == eur("360.00")
    assert documents.get_document(uow, ctx, order.id).balance_due == eur("840.00")
    assert [e.kind for e in history.document_history(uow, ctx, order.id)].count("DepositReturned") == 1


def test_partial_invoicing_moves_money_up_to_each_invoices_gross_and_leaves_the_rest_on_the_order(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("100.00", qty="10", designation="Chaise"), kind=Kind.ORDER)
    deposit = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("500.00"), method="cheque")
    first = issued_final(uow, ctx, order.id, lines=[line("100.00", qty="3", designation="Chaise")])  # 360.00
    assert first.status is PaymentStatus.PAID
    assert documents.get_document(uow, ctx, order.id).settlement.allocated == eur("140.00")
    second = issued_final(uow, ctx, order.id, lines=[line("100.00", qty="7", designation="Chaise")])  # 840.00
    assert second.balance_due == eur("700.00")
    assert allocations_of(uow, ctx, deposit.id) == sorted([(first.id, eur("360.00")), (second.id, eur("140.00"))])
    assert deposits.deposit_position(uow, ctx, order.id).outstanding == eur("0.00")


def test_a_delivery_notes_invoice_takes_the_money_of_its_order(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("360.00"), method="transfer")
    delivery = documents.validate_document(uow, ctx, documents.convert_document(uow, ctx, order.id, Kind.DELIVERY).id)
    invoice = issued_final(uow, ctx, delivery.id)
    assert allocations_of(uow, ctx, deposit.id) == [(invoice.id, eur("360.00"))]
    assert invoice.balance_due == eur("840.00")
    assert deposits.deposit_position(uow, ctx, order.id).outstanding == eur("0.00")


def test_cancelling_an_issued_invoice_returns_its_deposits_and_frees_its_deductions(uow, ctx, customer):
    """What a full credit note does (the credits capability calls return_deposits_to_origin)."""
    order = table_order(uow, ctx, customer.id)
    payment = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("240.00"), method="cheque")
    deposit = issued_deposit(uow, ctx, order.id, percent="30", paid_by="card")
    invoice = issued_final(uow, ctx, order.id)
    assert (invoice.settlement.allocated, invoice.settlement.deducted) == (eur("240.00"), eur("360.00"))
    direct = pay(uow, ctx, customer.id, "100.00", (invoice.id, "100.00"))

    result = deposits.return_deposits_to_origin(uow, ctx, invoice.id)
    assert [(m.to_document_id, m.amount) for m in result.returned] == [(order.id, eur("240.00"))]
    assert [d.amount for d in result.deductions_removed] == [eur("360.00")]
    after = documents.get_document(uow, ctx, invoice.id)
    assert (after.settlement.allocated, after.settlement.deducted) == (eur("100.00"), eur("0.00"))
    assert after.balance_due == eur("1100.00")  # a credit note for the full 1 200.00 can now settle it
    assert allocations_of(uow, ctx, payment.id) == [(order.id, eur("240.00"))]
    assert allocations_of(uow, ctx, direct.id) == [(invoice.id, eur("100.00"))]
    assert deposits.deduction_view(uow, ctx, invoice.id).rows[0].deposit.available == eur("360.00")
    assert documents.get_document(uow, ctx, deposit.id).status is PaymentStatus.PAID
    assert deposits.return_deposits_to_origin(uow, ctx, invoice.id) == deposits.ReturnedDeposits()


def test_money_returned_to_a_cancelled_order_stays_with_the_payment(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    payment = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("360.00"), method="cheque")
    invoice = issued_final(uow, ctx, order.id)
    documents.cancel_document(uow, ctx, order.id)
    result = deposits.return_deposits_to_origin(uow, ctx, invoice.id)
    assert [m.amount for m in result.released] == [eur("360.00")]
    after = payments.get_payment(uow, ctx, payment.id)
    assert (after.payment.amount, after.unallocated) == (eur("360.00"), eur("360.00"))


def test_return_deposits_to_origin_is_for_invoices_only(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(InvalidTransition):
        deposits.return_deposits_to_origin(uow, ctx, order.id)
    assert snapshot(uow, ctx) == before


def test_a_quotes_money_follows_it_to_the_order(uow, ctx, customer):
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    payment = pay(uow, ctx, customer.id, "100.00", (quote.id, "100.00"))
    order = documents.convert_document(uow, ctx, quote.id, Kind.ORDER, issue_date=date(2026, 2, 3))
    assert allocations_of(uow, ctx, payment.id) == [(order.id, eur("100.00"))]


def test_deleting_a_draft_order_made_from_a_quote_sends_the_money_back_to_the_quote(uow, ctx, customer):
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    payment = pay(uow, ctx, customer.id, "100.00", (quote.id, "100.00"))
    order = documents.convert_document(uow, ctx, quote.id, Kind.ORDER)
    documents.delete_draft(uow, ctx, order.id)
    assert allocations_of(uow, ctx, payment.id) == [(quote.id, eur("100.00"))]
