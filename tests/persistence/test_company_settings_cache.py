"""A company's settings are kept from one transaction to the next, per engine, and never served stale (SQLite and
PostgreSQL): a use case reads them with one short statement; a change committed by this engine or by another one
(another process) shows in the next transaction; what a rolled-back transaction changed or read is never kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event

from acompte import bootstrap
from acompte.domain.payments import Method
from acompte.services import companies
from acompte.services.ports import Ctx


@contextmanager
def statements(app: bootstrap.App) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(app.engine, "before_cursor_execute", record)


@pytest.fixture
def second(database_url: str) -> Iterator[bootstrap.App]:
    """Another engine on the same database: what another process sees and does."""
    other = bootstrap.build(database_url, run_migrations=False, pool_size=1)
    yield other
    other.close()


def _read(app: bootstrap.App, ctx: Ctx):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return uow.companies.get(ctx.company_id)


def test_the_settings_of_a_company_read_before_cost_one_statement_in_the_next_transaction(app, ctx):
    first = _read(app, ctx)
    with statements(app) as sent:
        again = _read(app, ctx)
    assert again == first
    read = [s for s in sent if not s.startswith("BEGIN")]  # SQLite's transaction opens with a statement of its own
    assert len(read) == 1 and "version" in read[0]


def test_a_change_committed_through_another_engine_is_seen_by_the_next_transaction(app, second, ctx):
    assert _read(app, ctx).name != "Autre nom SARL" and _read(second, ctx) == _read(app, ctx)
    companies.change_settings(second.uow(), ctx, {"name": "Autre nom SARL", "vat_rates": [Decimal(20), Decimal(7)]})
    changed = _read(app, ctx)
    assert changed.name == "Autre nom SARL" and Decimal(7) in changed.vat_rates
    companies.set_payment_method(second.uow(), ctx, Method("lcr", "LCR", digital=True))
    assert _read(app, ctx).method("lcr") == Method("lcr", "LCR", digital=True)
    companies.set_payment_method(second.uow(), ctx, Method("lcr", "LCR", digital=True), active=False)
    assert _read(app, ctx).method("lcr") is None


def test_a_change_made_by_hand_through_the_repository_is_seen_by_the_next_transaction(app, second, ctx):
    _read(app, ctx)
    with second.uow() as uow:
        uow.companies.update(ctx.company_id, vat_number="FR11123456782")
        uow.commit()
    assert _read(app, ctx).vat_number == "FR11123456782"
    with second.uow() as uow:
        uow.companies.set_vat_rates(ctx.company_id, [Decimal("2.1")])
        uow.commit()
    assert _read(app, ctx).vat_rates == (Decimal("2.1"),)


def test_a_change_in_the_same_transaction_shows_at_once_and_a_rollback_keeps_nothing_of_it(app, ctx):
    before = _read(app, ctx)
    with app.uow() as uow:
        uow.companies.update(ctx.company_id, name="Provisoire SARL")
        uow.companies.set_method(ctx.company_id, Method("cb", "Carte", digital=True))
        seen = uow.companies.get(ctx.company_id)
        assert seen.name == "Provisoire SARL" and seen.method("cb") is not None
        uow.rollback()
    assert _read(app, ctx) == before
    with app.uow() as uow:  # the rolled-back change was not kept, whatever read it
        assert uow.companies.get(ctx.company_id).name == before.name
        assert uow.companies.get(ctx.company_id).method("cb") is None


def test_every_change_of_the_settings_raises_the_version_once(app, ctx):
    version = _read(app, ctx).version
    companies.change_settings(app.uow(), ctx, {"name": "Nom SARL", "vat_rates": [Decimal(20)], "legal": {"PMT": "x"}})
    assert _read(app, ctx).version == version + 1
    companies.set_payment_method(app.uow(), ctx, Method("lcr", "LCR", digital=False))
    assert _read(app, ctx).version == version + 2


def test_a_company_of_another_id_is_never_answered_from_what_is_kept(app, ctx, other_ctx):
    mine, theirs = _read(app, ctx), _read(app, other_ctx)
    assert mine.id == ctx.company_id and theirs.id == other_ctx.company_id
    with statements(app):
        assert _read(app, other_ctx) == theirs
