"""Two clerks using the same credit at the same moment: the credit row lock (PostgreSQL) or the immediate
transaction (SQLite) lets exactly one of them take what remains."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from acompte.domain.credits import CreditRef
from acompte.domain.errors import NothingToRefund, OverAllocation, OverCreditUse, RefundTooLarge
from acompte.services import credits, payments
from tests.helpers import gesture, line, pay, validated

D = Decimal


def race(app, calls):
    def run(call):
        try:
            call(app.uow())
            return "ok"
        except (OverCreditUse, OverAllocation, RefundTooLarge, NothingToRefund) as error:
            return type(error).__name__

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return sorted(pool.map(run, calls))


def test_a_credit_note_is_used_once_when_two_clerks_use_it_at_once(app, uow, ctx, customer):
    note = gesture(uow, ctx, customer.id, line("100.00"))
    first = validated(uow, ctx, customer.id, line("100.00"))
    second = validated(uow, ctx, customer.id, line("100.00"))
    outcome = race(
        app,
        [
            lambda u, d=doc: credits.use_credit(u, ctx, credit_id=note.id, document_id=d.id, amount=note.document.gross)
            for doc in (first, second)
        ],
    )
    assert outcome == ["OverCreditUse", "ok"]
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.use.applied.amount, view.remaining.amount) == (D("120.00"), D("0.00"))


def test_an_overpayment_is_either_refunded_or_allocated_not_both(app, uow, ctx, customer):
    cheque = pay(uow, ctx, customer.id, "50.00")
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    outcome = race(
        app,
        [
            lambda u: credits.refund(u, ctx, source=CreditRef.payment(cheque.id), method="cash"),
            lambda u: payments.allocate(
                u, ctx, payment_id=cheque.id, document_id=invoice.id, amount=cheque.payment.amount
            ),
        ],
    )
    assert outcome.count("ok") == 1
    assert payments.get_payment(uow, ctx, cheque.id).unallocated.is_zero
