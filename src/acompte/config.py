"""Typed settings read from the environment, with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from acompte.domain.users import LoginPolicy

DEFAULT_DATABASE_FILE = "acompte.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    login_policy: LoginPolicy = field(default_factory=LoginPolicy)

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("ACOMPTE_DATABASE_URL") or f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"
        return cls(database_url=url, login_policy=login_policy_from_env())


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a positive whole number, not {raw!r}")
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
