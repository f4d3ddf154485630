"""Deposit payments on orders and delivery notes, deposits noted on quotes,
previously recorded payments attached as deposits."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, PaymentStatus
from acompte.domain.errors import (
    DepositExceedsOrder,
    DepositOnCancelledDocument,
    InvalidPercentage,
    InvalidSetting,
    NotADepositSource,
    PartyMismatch,
)
from acompte.domain.payments import Direction
from acompte.services import deposits, documents, history, parties, payments
from tests.deposit_helpers import eur, table_order
from tests.helpers import line, pay, snapshot, validated

D = Decimal


def test_the_deposit_form_shows_what_is_owed_and_defaults_to_all_that_remains(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    pay(uow, ctx, customer.id, "200.00", (order.id, "200.00"))
    form = deposits.deposit_form(uow, ctx, order.id, today=date(2026, 2, 5))
    assert (form.gross, form.already_paid, form.remaining) == (eur("1200.00"), eur("200.00"), eur("1000.00"))
    assert form.default_amount == eur("1000.00")
    assert form.default_date == date(2026, 2, 5)
    assert ("card", "Carte bancaire", True) in form.methods


def test_a_deposit_payment_makes_the_order_partial_and_keeps_the_order_number(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    payment = deposits.record_deposit_payment(
        uow,
        ctx,
        order.id,
        amount=eur("360.00"),
        method="transfer",
        reference="VIR 2026-02-05",
        payment_date=date(2026, 2, 5),
    )
    assert payment.payment.origin_document_id == order.id
    assert payment.payment.direction is Direction.IN
    assert payment.payment.reference == "VIR 2026-02-05"
    after = documents.get_document(uow, ctx, order.id)
    assert after.status is PaymentStatus.PARTIAL
    assert (after.settlement.allocated, after.balance_due) == (eur("360.00"), eur("840.00"))
    position = deposits.deposit_position(uow, ctx, order.id)
    assert (position.deposit_payments, position.deposits_paid, position.net_to_pay) == (
        eur("360.00"),
        eur("360.00"),
        eur("840.00"),
    )
    kinds = [e.kind for e in history.document_history(uow, ctx, order.id)]
    assert "PaymentRecorded" in kinds and "PaymentAllocated" in kinds

    rest = deposits.record_deposit_payment(uow, ctx, order.id, method="cheque")  # default: all that remains
    assert rest.payment.amount == eur("840.00")
    assert documents.get_document(uow, ctx, order.id).status is PaymentStatus.PAID


def test_a_deposit_payment_can_be_taken_on_a_delivery_note(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    delivery = documents.validate_document(uow, ctx, documents.convert_document(uow, ctx, order.id, Kind.DELIVERY).id)
    deposits.record_deposit_payment(uow, ctx, delivery.id, amount=eur("100.00"), method="cash")
    assert documents.get_document(uow, ctx, delivery.id).balance_due == eur("1100.00")


def test_a_supplier_deposit_is_paid_out(uow, ctx, supplier):
    order = table_order(uow, ctx, supplier.id, flow=Flow.PURCHASE)
    payment = deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("480.00"), method="transfer")
    assert payment.payment.direction is Direction.OUT
    assert payment.payment.number.startswith("RD-")
    assert documents.get_document(uow, ctx, order.id).balance_due == eur("720.00")


def test_bad_deposit_payments_are_refused_and_write_nothing(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    quote = validated(uow, ctx, customer.id, kind=Kind.QUOTE)
    cancelled = documents.cancel_document(uow, ctx, table_order(uow, ctx, customer.id).id)
    deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=D(30))  # a draft reserves 360.00
    before = snapshot(uow, ctx)
    with pytest.raises(DepositExceedsOrder, match=r"840\.00"):
        deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("840.01"), method="cheque")
    with pytest.raises(DepositOnCancelledDocument):
        deposits.record_deposit_payment(uow, ctx, cancelled.id, amount=eur("1.00"), method="cheque")
    with pytest.raises(NotADepositSource):
        deposits.record_deposit_payment(uow, ctx, quote.id, amount=eur("1.00"), method="cheque")
    with pytest.raises(InvalidSetting):
        deposits.record_deposit_payment(uow, ctx, order.id, amount=eur("1.00"), method="bitcoin")
    assert snapshot(uow, ctx) == before


# -- a deposit noted on a quote -----------------------------------------------------------------------------
def test_a_deposit_on_a_quote_shows_the_net_to_pay_and_generates_no_payment(uow, ctx, customer):
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    position = deposits.request_deposit(uow, ctx, quote.id, percent=D(30))
    assert (position.requested, position.requested_percent, position.net_to_pay) == (
        eur("360.00"),
        D(30),
        eur("840.00"),
    )
    assert payments.list_payments(uow, ctx) == []
    by_amount = deposits.request_deposit(uow, ctx, quote.id, amount=eur("250.00"))
    assert (by_amount.requested, by_amount.requested_percent, by_amount.net_to_pay) == (
        eur("250.00"),
        None,
        eur("950.00"),
    )
    # the order made from the quote requires the same deposit
    order = documents.convert_document(uow, ctx, quote.id, Kind.ORDER)
    assert deposits.deposit_position(uow, ctx, order.id).requested == eur("250.00")
    assert deposits.clear_deposit_request(uow, ctx, quote.id).requested is None


def test_a_deposit_on_a_quote_uses_the_customers_default_percentage(uow, ctx, customer):
    deposits.set_party_deposit_percent(uow, ctx, customer.id, "40")
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    assert deposits.request_deposit(uow, ctx, quote.id).requested == eur("480.00")


def test_bad_deposits_on_a_quote_are_refused_and_write_nothing(uow, ctx, customer):
    quote = table_order(uow, ctx, customer.id, kind=Kind.QUOTE)
    before = snapshot(uow, ctx)
    with pytest.raises(InvalidPercentage):
        deposits.request_deposit(uow, ctx, quote.id, percent=D("120"))
    with pytest.raises(InvalidPercentage):
        deposits.request_deposit(uow, ctx, quote.id, percent=D("-5"))
    with pytest.raises(DepositExceedsOrder):
        deposits.request_deposit(uow, ctx, quote.id, amount=eur("1200.01"))
    assert snapshot(uow, ctx) == before


# -- attach a previously recorded payment ------------------------------------------------------------------
def test_a_previously_recorded_payment_can_be_attached_to_an_order_as_a_deposit(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    payment = pay(uow, ctx, customer.id, "500.00")  # unallocated
    allocation = deposits.attach_deposit_payment(uow, ctx, payment.id, order.id, amount=eur("300.00"))
    assert allocation.amount == eur("300.00")
    assert documents.get_document(uow, ctx, order.id).balance_due == eur("900.00")
    assert payments.get_payment(uow, ctx, payment.id).unallocated == eur("200.00")
    assert "DepositAttached" in [e.kind for e in history.document_history(uow, ctx, order.id)]

    other = parties.create_party(uow, ctx, name="Autre client")
    foreign = pay(uow, ctx, other.id, "50.00")
    small = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    before = snapshot(uow, ctx)
    with pytest.raises(PartyMismatch):
        deposits.attach_deposit_payment(uow, ctx, foreign.id, order.id)
    with pytest.raises(DepositExceedsOrder):
        deposits.attach_deposit_payment(uow, ctx, payment.id, small.id, amount=eur("120.01"))
    assert snapshot(uow, ctx) == before
