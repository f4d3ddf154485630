"""Rendering pages: one Jinja2 environment (autoescaped) with the helpers every template uses.

    return render(request, "documents/list.html", {"rows": rows})

Templates get `_` (translate), `money`, `amount`, `day`, `percent`, `lang`, `principal`, `csrf_field()`,
`form_key_field()`, `flashes`, `url` (the current path) and the position words (`status_word`,
`cancelled_by_word`, `position_figures`, see position_words.py). `redirect(request, url, flash=...)` answers a POST
with 303 See Other (post/redirect/get) and carries a one-time message to the next page.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from acompte import __version__
from acompte.adapters import position_words
from acompte.adapters.web import i18n, security
from acompte.domain.users import ROLE_LABELS, Principal
from acompte.services import companies
from acompte.services.ports import Ctx

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
#: A Decimal as a form value: `20`, `5.5` (never `2E+1`, which str() gives for a normalised Decimal).
TEMPLATES.env.filters["plain"] = lambda value: format(value, "f") if isinstance(value, Decimal) else str(value)
FLASH_COOKIE = "acompte_flash"


def _globals(request: Request, lang: str) -> dict[str, Any]:
    principal = security.optional_principal(request)

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            security.CSRF_FIELD, security.csrf_token(request)
        )

    def form_key_field(value: str | None = None) -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            security.FORM_KEY_FIELD, value or security.new_form_key()
        )

    return {
        "request": request,
        "lang": lang,
        "_": lambda text, **params: i18n.gettext(lang, text, **params),
        "_n": lambda singular, plural, count, **params: i18n.ngettext(lang, singular, plural, count, **params),
        "money": lambda value: i18n.money(value, lang),
        "amount": lambda value: i18n.amount(value, lang),
        "day": lambda value: i18n.day(value, lang),
        "percent": lambda value: i18n.percent(value, lang),
        "principal": principal,
        "role_label": (lambda role: i18n.gettext(lang, ROLE_LABELS[role])),
        "csrf_field": csrf_field,
        "form_key_field": form_key_field,
        "url": request.url.path,
        "query": request.query_params,
        "version": __version__,
        "flashes": _flashes(request),
        "company_name": _company_name(request, principal),
        # the words of a position, defined once in position_words
        "status_word": lambda status: i18n.gettext(lang, position_words.status_word(status)),
        "cancelled_by_word": lambda number: i18n.gettext(lang, position_words.CANCELLED_BY, number=number),
        "position_figures": lambda kind, position: [
            (key, i18n.gettext(lang, label), value) for key, label, value in position_words.figures(kind, position)
        ],
        "card_keys": position_words.CARD_KEYS,
    }


def _company_name(request: Request, principal: Principal | None) -> str:
    if principal is None:
        return ""
    return companies.get_company(security.uow_of(request), Ctx(principal.company_id, principal.actor)).name


def _flashes(request: Request) -> list[str]:
    raw = request.cookies.get(FLASH_COOKIE)
    return [unquote(raw)] if raw else []


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    lang = i18n.language(request)
    response = TEMPLATES.TemplateResponse(
        request, template, {**_globals(request, lang), **(context or {})}, status_code=status
    )
    response.headers["Content-Language"] = lang
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    security.keep_login_csrf(response, request)
    return response


def redirect(request: Request, url: str, *, flash: str | None = None) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash), httponly=True, samesite="lax", path="/", max_age=60)
    return response


def translate(request: Request, text: str, **params: object) -> str:
    return i18n.gettext(i18n.language(request), text, **params)


def field_error(message: str) -> Markup:
    return Markup('<p class="field-error" role="alert">{}</p>').format(escape(message))
