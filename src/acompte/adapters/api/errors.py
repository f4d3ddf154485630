"""Errors as RFC 9457 `application/problem+json`, from ONE table.

`PROBLEMS` lists every problem type the API can answer: one entry per `DomainError` subclass (a test checks
that none is missing) and the few HTTP-level ones (invalid request, malformed JSON...), with its HTTP status —
the domain knows none. Each has a stable type URI, `/api/v1/errors/<code>`, which serves a page describing it.
Titles, descriptions and the `detail` sentence come from the one gettext catalogue (`adapters/i18n`) in the
request's `Accept-Language` (French by default, English available); the error's `params` become extra members
of the problem (`available`, `requested`...), as plain values.

To add a domain error: add its class to `domain/errors.py`, its sentence to `adapters/i18n/messages.py`, then
one `ProblemType` line in `adapters/problems.py`; translate the new msgids in the catalogue.
"""

from __future__ import annotations

import html
import logging
import string
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from acompte.adapters.i18n import catalogue, formats, render
from acompte.adapters.i18n.catalogue import N_
from acompte.adapters.problems import (
    BY_CODE,
    ERRORS_PATH,
    PROBLEMS,
    ProblemType,
    problem_type_for,
)
from acompte.domain import errors as e

log = logging.getLogger("acompte.api")

PROBLEM_JSON = "application/problem+json"
LANGUAGES = catalogue.LANGUAGES
#: Members of a problem that the error's params may not overwrite.
RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "errors"})


def language(request: Request) -> str:
    """`fr` or `en` from Accept-Language (quality values respected); French by default."""
    return formats.negotiate(request.headers.get("accept-language", ""))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def problem_body(
    problem: ProblemType, lang: str, detail: str, *, instance: str | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem.type_uri,
        "title": problem.title(lang),
        "status": problem.status,
        "detail": detail,
        "code": problem.code,
    }
    if instance:
        body["instance"] = instance
    for key, value in (extra or {}).items():
        if key not in RESERVED:
            body[key] = _plain(value)
    return body


def problem_json(status: int, body: dict[str, Any], lang: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Content-Language": lang, **(headers or {})},
    )


def message(error: e.DomainError, lang: str) -> str:
    """The error's sentence in `lang` (`fr` or `en`): the web pages show it next to the field at fault."""
    return render.message(error, lang)


def domain_problem(request: Request, error: e.DomainError) -> JSONResponse:
    """The problem+json response for a business error."""
    problem = problem_type_for(error)
    lang = language(request)
    detail = message(error, lang)
    headers = {}
    if isinstance(error, e.AuthenticationRequired):
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(error, e.InvalidCredentials):
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    elif isinstance(error, e.TemporarilyUnavailable):
        headers["Retry-After"] = str(error.params.get("retry_after", 1))
    body = problem_body(problem, lang, detail, instance=request.url.path, extra=error.params)
    return problem_json(problem.status, body, lang, headers)


# -- validation errors ---------------------------------------------------------------------------------

#: The usual validation error types in French (Pydantic's own messages, English, are what English readers get).
FIELD_MESSAGES = {
    "missing": N_("champ obligatoire"),
    "extra_forbidden": N_("champ inconnu"),
    "string_type": N_("une chaîne de caractères est attendue"),
    "string_pattern_mismatch": N_("format invalide"),
    "string_too_short": N_("trop court"),
    "string_too_long": N_("trop long"),
    "bool_type": N_("true ou false est attendu"),
    "int_type": N_("un entier est attendu"),
    "int_parsing": N_("un entier est attendu"),
    "enum": N_("valeur non admise"),
    "literal_error": N_("valeur non admise"),
    "list_type": N_("une liste est attendue"),
    "too_long": N_("trop d'éléments"),
    "model_type": N_("un objet JSON est attendu"),
    "model_attributes_type": N_("un objet JSON est attendu"),
    "dict_type": N_("un objet JSON est attendu"),
    "date_from_datetime_parsing": N_("date invalide"),
    "date_parsing": N_("date invalide"),
    "date_type": N_("date invalide"),
    "less_than_equal": N_("valeur trop grande"),
    "greater_than_equal": N_("valeur trop petite"),
    "invalid_cursor": N_("curseur invalide"),
    "string_unicode": N_("texte invalide"),
}
#: acompte's own validation errors with params: the schemas raise them in French, the catalogue translates.
OWN_FIELD_MESSAGES = {
    "unknown_currency": N_("Devise inconnue : {currency}"),
    "too_many_decimals": N_("Au plus {places} décimales en {currency}"),
    "date_out_of_range": N_("Date entre le {minimum} et le {maximum} attendue"),
}
#: acompte's own validation messages without params, as the schemas word them (listed for extraction).
OWN_FIELD_TEXTS = (
    N_("Date attendue au format AAAA-MM-JJ"),
    N_("Indiquez le tiers, ou la facture que l'avoir corrige (origin_id)"),
    N_("La date de début est postérieure à la date de fin"),
    N_("Un montant ou un pourcentage par ligne"),
    N_("Un montant ou un pourcentage, pas les deux"),
    N_("Un montant, un pourcentage ou des lignes : un seul"),
    N_("payment_id ou credit_id, un seul"),
)


def _field_message(kind: str, error: Any, lang: str) -> str:
    message = str(error.get("msg", ""))
    if kind in OWN_FIELD_MESSAGES:
        return catalogue.gettext(lang, OWN_FIELD_MESSAGES[kind]).format_map(error.get("ctx") or {})
    if message in OWN_FIELD_TEXTS:
        return catalogue.gettext(lang, message)
    if lang == "fr" and kind in FIELD_MESSAGES:
        return FIELD_MESSAGES[kind]
    return message


def _field_errors(exc: RequestValidationError, lang: str) -> list[dict[str, str]]:
    result = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc and loc[0] in {"body", "query", "path", "header", "cookie"} else "body"
        field = ".".join(loc[1:] if loc and loc[0] == where else loc)
        kind = str(error.get("type", "invalid"))
        result.append({"location": where, "field": field, "message": _field_message(kind, error, lang), "type": kind})
    return result


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    lang = language(request)
    errors = _field_errors(exc, lang)
    if any(err["type"] == "json_invalid" for err in errors):
        problem = BY_CODE["malformed-json"]
        detail = catalogue.gettext(lang, "Le corps de la requête n'est pas du JSON valide.")
        return problem_json(problem.status, problem_body(problem, lang, detail, instance=request.url.path), lang)
    problem = BY_CODE["validation-error"]
    detail = catalogue.ngettext(
        lang,
        "La requête contient {count} champ invalide : voir `errors`.",
        "La requête contient {count} champs invalides : voir `errors`.",
        len(errors),
    )
    body = problem_body(problem, lang, detail, instance=request.url.path)
    body["errors"] = errors
    return problem_json(problem.status, body, lang)


def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
    lang = language(request)
    code = {404: "route-not-found", 405: "method-not-allowed", 413: "payload-too-large"}.get(exc.status_code)
    problem = BY_CODE[code or "http-error"]
    detail = problem.about(lang)
    if code is None:
        detail = str(exc.detail)
    body = problem_body(problem, lang, detail, instance=request.url.path)
    body["status"] = exc.status_code
    return problem_json(exc.status_code, body, lang, dict(exc.headers or {}))


def internal_problem(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    lang = language(request)
    problem = BY_CODE["internal-error"]
    detail = problem.about(lang)
    body = problem_body(problem, lang, detail, instance=request.url.path)
    # The server closes the connection after an unexpected error (Starlette raises it again once this answer is
    # sent): say so, or the client sends its next request on a connection that will never answer.
    return problem_json(500, body, lang, {"Connection": "close"})


def html_page(request: Request, exc: Exception) -> Response | None:
    """Outside `/api`, the web application (when mounted) answers errors with a page."""
    page_for = getattr(request.app.state, "html_error", None)
    if page_for is None or request.url.path.startswith("/api"):
        return None
    page: Response | None = page_for(request, exc)
    return page


def error_response(request: Request, error: e.DomainError) -> Response:
    """A business error's answer: a page outside `/api` (when the web application is mounted), else a problem."""
    if isinstance(error, e.TemporarilyUnavailable):
        cause = error.__cause__
        because = f" ({type(cause).__name__}: {(str(cause).splitlines() or [''])[0]})" if cause is not None else ""
        log.warning("%s %s: %s%s", request.method, request.url.path, error, because)
    page = html_page(request, error)
    if page is None:
        return domain_problem(request, error)
    if isinstance(error, e.TemporarilyUnavailable):
        page.headers["Retry-After"] = str(error.params.get("retry_after", 1))
    return page


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, e.DomainError)
        return error_response(request, exc)

    def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return html_page(request, exc) or validation_problem(request, exc)

    def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return html_page(request, exc) or http_problem(request, exc)

    def on_unexpected(request: Request, exc: Exception) -> Response:
        page = html_page(request, exc)
        if page is None:
            return internal_problem(request, exc)
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return page

    app.add_exception_handler(e.DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


# -- the pages behind the type URIs -------------------------------------------------------------------


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def describe(problem: ProblemType) -> dict[str, Any]:
    return {
        "type": problem.type_uri,
        "code": problem.code,
        "status": problem.status,
        "title": {lang: problem.title(lang) for lang in LANGUAGES},
        "description": {lang: problem.about(lang) for lang in LANGUAGES},
        "fields": _placeholders(render.template_of(problem.error)) if problem.error else [],
    }


def page(problem: ProblemType) -> HTMLResponse:
    info = describe(problem)
    fields = "".join(f"<li><code>{html.escape(f)}</code></li>" for f in info["fields"]) or "<li>—</li>"
    esc = html.escape
    title_fr, title_en, about_fr, about_en = (
        problem.title("fr"),
        problem.title("en"),
        problem.about("fr"),
        problem.about("en"),
    )
    body = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{esc(title_fr)} — acompte API</title>
<link rel="stylesheet" href="/static/problem.css"></head>
<body>
<p><a href="{ERRORS_PATH}">Erreurs de l'API / API errors</a></p>
<h1>{esc(title_fr)} <small>({problem.status})</small></h1>
<p>{esc(about_fr)}</p>
<h2 lang="en">{esc(title_en)}</h2>
<p lang="en">{esc(about_en)}</p>
<p>Type : <code>{esc(problem.type_uri)}</code> — code : <code>{esc(problem.code)}</code></p>
<h3>Champs propres à l'erreur / error-specific fields</h3><ul>{fields}</ul>
</body></html>"""
    return HTMLResponse(body)


def index_page() -> HTMLResponse:
    rows = "".join(
        f'<tr><td><a href="{html.escape(p.type_uri)}"><code>{html.escape(p.code)}</code></a></td>'
        f"<td>{p.status}</td><td>{html.escape(p.title('fr'))}</td><td>{html.escape(p.title('en'))}</td></tr>"
        for p in PROBLEMS
    )
    return HTMLResponse(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreurs — acompte API</title></head>'
        "<body><h1>Erreurs de l'API / API errors</h1><table><tr><th>code</th><th>statut</th><th>titre</th>"
        f"<th>title</th></tr>{rows}</table></body></html>"
    )
