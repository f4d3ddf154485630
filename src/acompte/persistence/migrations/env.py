"""Alembic environment: runs migrations on the URL given in the config (batch mode for SQLite)."""

from alembic import context
from sqlalchemy import create_engine, pool

from acompte.persistence import access_rows, bank_rows, document_sums, issued_rows, payment_sums  # noqa: F401  (their tables are on Base.metadata)
from acompte.persistence.company_keys import CROSS_COMPANY
from acompte.persistence.rows import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # the code that runs the migrations always sets it; without it there is no database to migrate
        raise RuntimeError("no sqlalchemy.url in the Alembic config")
    engine = create_engine(url, poolclass=pool.NullPool)
    # a migration changes the schema and backfills every company's rows at once
    with engine.connect().execution_options(**{CROSS_COMPANY: True}) as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two processes starting at once (two app workers, parallel test workers) must not both create
                # the schema: the second waits here, then finds the database at head and does nothing.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7426150)")
            context.run_migrations()
    engine.dispose()


run_migrations_online()
