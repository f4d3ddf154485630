"""Users, memberships, API tokens and web sessions: who may act, for which company, with which role.

Passwords are hashed with Argon2id (argon2-cffi). API tokens and session secrets are random (256 bits) and
stored only as their SHA-256 hash: the secret is shown once, when it is created. Both kinds of credential
resolve to the same `Principal`, so the API (bearer tokens) and the web pages (session cookies) apply the
same roles through `domain.users.authorize`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from acompte.domain.company_events import MembershipGranted, TokenCreated, TokenRevoked
from acompte.domain.errors import (
    InvalidCredentials,
    InvalidEmail,
    InvalidSetting,
    Reason,
    RoleNotGranted,
    SecondFactorRequired,
    UserExists,
)
from acompte.domain.users import (
    LANGUAGES,
    Credential,
    CredentialKind,
    LoginPolicy,
    Membership,
    Principal,
    Role,
    User,
    check_password,
    lowest,
    normalize_email,
)
from acompte.services import login_guard, second_factor
from acompte.services.messagebus import publish
from acompte.services.ports import Clock, CredentialFacts, Ctx, UnitOfWork

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so that a wrong email costs as long as a wrong password."""
    return _hasher.hash("acompte-dummy-password")


TOKEN_PREFIX = {CredentialKind.API_TOKEN: "acp_", CredentialKind.SESSION: "acs_"}
SESSION_LIFETIME = timedelta(hours=12)
MAX_TOKEN_NAME = 100


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


# -- users and memberships ------------------------------------------------------------------------------


def create_user(uow: UnitOfWork, *, email: str, password: str, name: str = "") -> User:
    """Create a user (not yet a member of any company)."""
    email = normalize_email(email)
    password_hash = hash_password(password)
    with uow:
        if uow.users.by_email(email) is not None:
            raise UserExists(email=email)
        user_id = uow.users.add(email=email, name=name.strip()[:200], password_hash=password_hash)
        user = uow.users.get(user_id)
        uow.commit()
        return user


def set_password(uow: UnitOfWork, *, email: str, password: str) -> User:
    email = normalize_email(email)
    password_hash = hash_password(password)
    with uow:
        found = uow.users.by_email(email)
        if found is None:
            raise InvalidCredentials()
        uow.users.set_password_hash(found[0].id, password_hash)
        uow.commit()
        return found[0]


def set_language(uow: UnitOfWork, user_id: int, language: str) -> User:
    """The user's language for the web pages, kept across browsers and sessions."""
    if language not in LANGUAGES:
        raise InvalidSetting(reason=Reason.UNKNOWN_LANGUAGE, language=language)
    with uow:
        uow.users.set_language(user_id, language)
        user = uow.users.get(user_id)
        uow.commit()
        return user


def get_user(uow: UnitOfWork, *, email: str) -> User | None:
    with uow:
        found = uow.users.by_email(normalize_email(email))
        return None if found is None else found[0]


def grant(uow: UnitOfWork, ctx: Ctx, *, email: str, role: Role) -> Membership:
    """Give a user a role in the company (or change it). Existing tokens never exceed the new role."""
    email = normalize_email(email)
    with uow:
        uow.companies.get(ctx.company_id)
        found = uow.users.by_email(email)
        if found is None:
            raise InvalidSetting(reason=Reason.UNKNOWN_USER, email=email)
        user = found[0]
        before = uow.users.membership(ctx.company_id, user.id)
        uow.users.set_membership(ctx.company_id, user.id, role)
        publish(
            uow,
            ctx,
            MembershipGranted(
                company_id=ctx.company_id,
                user=email,
                role_before=before.role.value if before else None,
                role_after=role.value,
            ),
        )
        uow.commit()
        return Membership(ctx.company_id, user.id, role)


def memberships(uow: UnitOfWork, user_id: int) -> list[Membership]:
    """The companies a user belongs to, with the role in each (for a company switcher)."""
    with uow:
        return list(uow.users.memberships(user_id))


def members(uow: UnitOfWork, ctx: Ctx) -> list[tuple[User, Role]]:
    with uow:
        return list(uow.users.members(ctx.company_id))


def authenticate_password(uow: UnitOfWork, *, email: str, password: str) -> User:
    """The user whose email and password these are; InvalidCredentials otherwise (same answer for both).

    No transaction is open while Argon2 works (on SQLite every transaction holds the write lock)."""
    try:
        email = normalize_email(email)
    except InvalidEmail:
        _verify(_dummy_hash(), password)
        raise InvalidCredentials() from None
    with uow:
        found = uow.users.by_email(email)
    if found is None:
        _verify(_dummy_hash(), password)
        raise InvalidCredentials()
    user, stored = found
    if not _verify(stored, password) or not user.active:
        raise InvalidCredentials()
    if _hasher.check_needs_rehash(stored):
        rehashed = _hasher.hash(password)
        with uow:
            uow.users.set_password_hash(user.id, rehashed)
            uow.commit()
    return user


def _verify(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


# -- credentials: API tokens and web sessions --------------------------------------------------------------


def _issue(
    uow: UnitOfWork,
    *,
    company_id: int,
    user: User,
    kind: CredentialKind,
    role: Role,
    name: str,
    expires_at: datetime | None,
) -> tuple[Credential, str]:
    secret = TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)
    credential = uow.credentials.add(
        company_id=company_id,
        user_id=user.id,
        kind=kind,
        role=role,
        name=name,
        prefix=secret[:12],
        secret_hash=secret_hash(secret),
        expires_at=expires_at,
    )
    return credential, secret


def _member_role(uow: UnitOfWork, company_id: int, user: User) -> Role:
    membership = uow.users.membership(company_id, user.id)
    if membership is None:
        raise InvalidSetting(reason=Reason.NOT_A_MEMBER, email=user.email)
    return membership.role


def create_token(
    uow: UnitOfWork,
    ctx: Ctx,
    *,
    email: str,
    role: Role | None = None,
    name: str = "",
    expires_at: datetime | None = None,
) -> tuple[Credential, str]:
    """Create an API token for a member of the company. Returns the token record and the secret, shown once.

    The token's role defaults to the user's role and may be lower, never higher.
    """
    email = normalize_email(email)
    name = name.strip()
    if len(name) > MAX_TOKEN_NAME or "\x00" in name:
        raise InvalidSetting(reason=Reason.TOKEN_NAME_TOO_LONG, maximum=MAX_TOKEN_NAME)
    with uow:
        uow.companies.get(ctx.company_id)
        found = uow.users.by_email(email)
        if found is None:
            raise InvalidSetting(reason=Reason.UNKNOWN_USER, email=email)
        user = found[0]
        granted = _member_role(uow, ctx.company_id, user)
        role = role or granted
        if lowest(role, granted) is not role:
            raise RoleNotGranted(role=Role(role), email=email, granted=Role(granted))
        credential, secret = _issue(
            uow,
            company_id=ctx.company_id,
            user=user,
            kind=CredentialKind.API_TOKEN,
            role=role,
            name=name or f"jeton {email}",
            expires_at=expires_at,
        )
        publish(
            uow,
            ctx,
            TokenCreated(
                company_id=ctx.company_id, token_id=credential.id, prefix=credential.prefix, user=email, role=role.value
            ),
        )
        uow.commit()
        return credential, secret


def list_tokens(uow: UnitOfWork, ctx: Ctx) -> list[Credential]:
    with uow:
        return list(uow.credentials.list(ctx.company_id, kind=CredentialKind.API_TOKEN))


def revoke_token(uow: UnitOfWork, ctx: Ctx, token_id: int) -> Credential:
    with uow:
        credential = uow.credentials.revoke(ctx.company_id, token_id)
        publish(uow, ctx, TokenRevoked(company_id=ctx.company_id, token_id=credential.id, prefix=credential.prefix))
        uow.commit()
        return credential


def _principal(uow: UnitOfWork, secret: str, kind: CredentialKind, *, alone: bool = True) -> Principal:
    """`alone`: the lookup is the only statement of its unit of work (see `principal_facts`)."""
    if not _well_formed(secret, kind):
        raise InvalidCredentials()
    return _checked(uow.credentials.principal_facts(secret_hash(secret), alone=alone), kind, uow.clock.now())


def _well_formed(secret: str, kind: CredentialKind) -> bool:
    return isinstance(secret, str) and secret.startswith(TOKEN_PREFIX[kind]) and len(secret) <= 200


def _checked(found: tuple[Credential, User, Role | None] | None, kind: CredentialKind, now: datetime) -> Principal:
    """The principal of a credential read anew for this request: a revocation, an expiry, a deactivated user or a
    withdrawn membership refuses the very next request."""
    if found is None:
        raise InvalidCredentials()
    credential, user, member_role = found
    if credential.kind is not kind or credential.revoked_at is not None or not user.active:
        raise InvalidCredentials()
    if credential.expires_at is not None and credential.expires_at <= now:
        raise InvalidCredentials()
    if member_role is None:
        raise InvalidCredentials()
    return Principal(
        user_id=user.id,
        email=user.email,
        company_id=credential.company_id,
        role=lowest(credential.role, member_role),
        credential_id=credential.id,
        via=kind,
    )


def authenticate_token(uow: UnitOfWork, token: str) -> Principal:
    """The principal an API token acts as; InvalidCredentials when unknown, revoked, expired or orphaned."""
    with uow:
        return _principal(uow, token, CredentialKind.API_TOKEN)


def verify_token(facts: CredentialFacts, clock: Clock, token: str) -> Principal:
    """`authenticate_token` without a unit of work, for the API's requests: the same checks on the same one read."""
    if not _well_formed(token, CredentialKind.API_TOKEN):
        raise InvalidCredentials()
    return _checked(facts.principal_facts(secret_hash(token)), CredentialKind.API_TOKEN, clock.now())


def login(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    company_id: int | None = None,
    address: str = "",
    code: str = "",
    policy: LoginPolicy | None = None,
) -> tuple[Principal, str]:
    """Open a web session: check the password (and the TOTP code when the user has one), pick the company (the
    first one by default), under the login protection of `login_guard` (per account and per `address`).

    Returns the principal and the session secret to put in a cookie (HttpOnly, Secure, SameSite=Lax).
    LoginLocked / LoginThrottled: refused before any check; SecondFactorRequired: the right password without
    the code; InvalidCredentials: anything wrong.
    """
    policy = policy or LoginPolicy()
    attempt = login_guard.begin(uow, policy, email=email, address=address)
    try:
        user = authenticate_password(uow, email=email, password=password)
        with uow:
            member_of = uow.users.memberships(user.id)
            chosen = next((m for m in member_of if company_id is None or m.company_id == company_id), None)
            if chosen is None:
                raise InvalidCredentials()
            second_factor.check_at_login(uow, user.id, code)
            _credential, secret = _issue(
                uow,
                company_id=chosen.company_id,
                user=user,
                kind=CredentialKind.SESSION,
                role=chosen.role,
                name="session",
                expires_at=uow.clock.now() + SESSION_LIFETIME,
            )
            principal = _principal(uow, secret, CredentialKind.SESSION, alone=False)
            uow.users.login_succeeded(attempt)
            uow.commit()
            return principal, secret
    except (InvalidCredentials, SecondFactorRequired):
        login_guard.failed(uow, policy, email=email, address=address)
        raise


def session_principal(uow: UnitOfWork, secret: str) -> Principal:
    """The principal of a web session cookie; InvalidCredentials when unknown, expired or logged out."""
    with uow:
        return _principal(uow, secret, CredentialKind.SESSION)


def logout(uow: UnitOfWork, secret: str | None) -> None:
    """Revoke the session of a cookie; no cookie (or not a string, from an untrusted request): nothing to do."""
    if not isinstance(secret, str):
        return
    with uow:
        uow.credentials.revoke_by_hash(secret_hash(secret))
        uow.commit()
