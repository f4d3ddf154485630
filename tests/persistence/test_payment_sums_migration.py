"""Migration 0020 (payment sums) builds each payment's summary from the facts, whatever was written before it
(here: an allocation removed while the database was at 0019, behind the triggers' back), and its triggers keep it
from then on; downgrading drops the table and its triggers, and leaves every other row as it was. On a scratch
SQLite file, and on a scratch PostgreSQL database when the tests run on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from acompte import bootstrap
from acompte.domain.credits import CreditRef
from acompte.domain.documents import Flow, Kind, LineInput
from acompte.domain.money import Money
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config, is_sqlite
from acompte.services import companies, credits, documents, parties, payments
from acompte.services.payment_changes import cancel_payment
from acompte.services.ports import Ctx

SUMS = "SELECT payment_id, used_minor, left_minor FROM payment_sums ORDER BY payment_id"


@contextmanager
def scratch_url(database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if is_sqlite(database_url):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def eur(text_: str) -> Money:
    return Money.of(text_, "EUR")


def story(application: bootstrap.App) -> tuple[Ctx, int, int]:
    """Payments of every kind of use; returns (ctx, an invoice, the allocation to remove later)."""
    uow = application.uow
    ctx = Ctx(companies.create_company(uow(), name="Menuiserie", currency="EUR"), actor="test")
    companies.update_settings(uow(), ctx, {"write_off_threshold": "1.00"})
    customer = parties.create_party(uow(), ctx, name="Client").id
    draft = documents.create_document(
        uow(), ctx, kind=Kind.INVOICE, flow=Flow.SALE, party_id=customer,
        lines=[LineInput("Escalier", Decimal(1), Decimal("1000.00"), Decimal(20))],
    )  # fmt: skip
    invoice = documents.validate_document(uow(), ctx, draft.id).id
    allocated = payments.record_payment(
        uow(), ctx, party_id=customer, amount=eur("250.50"), method="transfer", allocations=[(invoice, eur("250.00"))]
    )
    payments.record_payment(uow(), ctx, party_id=customer, amount=eur("40.00"), method="cheque")
    refunded = payments.record_payment(uow(), ctx, party_id=customer, amount=eur("60.00"), method="cheque")
    credits.refund(uow(), ctx, source=CreditRef.payment(refunded.id), method="transfer", amount=eur("20.00"))
    credits.write_off_overpayment(uow(), ctx, allocated.id, amount=eur("0.50"))
    cancelled = payments.record_payment(uow(), ctx, party_id=customer, amount=eur("15.00"), method="cash")
    cancel_payment(uow(), ctx, cancelled.id)
    return ctx, invoice, allocated.allocations[0].id


def test_the_summaries_are_built_from_the_facts_and_dropped_on_downgrade(database_url, tmp_path):
    with scratch_url(database_url, tmp_path) as url:
        application = bootstrap.build(url)
        try:
            ctx, invoice, allocation = story(application)
            with application.uow() as uow:
                assert uow.integrity.payment_summary_difference(ctx.company_id) is None
            with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
                kept = connection.execute(text("SELECT * FROM allocations ORDER BY id")).all()
                before = connection.execute(text(SUMS)).all()
            assert len(before) == 5  # the refund payment has its own
            application.engine.dispose()

            command.downgrade(alembic_config(url), "0019_list_indexes")
            with application.engine.execution_options(**WHOLE_DATABASE).begin() as connection:
                assert not inspect(connection).has_table("payment_sums")
                assert connection.execute(text("SELECT * FROM allocations ORDER BY id")).all() == kept
                connection.execute(text("DELETE FROM allocations WHERE id = :a"), {"a": allocation})
            application.engine.dispose()

            command.upgrade(alembic_config(url), "head")
            with application.uow() as uow:
                assert uow.integrity.payment_summary_difference(ctx.company_id) is None
            with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
                after = {r.payment_id: (r.used_minor, r.left_minor) for r in connection.execute(text(SUMS))}
            first = before[0].payment_id
            # 250.50 less 0.50 written off, the 250.00 allocation gone
            assert after[first] == (50, 25_000)
            assert {p: (u, left) for p, u, left in before if p != first} == {
                p: s for p, s in after.items() if p != first
            }

            # the triggers work again after the upgrade
            view = payments.record_payment(
                application.uow(), ctx, party_id=payments.get_payment(application.uow(), ctx, first).payment.party_id,
                amount=eur("10.00"), method="cash", allocations=[(invoice, eur("4.00"))],
            )  # fmt: skip
            with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
                row = connection.execute(
                    text("SELECT used_minor, left_minor FROM payment_sums WHERE payment_id = :p"), {"p": view.id}
                ).one()
            assert tuple(row) == (400, 600)
        finally:
            application.close()


@pytest.mark.parametrize("revision", ["0019_list_indexes"])
def test_downgrading_removes_every_trigger_of_the_summaries(database_url, tmp_path, revision):
    with scratch_url(database_url, tmp_path) as url:
        application = bootstrap.build(url)
        try:
            application.engine.dispose()
            command.downgrade(alembic_config(url), revision)
            with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
                if is_sqlite(url):
                    found = connection.execute(
                        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'payment_sums%'")
                    ).all()
                else:
                    found = connection.execute(
                        text(
                            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'payment_sums%' "
                            "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'payment_sums%'"
                        )
                    ).all()
            assert found == []
        finally:
            application.close()
