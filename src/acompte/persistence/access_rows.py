"""Rows of users, their memberships and credentials, idempotency keys and login throttling: who may do what,
apart from the business rows of `rows.py` (same metadata; `rows.py` re-exports them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from acompte.persistence.rows import Base
from acompte.persistence.types import Id


class UserRow(Base):
    """A person who logs in. Users are not company rows: one user may belong to several companies."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # the TOTP second factor: the base32 secret (set when enrolment starts), whether a first code confirmed
    # it, and the last time step accepted (a code is never accepted twice)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class MembershipRow(Base):
    """A user's role in one company."""

    __tablename__ = "memberships"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CredentialRow(Base):
    """An API token or a web session: only the SHA-256 of the secret is kept, with a short prefix to show."""

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("secret_hash", name="uq_credentials_secret_hash"),
        Index("ix_credentials_company_user", "company_id", "user_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyRow(Base):
    """The first response to a POST carrying an Idempotency-Key, kept 24 h to replay it to a retry."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_created_at", "created_at"),)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttemptRow(Base):
    """One login attempt: written as a failure before the password is checked (so that concurrent attempts
    count each other), marked succeeded afterwards. Not a company row: the email may be no one's."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_at", "at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    email: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginLockRow(Base):
    """An account (scope `account`, key: the email) or a client address (scope `address`) refused at login
    until `until`, unless an admin unlocked it before."""

    __tablename__ = "login_locks"
    __table_args__ = (Index("ix_login_locks_scope_key", "scope", "key", "until"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))
    locked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer)
    unlocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    unlocked_by: Mapped[str] = mapped_column(String(100), default="")
