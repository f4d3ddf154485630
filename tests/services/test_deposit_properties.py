"""Deposit invariants (DESIGN §4) as property tests on the database: deposits never exceed the order; money
moved to an invoice and back leaves every payment unchanged; a final invoice's net to pay is never negative.

Each example works on a fresh customer of the test's company; `max_examples` stays modest (database-backed);
set ACOMPTE_DB_EXAMPLES to run more of them."""

import contextlib
import os
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acompte.domain.documents import Kind, State
from acompte.domain.errors import DomainError
from acompte.domain.money import Money, total
from acompte.services import deposits, documents, parties, payments
from tests.helpers import line, validated

D = Decimal
DB = settings(
    max_examples=int(os.environ.get("ACOMPTE_DB_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

AMOUNTS = st.integers(min_value=1, max_value=150_000).map(lambda units: Money.from_minor(units, "EUR"))
PERCENTS = st.decimals(min_value=D("0.01"), max_value=D(100), places=2)
LINES = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=5),
        st.sampled_from(["99.99", "250.00", "1000.00", "12.34"]),
        st.sampled_from(["20", "10", "5.5"]),
    ),
    min_size=1,
    max_size=2,
)


def fresh_order(uow, ctx, specs):  # type: ignore[no-untyped-def]
    party = parties.create_party(uow, ctx, name="Client propriété")
    lines = [
        line(price, qty=str(qty), rate=rate, designation=f"Article {i}") for i, (qty, price, rate) in enumerate(specs)
    ]
    return validated(uow, ctx, party.id, *lines, kind=Kind.ORDER)


def order_commitments(uow, ctx, order_id):  # type: ignore[no-untyped-def]
    """What the order's deposits add up to: its deposit invoices (not reversed) and the payments on it."""
    position = deposits.deposit_position(uow, ctx, order_id)
    live = [d for d in position.deposit_invoices if d.state != State.CANCELLED.value]
    return position.gross, total((d.gross - d.reversed for d in live), "EUR") + position.deposit_payments


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("invoice_percent"), PERCENTS),
        st.tuples(st.just("invoice_amount"), AMOUNTS),
        st.tuples(st.just("payment"), AMOUNTS),
        st.tuples(st.just("reverse_last"), st.none()),
    ),
    min_size=1,
    max_size=4,
)


@DB
@given(specs=LINES, operations=OPERATIONS)
def test_deposits_never_exceed_the_order(uow, ctx, specs, operations):
    order = fresh_order(uow, ctx, specs)
    issued = []
    for kind, value in operations:
        try:
            if kind == "invoice_percent":
                draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=value)
                issued.append(deposits.issue_deposit_invoice(uow, ctx, draft.id).document)
            elif kind == "invoice_amount":
                draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, amount=value)
                issued.append(deposits.issue_deposit_invoice(uow, ctx, draft.id).document)
            elif kind == "payment":
                deposits.record_deposit_payment(uow, ctx, order.id, amount=value, method="cheque")
            elif issued:
                credit = deposits.create_deposit_credit_note(uow, ctx, issued[-1].id)
                deposits.issue_deposit_credit_note(uow, ctx, credit.id)
        except DomainError:
            pass  # refused as a whole: the invariant must still hold
        gross, committed = order_commitments(uow, ctx, order.id)
        assert committed <= gross
        for summary in deposits.deposit_position(uow, ctx, order.id).deposit_invoices:
            assert not summary.available.is_negative


@DB
@given(
    specs=LINES,
    paid=st.lists(AMOUNTS, min_size=1, max_size=3),
    share=st.integers(min_value=1, max_value=5),
    issue=st.booleans(),
)
def test_money_moved_to_an_invoice_and_back_leaves_every_payment_unchanged(uow, ctx, specs, paid, share, issue):
    order = fresh_order(uow, ctx, specs)
    recorded = []
    for amount in paid:
        with contextlib.suppress(DomainError):  # more than the order: refused, nothing recorded
            recorded.append(deposits.record_deposit_payment(uow, ctx, order.id, amount=amount, method="transfer").id)

    def state():  # type: ignore[no-untyped-def]
        views = [payments.get_payment(uow, ctx, p) for p in recorded]
        return [
            (v.payment.amount, v.allocated, sorted((a.document_id, a.amount) for a in v.allocations)) for v in views
        ]

    before = state()
    first = order.document.lines[0]
    partial = [
        line(
            str(first.unit_price),
            qty=str(min(first.quantity, share)),
            rate=f"{first.vat_rate:f}",
            designation=first.designation,
        )
    ]
    draft = deposits.create_final_invoice(uow, ctx, order.id, lines=partial)
    moved = state()
    for (amount, allocated, _), (amount_after, allocated_after, _) in zip(before, moved, strict=True):
        assert (amount, allocated) == (amount_after, allocated_after)  # moving changes no payment's totals
    assert not deposits.deduction_view(uow, ctx, draft.invoice.id).balance_due.is_negative
    if issue:
        documents.validate_document(uow, ctx, draft.invoice.id)
        deposits.return_deposits_to_origin(uow, ctx, draft.invoice.id)
    else:
        documents.delete_draft(uow, ctx, draft.invoice.id)
    assert state() == before


@DB
@given(
    specs=LINES,
    deposit_percents=st.lists(PERCENTS, min_size=1, max_size=2),
    invoiced=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=2),
)
def test_a_final_invoices_net_to_pay_is_never_negative(uow, ctx, specs, deposit_percents, invoiced):
    order = fresh_order(uow, ctx, specs)
    for pct in deposit_percents:
        try:
            draft = deposits.create_deposit_invoice(uow, ctx, origin_id=order.id, percent=pct)
            deposits.issue_deposit_invoice(uow, ctx, draft.id, generate_payment=True, method="card")
        except DomainError:
            pass
    first = order.document.lines[0]
    for qty in invoiced:
        part = [line(str(first.unit_price), qty=str(qty), rate=f"{first.vat_rate:f}", designation=first.designation)]
        invoice = documents.validate_document(
            uow, ctx, deposits.create_final_invoice(uow, ctx, order.id, lines=part).invoice.id
        )
        view = deposits.deduction_view(uow, ctx, invoice.id)
        assert not view.net_to_pay.is_negative
        assert not view.balance_due.is_negative
        assert view.net_to_pay == view.gross - view.deducted
    remaining = [d.available for d in deposits.deposit_position(uow, ctx, order.id).deposit_invoices]
    assert all(not r.is_negative for r in remaining)
