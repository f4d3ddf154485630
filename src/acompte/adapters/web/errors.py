"""Error pages for the web application: login redirect, 403, 404, refused form, unexpected error.

The API keeps answering problem+json under `/api`; everything else gets these pages (installed through
`app.state.html_error`, which the API's handlers consult)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from acompte.adapters.i18n import message
from acompte.adapters.problems import status_of
from acompte.adapters.web import i18n
from acompte.adapters.web.security import CsrfRejected, LoginRequired
from acompte.adapters.web.templating import redirect, render
from acompte.domain import errors as e


def error_text(request: Request, error: e.DomainError) -> str:
    """The domain error's sentence in the user's language (shown next to the field at fault)."""
    return message(error, i18n.language(request))


def french_text(error: e.DomainError) -> str:
    """The French sentence, for the forms that still pick the field at fault from its words."""
    return message(error, "fr")


def about_payment_method(error: e.DomainError) -> bool:
    """Whether an error is about the payment method typed (the form then shows it next to that field)."""
    if error.reason is e.Reason.UNKNOWN_PAYMENT_METHOD:
        return True
    # callers not yet converted to reason codes still say it in words
    return isinstance(error.reason, str) and "mode de règlement" in error.reason


def page_for(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(request, f"/login?next={quote(target)}")
    if isinstance(exc, CsrfRejected):
        return _page(
            request,
            403,
            "Formulaire expiré",
            "Le formulaire a expiré ou ne vient pas d'acompte : rechargez la page et recommencez.",
        )
    if isinstance(exc, e.DomainError):
        if isinstance(exc, e.NotFound):
            return _page(request, 404, "Introuvable", "Cette page n'existe pas dans votre société.")
        status = status_of(type(exc))
        title = "Action non autorisée" if status == 403 else "Opération refusée"
        return _page(request, status, title, error_text(request, exc), translated=True)
    if isinstance(exc, RequestValidationError):
        return _page(request, 400, "Requête invalide", "Un paramètre de la page est invalide.")
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            return _page(request, 404, "Introuvable", "Cette page n'existe pas dans votre société.")
        return _page(request, exc.status_code, "Requête refusée", str(exc.detail))
    return _page(request, 500, "Erreur inattendue", "Une erreur inattendue s'est produite ; rien n'a été enregistré.")


def _page(request: Request, status: int, title: str, detail: str, *, translated: bool = False) -> Response:
    return render(
        request, "error.html", {"status": status, "title": title, "detail": detail, "translated": translated}, status
    )
