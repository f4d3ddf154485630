"""Users, memberships and credentials (API tokens and web sessions) as rows.

Users are global (one person, several companies); memberships and credentials are company rows. Secrets are
never stored: the services hand over only their SHA-256 hash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import Engine, bindparam, delete, select, update
from sqlalchemy.orm import Session

from acompte.domain.errors import NotFound
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
from acompte.persistence.access_rows import CredentialRow, LoginAttemptRow, LoginLockRow, MembershipRow, UserRow
from acompte.persistence.company_keys import WHOLE_DATABASE
from acompte.persistence.engine import as_transient
from acompte.services.ports.clock import Clock, SystemClock


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes: every stored datetime is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _user(row: UserRow) -> User:
    return User(id=row.id, email=row.email, name=row.name, active=row.active, language=row.language)


def _lock(row: LoginLockRow) -> LoginLock:
    return LoginLock(
        id=row.id,
        scope=LockScope(row.scope),
        key=row.key,
        locked_at=aware(row.locked_at),
        until=aware(row.until),
        failures=row.failures,
        unlocked_at=aware(row.unlocked_at),
        unlocked_by=row.unlocked_by,
    )


def _credential(row: CredentialRow, email: str = "") -> Credential:
    return Credential(
        id=row.id,
        company_id=row.company_id,
        user_id=row.user_id,
        kind=CredentialKind(row.kind),
        role=Role(row.role),
        name=row.name,
        prefix=row.prefix,
        created_at=aware(row.created_at),
        expires_at=aware(row.expires_at),
        revoked_at=aware(row.revoked_at),
        user_email=email,
    )


_CREDENTIAL_COLUMNS = (
    CredentialRow.id,
    CredentialRow.company_id,
    CredentialRow.user_id,
    CredentialRow.kind,
    CredentialRow.role,
    CredentialRow.name,
    CredentialRow.prefix,
    CredentialRow.created_at,
    CredentialRow.expires_at,
    CredentialRow.revoked_at,
)
_USER_COLUMNS = (UserRow.id, UserRow.email, UserRow.name, UserRow.active, UserRow.language)
#: Built once: a statement executed as the very object that was compiled and cached skips SQLAlchemy's
#: rebuilding of its result map on every execution.
_PRINCIPAL_FACTS = (
    select(*_CREDENTIAL_COLUMNS, *_USER_COLUMNS, MembershipRow.role)
    .join(UserRow, UserRow.id == CredentialRow.user_id)
    .outerjoin(
        MembershipRow,
        (MembershipRow.company_id == CredentialRow.company_id) & (MembershipRow.user_id == UserRow.id),
    )
    .where(CredentialRow.secret_hash == bindparam("secret_hash"))
)


class UserRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    def add(self, *, email: str, name: str, password_hash: str) -> int:
        row = UserRow(email=email, name=name, password_hash=password_hash, active=True, created_at=self.clock.now())
        self.session.add(row)
        self.session.flush()
        return row.id

    def by_email(self, email: str) -> tuple[User, str] | None:
        """The user and its password hash, or None."""
        row = self.session.scalars(select(UserRow).where(UserRow.email == email)).first()
        return None if row is None else (_user(row), row.password_hash)

    def get(self, user_id: int) -> User:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(entity="Utilisateur", id=user_id)
        return _user(row)

    def set_language(self, user_id: int, language: str | None) -> None:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(entity="Utilisateur", id=user_id)
        row.language = language
        self.session.flush()

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(entity="Utilisateur", id=user_id)
        row.password_hash = password_hash
        self.session.flush()

    def membership(self, company_id: int, user_id: int) -> Membership | None:
        row = self.session.get(MembershipRow, (company_id, user_id))
        return None if row is None else Membership(row.company_id, row.user_id, Role(row.role))

    def memberships(self, user_id: int) -> list[Membership]:
        rows = self.session.scalars(
            select(MembershipRow).where(MembershipRow.user_id == user_id).order_by(MembershipRow.company_id),
            execution_options=WHOLE_DATABASE,  # the companies a person belongs to: read before one is chosen
        )
        return [Membership(r.company_id, r.user_id, Role(r.role)) for r in rows]

    def members(self, company_id: int) -> list[tuple[User, Role]]:
        rows = self.session.execute(
            select(UserRow, MembershipRow.role)
            .join(MembershipRow, MembershipRow.user_id == UserRow.id)
            .where(MembershipRow.company_id == company_id)
            .order_by(UserRow.email)
        )
        return [(_user(u), Role(role)) for u, role in rows]

    def set_membership(self, company_id: int, user_id: int, role: Role) -> None:
        row = self.session.get(MembershipRow, (company_id, user_id))
        if row is None:
            self.session.add(
                MembershipRow(company_id=company_id, user_id=user_id, role=role.value, created_at=self.clock.now())
            )
        else:
            row.role = role.value
        self.session.flush()

    # -- second factor ----------------------------------------------------------------------------------

    def _row(self, user_id: int) -> UserRow:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(entity="Utilisateur", id=user_id)
        return row

    def totp(self, user_id: int) -> TotpState:
        row = self._row(user_id)
        return TotpState(secret=row.totp_secret, enabled=bool(row.totp_enabled), last_step=row.totp_last_step)

    def set_totp(self, user_id: int, state: TotpState) -> None:
        row = self._row(user_id)
        row.totp_secret, row.totp_enabled, row.totp_last_step = state.secret, state.enabled, state.last_step
        self.session.flush()

    # -- login attempts and locks -----------------------------------------------------------------------

    def add_login_attempt(self, *, email: str, address: str, at: datetime) -> int:
        row = LoginAttemptRow(at=at, email=email, address=address, succeeded=False)
        self.session.add(row)
        self.session.flush()
        return row.id

    def login_succeeded(self, attempt_id: int) -> None:
        self.session.execute(update(LoginAttemptRow).where(LoginAttemptRow.id == attempt_id).values(succeeded=True))

    def failures_since(self, scope: LockScope, key: str, since: datetime) -> tuple[datetime, ...]:
        """The times of the failed attempts of an email or an address since `since`, oldest first."""
        column = LoginAttemptRow.email if scope is LockScope.ACCOUNT else LoginAttemptRow.address
        rows = self.session.scalars(
            select(LoginAttemptRow.at)
            .where(column == key, LoginAttemptRow.at >= since, LoginAttemptRow.succeeded.is_(False))
            .order_by(LoginAttemptRow.at, LoginAttemptRow.id)
        )
        return tuple(aware(at) for at in rows)

    def last_success(self, email: str) -> datetime | None:
        found = self.session.scalars(
            select(LoginAttemptRow.at)
            .where(LoginAttemptRow.email == email, LoginAttemptRow.succeeded.is_(True))
            .order_by(LoginAttemptRow.at.desc())
            .limit(1)
        ).first()
        return aware(found)

    def attempts(self, emails: list[str], since: datetime, *, limit: int = 100) -> list[LoginAttempt]:
        """The attempts on these emails since `since`, latest first."""
        if not emails:
            return []
        rows = self.session.scalars(
            select(LoginAttemptRow)
            .where(LoginAttemptRow.email.in_(emails), LoginAttemptRow.at >= since)
            .order_by(LoginAttemptRow.at.desc(), LoginAttemptRow.id.desc())
            .limit(limit)
        )
        return [LoginAttempt(aware(r.at), r.email, r.address, r.succeeded) for r in rows]

    def purge_attempts(self, before: datetime) -> None:
        self.session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < before))

    def last_lock(self, scope: LockScope, key: str) -> LoginLock | None:
        row = self.session.scalars(
            select(LoginLockRow)
            .where(LoginLockRow.scope == scope.value, LoginLockRow.key == key)
            .order_by(LoginLockRow.locked_at.desc(), LoginLockRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _lock(row)

    def add_lock(self, scope: LockScope, key: str, *, at: datetime, until: datetime, failures: int) -> LoginLock:
        row = LoginLockRow(scope=scope.value, key=key, locked_at=at, until=until, failures=failures, unlocked_by="")
        self.session.add(row)
        self.session.flush()
        return _lock(row)

    def locks(self, scope: LockScope, keys: list[str], since: datetime) -> list[LoginLock]:
        """The locks on these keys that end after `since`, latest first."""
        if not keys:
            return []
        rows = self.session.scalars(
            select(LoginLockRow)
            .where(LoginLockRow.scope == scope.value, LoginLockRow.key.in_(keys), LoginLockRow.until > since)
            .order_by(LoginLockRow.locked_at.desc(), LoginLockRow.id.desc())
        )
        return [_lock(r) for r in rows]

    def unlock(self, scope: LockScope, key: str, *, at: datetime, by: str) -> int:
        """End the locks on a key still running at `at`; how many there were."""
        result = self.session.execute(
            update(LoginLockRow)
            .where(
                LoginLockRow.scope == scope.value,
                LoginLockRow.key == key,
                LoginLockRow.until > at,
                LoginLockRow.unlocked_at.is_(None),
            )
            .values(unlocked_at=at, unlocked_by=by[:100])
        )
        return int(getattr(result, "rowcount", 0) or 0)


class CredentialRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

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
    ) -> Credential:
        row = CredentialRow(
            company_id=company_id,
            user_id=user_id,
            kind=kind.value,
            role=role.value,
            name=name,
            prefix=prefix,
            secret_hash=secret_hash,
            created_at=self.clock.now(),
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return _credential(row)

    def by_hash(self, secret_hash: str) -> tuple[Credential, User] | None:
        # a token is found before its company is known: the one lookup across companies on a request's path
        found = self.session.execute(
            select(CredentialRow, UserRow)
            .join(UserRow, UserRow.id == CredentialRow.user_id)
            .where(CredentialRow.secret_hash == secret_hash)
            .execution_options(**WHOLE_DATABASE)
        ).first()
        if found is None:
            return None
        row, user = found
        return _credential(row, user.email), _user(user)

    def principal_facts(self, secret_hash: str, *, alone: bool = False) -> tuple[Credential, User, Role | None] | None:
        """The credential of this hash, its user and the user's role in the credential's company (None when no
        longer a member), in one statement.

        `alone`: the caller's unit of work sends nothing else. On PostgreSQL the statement then runs outside any
        transaction (autocommit): one round trip instead of four (BEGIN, two queries, ROLLBACK) — one SELECT sees
        one snapshot by itself, and nothing is read after it that would need the same one."""
        session = self.session
        if alone and not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
            connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        else:
            connection = session.connection()
        return _principal_facts(connection.execute(_PRINCIPAL_FACTS, {"secret_hash": secret_hash}).first())

    def list(self, company_id: int, *, kind: CredentialKind | None = None) -> list[Credential]:
        stmt = (
            select(CredentialRow, UserRow.email)
            .join(UserRow, UserRow.id == CredentialRow.user_id)
            .where(CredentialRow.company_id == company_id)
        )
        if kind is not None:
            stmt = stmt.where(CredentialRow.kind == kind.value)
        return [_credential(r, email) for r, email in self.session.execute(stmt.order_by(CredentialRow.id))]

    def revoke(self, company_id: int, credential_id: int) -> Credential:
        row = self.session.scalars(
            select(CredentialRow).where(CredentialRow.company_id == company_id, CredentialRow.id == credential_id)
        ).first()
        if row is None:
            raise NotFound(entity="Jeton", id=credential_id)
        if row.revoked_at is None:
            row.revoked_at = self.clock.now()
            self.session.flush()
        return _credential(row)

    def revoke_by_hash(self, secret_hash: str) -> None:
        # a session cookie names no company: found by its hash, as a token is
        row = self.session.scalars(
            select(CredentialRow).where(CredentialRow.secret_hash == secret_hash), execution_options=WHOLE_DATABASE
        ).first()
        if row is not None and row.revoked_at is None:
            row.revoked_at = self.clock.now()
            self.session.flush()


def _principal_facts(found: Any) -> tuple[Credential, User, Role | None] | None:
    if found is None:
        return None
    row: tuple[Any, ...] = tuple(found)
    (cid, company_id, user_id, kind, role, name, prefix, created, expires, revoked) = row[:10]
    (uid, email, user_name, active, language, member_role) = row[10:]
    credential = Credential(
        id=cid,
        company_id=company_id,
        user_id=user_id,
        kind=CredentialKind(kind),
        role=Role(role),
        name=name,
        prefix=prefix,
        created_at=aware(created),
        expires_at=aware(expires),
        revoked_at=aware(revoked),
        user_email=email,
    )
    user = User(id=uid, email=email, name=user_name, active=active, language=language)
    return credential, user, None if member_role is None else Role(member_role)


class CredentialFacts:
    """What an API request's token check reads, straight from the engine: no session, no unit of work.

    On PostgreSQL the one statement runs in autocommit (one round trip); on SQLite in a transaction of its own,
    as every read there."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._autocommit = engine.dialect.name == "postgresql"

    def principal_facts(self, secret_hash: str) -> tuple[Credential, User, Role | None] | None:
        """A busy, slow or lost database is answered as a unit of work answers it (« nothing written, try again »),
        not as an unexpected error."""
        try:
            with self.engine.connect() as connection:
                if self._autocommit:
                    connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                found = connection.execute(_PRINCIPAL_FACTS, {"secret_hash": secret_hash}).first()
        except Exception as error:
            transient = as_transient(error)
            if transient is None:
                raise
            raise transient from error
        return _principal_facts(found)
