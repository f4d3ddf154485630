"""`verify` finds what is wrong with a company's books: a history row changed by hand, an undo recorded twice,
allocations the history does not explain, a number skipped. On a sound company it finds nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from acompte.adapters.cli.demo import build_demo
from acompte.domain.events import Event, EventKind
from acompte.services import payments
from acompte.services.history import document_history
from acompte.services.verification import verify
from tests.helpers import pay, validated
from tests.tampering import alter_event


def test_the_demo_company_verifies(app):
    company_id = build_demo(app.uow(), today=date(2026, 3, 16))
    result = verify(app.uow(), company_id)
    assert result.ok, result.breaks
    assert result.companies == 1 and result.events > 50 and result.allocations > 0 and result.numbers > 10


def test_a_history_row_altered_by_hand_is_named(app, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id)
    pay(app.uow(), ctx, customer.id, "50.00", (invoice.id, "50.00"))
    allocated = next(e for e in document_history(app.uow(), ctx, invoice.id) if e.kind == "PaymentAllocated")
    assert verify(app.uow(), ctx.company_id).ok

    alter_event(app.engine, allocated.id, {**allocated.data, "amount": "5.00"})

    result = verify(app.uow(), ctx.company_id)
    chain = next(b for b in result.breaks if b.check == "chain")
    assert (chain.code, chain.event.id, chain.event.kind) == ("altered", allocated.id, "PaymentAllocated")
    # the altered amount no longer explains the invoice's allocations either
    assert any(b.check == "allocations" and b.code == "document_sum" for b in result.breaks)


def test_an_undo_recorded_twice_is_a_break(app, ctx, customer):
    """What two concurrent removals of one allocation leave behind when both go through."""
    invoice = validated(app.uow(), ctx, customer.id)
    payment = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "120.00"))
    allocation = payment.allocations[0]
    payments.remove_allocation(app.uow(), ctx, allocation.id)
    removed = next(e for e in document_history(app.uow(), ctx, invoice.id) if e.kind == "AllocationRemoved")
    assert verify(app.uow(), ctx.company_id).ok

    uow = app.uow()
    with uow:
        uow.events.add(Event(EventKind.ALLOCATION_REMOVED, ctx.company_id, invoice.id, payment.id, customer.id,
                             removed.data), "second click")  # fmt: skip
        uow.commit()

    found = next(b for b in verify(app.uow(), ctx.company_id).breaks if b.check == "allocations")
    assert found.code == "removed_twice" and found.params["allocation"] == allocation.id
    assert found.event.kind == "AllocationRemoved" and found.event.id > removed.id


def test_a_skipped_number_is_a_gap(app, ctx, customer):
    validated(app.uow(), ctx, customer.id)
    uow = app.uow()
    with uow:
        year = uow.clock.today().year
        uow.series.next_value(ctx.company_id, "invoice/sale", year)  # a number taken and never given
        uow.commit()
    validated(app.uow(), ctx, customer.id)
    found = next(b for b in verify(app.uow(), ctx.company_id).breaks if b.check == "numbering")
    assert found.params == {"series": "invoice/sale", "year": year, "value": 2}


def test_an_allocation_written_behind_the_history_is_a_break(app, ctx, customer):
    invoice = validated(app.uow(), ctx, customer.id)
    payment = pay(app.uow(), ctx, customer.id, "120.00", (invoice.id, "20.00"))
    with app.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO allocations (company_id, payment_id, document_id, amount_minor, currency, created_at) "
                "VALUES (:c, :p, :d, 1000, 'EUR', CURRENT_TIMESTAMP)"
            ),
            {"c": ctx.company_id, "p": payment.id, "d": invoice.id},
        )
    found = next(b for b in verify(app.uow(), ctx.company_id).breaks if b.check == "allocations")
    assert found.code == "no_history"
