"""Changing and cancelling payments: non-digital, non-exported payments change freely (never below what they
settle); digital and exported ones change only their comment and are never cancelled; all in the history."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.adapters.i18n import message as rendered
from acompte.domain.documents import Kind, PaymentStatus
from acompte.domain.errors import (
    AmountBelowAllocated,
    DigitalMethodRefused,
    DigitalPaymentLocked,
    ExportedPaymentLocked,
    InvalidSetting,
    InvalidTransition,
    NonPositiveAmount,
    PaymentCancelled,
    PaymentNotOnDocument,
    RefundAmountLocked,
)
from acompte.domain.events import EventKind
from acompte.domain.money import Money
from acompte.domain.payments import Lock, PaymentChange, PaymentState
from acompte.services import companies, credits, documents, history, payments
from acompte.services.credits import CreditRef
from acompte.services.payment_changes import cancel_payment, change_payment, payment_form
from tests.helpers import gesture, line, pay, snapshot, validated

D = Decimal


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def exported(uow, ctx, payment_id):
    """What the accounting export will do: mark the payment exported."""
    with uow:
        uow.payments.update(ctx.company_id, payment_id, exported=True)
        uow.commit()


def test_a_cheque_can_change_method_date_amount_and_reference_with_before_and_after(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    cheque = pay(uow, ctx, customer.id, "120.00", (invoice.id, "120.00"))

    changed = change_payment(
        uow,
        ctx,
        cheque.id,
        method="cash",
        payment_date=date(2026, 2, 3),
        amount=eur("130.00"),
        reference="Reçu n° 12",
        comment="réglé au comptoir",
    )

    p = changed.payment
    assert (p.method, p.payment_date, p.amount.amount, p.reference, p.comment) == (
        "cash",
        date(2026, 2, 3),
        D("130.00"),
        "Reçu n° 12",
        "réglé au comptoir",
    )
    cash_account = next(a for a in companies.accounts(uow, ctx) if a[2] == "cash")[0]
    assert p.account_id == cash_account  # cash goes to the till
    assert changed.unallocated.amount == D("10.00")
    event = history.payment_history(uow, ctx, cheque.id)[-1]
    assert event.kind == EventKind.PAYMENT_CHANGED
    assert event.data["amount"] == {"before": "120.00", "after": "130.00"}
    assert event.data["method"] == {"before": "cheque", "after": "cash"}
    assert event.data["payment_date"]["after"] == "2026-02-03"


def test_lowering_an_amount_below_what_it_settles_asks_to_remove_allocations_first(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    cheque = pay(uow, ctx, customer.id, "150.00", (invoice.id, "120.00"))
    before = snapshot(uow, ctx)
    with pytest.raises(AmountBelowAllocated) as refused:
        change_payment(uow, ctx, cheque.id, amount=eur("119.99"))
    assert refused.value.params == {
        "number": cheque.payment.number,
        "amount": eur("119.99"),
        "allocated": eur("120.00"),
    }
    assert "Retirez d'abord des rapprochements" in rendered(refused.value, "fr")
    with pytest.raises(NonPositiveAmount):
        change_payment(uow, ctx, cheque.id, amount=eur("0.00"))
    assert snapshot(uow, ctx) == before
    assert change_payment(uow, ctx, cheque.id, amount=eur("120.00")).unallocated.is_zero


def test_a_digital_payment_changes_only_its_comment_and_cannot_be_cancelled(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    card = pay(uow, ctx, customer.id, "120.00", (invoice.id, "120.00"), method="card")
    before = snapshot(uow, ctx)
    for change in (
        {"amount": eur("100.00")},
        {"method": "cheque"},
        {"payment_date": date(2026, 1, 1)},
        {"reference": "x"},
        {"amount": eur("100.00"), "comment": "et le commentaire"},
    ):
        with pytest.raises(DigitalPaymentLocked):
            change_payment(uow, ctx, card.id, **change)
    with pytest.raises(DigitalPaymentLocked):
        cancel_payment(uow, ctx, card.id)
    assert snapshot(uow, ctx) == before

    assert change_payment(uow, ctx, card.id, comment="Transaction 8841").payment.comment == "Transaction 8841"
    form = payment_form(uow, ctx, card.id)
    assert (form.editable, form.lock, form.can_cancel) == (frozenset({"comment"}), Lock.DIGITAL, False)
    assert form.locked == ("method", "payment_date", "amount", "reference")


def test_an_exported_payment_is_read_only_but_for_its_comment(uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "80.00")
    exported(uow, ctx, cheque.id)
    before = snapshot(uow, ctx)
    with pytest.raises(ExportedPaymentLocked):
        change_payment(uow, ctx, cheque.id, amount=eur("81.00"))
    with pytest.raises(ExportedPaymentLocked):
        cancel_payment(uow, ctx, cheque.id)
    assert snapshot(uow, ctx) == before
    assert change_payment(uow, ctx, cheque.id, comment="vu").payment.comment == "vu"
    assert payment_form(uow, ctx, cheque.id).lock is Lock.EXPORTED


def test_a_payment_cannot_become_digital_by_hand_nor_take_an_unknown_method(uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "80.00")
    before = snapshot(uow, ctx)
    with pytest.raises(DigitalMethodRefused):
        change_payment(uow, ctx, cheque.id, method="paypal")
    with pytest.raises(InvalidSetting):
        change_payment(uow, ctx, cheque.id, method="bitcoin")
    assert snapshot(uow, ctx) == before


def test_a_stale_edit_is_refused(uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "80.00")
    change_payment(uow, ctx, cheque.id, reference="A")
    with pytest.raises(InvalidTransition):
        change_payment(uow, ctx, cheque.id, reference="B", expected_version=cheque.payment.version)


def test_a_change_that_changes_nothing_records_nothing(uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "80.00")
    before = snapshot(uow, ctx)
    change_payment(uow, ctx, cheque.id, PaymentChange(amount=eur("80.00"), method="cheque"))
    assert snapshot(uow, ctx) == before


def test_cancelling_a_payment_removes_its_allocations_and_every_status_follows(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    invoice = validated(uow, ctx, customer.id, line("50.00"))
    cheque = pay(uow, ctx, customer.id, "100.00", (order.id, "40.00"), (invoice.id, "60.00"))
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID

    cancelled = cancel_payment(uow, ctx, cheque.id, reason="chèque sans provision")

    assert cancelled.payment.state is PaymentState.CANCELLED
    assert cancelled.allocations == ()
    assert documents.get_document(uow, ctx, order.id).status is PaymentStatus.UNPAID
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.UNPAID
    event = history.payment_history(uow, ctx, cheque.id)[-1]
    assert event.kind == EventKind.PAYMENT_CANCELLED
    assert event.data["state"] == {"before": "active", "after": "cancelled"}
    assert [r["amount"] for r in event.data["released"]] == ["40.00", "60.00"]
    removed = history.document_history(uow, ctx, invoice.id)[-1]
    assert removed.kind == EventKind.ALLOCATION_REMOVED
    assert removed.data["document_balance"] == {"before": "0.00", "after": "60.00"}

    before = snapshot(uow, ctx)
    with pytest.raises(PaymentCancelled):
        cancel_payment(uow, ctx, cheque.id)
    with pytest.raises(PaymentCancelled):
        change_payment(uow, ctx, cheque.id, comment="trop tard")
    assert snapshot(uow, ctx) == before


def test_cancel_deposit_from_the_document_it_settles(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    other = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    deposit = pay(uow, ctx, customer.id, "36.00", (order.id, "36.00"), method="transfer")
    before = snapshot(uow, ctx)
    with pytest.raises(PaymentNotOnDocument):
        cancel_payment(uow, ctx, deposit.id, document_id=other.id)
    assert snapshot(uow, ctx) == before
    cancel_payment(uow, ctx, deposit.id, document_id=order.id)
    assert documents.get_document(uow, ctx, order.id).settlement.allocated.is_zero
    assert history.document_history(uow, ctx, order.id)[-1].kind == EventKind.PAYMENT_CANCELLED


def test_cancelling_a_payment_also_removes_the_small_difference_written_off_on_it(uow, ctx, customer):
    companies.update_settings(uow, ctx, {"write_off_threshold": "0.10"})
    invoice = validated(uow, ctx, customer.id, line("10.00"))
    cheque = pay(uow, ctx, customer.id, "12.05", (invoice.id, "12.00"))
    credits.write_off_overpayment(uow, ctx, cheque.id)
    cancel_payment(uow, ctx, cheque.id)
    with uow:
        assert uow.credits.write_offs(ctx.company_id) == []
    kinds = [e.kind for e in history.payment_history(uow, ctx, cheque.id)]
    assert EventKind.WRITE_OFF_REMOVED in kinds


def test_a_refund_payment_keeps_its_amount(uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("10.00"))
    refund = credits.refund(uow, ctx, source=CreditRef.credit_note(note.id), method="transfer")
    with pytest.raises(RefundAmountLocked):
        change_payment(uow, ctx, refund.payment_id, amount=eur("13.00"))
    assert change_payment(uow, ctx, refund.payment_id, reference="VIR 77").payment.reference == "VIR 77"
    assert "amount" not in payment_form(uow, ctx, refund.payment_id).editable


def test_a_cancelled_allocation_source_cannot_be_allocated_again(uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "10.00")
    invoice = validated(uow, ctx, customer.id, line("1.00"))
    cancel_payment(uow, ctx, cheque.id)
    with pytest.raises(PaymentCancelled):
        payments.allocate(uow, ctx, payment_id=cheque.id, document_id=invoice.id)
