"""Engines for SQLite (the embedded default) and PostgreSQL, and schema migration to head.

SQLite: foreign keys on, WAL, a busy timeout, and every transaction opened with BEGIN IMMEDIATE so that a use
case holds the write lock from its first read: this is SQLite's equivalent of PostgreSQL's row locks.

Time limits (config.py): PostgreSQL sessions start with `statement_timeout` and
`idle_in_transaction_session_timeout`; SQLite waits at most its busy timeout for the write lock. Under a request
deadline (services/deadline.py) no statement starts once it has passed, a PostgreSQL transaction's statement
timeout is cut to the time left, and a long SQLite statement is interrupted. `transient_reason` names the
database errors that mean « busy, late or disconnected: rolled back, try again » — the unit of work turns them
into `TemporarilyUnavailable`.
"""

from __future__ import annotations

import select
import weakref
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from acompte.config import DEFAULT_BUSY_TIMEOUT, DEFAULT_IDLE_TX_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT
from acompte.domain.errors import Reason, TemporarilyUnavailable
from acompte.services import deadline

MIGRATIONS = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use the psycopg 3 driver for them."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


#: SQLite calls the deadline check every this many virtual-machine instructions of a statement (~ms apart).
PROGRESS_STEPS = 100_000


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
    idle_in_transaction_timeout: float = DEFAULT_IDLE_TX_TIMEOUT,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
) -> Engine:
    """An engine with its time limits in seconds (0: none, except SQLite's busy timeout: 0 fails at once)."""
    url = normalize_url(url)
    if is_sqlite(url):
        busy_ms = _ms(busy_timeout)
        # Pooled (QueuePool), not one connection per unit of work: closing the last connection to a WAL
        # database checkpoints it and deletes the WAL file, and each new one replays the pragmas: several ms per
        # use case (bench/run.py). A process that forks must not reuse the parent's pooled connections.
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:  # a DB-API connection: untyped
            dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut, not only a crash
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.close()
            record.info["busy_timeout"] = busy_ms
            # a statement still running when the request's deadline passes is interrupted (« interrupted »)
            dbapi_connection.set_progress_handler(deadline.expired, PROGRESS_STEPS)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            # under a deadline, wait for the write lock no longer than the time left (then « busy, retry »)
            wait = busy_ms
            left = deadline.remaining()
            if left is not None:
                wait = min(wait, max(1, _ms(left)))
            info = connection.connection.info
            if info.get("busy_timeout") != wait:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
                info["busy_timeout"] = wait
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    else:
        options = " ".join(
            f"-c {name}={_ms(seconds)}"
            for name, seconds in (
                ("statement_timeout", statement_timeout),
                ("idle_in_transaction_session_timeout", idle_in_transaction_timeout),
            )
        )
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, connect_args={"options": options})
        dialect = engine.dialect

        @event.listens_for(engine, "checkout")
        def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            # counted: a path that leaves state on the connection (named statements) knows whether anyone else
            # used it since it did
            record.info[CHECKOUTS] = record.info.get(CHECKOUTS, 0) + 1
            # A pooled connection the server ended is replaced before use (the pool tries another on
            # DisconnectionError), without the round trip of a ping on every checkout (`pool_pre_ping` cost one
            # per transaction: a third of a set-based payment's round trips, docs/benchmarks.md).
            if _idle_and_open(dbapi_connection):
                return
            try:
                dialect.do_ping(dbapi_connection)  # something to read: the server's goodbye, or just a notice
            except Exception as error:
                raise sa_exc.DisconnectionError(str(error)) from error

        _STATEMENT_TIMEOUTS[engine] = statement_timeout

        @event.listens_for(engine, "begin")
        def _pg_begin(connection: Connection) -> None:
            setting = deadline_setting(engine)
            if setting is not None:
                connection.exec_driver_sql(setting)

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(*_args: Any) -> None:
        if deadline.expired():
            raise TemporarilyUnavailable(reason=Reason.REQUEST_DEADLINE, retry_after=deadline.RETRY_AFTER)

    return engine


#: In a pooled PostgreSQL connection's `info`: how many times the pool has handed it out.
CHECKOUTS = "acompte_checkouts"

_STATEMENT_TIMEOUTS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def deadline_setting(engine: Engine) -> str | None:
    """What a PostgreSQL transaction of this engine runs first under a request's deadline shorter than its
    statement timeout, so that none of its statements outlives the deadline (None: nothing to run). For a path
    that begins its transactions itself, past SQLAlchemy's « begin » event."""
    left = deadline.remaining()
    if left is None:
        return None
    statement_timeout = _STATEMENT_TIMEOUTS.get(engine, 0.0)
    if statement_timeout <= 0 or left < statement_timeout:
        return f"SET LOCAL statement_timeout = {max(1, _ms(left))}"
    return None


#: Seconds a client is asked to wait (Retry-After) before trying again a request refused as transient.
RETRY_AFTER = 2

#: PostgreSQL error classes (SQLSTATE) that mean: rolled back, the same request may succeed a moment later.
_PG_BUSY = {"40001", "40P01", "55P03", "53300"}  # serialization, deadlock, lock not available, too many clients
_PG_LOST = {"57P01", "57P02", "57P03", "25P03"}  # terminated by an admin, crash, starting up, idle too long


def _idle_and_open(dbapi_connection: Any) -> bool:
    """Whether a pooled psycopg connection is still open, without asking the server: an idle connection has
    nothing to read, while a server that ends a session (restart, `pg_terminate_backend`, its idle timeout) sends
    its error and closes the socket, which then reads at once."""
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        return False
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    return not readable


def transient_reason(error: BaseException) -> Reason | None:
    """Why a database error is transient (busy, too slow, disconnected), or None for any other error."""
    if isinstance(error, sa_exc.TimeoutError):  # no connection free in the pool in time
        return Reason.DATABASE_BUSY
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    if error.connection_invalidated:
        return Reason.CONNECTION_LOST
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        if sqlstate == "57014":  # query_canceled: the statement timeout, or the deadline's shortened one
            return Reason.REQUEST_DEADLINE if deadline.expired() else Reason.STATEMENT_TIMEOUT
        if sqlstate in _PG_BUSY:
            return Reason.DATABASE_BUSY
        if sqlstate in _PG_LOST or sqlstate.startswith("08"):
            return Reason.CONNECTION_LOST
        return None
    if isinstance(error, sa_exc.OperationalError):
        text = str(original).lower()
        if "locked" in text:  # SQLite: « database is locked » after the busy timeout (cut to the deadline)
            return Reason.REQUEST_DEADLINE if deadline.expired() else Reason.DATABASE_BUSY
        if "interrupted" in text:  # SQLite: the progress handler stopped a statement past the deadline
            return Reason.REQUEST_DEADLINE
        if is_postgresql_error(original):  # the server closed the connection, refused it...
            return Reason.CONNECTION_LOST
    return None


def is_postgresql_error(error: BaseException | None) -> bool:
    return type(error).__module__.startswith("psycopg")


def as_transient(error: BaseException) -> TemporarilyUnavailable | None:
    """The `TemporarilyUnavailable` a transient database error stands for (None for any other error)."""
    if isinstance(error, TemporarilyUnavailable):
        return error
    reason = transient_reason(error)
    if reason is None:
        return None
    wait = deadline.RETRY_AFTER if reason is Reason.REQUEST_DEADLINE else RETRY_AFTER
    return TemporarilyUnavailable(reason=reason, retry_after=wait)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Create or upgrade the schema to the latest migration (the only way the schema is built)."""
    command.upgrade(alembic_config(url), "head")
