"""Users, their roles in companies, and what each role may do.

A user is a person with an email and a password (stored hashed by the service layer). A membership gives a
user a role in one company; a user may belong to several companies. Everything a person or a program does
happens as a `Principal`: one user, acting in one company, with one role — whether it came through an API
token or a web session. `authorize` is the one place that decides whether a role may do something.

Guessing passwords is made slow and then impossible: `LoginPolicy` says how many failures an account (and a
client address) may have within a window before each new attempt waits (`LoginPolicy.not_before`) and then
before it is locked for a while (`LoginLock`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from acompte.domain.errors import InvalidEmail, PermissionDenied, WeakPassword


class Role(StrEnum):
    ADMIN = "admin"
    ACCOUNTANT = "accountant"
    CLERK = "clerk"
    READ_ONLY = "read-only"


class Permission(StrEnum):
    READ = "read"  # see everything of the company
    WRITE = "write"  # parties, items, documents, payments, allocations
    ACCOUNTING = "accounting"  # accounting exports, write-offs, closing
    ADMIN = "admin"  # company settings, users, API tokens


#: What each role may do. Roles are ordered: each one may do everything the one below it may.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.READ_ONLY: frozenset({Permission.READ}),
    Role.CLERK: frozenset({Permission.READ, Permission.WRITE}),
    Role.ACCOUNTANT: frozenset({Permission.READ, Permission.WRITE, Permission.ACCOUNTING}),
    Role.ADMIN: frozenset(Permission),
}

RANK: dict[Role, int] = {Role.READ_ONLY: 0, Role.CLERK: 1, Role.ACCOUNTANT: 2, Role.ADMIN: 3}

ROLE_LABELS = {
    Role.ADMIN: "administrateur",
    Role.ACCOUNTANT: "comptable",
    Role.CLERK: "employé",
    Role.READ_ONLY: "lecture seule",
}

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 100


def lowest(a: Role, b: Role) -> Role:
    """The less powerful of two roles (a token never does more than its user may)."""
    return a if RANK[a] <= RANK[b] else b


def normalize_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.match(value):
        raise InvalidEmail(email=email)
    return value


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(minimum=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH or "\x00" in password:
        raise WeakPassword(minimum=MIN_PASSWORD_LENGTH)
    return password


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    name: str
    active: bool = True
    language: str | None = None  # "fr" or "en" for the web pages; None: the browser's


#: The languages of the web pages (French is the default).
LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class Membership:
    company_id: int
    user_id: int
    role: Role


class CredentialKind(StrEnum):
    API_TOKEN = "api"  # long-lived, for programs: `Authorization: Bearer <token>`
    SESSION = "session"  # short-lived, for a person in a browser (cookie)


@dataclass(frozen=True, slots=True)
class Credential:
    """An API token or a web session as stored: never the secret itself, only its hash and a short prefix."""

    id: int
    company_id: int
    user_id: int
    kind: CredentialKind
    role: Role
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    user_email: str = ""

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts (one user), for which company, with which role, through which credential."""

    user_id: int
    email: str
    company_id: int
    role: Role
    credential_id: int | None = None
    via: CredentialKind = CredentialKind.API_TOKEN

    @property
    def actor(self) -> str:
        """The name written in the history (the events' actor column holds 100 characters)."""
        return self.email[:100]

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def authorize(principal: Principal, permission: Permission) -> None:
    """Raise PermissionDenied unless the principal's role carries `permission`."""
    if not principal.may(permission):
        raise PermissionDenied(role=principal.role, permission=permission)


# -- login protection -------------------------------------------------------------------------------------


class LockScope(StrEnum):
    ACCOUNT = "account"  # one email, whatever the address
    ADDRESS = "address"  # one client address, whatever the email


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many wrong passwords are tolerated before attempts are slowed down, then refused for a while.

    Failures are counted per account (its email, known or not, so that the answers never tell which emails
    exist) and per client address, within `window`, since the last success of the account and the last lock.
    Beyond the free failures, each attempt waits 1 s, 2 s, 4 s … (at most `max_delay`) after the previous
    failure; at the limit, the account (or the address) is locked for `lockout`. An address gets more
    failures than an account: several people may share one (an office behind one router).
    """

    account_failures: int = 5
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    free_failures: int = 2
    address_free_failures: int = 10
    max_delay: timedelta = timedelta(seconds=30)

    def limit(self, scope: LockScope) -> int:
        return self.account_failures if scope is LockScope.ACCOUNT else self.address_failures

    def delay(self, scope: LockScope, failures: int) -> timedelta:
        """The wait after the last of `failures` counted failures before the next attempt is heard."""
        free = self.free_failures if scope is LockScope.ACCOUNT else self.address_free_failures
        if failures <= free:
            return timedelta(0)
        return min(timedelta(seconds=2 ** min(failures - free - 1, 30)), self.max_delay)

    def not_before(self, scope: LockScope, failures: tuple[datetime, ...]) -> datetime | None:
        """When the next attempt may be heard, given the counted failures (oldest first); None: at once."""
        if not failures:
            return None
        wait = self.delay(scope, len(failures))
        return failures[-1] + wait if wait else None


@dataclass(frozen=True, slots=True)
class LoginLock:
    """An account or an address refused at login until `until` (or until an admin unlocks it)."""

    id: int
    scope: LockScope
    key: str  # the email or the address
    locked_at: datetime
    until: datetime
    failures: int
    unlocked_at: datetime | None = None
    unlocked_by: str = ""

    def holds(self, now: datetime) -> bool:
        return self.unlocked_at is None and now < self.until


@dataclass(frozen=True, slots=True)
class TotpState:
    """A user's TOTP second factor: its secret once enrolment started, enabled once a first code confirmed it,
    and the last time step accepted (a code is accepted once)."""

    secret: str | None = None
    enabled: bool = False
    last_step: int | None = None


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """One login attempt as kept for the admin's page: when, which email, from where, whether it succeeded."""

    at: datetime
    email: str
    address: str
    succeeded: bool
