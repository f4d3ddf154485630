"""Language and formatting for the web pages: French by default, English available.

French is the source language of the templates (`{{ _("Factures") }}`); the words live in the application's one
gettext catalogue (`adapters/i18n`), and amounts, dates and percentages are formatted with Babel there:
`1 234,56 €`, `23/11/2026`, `15 %`. This module adds what belongs to the web: the language cookie.
"""

from __future__ import annotations

from fastapi import Request

from acompte.adapters.i18n.catalogue import LANGUAGES, LOCALES, gettext, ngettext
from acompte.adapters.i18n.formats import amount, day, money, negotiate, parse_amount, percent

__all__ = [
    "LANGUAGES",
    "LANG_COOKIE",
    "LOCALES",
    "amount",
    "day",
    "gettext",
    "language",
    "money",
    "ngettext",
    "parse_amount",
    "percent",
]

LANG_COOKIE = "acompte_lang"


def language(request: Request) -> str:
    """The user's language: the `acompte_lang` cookie, else the browser's Accept-Language, else French."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language", ""))
