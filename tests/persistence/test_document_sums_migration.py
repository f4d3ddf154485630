"""The migration that stores each document's sums fills them from the facts already there (the backfill), the
triggers keep them from then on, and it downgrades leaving the facts untouched. On a scratch SQLite file (the
property tests run the triggers on both databases)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic import command
from sqlalchemy import inspect, text

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config
from acompte.services import companies, credits, documents, parties, payments
from acompte.services.ports import Ctx

SUMS = "SELECT document_id, kind, state, gross_minor, pay, cred, wo, ded, used, balance_minor FROM document_sums"


def test_the_sums_are_backfilled_on_upgrade_and_dropped_on_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    application = bootstrap.build(url)
    try:
        ctx = Ctx(companies.create_company(application.uow(), name="Atelier", currency="EUR"), actor="test")
        customer = parties.create_party(application.uow(), ctx, name="Client")
        invoices = []
        for price in ("100.00", "40.00"):
            draft = documents.create_document(
                application.uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id,
                lines=[LineInput("Réparation", Decimal(1), Decimal(price), Decimal(20))],
            )  # fmt: skip
            invoices.append(documents.validate_document(application.uow(), ctx, draft.id, today=date(2026, 3, 10)))
        first, second = (i.document.id for i in invoices)
        payments.record_payment(
            application.uow(), ctx, party_id=customer.id, amount=Money.of("50.00", "EUR"), method="transfer",
            allocations=[(first, Money.of("30.00", "EUR")), (second, Money.of("20.00", "EUR"))],
        )  # fmt: skip
        note = credits.credit_invoice(application.uow(), ctx, second, lines=None, today=date(2026, 3, 11))
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            kept = {r.document_id: tuple(r) for r in connection.execute(text(SUMS))}
        assert kept[first][4:] == (3000, 0, 0, 0, 0, 12000 - 3000)
        application.engine.dispose()

        command.downgrade(alembic_config(url), "0021_search_indexes")
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            assert "document_sums" not in inspect(connection).get_table_names()
            triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            assert not [t for t in triggers if t.startswith("document_sums")]
            facts = connection.execute(text("SELECT count(*) FROM allocations")).scalar_one()
        application.engine.dispose()
        command.upgrade(alembic_config(url), "head")

        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            backfilled = {r.document_id: tuple(r) for r in connection.execute(text(SUMS))}
            assert connection.execute(text("SELECT count(*) FROM allocations")).scalar_one() == facts
        assert backfilled == kept
        assert backfilled[note.id][8] > 0  # the credit note's use on the invoice it credits
        uow = application.uow()
        with uow:
            assert uow.integrity.sums_astray(ctx.company_id) == []
    finally:
        application.close()
