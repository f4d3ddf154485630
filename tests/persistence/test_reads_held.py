"""A party read twice in one transaction, the data of a document this transaction holds, and what a document is
settled with cost no second statement, and are never stale (SQLite and PostgreSQL): a change in the same transaction shows at once, another
transaction's committed change shows in the next one, a rollback keeps nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from acompte.domain.documents import Kind
from acompte.services import payments
from tests.deposit_helpers import eur
from tests.helpers import line, validated


@contextmanager
def statements(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(app.engine, "before_cursor_execute", record)


def test_a_party_is_read_once_per_transaction_and_its_changes_show_at_once(app, ctx, customer):
    with app.uow() as uow:
        first = uow.parties.get(ctx.company_id, customer.id)
        with statements(app) as sent:
            assert uow.parties.get(ctx.company_id, customer.id) == first
        assert sent == []
        uow.parties.update(ctx.company_id, customer.id, name="Client renommé")
        assert uow.parties.get(ctx.company_id, customer.id).name == "Client renommé"
        uow.rollback()
    with app.uow() as uow:
        assert uow.parties.get(ctx.company_id, customer.id).name == first.name


def test_another_transactions_change_of_a_party_shows_in_the_next_transaction(app, ctx, customer):
    with app.uow() as uow:
        assert uow.parties.get(ctx.company_id, customer.id).email != "compta@client.example"
    with app.uow() as other:
        other.parties.update(ctx.company_id, customer.id, email="compta@client.example")
        other.commit()
    with app.uow() as uow:
        assert uow.parties.get(ctx.company_id, customer.id).email == "compta@client.example"


def test_the_data_of_a_document_held_costs_no_statement_and_shows_its_own_changes(app, uow, ctx, customer):
    quote = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.QUOTE)
    with app.uow() as work:
        work.documents.get(ctx.company_id, quote.id)
        with statements(app) as sent:
            before = work.exports.document_data(ctx.company_id, quote.id)
        assert sent == []
        work.documents.set_data(ctx.company_id, quote.id, {**before, "note": "gardée"})
        assert work.exports.document_data(ctx.company_id, quote.id)["note"] == "gardée"
        work.rollback()
        assert "note" not in work.exports.document_data(ctx.company_id, quote.id)
    with app.uow() as work:  # not held: read from the database
        with statements(app) as sent:
            assert work.exports.document_data(ctx.company_id, quote.id) == before
        assert len([s for s in sent if s.startswith("SELECT")]) == 1
    with app.uow() as other:
        other.documents.set_data(ctx.company_id, quote.id, {**before, "note": "d'ailleurs"})
        other.commit()
    with app.uow() as work:
        work.documents.get(ctx.company_id, quote.id)
        assert work.exports.document_data(ctx.company_id, quote.id)["note"] == "d'ailleurs"


def test_what_a_document_is_settled_with_is_read_once_and_a_payment_in_the_same_transaction_shows(
    app, uow, ctx, customer
):
    invoice = validated(uow, ctx, customer.id, line("100.00"))
    with app.uow() as work:
        document = work.documents.get(ctx.company_id, invoice.id)
        first = work.documents.settlement(document)
        with statements(app) as sent:
            assert work.documents.settlement(document) == first
        assert sent == []
        assert first.allocated.amount == 0
        # a nested use case: on PostgreSQL the payment recorder writes past the session, in this transaction
        payments.record_payment(
            work,
            ctx,
            party_id=customer.id,
            amount=eur("30.00"),
            method="transfer",
            allocations=[(invoice.id, eur("30.00"))],
        )
        assert work.documents.settlement(document).allocated == eur("30.00")
        payments.record_payment(
            work,
            ctx,
            party_id=customer.id,
            amount=eur("20.00"),
            method="transfer",
            allocations=[(invoice.id, eur("20.00"))],
        )
        assert work.documents.settlement(document).allocated == eur("50.00")
        work.rollback()
    with app.uow() as work:
        assert work.documents.settlement(work.documents.get(ctx.company_id, invoice.id)) == first
