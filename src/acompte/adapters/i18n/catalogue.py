"""The one gettext catalogue, read from its .po files with Babel and compiled in memory (no .mo to ship)."""

from __future__ import annotations

from functools import cache
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


def N_(text: str) -> str:
    """Mark a string for extraction without translating it now."""
    return text


def NP_(context: str, text: str) -> str:
    """Mark a string of a context (a literal, for `pybabel extract -k NP_:1c,2`) without translating it now."""
    return text


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> GNUTranslations:
    with po_path(lang if lang in LANGUAGES else "fr").open("rb") as handle:
        catalog = read_po(handle, locale=lang if lang in LANGUAGES else "fr")
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return GNUTranslations(compiled)


@cache
def msgids(lang: str) -> frozenset[str]:
    """Every singular msgid of the catalogue (French source text)."""
    with po_path(lang).open("rb") as handle:
        return frozenset(m.id for m in read_po(handle, locale=lang) if isinstance(m.id, str) and m.id)


def gettext(lang: str, text: str, **params: object) -> str:
    """`text` in `lang`, with `{name}` placeholders filled after translation (never by concatenation)."""
    translated = translations(lang).gettext(text)
    return translated.format(**params) if params else translated


def ngettext(lang: str, singular: str, plural: str, count: int, **params: object) -> str:
    """The plural form of `lang` for `count` (`{count}` is filled in too)."""
    return translations(lang).ngettext(singular, plural, count).format(count=count, **params)


def pgettext(lang: str, context: str, text: str) -> str:
    """`text` in `lang` within a context (the API's problem titles and descriptions use `problem`)."""
    return translations(lang).pgettext(context, text)
