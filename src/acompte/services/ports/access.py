"""Repositories outside the ledger: users, their memberships and API credentials; the responses kept under
API idempotency keys; the files kept for issued documents."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from acompte.domain.issued_files import FileJob, FileKind, IssuedFile
from acompte.domain.users import (
    Credential,
    CredentialKind,
    LockScope,
    LoginAttempt,
    LoginLock,
    Membership,
    Role,
    TotpState,
    User,
)

if TYPE_CHECKING:
    from acompte.services.idempotency import StoredResponse


class CredentialFacts(Protocol):
    """The token check's one read, outside any unit of work (each API request makes it before its own)."""

    def principal_facts(self, secret_hash: str) -> tuple[Credential, User, Role | None] | None:
        """The credential of this hash, its user and the user's role in its company (None: not a member)."""
        ...


class Users(Protocol):
    """Users and their memberships of companies."""

    def add(self, *, email: str, name: str, password_hash: str) -> int: ...

    def by_email(self, email: str) -> tuple[User, str] | None:
        """The user and its password hash, or None."""

    def get(self, user_id: int) -> User: ...

    def set_language(self, user_id: int, language: str | None) -> None: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def membership(self, company_id: int, user_id: int) -> Membership | None: ...

    def memberships(self, user_id: int) -> list[Membership]: ...

    def members(self, company_id: int) -> list[tuple[User, Role]]: ...

    def set_membership(self, company_id: int, user_id: int, role: Role) -> None: ...

    def totp(self, user_id: int) -> TotpState: ...

    def set_totp(self, user_id: int, state: TotpState) -> None: ...

    # login attempts and locks: not company rows (the email tried may be no one's)

    def add_login_attempt(self, *, email: str, address: str, at: datetime) -> int:
        """Record an attempt, a failure until `login_succeeded`; its id."""

    def login_succeeded(self, attempt_id: int) -> None: ...

    def failures_since(self, scope: LockScope, key: str, since: datetime) -> tuple[datetime, ...]: ...

    def last_success(self, email: str) -> datetime | None: ...

    def attempts(self, emails: list[str], since: datetime, *, limit: int = 100) -> list[LoginAttempt]: ...

    def purge_attempts(self, before: datetime) -> None: ...

    def last_lock(self, scope: LockScope, key: str) -> LoginLock | None: ...

    def add_lock(self, scope: LockScope, key: str, *, at: datetime, until: datetime, failures: int) -> LoginLock: ...

    def locks(self, scope: LockScope, keys: list[str], since: datetime) -> list[LoginLock]: ...

    def unlock(self, scope: LockScope, key: str, *, at: datetime, by: str) -> int: ...


class Credentials(Protocol):
    """API keys and other credentials, stored as hashes."""

    def add(
        self,
        *,
        company_id: int,
        user_id: int,
        kind: CredentialKind,
        role: Role,
        name: str,
        prefix: str,
        secret_hash: str,
        expires_at: datetime | None,
    ) -> Credential: ...

    def by_hash(self, secret_hash: str) -> tuple[Credential, User] | None: ...

    def principal_facts(self, secret_hash: str, *, alone: bool = False) -> tuple[Credential, User, Role | None] | None:
        """The credential, its user and the user's role in its company (None: not a member), in one statement;
        `alone`: nothing else is sent in this unit of work (the statement may then run outside a transaction)."""
        ...

    def list(self, company_id: int, *, kind: CredentialKind | None = None) -> list[Credential]: ...

    def revoke(self, company_id: int, credential_id: int) -> Credential: ...

    def revoke_by_hash(self, secret_hash: str) -> None: ...


class IdempotencyKeys(Protocol):
    """The responses stored under the idempotency keys of API requests."""

    def reserve(self, company_id: int, key: str, *, fingerprint: str, method: str, path: str) -> StoredResponse | None:
        """Take the key for this transaction, or return what is stored under it (a live, earlier request)."""

    def store(self, company_id: int, key: str, response: StoredResponse) -> None: ...

    def record(self, company_id: int, key: str, *, method: str, path: str, response: StoredResponse) -> None:
        """Store a response in a transaction of its own (the request's was rolled back)."""

    def purge(self) -> int: ...


class IssuedFiles(Protocol):
    """The files produced when a document was issued (PDF, Factur-X), kept with their hash."""

    def add(self, company_id: int, file: IssuedFile) -> None: ...

    def get(self, company_id: int, document_id: int, kind: FileKind) -> IssuedFile | None: ...

    def kinds(self, company_id: int, document_id: int) -> set[FileKind]: ...

    def schedule(self, job: FileJob) -> None:
        """Record, in the issuing transaction, the files a document is due and what they are made of."""

    def job(self, company_id: int, document_id: int, *, lock: bool = False) -> FileJob | None: ...

    def claim_due(self, *, limit: int, lease: timedelta, company_id: int | None = None) -> list[FileJob]:
        """Jobs still due, every company's or one's, claimed for `lease`: no other worker renders them meanwhile."""

    def mark_rendered(self, company_id: int, document_id: int) -> None: ...

    def due_count(self, company_id: int | None = None) -> int: ...
