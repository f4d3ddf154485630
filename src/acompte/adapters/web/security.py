"""Web sessions, CSRF protection and the company-scoped contexts of the pages.

- Login opens a session (services.users.login): its secret lives only in the `acompte_session` cookie
  (HttpOnly, SameSite=Lax, Secure over HTTPS); the database keeps its hash.
- Every page depends on `PageRead`, `PageWrite`, `PageAccounting` or `PageAdmin`: no session → redirect to
  the login page; a role that may not → 403 page; ids of another company → 404 (the services scope every
  read by `ctx.company_id`).
- CSRF: every POST carries `csrf_token`, an HMAC of the session secret (so another site can neither read nor
  forge it); the write contexts check it before the route runs. The login form, which has no session yet,
  uses a double-submit cookie.
- A form posted twice (double click, back-and-resubmit) carries the same hidden `form_key`: `once` replays the
  first outcome instead of recording a second payment.
- Nothing blocks the event loop: reading the posted body is the only awaited step (`read_form`, a dependency of
  every page context); the contexts, which read the session from the database, and the routes themselves are
  plain `def`, which FastAPI runs in its thread pool. A route takes the form already read with `posted_form`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from acompte.domain.errors import InvalidCredentials
from acompte.domain.users import Permission, Principal, authorize
from acompte.services import idempotency, users
from acompte.services.ports import Clock, Ctx, UnitOfWork

SESSION_COOKIE = "acompte_session"
LOGIN_CSRF_COOKIE = "acompte_login_csrf"
CSRF_FIELD = "csrf_token"
FORM_KEY_FIELD = "form_key"


class LoginRequired(Exception):
    """No valid session: the page redirects to the login form, then back."""


class CsrfRejected(Exception):
    """A POST without the right CSRF token: refused (403), nothing written."""


def uow_of(request: Request) -> UnitOfWork:
    uow: UnitOfWork = request.app.state.acompte.uow()
    return uow


def clock_of(request: Request) -> Clock:
    """The clock of the application the pages were built with: "today" on a page is its day, so that a test
    can fix it (`bootstrap.build(clock=FixedClock...)`)."""
    clock: Clock = request.app.state.acompte.clock
    return clock


def session_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        known: Principal = cached
        return known
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise LoginRequired()
    try:
        principal = users.session_principal(uow_of(request), secret)
    except InvalidCredentials:
        raise LoginRequired() from None
    request.state.principal = principal
    return principal


def optional_principal(request: Request) -> Principal | None:
    try:
        return session_principal(request)
    except LoginRequired:
        return None


def csrf_token(request: Request) -> str:
    """The token the page's forms carry: bound to the session, or to the login cookie before login."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and optional_principal(request) is not None:
        return hmac.new(secret.encode(), b"acompte-csrf", hashlib.sha256).hexdigest()
    token = getattr(request.state, "login_csrf", None) or request.cookies.get(LOGIN_CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(24)
    request.state.login_csrf = token
    return token


async def read_form(request: Request) -> FormData:
    """The posted form, read once (the only step that awaits the client) and kept for `posted_form`."""
    form = await request.form() if request.method == "POST" else FormData()
    request.state.form = form
    return form


def posted_form(request: Request) -> FormData:
    """The form `read_form` read before the route ran (every page context and `Posted` depend on it)."""
    form = getattr(request.state, "form", None)
    if not isinstance(form, FormData):
        raise RuntimeError("the route reads its form without depending on read_form")
    return form


#: The posted form, for routes outside the page contexts (login, language).
Posted = Annotated[FormData, Depends(read_form)]


def check_csrf(request: Request) -> None:
    if request.method != "POST":
        return
    sent = posted_form(request).get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request)):
        raise CsrfRejected()


def _page_ctx(permission: Permission) -> Callable[..., object]:
    def dependency(request: Request, _form: Posted) -> Ctx:
        principal = session_principal(request)
        authorize(principal, permission)
        check_csrf(request)
        return Ctx(principal.company_id, actor=principal.actor)

    return dependency


PageRead = Annotated[Ctx, Depends(_page_ctx(Permission.READ))]
PageWrite = Annotated[Ctx, Depends(_page_ctx(Permission.WRITE))]
PageAccounting = Annotated[Ctx, Depends(_page_ctx(Permission.ACCOUNTING))]
PageAdmin = Annotated[Ctx, Depends(_page_ctx(Permission.ADMIN))]


def open_session(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")


def keep_login_csrf(response: Response, request: Request) -> None:
    token = getattr(request.state, "login_csrf", None)
    if token and request.cookies.get(LOGIN_CSRF_COOKIE) != token:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
        )


def new_form_key() -> str:
    return secrets.token_urlsafe(16)


def replayed(uow: UnitOfWork, ctx: Ctx, request: Request, form_key: str | None) -> RedirectResponse | None:
    """Inside the route's open unit of work: the redirect the first submission of this form answered, if any.

    Call `remember` with the new redirect before the commit so a second submission finds it."""
    if not idempotency.valid_key(form_key):
        return None
    stored = idempotency.begin(
        uow, ctx.company_id, f"web:{form_key}", fingerprint=f"web:{form_key}", method="POST", path=request.url.path
    )
    if stored is None:
        return None
    return RedirectResponse(stored.headers.get("location", "/"), status_code=303)


def remember(uow: UnitOfWork, ctx: Ctx, form_key: str | None, location: str) -> None:
    if idempotency.valid_key(form_key):
        idempotency.finish(
            uow,
            ctx.company_id,
            f"web:{form_key}",
            idempotency.StoredResponse(f"web:{form_key}", 303, "", {"location": location}),
        )
