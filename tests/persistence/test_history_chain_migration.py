"""Upgrading a database that already has a history chains its events, company by company in id order, exactly as
the application would have; downgrading removes the chain and the triggers. On a scratch SQLite file, whatever
the test backend: the migration's SQL for PostgreSQL runs in every PostgreSQL test run (the schema is built by
it)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from acompte import bootstrap
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import alembic_config
from acompte.services import companies, parties
from acompte.services.ports import Ctx
from acompte.services.verification import verify


def test_upgrading_chains_the_events_already_there(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    application = bootstrap.build(url)
    try:
        first = Ctx(companies.create_company(application.uow(), name="Première", currency="EUR"))
        second = Ctx(companies.create_company(application.uow(), name="Seconde", currency="EUR"))
        for n in range(3):
            parties.create_party(application.uow(), first, name=f"Client {n}")
            parties.create_party(application.uow(), second, name=f"Fournisseur {n}", customer=False, supplier=True)
        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            chained = connection.execute(text("SELECT event_id, company_id, seq, hash FROM event_chain")).all()
        application.engine.dispose()

        command.downgrade(alembic_config(url), "0008_issued_files")
        with application.engine.execution_options(**WHOLE_DATABASE).begin() as connection:
            assert "event_chain" not in {r[0] for r in connection.execute(text("SELECT name FROM sqlite_master"))}
            connection.execute(text("UPDATE events SET actor = actor"))  # no trigger any more
        application.engine.dispose()
        command.upgrade(alembic_config(url), "head")

        with application.engine.execution_options(**WHOLE_DATABASE).connect() as connection:
            rechained = connection.execute(text("SELECT event_id, company_id, seq, hash FROM event_chain")).all()
        assert sorted(rechained) == sorted(chained)
        assert verify(application.uow()).ok
    finally:
        application.close()
