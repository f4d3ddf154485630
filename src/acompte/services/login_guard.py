"""Login throttling and lockout, kept in the database so that every server process applies the same counts.

Around each password check (`services.users.login`):

1. `begin` refuses a locked account or address (`LoginLocked`, even with the right password) and an attempt
   that comes before the progressive delay is over (`LoginThrottled`: refused at once, without checking
   the password, so that nothing waits on the server); otherwise it records the attempt — as a failure,
   before the password is checked, so that concurrent attempts count each other — and commits;
2. `failed` (wrong password or code) locks the account and/or the address that reached its limit, writes a
   warning in the server log, and answers `LoginLocked`;
3. `succeeded` marks the attempt: the account's failures before it no longer count.

The rules (limits, window, delays) are `domain.users.LoginPolicy`. The company's admin sees the failures and
locks of its members and may unlock them (`login_report`, `unlock`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from acompte.domain.errors import InvalidEmail, InvalidSetting, LoginLocked, LoginThrottled, Reason
from acompte.domain.users import LockScope, LoginAttempt, LoginLock, LoginPolicy, normalize_email
from acompte.services.ports import Ctx, UnitOfWork

log = logging.getLogger("acompte.login")

#: Attempts older than this are deleted (they no longer count and the admin's page shows the last day).
RETENTION = timedelta(days=30)
#: How far back the admin's page lists failed attempts.
REPORT_PERIOD = timedelta(hours=24)
MAX_ADDRESS = 64


def account_key(email: str) -> str:
    """The account an attempt counts against: the normalised email, or the text typed when it is not one
    (unknown emails are counted too, so that the answers never tell which emails exist)."""
    try:
        return normalize_email(email)
    except InvalidEmail:
        return (email or "").strip().lower()[:100]


def _keys(email: str, address: str) -> list[tuple[LockScope, str]]:
    keys = [(LockScope.ACCOUNT, email)]
    if address:
        keys.append((LockScope.ADDRESS, address))
    return keys


def _counted_since(uow: UnitOfWork, policy: LoginPolicy, scope: LockScope, key: str, now: datetime) -> datetime:
    """Failures count within the window, after the last lock (it consumed them) and the account's last success."""
    marks = [now - policy.window]
    lock = uow.users.last_lock(scope, key)
    if lock is not None:
        marks.append(lock.locked_at + timedelta(microseconds=1))
        if lock.unlocked_at is not None:
            marks.append(lock.unlocked_at)
    if scope is LockScope.ACCOUNT:
        success = uow.users.last_success(key)
        if success is not None:
            marks.append(success + timedelta(microseconds=1))
    return max(marks)


def _locked(lock: LoginLock, now: datetime) -> LoginLocked:
    minutes = max(1, math.ceil((lock.until - now).total_seconds() / 60))
    return LoginLocked(minutes=minutes, until=lock.until, seconds=math.ceil((lock.until - now).total_seconds()))


def begin(uow: UnitOfWork, policy: LoginPolicy, *, email: str, address: str) -> int:
    """Before the password is checked: refuse, or record the attempt (a failure until `succeeded`); its id."""
    key, address = account_key(email), address[:MAX_ADDRESS]
    with uow:
        now = uow.clock.now()
        for scope, value in _keys(key, address):
            lock = uow.users.last_lock(scope, value)
            if lock is not None and lock.holds(now):
                raise _locked(lock, now)
            failures = uow.users.failures_since(scope, value, _counted_since(uow, policy, scope, value, now))
            not_before = policy.not_before(scope, failures)
            if not_before is not None and now < not_before:
                raise LoginThrottled(seconds=max(1, math.ceil((not_before - now).total_seconds())))
        attempt = uow.users.add_login_attempt(email=key, address=address, at=now)
        uow.commit()
        return attempt


def failed(uow: UnitOfWork, policy: LoginPolicy, *, email: str, address: str) -> None:
    """After a wrong password or code: lock what reached its limit (LoginLocked is raised then)."""
    key, address = account_key(email), address[:MAX_ADDRESS]
    locks = []
    with uow:
        now = uow.clock.now()
        for scope, value in _keys(key, address):
            current = uow.users.last_lock(scope, value)
            if current is not None and current.holds(now):  # a concurrent attempt locked it already
                locks.append(current)
                continue
            count = len(uow.users.failures_since(scope, value, _counted_since(uow, policy, scope, value, now)))
            if count >= policy.limit(scope):
                lock = uow.users.add_lock(scope, value, at=now, until=now + policy.lockout, failures=count)
                locks.append(lock)
                log.warning(
                    "login locked: %s %s after %d failures, until %s (email %s, address %s)",
                    scope.value,
                    value,
                    count,
                    lock.until.isoformat(),
                    key,
                    address or "?",
                )
        uow.users.purge_attempts(now - RETENTION)
        uow.commit()
    if locks:
        raise _locked(max(locks, key=lambda lock: lock.until), now)


def succeeded(uow: UnitOfWork, attempt: int) -> None:
    with uow:
        uow.users.login_succeeded(attempt)
        uow.commit()


# -- what the company's admin sees and does ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginReport:
    """The company's members' accounts locked now and their failed logins of the last day (latest first)."""

    locks: list[LoginLock]
    failures: list[LoginAttempt]


def login_report(uow: UnitOfWork, ctx: Ctx) -> LoginReport:
    with uow:
        now = uow.clock.now()
        emails = [user.email for user, _role in uow.users.members(ctx.company_id)]
        locks = [lock for lock in uow.users.locks(LockScope.ACCOUNT, emails, now) if lock.holds(now)]
        failures = [a for a in uow.users.attempts(emails, now - REPORT_PERIOD) if not a.succeeded]
        return LoginReport(locks=locks, failures=failures)


def unlock(uow: UnitOfWork, ctx: Ctx, *, email: str) -> int:
    """A company's admin ends the lock of one of its members' accounts; how many locks ended."""
    key = account_key(email)
    with uow:
        if key not in {user.email for user, _role in uow.users.members(ctx.company_id)}:
            raise InvalidSetting(reason=Reason.UNKNOWN_USER, email=key)
        ended = uow.users.unlock(LockScope.ACCOUNT, key, at=uow.clock.now(), by=ctx.actor)
        uow.commit()
    log.warning("login unlocked: account %s by %s", key, ctx.actor)
    return ended


def unlock_any(uow: UnitOfWork, scope: LockScope, key: str, *, by: str) -> int:
    """The operator (command line) ends the lock of any account or address; how many locks ended."""
    value = account_key(key) if scope is LockScope.ACCOUNT else key[:MAX_ADDRESS]
    with uow:
        ended = uow.users.unlock(scope, value, at=uow.clock.now(), by=by)
        uow.commit()
    log.warning("login unlocked: %s %s by %s", scope.value, value, by)
    return ended
