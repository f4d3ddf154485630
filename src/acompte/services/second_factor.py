"""The optional second factor of a user: a TOTP code (RFC 6238, 6 digits every 30 s) from an authenticator app.

- `start` gives a new secret and its `otpauth://` URI (shown once, to be scanned or typed into the app); the
  factor is not required yet.
- `confirm` checks a first code from the app: from then on the login asks for the code (`check_at_login`).
- `reset` (an admin, from the command line) removes it, e.g. when the phone is lost.

A code is accepted within one step of the clock (±30 s) and only once: the last step used is stored.
"""

from __future__ import annotations

import hmac

import pyotp

from acompte.domain.errors import InvalidCredentials, InvalidSetting, Reason, SecondFactorRequired
from acompte.domain.users import TotpState, normalize_email
from acompte.services.ports import UnitOfWork

ISSUER = "acompte"
STEP_SECONDS = 30
DIGITS = 6


def _step(uow: UnitOfWork) -> int:
    return int(uow.clock.now().timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str, now_step: int, last_step: int | None) -> int | None:
    """The time step (now, or one before or after) whose code this is, if not used yet."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    for step in (now_step - 1, now_step, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enabled(uow: UnitOfWork, user_id: int) -> bool:
    with uow:
        return uow.users.totp(user_id).enabled


def start(uow: UnitOfWork, user_id: int) -> tuple[str, str]:
    """A new secret for the user (not required until `confirm`): the secret and its otpauth:// URI."""
    secret = pyotp.random_base32()
    with uow:
        user = uow.users.get(user_id)
        if uow.users.totp(user_id).enabled:
            raise InvalidSetting(reason=Reason.SECOND_FACTOR_ALREADY_ENABLED)
        uow.users.set_totp(user_id, TotpState(secret=secret, enabled=False))
        uow.commit()
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return secret, uri


def confirm(uow: UnitOfWork, user_id: int, code: str) -> None:
    """Enable the second factor with a first code from the app; InvalidCredentials for a wrong code."""
    with uow:
        state = uow.users.totp(user_id)
        if state.enabled or not state.secret:
            raise InvalidSetting(reason=Reason.SECOND_FACTOR_NOT_STARTED)
        step = _matching_step(state.secret, code, _step(uow), state.last_step)
        if step is None:
            raise InvalidCredentials()
        uow.users.set_totp(user_id, TotpState(secret=state.secret, enabled=True, last_step=step))
        uow.commit()


def check_at_login(uow: UnitOfWork, user_id: int, code: str) -> None:
    """Inside the login's unit of work: nothing to do without a second factor; the code is required with one."""
    state = uow.users.totp(user_id)
    if not state.enabled or not state.secret:
        return
    if not (code or "").strip():
        raise SecondFactorRequired()
    step = _matching_step(state.secret, code, _step(uow), state.last_step)
    if step is None:
        raise InvalidCredentials()
    uow.users.set_totp(user_id, TotpState(secret=state.secret, enabled=True, last_step=step))


def reset(uow: UnitOfWork, *, email: str) -> bool:
    """Remove a user's second factor (lost phone); whether there was one."""
    email = normalize_email(email)
    with uow:
        found = uow.users.by_email(email)
        if found is None:
            raise InvalidSetting(reason=Reason.UNKNOWN_USER, email=email)
        had = uow.users.totp(found[0].id).secret is not None
        uow.users.set_totp(found[0].id, TotpState())
        uow.commit()
        return had
