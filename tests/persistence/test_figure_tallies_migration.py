"""The migration that keeps the dashboard's tallies fills them from the facts already there (the backfill), the
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
from acompte.services import companies, documents, parties, payments
from acompte.services.ports import Ctx

TALLIES = (
    "SELECT kind, state, sum(n), sum(held_n), sum(held_minor) FROM document_tallies GROUP BY kind, state",
    "SELECT direction, month, sum(minor) FROM payment_months GROUP BY direction, month",
)


def _tallies(application):  # type: ignore[no-untyped-def]
    with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
        return [sorted(tuple(r) for r in connection.execute(text(sql))) for sql in TALLIES]


def test_the_tallies_are_backfilled_on_upgrade_and_dropped_on_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    application = bootstrap.build(url)
    try:
        ctx = Ctx(companies.create_company(application.uow(), name="Atelier", currency="EUR"), actor="test")
        customer = parties.create_party(application.uow(), ctx, name="Client")
        made = []
        for price in ("100.00", "40.00", "7.00"):
            made.append(
                documents.create_document(
                    application.uow(),
                    ctx,
                    kind=Kind.INVOICE,
                    flow=Flow.SALE,
                    party_id=customer.id,
                    lines=[LineInput("Réparation", Decimal(1), Decimal(price), Decimal(20))],
                )
            )
        first = documents.validate_document(application.uow(), ctx, made[0].id, today=date(2026, 3, 10))
        payments.record_payment(
            application.uow(), ctx, party_id=customer.id, amount=Money.of("50.00", "EUR"), method="transfer",
            allocations=[(first.document.id, Money.of("30.00", "EUR"))],
        )  # fmt: skip
        kept = _tallies(application)
        assert ("invoice", "draft", 2, 0, 0) in kept[0] and ("invoice", "validated", 1, 0, 0) in kept[0]
        assert sum(minor for _d, _m, minor in kept[1]) == 5000
        application.engine.dispose()

        command.downgrade(alembic_config(url), "0024_lists_status")
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            tables = inspect(connection).get_table_names()
            assert "document_tallies" not in tables and "payment_months" not in tables
            triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            assert not [t for t in triggers if t.startswith(("document_tallies", "payment_months"))]
            assert connection.execute(text("SELECT count(*) FROM payments")).scalar_one() == 1
        application.engine.dispose()
        command.upgrade(alembic_config(url), "head")

        assert _tallies(application) == kept
        uow = application.uow()
        with uow:
            assert uow.integrity.tallies_astray(ctx.company_id) == []
    finally:
        application.close()
