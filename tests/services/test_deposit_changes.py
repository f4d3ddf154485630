"""Orders that change after a deposit invoice, and deposit credit notes (avoirs
d'acompte) that reverse all or part of a deposit invoice."""

from datetime import date
from decimal import Decimal

import pytest

from acompte.domain.documents import Kind, PaymentStatus, State
from acompte.domain.errors import (
    DepositedLineRemoval,
    DepositExceedsOrder,
    InvalidTransition,
    OrderBelowDeposits,
    ReversalExceedsDeposit,
)
from acompte.domain.money import total
from acompte.services import deposits, documents, history
from tests.deposit_helpers import eur, issued_deposit, issued_final, table_order, vat_rows
from tests.helpers import line, snapshot, validated

D = Decimal


def credit_left(uow, ctx, credit_note):  # type: ignore[no-untyped-def]
    """What a credit note still holds for the party (the credits capability will own this figure)."""
    with uow:
        used = uow.allocations.for_credit(ctx.company_id, credit_note.id)
        return credit_note.document.gross - total((a.amount for a in used), "EUR")


def reverse(uow, ctx, deposit_id, **kw):  # type: ignore[no-untyped-def]
    draft = deposits.create_deposit_credit_note(uow, ctx, deposit_id, **kw)
    return deposits.issue_deposit_credit_note(uow, ctx, draft.id, today=date(2026, 3, 1))


def test_lines_added_after_a_deposit_invoice_are_covered_by_an_additional_one(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    issued_deposit(uow, ctx, order.id, percent="100")
    with pytest.raises(DepositExceedsOrder):
        deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, amount=eur("0.01"))
    documents.update_document(
        uow, ctx, order.id, lines=[line("1000.00", designation="Table"), line("100.00", designation="Rallonge")]
    )
    extra = issued_deposit(uow, ctx, order.id, amount="120.00")
    assert vat_rows(deposits.document_breakdown(uow, ctx, extra.id)) == [("20", "100.00", "20.00")]
    invoice = issued_final(uow, ctx, order.id)
    assert deposits.deduction_view(uow, ctx, invoice.id).net_to_pay == eur("0.00")


def test_a_line_whose_deposit_was_invoiced_cannot_be_removed_until_a_deposit_credit_note_reverses_it(
    uow, ctx, customer
):
    order = validated(
        uow,
        ctx,
        customer.id,
        line("1000.00", designation="Table"),
        line("100.00", designation="Rallonge"),
        kind=Kind.ORDER,
    )
    deposit = deposits.issue_deposit_invoice(
        uow, ctx, deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, line_percents={1: D(30), 2: D(50)}).id
    ).document
    assert deposit.document.gross == eur("420.00")  # 360.00 + 60.00
    before = snapshot(uow, ctx)
    with pytest.raises(DepositedLineRemoval, match="Rallonge"):
        documents.update_document(uow, ctx, order.id, lines=[line("1000.00", designation="Table")])
    assert snapshot(uow, ctx) == before
    # quantities may change as long as the line stays
    documents.update_document(
        uow,
        ctx,
        order.id,
        lines=[line("1000.00", designation="Table"), line("100.00", qty="2", designation="Rallonge")],
    )
    credit = reverse(uow, ctx, deposit.id, lines=[2])  # reverses the 60.00 of the « Rallonge » line
    assert credit.document.gross == eur("60.00")
    changed = documents.update_document(uow, ctx, order.id, lines=[line("1000.00", designation="Table")])
    assert changed.document.gross == eur("1200.00")


def test_an_order_cannot_drop_below_its_deposit_invoices(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="50")
    before = snapshot(uow, ctx)
    with pytest.raises(OrderBelowDeposits, match=r"599\.99"):
        documents.update_document(uow, ctx, order.id, lines=[line("499.99", designation="Table")])
    assert snapshot(uow, ctx) == before
    reverse(uow, ctx, deposit.id, amount=eur("120.00"))
    assert documents.update_document(
        uow, ctx, order.id, lines=[line("400.00", designation="Table")]
    ).document.gross == eur("480.00")


def test_ac08_a_paid_deposit_invoice_reversed_in_full_leaves_a_credit_to_refund(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30", paid_by="transfer")
    draft = deposits.create_deposit_credit_note(uow, ctx, deposit.id)
    assert (draft.document.kind, draft.document.gross) == (Kind.DEPOSIT_CREDIT_NOTE, eur("360.00"))
    assert vat_rows(deposits.document_breakdown(uow, ctx, draft.id)) == [("20", "300.00", "60.00")]
    credit = deposits.issue_deposit_credit_note(uow, ctx, draft.id, today=date(2026, 3, 1))
    assert credit.document.number == "AVA-2026-00001"
    assert credit.document.origin_id == deposit.id
    assert credit_left(uow, ctx, credit) == eur("360.00")  # the customer is owed 360.00 (a credit to use or refund)
    kept = documents.get_document(uow, ctx, deposit.id)
    assert (kept.document.state, kept.document.number) == (State.VALIDATED, deposit.document.number)  # never deleted
    position = deposits.deposit_position(uow, ctx, order.id)
    assert position.deposit_invoices[0].reversed == eur("360.00")
    assert position.deposit_invoiced == eur("0.00")
    assert position.outstanding == eur("1200.00")


def test_an_unpaid_deposit_invoice_reversed_is_settled_by_its_credit_note(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")
    credit = reverse(uow, ctx, deposit.id, percent=D(50))
    assert credit.document.gross == eur("180.00")
    after = documents.get_document(uow, ctx, deposit.id)
    assert (after.balance_due, after.status) == (eur("180.00"), PaymentStatus.PARTIAL)
    assert credit_left(uow, ctx, credit) == eur("0.00")
    assert "DepositReversed" in [e.kind for e in history.document_history(uow, ctx, deposit.id)]


def test_a_reversed_deposit_is_no_longer_deducted_or_only_its_remainder(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    full = issued_deposit(uow, ctx, order.id, percent="20", paid_by="card")
    part = issued_deposit(uow, ctx, order.id, percent="30", paid_by="card")
    reverse(uow, ctx, full.id)
    reverse(uow, ctx, part.id, amount=eur("60.00"))
    invoice = issued_final(uow, ctx, order.id)
    view = deposits.deduction_view(uow, ctx, invoice.id)
    assert [(r.deposit.id, r.deducted) for r in view.rows] == [(full.id, eur("0.00")), (part.id, eur("300.00"))]
    assert view.net_to_pay == eur("900.00")
    assert vat_rows(view.deducted_breakdown) == [("20", "250.00", "50.00")]


def test_cancelling_a_deposit_credit_note_before_issue_brings_the_deduction_back(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30", paid_by="card")
    draft = deposits.create_deposit_credit_note(uow, ctx, deposit.id)
    invoice = deposits.create_final_invoice(uow, ctx, order.id)
    assert invoice.rows[0].proposed == eur("0.00")  # the credit note in preparation holds the deposit
    documents.delete_draft(uow, ctx, draft.id)  # the credit note is cancelled
    assert deposits.deduction_view(uow, ctx, invoice.invoice.id).rows[0].proposed == eur("360.00")
    issued = documents.validate_document(uow, ctx, invoice.invoice.id)
    assert issued.settlement.deducted == eur("360.00")


def test_an_issued_deposit_credit_note_is_corrected_by_a_new_deposit_invoice(uow, ctx, customer):
    """An issued credit note is never deleted (CGI 242 nonies A): the deposit is invoiced again instead."""
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")
    credit = reverse(uow, ctx, deposit.id)
    with pytest.raises(InvalidTransition):
        documents.cancel_document(uow, ctx, credit.id)
    again = issued_deposit(uow, ctx, order.id, percent="30")
    invoice = issued_final(uow, ctx, order.id)
    assert [(r.deposit.id, r.deducted) for r in deposits.deduction_view(uow, ctx, invoice.id).rows] == [
        (deposit.id, eur("0.00")),
        (again.id, eur("360.00")),
    ]


def test_a_deposit_credit_note_never_exceeds_what_the_deposit_invoice_still_holds(uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    draft_invoice = deposits.create_final_invoice(uow, ctx, order.id)
    deposits.deduct_deposit(uow, ctx, draft_invoice.invoice.id, deposit.id, amount=eur("300.00"))
    before = snapshot(uow, ctx)
    with pytest.raises(ReversalExceedsDeposit, match=r"60\.00"):
        deposits.create_deposit_credit_note(uow, ctx, deposit.id, amount=eur("60.01"))
    with pytest.raises(InvalidTransition):
        deposits.create_deposit_credit_note(uow, ctx, order.id)
    assert snapshot(uow, ctx) == before
    assert deposits.create_deposit_credit_note(uow, ctx, deposit.id).document.gross == eur("60.00")


def test_reversing_all_of_a_deposit_invoice_with_nothing_left_says_what_is_left(uow, ctx, customer):
    """Found by the position state machine: « reverse it all » on a deposit invoice already reversed in full was
    refused as a non-positive amount (0.00), an amount the clerk never typed."""
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")
    reverse(uow, ctx, deposit.id)
    before = snapshot(uow, ctx)
    with pytest.raises(ReversalExceedsDeposit, match=r"available=0\.00"):
        deposits.create_deposit_credit_note(uow, ctx, deposit.id)
    assert snapshot(uow, ctx) == before
