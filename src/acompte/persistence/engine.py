"""Engines for SQLite (the embedded default) and PostgreSQL, and schema migration to head.

SQLite: foreign keys on, WAL, a busy timeout, and every transaction opened with BEGIN IMMEDIATE so that a use
case holds the write lock from its first read: this is SQLite's equivalent of PostgreSQL's row locks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use the psycopg 3 driver for them."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    url = normalize_url(url)
    if is_sqlite(url):
        # Pooled (QueuePool), not one connection per unit of work: closing the last connection to a WAL
        # database checkpoints it and deletes the WAL file, and each new one replays the pragmas: several ms per
        # use case (bench/run.py). A process that forks must not reuse the parent's pooled connections.
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:  # a DB-API connection: untyped
            dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut, not only a crash
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Create or upgrade the schema to the latest migration (the only way the schema is built)."""
    command.upgrade(alembic_config(url), "head")
