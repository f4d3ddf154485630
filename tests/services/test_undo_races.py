"""Two clerks undoing the same thing at the same moment: exactly one undo happens and is recorded once, the
other is refused (404 or 409 through the API) and writes nothing; the balances still add up.

Each race starts both calls behind a barrier. On PostgreSQL the use case locks its rows (payment or credit note
first, then documents) and reads again under the locks; on SQLite the immediate transaction serialises them and
the second one reads after the first committed. Both must refuse the second undo."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from acompte.domain.credits import CreditRef
from acompte.domain.documents import Flow, Kind
from acompte.domain.errors import DomainError
from acompte.services import credits, deposits, documents, payment_changes, payments, positions
from acompte.services.ports import Ctx, UnitOfWork
from tests.deposit_helpers import eur, issued_deposit, table_order
from tests.helpers import gesture, line, pay, validated

D = Decimal


def race(app, *calls: Callable[[UnitOfWork], object]) -> list[str]:  # type: ignore[no-untyped-def]
    """Run the calls at once (each in its own unit of work); 'ok' or the refusal's class name, sorted."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[UnitOfWork], object]) -> str:
        uow = app.uow()
        barrier.wait()
        try:
            call(uow)
            return "ok"
        except DomainError as error:
            return type(error).__name__

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return sorted(pool.map(run, calls))


def kinds(uow: UnitOfWork, ctx: Ctx, kind: str) -> int:
    with uow:
        return sum(1 for event in uow.events.query(ctx.company_id) if event.kind == kind)


def test_an_allocation_removed_twice_at_once_is_removed_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    cheque = pay(uow, ctx, customer.id, "120.00", (invoice.id, "120.00"))
    allocation = cheque.allocations[0]
    undo = lambda u: payments.remove_allocation(u, ctx, allocation.id)  # noqa: E731
    assert race(app, undo, undo) == ["AllocationNotFound", "ok"]
    assert kinds(uow, ctx, "AllocationRemoved") == 1
    view = payments.get_payment(uow, ctx, cheque.id)
    assert (view.allocated.amount, view.unallocated.amount) == (D("0.00"), D("120.00"))
    with uow:
        document = uow.documents.get(ctx.company_id, invoice.id)
        assert positions.balance_due(uow, ctx, document).amount == D("120.00")


def test_a_credit_use_cancelled_twice_at_once_is_cancelled_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    note = gesture(uow, ctx, customer.id, line("50.00"))
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    use = credits.use_credit(uow, ctx, credit_id=note.id, document_id=invoice.id)
    undo = lambda u: credits.cancel_credit_use(u, ctx, use.id)  # noqa: E731
    assert race(app, undo, undo) == ["AllocationNotFound", "ok"]
    assert kinds(uow, ctx, "CreditUseCancelled") == 1
    assert kinds(uow, ctx, "AllocationRemoved") == 1
    view = credits.get_credit_note(uow, ctx, note.id)
    assert (view.use.applied.amount, view.remaining.amount) == (D("0.00"), D("60.00"))


def test_a_credit_use_removed_as_an_allocation_twice_at_once_is_cancelled_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    note = gesture(uow, ctx, customer.id, line("50.00"))
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    use = credits.use_credit(uow, ctx, credit_id=note.id, document_id=invoice.id)
    undo = lambda u: payments.remove_allocation(u, ctx, use.id)  # noqa: E731  (DELETE /allocations/{id})
    assert race(app, undo, undo) == ["AllocationNotFound", "ok"]
    assert kinds(uow, ctx, "CreditUseCancelled") == 1
    assert credits.get_credit_note(uow, ctx, note.id).remaining.amount == D("60.00")


def test_a_payment_cancelled_twice_at_once_is_cancelled_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    cheque = pay(uow, ctx, customer.id, "150.00", (invoice.id, "120.00"))
    cancel = lambda u: payment_changes.cancel_payment(u, ctx, cheque.id)  # noqa: E731
    assert race(app, cancel, cancel) == ["PaymentCancelled", "ok"]
    assert kinds(uow, ctx, "PaymentCancelled") == 1
    assert kinds(uow, ctx, "AllocationRemoved") == 1


def test_an_allocation_removed_while_its_payment_is_cancelled_is_released_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    cheque = pay(uow, ctx, customer.id, "120.00", (invoice.id, "120.00"))
    allocation = cheque.allocations[0]
    outcome = race(
        app,
        lambda u: payments.remove_allocation(u, ctx, allocation.id),
        lambda u: payment_changes.cancel_payment(u, ctx, cheque.id),
    )
    assert outcome in (["AllocationNotFound", "ok"], ["ok", "ok"])  # the undo first, or the cancellation first
    assert kinds(uow, ctx, "AllocationRemoved") == 1
    assert payments.get_payment(uow, ctx, cheque.id).payment.state.value == "cancelled"


def test_a_payment_cancelled_while_its_document_is_cancelled_releases_the_allocation_once(
    app, uow, ctx, customer
) -> None:  # type: ignore[no-untyped-def]
    order = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.ORDER)
    cheque = pay(uow, ctx, customer.id, "50.00", (order.id, "50.00"))
    outcome = race(
        app,
        lambda u: documents.cancel_document(u, ctx, order.id),
        lambda u: payment_changes.cancel_payment(u, ctx, cheque.id),
    )
    assert outcome == ["ok", "ok"]
    assert kinds(uow, ctx, "AllocationRemoved") == 1


def test_a_refund_unwound_twice_at_once_is_unwound_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    cheque = pay(uow, ctx, customer.id, "50.00")
    refund = credits.refund(uow, ctx, source=CreditRef.payment(cheque.id), method="cash")
    unwind = lambda u: credits.unwind_refund(u, ctx, refund.id)  # noqa: E731
    outcome = race(app, unwind, unwind)
    assert outcome in (["PaymentCancelled", "ok"], ["RefundNotFound", "ok"])
    assert kinds(uow, ctx, "PaymentCancelled") == 1
    assert kinds(uow, ctx, "RefundUnwound") == 2  # one unwind: on the refund payment and on the payment refunded
    assert payments.get_payment(uow, ctx, cheque.id).unallocated.amount == D("50.00")


def test_a_draft_deleted_twice_at_once_is_deleted_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    draft = documents.create_document(
        uow, ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id, lines=[line("10.00")]
    )
    delete = lambda u: documents.delete_draft(u, ctx, draft.id)  # noqa: E731
    assert race(app, delete, delete) == ["NotFound", "ok"]
    assert kinds(uow, ctx, "DocumentDeleted") == 1


def test_a_deduction_removed_twice_at_once_is_removed_once(app, uow, ctx, customer) -> None:  # type: ignore[no-untyped-def]
    deposits.configure_deposits(uow, ctx, deduct_all=False)
    order = table_order(uow, ctx, customer.id)
    deposit = issued_deposit(uow, ctx, order.id, percent="30")
    draft = deposits.create_final_invoice(uow, ctx, order.id)
    deposits.deduct_deposit(uow, ctx, draft.invoice.id, deposit.id)
    remove = lambda u: deposits.remove_deduction(u, ctx, draft.invoice.id, deposit.id)  # noqa: E731
    assert race(app, remove, remove) == ["ok", "ok"]  # the second finds nothing left to remove
    assert kinds(uow, ctx, "DeductionRemoved") == 2  # one removal: on the invoice and on the deposit invoice
    view = deposits.deduction_view(uow, ctx, draft.invoice.id)
    assert view.deducted == eur("0.00")
