"""Within one unit of work, a company and a document already read are not read again (SQLite and PostgreSQL):
the second read sends no statement, and a change made in the same unit of work, or a rollback, shows at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from acompte.domain.documents import Kind, State
from acompte.domain.errors import NotFound
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


def test_the_company_is_read_once_and_a_change_of_its_settings_shows_at_once(app, ctx):
    with app.uow() as uow:
        first = uow.companies.get(ctx.company_id)
        with statements(app) as sent:
            assert uow.companies.get(ctx.company_id) is first
        assert sent == []
        uow.companies.update(ctx.company_id, name="Nouveau nom SARL")
        uow.companies.set_vat_rates(ctx.company_id, [Decimal(20), Decimal("5.5")])
        changed = uow.companies.get(ctx.company_id)
        assert changed.name == "Nouveau nom SARL"
        assert Decimal("5.5") in changed.vat_rates
        uow.rollback()
        assert uow.companies.get(ctx.company_id).name == first.name


def test_a_document_is_read_once_with_its_lines_and_its_changes_show_at_once(app, uow, ctx, customer):
    draft = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.QUOTE)
    with app.uow() as work:
        first = work.documents.get(ctx.company_id, draft.id)
        with statements(app) as sent:
            again = work.documents.get(ctx.company_id, draft.id)
        assert sent == [] and again == first
        work.documents.update(ctx.company_id, draft.id, state=State.CANCELLED)
        assert work.documents.get(ctx.company_id, draft.id).state is State.CANCELLED
        with statements(app) as sent:
            locked = work.documents.get(ctx.company_id, draft.id, lock=True)
        assert len(sent) >= 1 and locked.state is State.CANCELLED  # a locked read always asks the database
        work.rollback()
        assert work.documents.get(ctx.company_id, draft.id).state is State.VALIDATED


def test_a_document_of_another_company_is_not_found_even_when_already_read(app, uow, ctx, other_ctx, customer):
    quote = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.QUOTE)
    with app.uow() as work:
        work.documents.get(ctx.company_id, quote.id)
        with pytest.raises(NotFound):
            work.documents.get(other_ctx.company_id, quote.id)


def test_a_locked_read_sees_what_another_transaction_committed_since_the_first_read(app, uow, ctx, customer, backend):
    if backend != "postgresql":
        pytest.skip("two transactions at once: SQLite's write lock holds the second one until the first ends")
    quote = validated(uow, ctx, customer.id, line("100.00"), kind=Kind.QUOTE)
    with app.uow() as work:
        assert work.documents.get(ctx.company_id, quote.id).due_date is None
        assert work.companies.get(ctx.company_id).name != "Renommée SARL"
        with app.uow() as other:
            other.documents.update(ctx.company_id, quote.id, due_date=date(2030, 1, 31))
            other.companies.update(ctx.company_id, name="Renommée SARL")
            other.commit()
        assert work.documents.get(ctx.company_id, quote.id, lock=True).due_date == date(2030, 1, 31)
        assert work.companies.get(ctx.company_id, lock=True).name == "Renommée SARL"
