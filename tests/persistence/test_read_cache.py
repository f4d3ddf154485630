"""A read repeated within one transaction is answered from memory, and never after the transaction wrote to
what it read: an ORM flush, an INSERT/UPDATE/DELETE, a locked read or the end of the transaction drop it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, event

from acompte.domain.deposits import Deduction
from acompte.domain.documents import Kind, State
from acompte.persistence.rows import DeductionRow, DeductionVatRow
from acompte.services import deposits
from tests.deposit_helpers import eur, issued_deposit, table_order


@contextmanager
def counted(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(app.engine, "before_cursor_execute", count)


def _family(app, ctx, customer):  # type: ignore[no-untyped-def]
    order = table_order(app.uow(), ctx, customer.id)
    deposit = issued_deposit(app.uow(), ctx, order.id, percent="30")
    final = deposits.create_final_invoice(app.uow(), ctx, order.id)
    return order, deposit, final.invoice


def _amounts(found: list[Deduction]) -> list[str]:
    return [str(d.amount.amount) for d in found]


def test_a_repeated_read_costs_no_statement_until_a_write_touches_its_tables(app, ctx, customer):
    order, deposit, invoice = _family(app, ctx, customer)
    uow = app.uow()
    with uow:
        first = uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
        with counted(app) as sent:
            assert uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id) == first
            assert uow.deposits.descendants(ctx.company_id, order.id) == uow.deposits.descendants(
                ctx.company_id, order.id
            )
        assert len(sent) == 1  # the descendants, read once
        assert _amounts(first) == ["360.00"]

        # a DELETE sent through the session: read again, the deduction is gone
        uow.session.execute(
            delete(DeductionVatRow).where(
                DeductionVatRow.company_id == ctx.company_id, DeductionVatRow.deduction_id == first[0].id
            )
        )
        uow.session.execute(
            delete(DeductionRow).where(DeductionRow.company_id == ctx.company_id, DeductionRow.id == first[0].id)
        )
        assert uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id) == []

        # an ORM insert, flushed by the repository: read again, it is there with its VAT split
        uow.deposits.add_deduction(
            ctx.company_id,
            invoice_id=invoice.id,
            deposit_invoice_id=deposit.id,
            amount=eur("100.00"),
            breakdown=first[0].breakdown[:0],
            automatic=False,
        )
        assert _amounts(uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)) == ["100.00"]


def test_a_change_not_flushed_yet_is_seen_as_the_query_would_have_seen_it(app, ctx, customer):
    order, deposit, _invoice = _family(app, ctx, customer)
    uow = app.uow()
    with uow:
        assert [d.id for d in uow.deposits.attached(ctx.company_id, [order.id], [Kind.DEPOSIT_INVOICE.value])] == [
            deposit.id
        ]
        row = uow.documents._row(ctx.company_id, deposit.id)
        row.state = State.CANCELLED.value  # changed in memory only: the next query would flush it first
        [again] = uow.deposits.attached(ctx.company_id, [order.id], [Kind.DEPOSIT_INVOICE.value])
        assert again.state is State.CANCELLED
        assert [d.state for d in uow.deposits.descendants(ctx.company_id, order.id) if d.id == deposit.id] == [
            State.CANCELLED
        ]


def test_a_locked_read_and_the_end_of_the_transaction_drop_every_answer(app, ctx, customer):
    _order, deposit, invoice = _family(app, ctx, customer)
    uow = app.uow()
    with uow:
        uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
        with counted(app) as sent:
            uow.deposits.lock_documents(ctx.company_id, [deposit.id])
            uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
            uow.deposits.lock_documents(ctx.company_id, [deposit.id])  # already held: neither sent nor dropping
            uow.deposits.deductions(ctx.company_id, invoice_id=invoice.id)
        assert len(sent) == 2  # the lock, then the deductions read again under it
    # another transaction removes the deduction; a new one reads the database, not the old answer
    deposits_removed = deposits.remove_deduction(app.uow(), ctx, invoice.id, deposit.id)
    assert deposits_removed is not None
    with app.uow() as fresh:
        assert fresh.deposits.deductions(ctx.company_id, invoice_id=invoice.id) == []
