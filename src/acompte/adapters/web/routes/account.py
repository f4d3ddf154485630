"""The signed-in user's own security page: the optional second factor (TOTP code from an authenticator app).

Enrolment shows a new secret once (its otpauth:// URI and the secret to type), then a first code from the app
confirms it; from then on the login asks for the code. Only an admin removes it (`acompte user totp-reset`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acompte.adapters.web import security
from acompte.adapters.web.templating import redirect, render, translate
from acompte.domain.errors import DomainError, InvalidCredentials
from acompte.services import second_factor

router = APIRouter()


def _page(
    request: Request, *, enrolment: tuple[str, str] | None = None, error: str = "", status: int = 200
) -> Response:
    principal = security.session_principal(request)
    context = {
        "enabled": second_factor.enabled(security.uow_of(request), principal.user_id),
        "enrolment": enrolment,
        "error": error,
    }
    response = render(request, "account/security.html", context, status)
    if enrolment is not None:  # the secret is shown once: never kept by a cache
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/account/security")
def security_page(request: Request, ctx: security.PageRead) -> Response:
    return _page(request)


@router.post("/account/security/totp")
def start_totp(request: Request, ctx: security.PageRead) -> Response:
    principal = security.session_principal(request)
    try:
        secret, uri = second_factor.start(security.uow_of(request), principal.user_id)
    except DomainError:
        return redirect(request, "/account/security")
    return _page(request, enrolment=(secret, uri))


@router.post("/account/security/totp/confirm")
def confirm_totp(request: Request, ctx: security.PageRead) -> Response:
    principal = security.session_principal(request)
    code = security.posted_form(request).get("code")
    try:
        second_factor.confirm(security.uow_of(request), principal.user_id, code if isinstance(code, str) else "")
    except InvalidCredentials:
        message = translate(request, "Code incorrect : affichez un nouveau secret et recommencez.")
        return _page(request, error=message, status=422)
    except DomainError:
        return redirect(request, "/account/security")
    return redirect(request, "/account/security", flash=translate(request, "Double authentification activée"))
