"""Overpayments (trop-perçus), the explicit choice on a payment's excess, small write-offs under the company
threshold, and refunds of credits — to customers and from suppliers — that unwind exactly."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.credits import CreditRef, CreditStatus, Excess
from acompte.domain.documents import Flow, Kind, PaymentStatus
from acompte.domain.errors import (
    AboveWriteOffThreshold,
    CreditMismatch,
    DigitalPaymentLocked,
    ExportedPaymentLocked,
    FlowMismatch,
    NothingToRefund,
    NothingToWriteOff,
    OverAllocation,
    OverCreditUse,
    OverSettlement,
    PaymentCancelled,
    RefundExists,
    RefundNotFound,
    RefundTooLarge,
)
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.domain.payments import Direction, PaymentState
from acompte.services import companies, credits, documents, history, payments
from acompte.services.payment_changes import cancel_payment
from tests.helpers import gesture, line, pay, snapshot, validated

D = Decimal
DAY = date(2026, 5, 4)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def repair(uow, ctx, party_id, net="37.50"):
    """The 45.00 invoice of the classic overpayment story (37.50 HT + 20 %)."""
    return validated(uow, ctx, party_id, line(net, designation="Réparation de chaise"))


def test_a_50_cheque_for_a_45_invoice_leaves_5_that_settle_the_next_invoice(uow, ctx, customer):
    invoice = repair(uow, ctx, customer.id)
    cheque = pay(uow, ctx, customer.id, "50.00", (invoice.id, "45.00"))

    [over] = credits.list_overpayments(uow, ctx, party_id=customer.id)
    assert (over.number, over.payment_date, over.remaining.amount) == (cheque.payment.number, date.today(), D("5.00"))
    assert over.origin_numbers == (invoice.document.number,)
    assert over.is_overpayment

    following = validated(uow, ctx, customer.id, line("25.00"))  # 30.00
    payments.allocate(uow, ctx, payment_id=cheque.id, document_id=following.id)
    after = documents.get_document(uow, ctx, following.id)
    assert (after.status, after.balance_due.amount) == (PaymentStatus.PARTIAL, D("25.00"))
    assert credits.list_overpayments(uow, ctx, party_id=customer.id) == []


def test_keeping_the_excess_is_the_default_and_is_recorded(uow, ctx, customer):
    invoice = repair(uow, ctx, customer.id)
    result = credits.receive_payment(
        uow, ctx, party_id=customer.id, amount=eur("50.00"), method="cheque", allocations=[(invoice.id, eur("45.00"))]
    )
    assert result.excess.amount == D("5.00")
    assert (result.refund, result.write_off) == (None, None)
    events = history.payment_history(uow, ctx, result.payment_id)
    assert events[-1].kind == EventKind.OVERPAYMENT_KEPT
    assert events[-1].data["amount"] == "5.00"


def test_the_excess_can_be_refunded_at_once(uow, ctx, customer):
    invoice = repair(uow, ctx, customer.id)
    result = credits.receive_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=eur("50.00"),
        method="cheque",
        allocations=[(invoice.id, eur("45.00"))],
        excess=Excess.REFUND,
        refund_method="transfer",
    )
    assert result.refund is not None
    refund_payment = payments.get_payment(uow, ctx, result.refund.payment_id)
    assert refund_payment.payment.direction is Direction.OUT
    assert refund_payment.payment.number.startswith("RD-")
    assert refund_payment.payment.method == "transfer"
    assert (refund_payment.payment.amount.amount, refund_payment.unallocated.amount) == (D("5.00"), D("0.00"))
    assert payments.get_payment(uow, ctx, result.payment_id).unallocated.is_zero
    assert credits.list_overpayments(uow, ctx) == []


def test_a_small_excess_is_written_off_within_the_company_threshold_only(uow, ctx, customer):
    invoice = repair(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(AboveWriteOffThreshold):  # nothing may be written off until the company sets a threshold
        credits.receive_payment(
            uow,
            ctx,
            party_id=customer.id,
            amount=eur("45.02"),
            method="cheque",
            allocations=[(invoice.id, eur("45.00"))],
            excess=Excess.WRITE_OFF,
        )
    assert snapshot(uow, ctx) == before  # the payment itself was not recorded either

    companies.update_settings(uow, ctx, {"write_off_threshold": "0.05"})
    result = credits.receive_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=eur("45.02"),
        method="cheque",
        allocations=[(invoice.id, eur("45.00"))],
        excess=Excess.WRITE_OFF,
        reason="écart de centimes",
    )
    assert result.write_off is not None
    assert (result.write_off.amount.amount, result.write_off.kind) == (D("0.02"), "overpayment")
    assert payments.get_payment(uow, ctx, result.payment_id).unallocated.is_zero
    event = history.payment_history(uow, ctx, result.payment_id)[-1]
    assert event.kind == EventKind.OVERPAYMENT_WRITTEN_OFF
    assert event.data["payment_unallocated"] == {"before": "0.02", "after": "0.00"}

    other = repair(uow, ctx, customer.id)
    big = pay(uow, ctx, customer.id, "45.06", (other.id, "45.00"))
    before = snapshot(uow, ctx)
    with pytest.raises(AboveWriteOffThreshold) as refused:
        credits.write_off_overpayment(uow, ctx, big.id)
    assert refused.value.params == {"amount": eur("0.06"), "threshold": eur("0.05")}
    with pytest.raises(OverCreditUse):
        credits.write_off_overpayment(uow, ctx, big.id, amount=eur("0.07"))
    assert snapshot(uow, ctx) == before
    credits.write_off_overpayment(uow, ctx, big.id, amount=eur("0.05"))
    assert payments.get_payment(uow, ctx, big.id).unallocated.amount == D("0.01")


def test_nothing_to_write_off_on_a_payment_wholly_used(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "1.00"})
    invoice = repair(uow, ctx, customer.id)
    cheque = pay(uow, ctx, customer.id, "45.00", (invoice.id, "45.00"))
    with pytest.raises(NothingToWriteOff):
        credits.write_off_overpayment(uow, ctx, cheque.id)


def test_an_overpaid_deposit_invoice_leaves_a_credit_with_the_same_choice(uow, ctx, customer):
    deposit = validated(uow, ctx, customer.id, line("300.00"), kind=Kind.DEPOSIT_INVOICE)  # 360.00
    result = credits.receive_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=eur("400.00"),
        method="transfer",
        allocations=[(deposit.id, eur("360.00"))],
        excess=Excess.REFUND,
    )
    assert documents.get_document(uow, ctx, deposit.id).status is PaymentStatus.PAID
    assert result.excess.amount == D("40.00")
    assert result.refund is not None and result.refund.amount.amount == D("40.00")


def test_a_credit_note_is_refunded_in_part_then_in_full(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("100.00"), today=DAY)
    first = credits.refund(
        uow, ctx, source=CreditRef.credit_note(note.id), method="transfer", amount=eur("20.00"), payment_date=DAY
    )
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.use.refunded.amount, view.remaining.amount, view.status) == (
        D("20.00"),
        D("100.00"),
        CreditStatus.PARTIALLY_USED,
    )
    paid_out = payments.get_payment(uow, ctx, first.payment_id).payment
    assert (paid_out.direction, paid_out.origin_document_id, paid_out.payment_date) == (Direction.OUT, note.id, DAY)
    assert first.source_number == note.document.number

    before = snapshot(uow, ctx)
    with pytest.raises(RefundTooLarge) as refused:
        credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="transfer", amount=eur("100.01"))
    assert refused.value.params["available"] == eur("100.00")
    assert snapshot(uow, ctx) == before

    credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="cheque")
    assert credits.get_credit_note(uow, ctx, note.id).status is CreditStatus.SETTLED
    assert [r.amount.amount for r in credits.list_refunds(uow, ctx, party_id=customer.id)] == [D("20.00"), D("100.00")]


def test_a_supplier_refunds_us_with_an_incoming_payment(uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("200.00"), flow=Flow.PURCHASE)  # 240.00
    paid = payments.record_payment(
        uow,
        ctx,
        party_id=supplier.id,
        amount=eur("300.00"),
        method="transfer",
        direction=Direction.OUT,
        allocations=[(bill.id, eur("240.00"))],
    )
    [over] = credits.list_overpayments(uow, ctx, party_id=supplier.id, flow=Flow.PURCHASE)
    assert over.remaining.amount == D("60.00")
    back = credits.refund(uow, ctx, source=CreditRef.payment(paid.id), method="transfer")
    received = payments.get_payment(uow, ctx, back.payment_id).payment
    assert (received.direction, received.number[:3], received.amount.amount) == (Direction.IN, "RC-", D("60.00"))

    supplier_note = credits.credit_invoice(uow, ctx, bill.id, lines=[(1, D("1"))], apply_to_origin=False)
    back_again = credits.refund(uow, ctx, source=CreditRef.credit_note(supplier_note.id), method="cheque")
    assert payments.get_payment(uow, ctx, back_again.payment_id).payment.direction is Direction.IN


def test_unwinding_a_refund_restores_the_credit_exactly_and_it_can_be_redone(uow, ctx, customer):
    invoice = repair(uow, ctx, customer.id)
    cheque = pay(uow, ctx, customer.id, "50.00", (invoice.id, "45.00"))
    refund = credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="cash", amount=eur("4.99"))
    assert payments.get_payment(uow, ctx, cheque.id).unallocated.amount == D("0.01")

    credits.unwind_refund(uow, ctx, refund.id, reason="remboursé par erreur")

    assert payments.get_payment(uow, ctx, cheque.id).unallocated.amount == D("5.00")
    assert payments.get_payment(uow, ctx, refund.payment_id).payment.state is PaymentState.CANCELLED
    with pytest.raises(RefundNotFound):
        credits.unwind_refund(uow, ctx, refund.id)
    kinds = [e.kind for e in history.payment_history(uow, ctx, cheque.id)]
    assert kinds[-2:] == [EventKind.REFUND_RECORDED, EventKind.REFUND_UNWOUND]
    refund_events = [e.kind for e in history.payment_history(uow, ctx, refund.payment_id)]
    assert refund_events[-2:] == [EventKind.REFUND_UNWOUND, EventKind.PAYMENT_CANCELLED]

    redone = credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="cash")
    assert redone.amount.amount == D("5.00")
    assert payments.get_payment(uow, ctx, cheque.id).unallocated.is_zero


def test_a_credit_note_refund_unwinds_the_same_way(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("10.00"))
    refund = credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="transfer")
    assert credits.get_credit_note(uow, ctx, note.id).status is CreditStatus.SETTLED
    credits.unwind_refund(uow, ctx, refund.id)
    assert credits.get_credit_note(uow, ctx, note.id).status is CreditStatus.UNUSED
    assert [e.kind for e in history.document_history(uow, ctx, note.id)][-1] == EventKind.REFUND_UNWOUND


def test_a_digital_or_exported_refund_cannot_be_unwound(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("10.00"))
    by_card = credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="card", amount=eur("5.00"))
    by_transfer = credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="transfer")
    with uow:
        uow.payments.update(ctx.company_id, by_transfer.payment_id, exported=True)
        uow.commit()
    before = snapshot(uow, ctx)
    with pytest.raises(DigitalPaymentLocked):
        credits.unwind_refund(uow, ctx, by_card.id)
    with pytest.raises(ExportedPaymentLocked):
        credits.unwind_refund(uow, ctx, by_transfer.id)
    assert snapshot(uow, ctx) == before


def test_a_payment_part_of_which_was_refunded_is_cancelled_only_after_the_refund(uow, ctx, customer):
    invoice = repair(uow, ctx, customer.id)
    cheque = pay(uow, ctx, customer.id, "50.00", (invoice.id, "45.00"))
    refund = credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="cash")
    before = snapshot(uow, ctx)
    with pytest.raises(RefundExists):
        cancel_payment(uow, ctx, cheque.id)
    assert snapshot(uow, ctx) == before
    credits.unwind_refund(uow, ctx, refund.id)
    cancel_payment(uow, ctx, cheque.id, reason="chèque impayé")
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.UNPAID


def test_a_refund_payment_is_never_a_credit_itself(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("10.00"))
    refund = credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="transfer")
    with pytest.raises(NothingToRefund):
        credits.refund(uow, ctx, source=CreditRef.payment(refund.payment_id), method="transfer", amount=eur("1.00"))
    invoice = validated(uow, ctx, customer.id, line("1.00"))
    with pytest.raises(FlowMismatch):  # an outgoing payment does not settle a sale either
        payments.allocate(uow, ctx, payment_id=refund.payment_id, document_id=invoice.id, amount=eur("1.00"))


def test_cancelled_payments_are_not_credits(uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "50.00")
    cancel_payment(uow, ctx, cheque.id)
    before = snapshot(uow, ctx)
    with pytest.raises(PaymentCancelled):
        credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="cash")
    with pytest.raises(PaymentCancelled):
        credits.write_off_overpayment(uow, ctx, cheque.id)
    assert snapshot(uow, ctx) == before
    assert credits.list_overpayments(uow, ctx) == []


def test_allocation_checks_see_refunds_and_write_offs(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "1.00"})
    cheque = pay(uow, ctx, customer.id, "10.00")
    credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="cash", amount=eur("6.00"))
    credits.write_off_overpayment(uow, ctx, cheque.id, amount=eur("1.00"))
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    with pytest.raises(OverAllocation) as refused:
        payments.allocate(uow, ctx, payment_id=cheque.id, document_id=invoice.id, amount=eur("3.01"))
    assert refused.value.params["available"] == "3.00 EUR"


def test_a_small_shortfall_is_written_off_within_the_threshold_and_the_invoice_is_paid(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "0.05"})
    invoice = repair(uow, ctx, customer.id)
    pay(uow, ctx, customer.id, "44.98", (invoice.id, "44.98"))
    order = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    quote = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.QUOTE)
    unpaid = repair(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(CreditMismatch):
        credits.write_off_shortfall(uow, ctx, order.id, amount=eur("0.01"))  # an order is no receivable
    with pytest.raises(AboveWriteOffThreshold):
        credits.write_off_shortfall(uow, ctx, unpaid.id)  # 45.00 is no small difference
    with pytest.raises(OverSettlement):
        credits.write_off_shortfall(uow, ctx, invoice.id, amount=eur("0.03"))
    with pytest.raises(CreditMismatch):
        credits.write_off_shortfall(uow, ctx, quote.id, amount=eur("0.01"))
    assert snapshot(uow, ctx) == before

    write_off = credits.write_off_shortfall(uow, ctx, invoice.id, reason="écart de centimes", today=DAY)

    assert (write_off.kind, write_off.amount.amount, write_off.document_id, write_off.source) == (
        "shortfall",
        D("0.02"),
        invoice.id,
        None,
    )
    after = documents.get_document(uow, ctx, invoice.id)
    assert (after.status, after.balance_due.amount) == (PaymentStatus.PAID, D("0.00"))
    event = history.document_history(uow, ctx, invoice.id)[-1]
    assert event.kind == EventKind.SHORTFALL_WRITTEN_OFF
    assert event.data["document_balance"] == {"before": "0.02", "after": "0.00"}
    with pytest.raises(NothingToWriteOff):
        credits.write_off_shortfall(uow, ctx, invoice.id)
