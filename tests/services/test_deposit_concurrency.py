"""Two clerks at once: deposits on one order are checked under a lock on the order (FOR UPDATE on PostgreSQL,
BEGIN IMMEDIATE on SQLite), so together they never exceed it; one deposit invoice is never deducted twice."""

import threading
from decimal import Decimal

from acompte.domain.errors import DomainError
from acompte.services import deposits, documents
from tests.deposit_helpers import eur, issued_deposit, table_order
from tests.helpers import line

D = Decimal


def at_once(app, *actions):  # type: ignore[no-untyped-def]
    """Run each action in its own thread and unit of work, all released together; returns results or errors."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i, action):  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            results[i] = action(app.uow())
        except DomainError as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_deposits_taken_at_once_never_exceed_the_order(app, uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    results = at_once(
        app,
        lambda u: deposits.create_deposit_invoice(u, ctx, origin_id=order.id, percent=D(60)),
        lambda u: deposits.record_deposit_payment(u, ctx, order.id, amount=eur("720.00"), method="cheque"),
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    position = deposits.deposit_position(uow, ctx, order.id)
    assert position.available_for_deposit == eur("480.00")


def test_one_deposit_invoice_is_not_deducted_twice_by_two_invoices_issued_at_once(app, uow, ctx, customer):
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")
    half = [line("500.00", designation="Table")]
    first = deposits.create_final_invoice(uow, ctx, order.id, lines=half)
    second = deposits.create_final_invoice(uow, ctx, order.id, lines=half)
    at_once(
        app,
        lambda u: documents.validate_document(u, ctx, first.invoice.id),
        lambda u: documents.validate_document(u, ctx, second.invoice.id),
    )
    summary = deposits.deposit_position(uow, ctx, order.id).deposit_invoices[0]
    assert summary.id == deposit.id
    # one after the other: the first half deducts 50 % (180.00), the last one all that remains (180.00)
    assert (summary.deducted, summary.available) == (eur("360.00"), eur("0.00"))
