"""The migration that lets a write-off name the payment it was written off with keeps every write-off already
there (as written off on its own: a null link), and downgrades without loss either. On a scratch SQLite file."""

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
from acompte.services import companies, credits, documents, parties, payments
from acompte.services.ports import Ctx


def test_existing_write_offs_survive_the_upgrade_with_no_payment_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    application = bootstrap.build(url)
    try:
        ctx = Ctx(companies.create_company(application.uow(), name="Atelier", currency="EUR"), actor="test")
        companies.update_settings(application.uow(), ctx, {"write_off_threshold": "1.00"})
        customer = parties.create_party(application.uow(), ctx, name="Client")
        draft = documents.create_document(
            application.uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer.id,
            lines=[LineInput("Réparation", Decimal(1), Decimal("37.50"), Decimal(20))],
        )  # fmt: skip
        invoice = documents.validate_document(application.uow(), ctx, draft.id, today=date(2026, 3, 10))
        payments.record_payment(
            application.uow(), ctx, party_id=customer.id, amount=Money.of("44.98", "EUR"), method="transfer",
            allocations=[(invoice.id, Money.of("44.98", "EUR"))],
        )  # fmt: skip
        credits.write_off_shortfall(application.uow(), ctx, invoice.id)
        application.engine.dispose()

        command.downgrade(alembic_config(url), "0012_company_version")
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            before = connection.execute(text("SELECT id, document_id, amount_minor, kind FROM write_offs")).all()
        assert [(r.amount_minor, r.kind) for r in before] == [(2, "shortfall")]
        application.engine.dispose()
        command.upgrade(alembic_config(url), "head")

        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            after = connection.execute(
                text("SELECT id, document_id, amount_minor, kind, received_payment_id FROM write_offs")
            ).all()
        assert [tuple(r)[:4] for r in after] == [tuple(r) for r in before]
        assert [r.received_payment_id for r in after] == [None]
    finally:
        application.close()
