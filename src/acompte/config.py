"""Typed settings read from the environment, with safe defaults.

Time limits are in seconds (decimals allowed); 0 turns a limit off. They bound how long one request can hold a
worker, a connection or a lock: a PostgreSQL statement (`statement_timeout`), a PostgreSQL transaction left idle
(`idle_in_transaction_session_timeout`), the wait for SQLite's write lock (its busy timeout), and the whole
request (the API's deadline, after which its transaction is rolled back and the client gets a 503 problem).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from acompte.domain.users import LoginPolicy

DEFAULT_DATABASE_FILE = "acompte.db"
DEFAULT_STATEMENT_TIMEOUT = 30.0
DEFAULT_IDLE_TX_TIMEOUT = 60.0
DEFAULT_BUSY_TIMEOUT = 30.0
DEFAULT_REQUEST_TIMEOUT = 60.0


class SettingsError(ValueError):
    """A setting in the environment that cannot be read (the message names the variable)."""


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{name} : un nombre de secondes est attendu (reçu : {text!r})") from None
    if not value >= 0 or value == float("inf"):
        raise SettingsError(f"{name} : un nombre de secondes positif ou nul est attendu (reçu : {text!r})")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    login_policy: LoginPolicy = field(default_factory=LoginPolicy)
    #: ACOMPTE_STATEMENT_TIMEOUT: longest single SQL statement on PostgreSQL.
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT
    #: ACOMPTE_IDLE_TX_TIMEOUT: longest a PostgreSQL transaction may stay idle (its locks are then released).
    idle_in_transaction_timeout: float = DEFAULT_IDLE_TX_TIMEOUT
    #: ACOMPTE_BUSY_TIMEOUT: longest wait for SQLite's write lock before answering « busy, retry ». Generous: a
    #: burst of validations queues behind one another (their files are rendered after commit, but a backup or
    #: an import holds the lock longer); a request's deadline cuts the wait.
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    #: ACOMPTE_REQUEST_TIMEOUT: longest an HTTP request may run before it is rolled back and answered 503.
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    #: ACOMPTE_SET_BASED_WRITES (on; « 0 » turns it off): on PostgreSQL, record and allocate a payment in two round
    #: trips (facts read at once, writes sent with the commit) instead of through the repositories, one statement
    #: at a time. Both give the same rows (tests/services/test_payment_recording_parity.py).
    set_based_writes: bool = True
    #: ACOMPTE_FILE_WORKER (on; « 0 » turns it off): `acompte serve` renders the files of issued documents in a
    #: thread of each server process. Off when `acompte files render --follow` runs beside it instead.
    file_worker: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("ACOMPTE_DATABASE_URL") or f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"
        return cls(
            database_url=url,
            login_policy=login_policy_from_env(),
            statement_timeout=_seconds("ACOMPTE_STATEMENT_TIMEOUT", DEFAULT_STATEMENT_TIMEOUT),
            idle_in_transaction_timeout=_seconds("ACOMPTE_IDLE_TX_TIMEOUT", DEFAULT_IDLE_TX_TIMEOUT),
            busy_timeout=_seconds("ACOMPTE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT),
            request_timeout=_seconds("ACOMPTE_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT),
            set_based_writes=_switch("ACOMPTE_SET_BASED_WRITES", default=True),
            file_worker=_switch("ACOMPTE_FILE_WORKER", default=True),
        )


def _switch(name: str, *, default: bool) -> bool:
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return default
    if text in {"1", "on", "true", "yes"}:
        return True
    if text in {"0", "off", "false", "no"}:
        return False
    raise SettingsError(f"{name} : « 1 » ou « 0 » est attendu (reçu : {text!r})")


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} : un nombre entier positif est attendu (reçu : {raw!r})")
    return int(raw)


def login_policy_from_env() -> LoginPolicy:
    """ACOMPTE_LOGIN_ACCOUNT_FAILURES (5), ACOMPTE_LOGIN_ADDRESS_FAILURES (20), ACOMPTE_LOGIN_WINDOW_MINUTES (15),
    ACOMPTE_LOGIN_LOCKOUT_MINUTES (15): failures tolerated within the window before a lock of that length."""
    default = LoginPolicy()
    return LoginPolicy(
        account_failures=_positive("ACOMPTE_LOGIN_ACCOUNT_FAILURES", default.account_failures),
        address_failures=_positive("ACOMPTE_LOGIN_ADDRESS_FAILURES", default.address_failures),
        window=timedelta(minutes=_positive("ACOMPTE_LOGIN_WINDOW_MINUTES", 15)),
        lockout=timedelta(minutes=_positive("ACOMPTE_LOGIN_LOCKOUT_MINUTES", 15)),
    )
