"""Time limits of the database sessions, from the settings: PostgreSQL's statement and idle-in-transaction
timeouts, SQLite's busy timeout; a statement or a transaction past them is rolled back and surfaces as
`TemporarilyUnavailable`, and the next unit of work runs normally."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from acompte import bootstrap
from acompte.config import Settings, SettingsError
from acompte.domain.errors import Reason, TemporarilyUnavailable


@pytest.fixture
def limited(database_url: str) -> Iterator[bootstrap.App]:
    settings = Settings(database_url, statement_timeout=0.5, idle_in_transaction_timeout=0.5, busy_timeout=0.25)
    application = bootstrap.build(settings=settings, run_migrations=False, pool_size=1)
    yield application
    application.close()


def scalar(application: bootstrap.App, sql: str) -> object:
    with application.uow() as uow:
        assert uow.session is not None
        return uow.session.execute(text(sql)).scalar()


def test_the_settings_come_from_the_environment_in_seconds(monkeypatch):
    monkeypatch.setenv("ACOMPTE_STATEMENT_TIMEOUT", "2.5")
    monkeypatch.setenv("ACOMPTE_IDLE_TX_TIMEOUT", "0")
    monkeypatch.setenv("ACOMPTE_BUSY_TIMEOUT", "")
    monkeypatch.setenv("ACOMPTE_REQUEST_TIMEOUT", "90")
    settings = Settings.from_env()
    assert (settings.statement_timeout, settings.idle_in_transaction_timeout) == (2.5, 0)
    assert (settings.busy_timeout, settings.request_timeout) == (30, 90)
    for wrong in ("trente", "-1", "nan"):
        monkeypatch.setenv("ACOMPTE_REQUEST_TIMEOUT", wrong)
        with pytest.raises(SettingsError, match="ACOMPTE_REQUEST_TIMEOUT"):
            Settings.from_env()


def test_each_connection_starts_with_the_configured_limits(limited, backend):
    if backend == "postgresql":
        assert scalar(limited, "SHOW statement_timeout") == "500ms"
        assert scalar(limited, "SHOW idle_in_transaction_session_timeout") == "500ms"
    else:
        assert scalar(limited, "PRAGMA busy_timeout") == 250


def test_the_defaults_bound_every_wait(app, backend):
    if backend == "postgresql":
        assert scalar(app, "SHOW statement_timeout") == "30s"
        assert scalar(app, "SHOW idle_in_transaction_session_timeout") == "1min"
    else:
        assert scalar(app, "PRAGMA busy_timeout") == 30_000


def test_a_statement_past_its_timeout_is_cancelled_and_the_next_unit_of_work_runs(limited, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no statement timeout: its statements are local; its busy timeout is tested below")
    started = time.monotonic()
    with pytest.raises(TemporarilyUnavailable) as refused:
        scalar(limited, "SELECT pg_sleep(5)")
    assert time.monotonic() - started < 3
    assert refused.value.params == {"reason": Reason.STATEMENT_TIMEOUT, "retry_after": 2}
    assert scalar(limited, "SELECT 1") == 1


def test_a_transaction_left_idle_loses_its_connection_and_the_next_unit_of_work_runs(limited, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no idle-in-transaction timeout (no server holding locks for an idle client)")
    with pytest.raises(TemporarilyUnavailable) as refused, limited.uow() as uow:
        assert uow.session is not None
        uow.session.execute(text("SELECT 1"))
        time.sleep(1.5)  # idle in transaction: the server ends the session after 0.5 s
        uow.session.execute(text("SELECT 1"))
    assert refused.value.params["reason"] is Reason.CONNECTION_LOST
    assert scalar(limited, "SELECT 1") == 1


def test_a_write_lock_held_longer_than_the_busy_timeout_refuses_as_busy(limited, backend, database_url):
    if backend != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database: its waits are bounded by the statement timeout")
    import sqlite3

    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(TemporarilyUnavailable) as refused:
            scalar(limited, "SELECT 1")
        assert time.monotonic() - started < 2
        assert refused.value.params["reason"] is Reason.DATABASE_BUSY
    finally:
        holder.rollback()
        holder.close()
    assert scalar(limited, "SELECT 1") == 1
