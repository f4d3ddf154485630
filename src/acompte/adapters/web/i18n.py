"""Language and formatting for the web pages: French by default, English available.

French is the source language of the templates (`{{ _("Factures") }}`); English translations live in gettext
catalogues `locales/en/*.po` (one file per group of pages, all loaded and merged at start-up, read with Babel,
no compile step). Amounts, dates and percentages are formatted with Babel: `1 234,56 €`, `23/11/2026`, `15 %`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi import Request

from acompte.domain.money import Money

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
LANG_COOKIE = "acompte_lang"
CATALOGUES = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → msgstr for `lang`, merged from every `locales/<lang>/*.po` (empty for French, the source)."""
    messages: dict[str, str] = {}
    for path in sorted((CATALOGUES / lang).glob("*.po")) if lang != "fr" else ():
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and isinstance(message.id, str):
                    messages[message.id] = str(message.string)
    return messages


def gettext(lang: str, text: str, **params: object) -> str:
    """`text` in `lang`, with `{name}` placeholders filled after translation (never by concatenation)."""
    translated = catalogue(lang).get(text, text)
    return translated.format(**params) if params else translated


def language(request: Request) -> str:
    """The user's language: the `acompte_lang` cookie, else the browser's Accept-Language, else French."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        primary = part.split(";")[0].strip().lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return "fr"


def money(value: Money | None, lang: str) -> str:
    if value is None:
        return ""
    return format_currency(value.amount, value.currency, locale=LOCALES[lang])


def amount(value: Decimal | Money | None, lang: str) -> str:
    """A bare number with the currency's decimals (for form fields and tables without the symbol)."""
    if value is None:
        return ""
    number = value.amount if isinstance(value, Money) else value
    places = max(0, -number.as_tuple().exponent) if isinstance(number.as_tuple().exponent, int) else 2
    return format_decimal(number, format="#,##0." + "0" * places if places else "#,##0", locale=LOCALES[lang])


def day(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return format_date(value, format="short" if lang == "fr" else "dd/MM/yyyy", locale=LOCALES[lang])


def percent(value: Decimal | None, lang: str) -> str:
    """`15 %` for Decimal("15") (acompte stores percentages as numbers of hundredths)."""
    if value is None:
        return ""
    return format_percent(Decimal(value) / 100, format="#,##0.##\u00a0%", locale=LOCALES[lang])


def parse_amount(text: str) -> Decimal:
    """A number typed the French or English way: `1 234,56`, `1234.56`, `1 234,56 €` → Decimal("1234.56").

    Raises ValueError for anything else (the form then shows the error next to the field)."""
    cleaned = text.strip().replace("€", "").replace("%", "")
    for space in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "") if cleaned.rfind(".") > cleaned.rfind(",") else cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned or not all(c.isdigit() or c in ".-" for c in cleaned) or cleaned.count(".") > 1:
        raise ValueError(text)
    return Decimal(cleaned)
