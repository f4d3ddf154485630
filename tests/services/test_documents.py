from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Flow, Kind, PaymentStatus, State
from acompte.domain.errors import (
    DocumentFrozen,
    EmptyDocument,
    InvalidTransition,
    InvalidVatRate,
    NegativeQuantity,
    NotFound,
    PartyRoleMismatch,
    TotalBelowSettled,
)
from acompte.services import companies, documents
from tests.helpers import line, pay, snapshot, validated

D = Decimal


def test_a_draft_has_totals_but_no_number_until_it_is_validated(uow, ctx, customer):
    draft = documents.create_document(
        uow,
        ctx,
        kind=Kind.INVOICE,
        flow=Flow.SALE,
        party_id=customer.id,
        lines=[line("1000.00"), line("85.50", qty="4"), line("120.00", rate="10")],
    )
    assert draft.document.number is None
    assert draft.document.state is State.DRAFT
    assert draft.document.net.amount == D("1462.00")
    assert draft.document.gross.amount == D("1742.40")
    assert draft.status is PaymentStatus.DRAFT
    assert draft.balance_due == draft.document.gross

    issued = documents.validate_document(uow, ctx, draft.id, today=date(2026, 3, 16))
    assert issued.document.number == "FA-2026-00001"
    assert issued.document.issue_date == date(2026, 3, 16)
    assert issued.document.state is State.VALIDATED


def test_numbers_are_per_kind_flow_and_year_with_the_configured_prefix(uow, ctx, customer, supplier):
    companies.set_prefix(uow, ctx, "invoice/sale", "F")
    a = validated(uow, ctx, customer.id, today=date(2026, 12, 31))
    b = validated(uow, ctx, customer.id, today=date(2026, 12, 31))
    c = validated(uow, ctx, customer.id, today=date(2027, 1, 1))
    o = validated(uow, ctx, customer.id, kind=Kind.ORDER, today=date(2026, 5, 1))
    p = validated(uow, ctx, supplier.id, flow=Flow.PURCHASE, today=date(2026, 5, 1))
    assert [a.document.number, b.document.number, c.document.number] == ["F-2026-00001", "F-2026-00002", "F-2027-00001"]
    assert o.document.number == "CO-2026-00001"
    assert p.document.number == "FF-2026-00001"


def test_a_validated_invoice_is_frozen_for_good(uow, ctx, customer):
    invoice = validated(uow, ctx, customer.id)
    before = snapshot(uow, ctx)
    with pytest.raises(DocumentFrozen):
        documents.update_document(uow, ctx, invoice.id, lines=[line("1.00")])
    with pytest.raises(InvalidTransition):
        documents.cancel_document(uow, ctx, invoice.id)
    with pytest.raises(InvalidTransition):
        documents.delete_draft(uow, ctx, invoice.id)
    with pytest.raises(InvalidTransition):
        documents.validate_document(uow, ctx, invoice.id)
    assert snapshot(uow, ctx) == before


def test_an_order_can_change_after_validation_but_not_below_what_was_paid(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("500.00"), kind=Kind.ORDER)
    changed = documents.update_document(uow, ctx, order.id, lines=[line("500.00"), line("100.00")])
    assert changed.document.gross.amount == D("720.00")
    pay(uow, ctx, customer.id, "300.00", (order.id, "300.00"))
    before = snapshot(uow, ctx)
    with pytest.raises(TotalBelowSettled):
        documents.update_document(uow, ctx, order.id, lines=[line("100.00")])
    assert snapshot(uow, ctx) == before


def test_quotes_and_orders_can_be_cancelled_and_release_their_money(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, kind=Kind.ORDER)
    payment = pay(uow, ctx, customer.id, "50.00", (order.id, "50.00"))
    cancelled = documents.cancel_document(uow, ctx, order.id)
    assert cancelled.document.state is State.CANCELLED
    assert cancelled.settlement.allocated.is_zero
    from acompte.services import payments

    assert payments.get_payment(uow, ctx, payment.id).unallocated.amount == D("50.00")


def test_conversion_keeps_the_link_to_the_origin(uow, ctx, customer):
    quote = validated(uow, ctx, customer.id, line("10.00", qty="3"), kind=Kind.QUOTE)
    order = documents.convert_document(uow, ctx, quote.id, Kind.ORDER)
    order = documents.validate_document(uow, ctx, order.id)
    delivery = documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)
    delivery = documents.validate_document(uow, ctx, delivery.id)
    invoice = documents.convert_document(uow, ctx, delivery.id, Kind.INVOICE)
    assert order.document.origin_id == quote.id
    assert delivery.document.origin_id == order.id
    assert invoice.document.origin_id == delivery.id
    assert invoice.document.gross == quote.document.gross
    assert [line.quantity for line in invoice.document.lines] == [D("3")]


def test_children_lists_the_documents_made_from_one_company_scoped(uow, ctx, other_ctx, customer):
    order = validated(uow, ctx, customer.id, line("10.00", qty="10"), kind=Kind.ORDER)
    first = documents.convert_document(uow, ctx, order.id, Kind.INVOICE, lines=[line("10.00", qty="4")])
    second = documents.convert_document(uow, ctx, order.id, Kind.DELIVERY)
    assert [d.id for d in documents.children(uow, ctx, order.id)] == [first.id, second.id]
    assert documents.children(uow, ctx, first.id) == []
    with pytest.raises(NotFound):
        documents.children(uow, other_ctx, order.id)


def test_partial_conversion_takes_the_lines_given(uow, ctx, customer):
    order = validated(uow, ctx, customer.id, line("10.00", qty="10"), kind=Kind.ORDER)
    invoice = documents.convert_document(uow, ctx, order.id, Kind.INVOICE, lines=[line("10.00", qty="4")])
    assert invoice.document.gross.amount == D("48.00")


def test_a_draft_can_be_deleted_without_leaving_a_gap(uow, ctx, customer):
    first = validated(uow, ctx, customer.id, today=date(2026, 6, 1))
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("5")]
    )
    documents.delete_draft(uow, ctx, draft.id)
    second = validated(uow, ctx, customer.id, today=date(2026, 6, 2))
    assert (first.document.number, second.document.number) == ("FA-2026-00001", "FA-2026-00002")
    with pytest.raises(NotFound):
        documents.get_document(uow, ctx, draft.id)


def test_bad_documents_are_refused_and_write_nothing(uow, ctx, customer, supplier):
    before = snapshot(uow, ctx)
    with pytest.raises(NegativeQuantity):
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10", qty="-1")]
        )
    with pytest.raises(InvalidVatRate):
        documents.create_document(
            uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10", rate="19.6")]
        )
    with pytest.raises(PartyRoleMismatch):
        documents.create_document(uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=supplier.id, lines=[line("10")])
    with pytest.raises(NotFound):
        documents.create_document(uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=999_999, lines=[line("10")])
    assert snapshot(uow, ctx) == before
    empty = documents.create_document(uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id)
    with pytest.raises(EmptyDocument):
        documents.validate_document(uow, ctx, empty.id)


def test_another_company_cannot_see_or_touch_a_document(uow, ctx, other_ctx, customer):
    invoice = validated(uow, ctx, customer.id)
    with pytest.raises(NotFound):
        documents.get_document(uow, other_ctx, invoice.id)
    with pytest.raises(NotFound):
        documents.update_document(uow, other_ctx, invoice.id, notes="x")
    with pytest.raises(NotFound):
        documents.create_document(
            uow, other_ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("1")]
        )


def test_document_lists_filter_and_show_what_is_due(uow, ctx, customer):
    a = validated(uow, ctx, customer.id, line("100.00"))
    b = validated(uow, ctx, customer.id, line("50.00"))
    pay(uow, ctx, customer.id, "120.00", (a.id, "120.00"))
    open_docs = documents.list_documents(uow, ctx, open_only=True)
    assert [d.id for d in open_docs] == [b.id]
    assert open_docs[0].balance_due.amount == D("60.00")
    assert [d.number for d in documents.list_documents(uow, ctx, search=a.document.number)] == [a.document.number]
