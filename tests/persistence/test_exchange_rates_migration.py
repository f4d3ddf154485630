"""Migration 0014 (exchange rates) keeps every payment and journal line: a database at 0012 with payments and
posted entries upgrades with no row lost or changed, the new columns empty (those rows are in the company's
currency); downgrading drops only the new columns. On a scratch SQLite file, whatever the test backend (the
PostgreSQL runs build their schema with the same migration)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic import command
from sqlalchemy import text

from acompte import bootstrap
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config
from acompte.services import companies, documents, exports, parties, payments
from acompte.services.ports import Ctx

PAYMENTS = "SELECT id, number, amount_minor, currency FROM payments ORDER BY id"
LINES = "SELECT id, entry_id, account, debit_minor, credit_minor, currency, match_key FROM journal_lines ORDER BY id"


def test_upgrading_to_exchange_rates_keeps_payments_and_journal_lines(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    application = bootstrap.build(url)
    try:
        ctx = Ctx(companies.create_company(application.uow(), name="Meubles Durand", currency="EUR"))
        customer = parties.create_party(application.uow(), ctx, name="Client Dupont")
        draft = documents.create_document(
            application.uow(),
            ctx,
            kind=Kind.INVOICE,
            flow=Flow.SALE,
            party_id=customer.id,
            lines=[LineInput("Table", Decimal(1), Decimal("100.00"), Decimal(20))],
        )
        invoice = documents.validate_document(application.uow(), ctx, draft.id, today=date(2026, 3, 16))
        payments.record_payment(
            application.uow(),
            ctx,
            party_id=customer.id,
            amount=Money.of("120.00", "EUR"),
            method="transfer",
            payment_date=date(2026, 3, 20),
            allocations=[(invoice.id, Money.of("120.00", "EUR"))],
        )
        exports.run_export(application.uow(), ctx, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
        application.engine.dispose()
        command.downgrade(alembic_config(url), "0012_company_version")
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            before = (connection.execute(text(PAYMENTS)).all(), connection.execute(text(LINES)).all())
            assert "exchange_rate" not in {r[1] for r in connection.execute(text("PRAGMA table_info(payments)"))}
        application.engine.dispose()

        command.upgrade(alembic_config(url), "head")
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            after = (connection.execute(text(PAYMENTS)).all(), connection.execute(text(LINES)).all())
            empty = connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM payments WHERE exchange_rate IS NOT NULL)"
                    " + (SELECT count(*) FROM journal_lines WHERE foreign_minor IS NOT NULL"
                    " OR foreign_currency IS NOT NULL)"
                )
            ).scalar_one()
        assert after == before and len(before[0]) == 1 and len(before[1]) == 5
        assert empty == 0
        ledger = exports.ledger(application.uow(), ctx, on=date(2026, 3, 16))
        assert all(line.foreign_amount is None for posted in ledger.entries for line in posted.entry.lines)
    finally:
        application.close()
