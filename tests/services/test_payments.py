from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, PaymentStatus
from acompte.domain.errors import (
    CurrencyMismatch,
    DocumentCancelled,
    FlowMismatch,
    InvalidAmount,
    InvalidSetting,
    NonPositiveAmount,
    NotFound,
    OverAllocation,
    OverSettlement,
    PartyMismatch,
)
from acompte.domain.money import Money
from acompte.domain.payments import Direction, PaymentState
from acompte.services import documents, parties, payments
from tests.conftest import eur
from tests.helpers import line, pay, snapshot, validated

D = Decimal


def test_a_payment_is_numbered_and_keeps_its_method_account_date_and_reference(uow, ctx, customer):
    p = payments.record_payment(
        uow,
        ctx,
        party_id=customer.id,
        amount=eur("250.00"),
        method="cheque",
        reference="Chèque 1234567",
        payment_date=date(2026, 2, 5),
    )
    assert p.payment.number == "RC-2026-00001"
    assert p.payment.method == "cheque" and not p.payment.digital
    assert p.payment.reference == "Chèque 1234567"
    assert p.payment.payment_date == date(2026, 2, 5)
    assert p.unallocated.amount == D("250.00")
    card = payments.record_payment(uow, ctx, party_id=customer.id, amount=eur("10.00"), method="card")
    assert card.payment.digital
    assert card.payment.payment_date == date.today()
    assert card.payment.number == f"RC-{date.today().year}-00001" or card.payment.number.endswith("00002")


def test_cash_goes_to_the_till_and_other_methods_to_the_bank(uow, ctx, customer):
    from acompte.services import companies

    accounts = {kind: acc_id for acc_id, _name, kind in companies.accounts(uow, ctx)}
    cash = payments.record_payment(uow, ctx, party_id=customer.id, amount=eur("5.00"), method="cash")
    transfer = payments.record_payment(uow, ctx, party_id=customer.id, amount=eur("5.00"), method="transfer")
    assert cash.payment.account_id == accounts["cash"]
    assert transfer.payment.account_id == accounts["bank"]


def test_one_payment_settles_several_documents_and_statuses_follow(uow, ctx, customer):
    a = validated(uow, ctx, customer.id, line("100.00"))  # 120.00
    b = validated(uow, ctx, customer.id, line("50.00"))  # 60.00
    p = pay(uow, ctx, customer.id, "150.00", (a.id, "120.00"), (b.id, "30.00"))
    assert p.allocated.amount == D("150.00")
    assert p.unallocated.amount == D("0.00")
    a_view, b_view = documents.get_document(uow, ctx, a.id), documents.get_document(uow, ctx, b.id)
    assert a_view.status is PaymentStatus.PAID and a_view.balance_due.amount == D("0.00")
    assert b_view.status is PaymentStatus.PARTIAL and b_view.balance_due.amount == D("30.00")


def test_orders_and_drafts_can_be_settled_too(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("1000.00"), kind=Kind.ORDER)
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10")]
    )
    p = pay(uow, ctx, customer.id, "372.00", (order.id, "360.00"), (draft.id, "12.00"))
    assert documents.get_document(uow, ctx, order.id).status is PaymentStatus.PARTIAL
    assert documents.get_document(uow, ctx, draft.id).status is PaymentStatus.DRAFT
    assert documents.get_document(uow, ctx, draft.id).balance_due.is_zero
    assert p.unallocated.is_zero


def test_allocate_without_amount_takes_what_both_sides_allow(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    p = pay(uow, ctx, customer.id, "500.00")
    allocation = payments.allocate(uow, ctx, payment_id=p.id, document_id=invoice.id)
    assert allocation.amount.amount == D("120.00")
    assert payments.get_payment(uow, ctx, p.id).unallocated.amount == D("380.00")


def test_removing_an_allocation_gives_both_sides_their_amount_back_to_the_cent(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id, line("33.33", qty="3"))  # 99.99 + 20.00 = 119.99
    p = pay(uow, ctx, customer.id, "119.99", (invoice.id, "119.99"))
    allocation_id = p.allocations[0].id
    removed = payments.remove_allocation(uow, ctx, allocation_id, reason="wrong invoice")
    assert removed.amount.amount == D("119.99")
    assert documents.get_document(uow, ctx, invoice.id).balance_due.amount == D("119.99")
    assert payments.get_payment(uow, ctx, p.id).unallocated.amount == D("119.99")
    again = payments.allocate(uow, ctx, payment_id=p.id, document_id=invoice.id, amount=eur("119.99"))
    assert again.amount.amount == D("119.99")
    assert documents.get_document(uow, ctx, invoice.id).status is PaymentStatus.PAID


def test_bad_payments_and_allocations_get_a_specific_error_and_write_nothing(uow, ctx, customer, supplier):
    other = parties.create_party(uow, ctx, name="Autre client")
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    other_invoice = validated(uow, ctx, other.id, line("100.00"))
    purchase = validated(uow, ctx, supplier.id, line("10.00"), flow=Flow.PURCHASE)
    usd = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10")], currency="USD"
    )
    cancelled = validated(uow, ctx, customer.id, kind=Kind.ORDER)
    documents.cancel_document(uow, ctx, cancelled.id)
    p = pay(uow, ctx, customer.id, "100.00")
    before = snapshot(uow, ctx)

    cases = [
        (NonPositiveAmount, lambda: pay(uow, ctx, customer.id, "0.00")),
        (NonPositiveAmount, lambda: pay(uow, ctx, customer.id, "-5.00")),
        (InvalidAmount, lambda: pay(uow, ctx, customer.id, "12.345")),
        (
            InvalidSetting,
            lambda: payments.record_payment(uow, ctx, party_id=customer.id, amount=eur("1.00"), method="bitcoin"),
        ),
        (NotFound, lambda: pay(uow, ctx, 10**9, "1.00")),
        (
            OverAllocation,
            lambda: payments.allocate(uow, ctx, payment_id=p.id, document_id=invoice.id, amount=eur("100.01")),
        ),
        (OverSettlement, lambda: pay(uow, ctx, customer.id, "200.00", (invoice.id, "120.01"))),
        (
            PartyMismatch,
            lambda: payments.allocate(uow, ctx, payment_id=p.id, document_id=other_invoice.id, amount=eur("1.00")),
        ),
        (FlowMismatch, lambda: pay(uow, ctx, supplier.id, "5.00", (purchase.id, "5.00"))),
        (
            CurrencyMismatch,
            lambda: payments.allocate(uow, ctx, payment_id=p.id, document_id=usd.id, amount=eur("1.00")),
        ),
        (
            DocumentCancelled,
            lambda: payments.allocate(uow, ctx, payment_id=p.id, document_id=cancelled.id, amount=eur("1.00")),
        ),
        (NotFound, lambda: payments.allocate(uow, ctx, payment_id=p.id, document_id=10**9, amount=eur("1.00"))),
        (NotFound, lambda: payments.remove_allocation(uow, ctx, 10**9)),
        # the second allocation fails: the payment and the first allocation must not be written either
        (
            PartyMismatch,
            lambda: pay(uow, ctx, customer.id, "300.00", (invoice.id, "10.00"), (other_invoice.id, "1.00")),
        ),
    ]
    for error, action in cases:
        with pytest.raises(error) as caught:
            action()
        assert caught.value.message, error
        assert snapshot(uow, ctx) == before, error


def test_supplier_payments_go_out_and_settle_purchase_invoices(uow, ctx, supplier):
    bill = validated(uow, ctx, supplier.id, line("500.00"), flow=Flow.PURCHASE)
    p = payments.record_payment(
        uow,
        ctx,
        party_id=supplier.id,
        amount=eur("600.00"),
        method="transfer",
        direction=Direction.OUT,
        allocations=[(bill.id, eur("600.00"))],
    )
    assert p.payment.number.startswith("RD-")
    assert documents.get_document(uow, ctx, bill.id).status is PaymentStatus.PAID


def test_payments_are_listed_and_filtered(uow, ctx, customer):
    other = parties.create_party(uow, ctx, name="Autre")
    payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("1.00"), method="cheque", payment_date=date(2026, 1, 10)
    )
    payments.record_payment(
        uow, ctx, party_id=customer.id, amount=eur("2.00"), method="card", payment_date=date(2026, 2, 10)
    )
    payments.record_payment(
        uow, ctx, party_id=other.id, amount=eur("3.00"), method="cheque", payment_date=date(2026, 3, 10)
    )

    def amounts(**filters):
        return [p.payment.amount.amount for p in payments.list_payments(uow, ctx, **filters)]

    assert amounts() == [D("1.00"), D("2.00"), D("3.00")]
    assert amounts(party_id=customer.id) == [D("1.00"), D("2.00")]
    assert amounts(method="cheque") == [D("1.00"), D("3.00")]
    assert amounts(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)) == [D("2.00")]
    assert amounts(state=PaymentState.ACTIVE) == [D("1.00"), D("2.00"), D("3.00")]
    assert amounts(state=PaymentState.CANCELLED) == []


def test_another_company_cannot_use_or_see_a_payment(uow, ctx, other_ctx, customer):
    invoice = validated(uow, ctx, customer.id)
    p = pay(uow, ctx, customer.id, "10.00")
    with pytest.raises(NotFound):
        payments.get_payment(uow, other_ctx, p.id)
    with pytest.raises(NotFound):
        payments.allocate(uow, other_ctx, payment_id=p.id, document_id=invoice.id, amount=eur("1.00"))
    with pytest.raises(NotFound):
        payments.record_payment(uow, other_ctx, party_id=customer.id, amount=eur("1.00"), method="cheque")
    assert payments.list_payments(uow, other_ctx) == []


def test_money_is_exact_in_the_database_for_large_and_awkward_amounts(uow, ctx, customer):
    big = "98765432109876.54"
    p = payments.record_payment(uow, ctx, party_id=customer.id, amount=Money.of(big, "EUR"), method="transfer")
    assert payments.get_payment(uow, ctx, p.id).payment.amount.amount == D(big)
    invoice = validated(uow, ctx, customer.id, line("0.3333", qty="3.001"))  # 1.0002333 -> 1.00 ; VAT 0.20
    assert documents.get_document(uow, ctx, invoice.id).document.lines[0].unit_price == D("0.3333")
    assert documents.get_document(uow, ctx, invoice.id).document.gross.amount == D("1.20")
