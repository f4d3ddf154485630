"""Users, memberships and credentials (API tokens and web sessions) as rows.

Users are global (one person, several companies); memberships and credentials are company rows. Secrets are
never stored: the services hand over only their SHA-256 hash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from acompte.domain.errors import NotFound
from acompte.domain.users import Credential, CredentialKind, Membership, Role, User
from acompte.persistence.rows import CredentialRow, MembershipRow, UserRow
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
            select(MembershipRow).where(MembershipRow.user_id == user_id).order_by(MembershipRow.company_id)
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
        found = self.session.execute(
            select(CredentialRow, UserRow)
            .join(UserRow, UserRow.id == CredentialRow.user_id)
            .where(CredentialRow.secret_hash == secret_hash)
        ).first()
        if found is None:
            return None
        row, user = found
        return _credential(row, user.email), _user(user)

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
        row = self.session.scalars(select(CredentialRow).where(CredentialRow.secret_hash == secret_hash)).first()
        if row is not None and row.revoked_at is None:
            row.revoked_at = self.clock.now()
            self.session.flush()
