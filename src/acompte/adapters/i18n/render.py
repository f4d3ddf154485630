"""A domain error → its sentence in a language: the code's msgid, translated, filled with formatted params."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from acompte.adapters.i18n import formats
from acompte.adapters.i18n.catalogue import gettext
from acompte.adapters.i18n.messages import MESSAGES
from acompte.adapters.i18n.words import KINDS, REASONS, WORDS
from acompte.domain.documents import Kind, State
from acompte.domain.errors import DocumentRef, DomainError, Reason
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money

#: How `str(Money)` looks ("3000.00 EUR"): callers not yet passing Money still get the language's format.
_MONEY_TEXT = re.compile(r"^(-?\d+(?:\.\d+)?) ([A-Z]{3})$")


def param(value: Any, lang: str) -> str:
    """One param as the reader of `lang` expects it."""
    if isinstance(value, Money):
        return formats.money(value, lang)
    if isinstance(value, DocumentRef):
        kind = KINDS.get(value.kind)
        return f"{gettext(lang, kind)} {value.number}" if kind else f"{value.kind.value} {value.number}"
    if isinstance(value, StrEnum):
        word = WORDS.get(value)
        return gettext(lang, word) if word else value.value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, Decimal):
        return formats.decimal(value, lang) if value.is_finite() else str(value)
    if isinstance(value, date):
        return formats.day(value, lang)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(param(v, lang) for v in value)
    if isinstance(value, str):
        found = _MONEY_TEXT.match(value)
        if found:
            try:
                return formats.money(Money.of(found.group(1), found.group(2)), lang)
            except (DomainError, InvalidOperation):
                return value
        return _legacy_text(value, lang)
    return str(value)


#: Kinds, states and actions by value, for callers not yet passing the enum itself (`kind=document.kind.value`).
_WORDS_BY_VALUE = {key.value: word for key, word in WORDS.items() if isinstance(key, Kind | State | Action)}
#: Kind words, longest first, that callers not yet passing a DocumentRef put before a number.
_KIND_PREFIXES = sorted(KINDS.values(), key=len, reverse=True)


def _legacy_text(value: str, lang: str) -> str:
    """A plain string param: a word of the catalogue is translated, « la commande CO-1 » too, the rest kept."""
    if not value:
        return value
    for prefix in _KIND_PREFIXES:
        if value.startswith(prefix + " "):
            return f"{gettext(lang, prefix)} {value[len(prefix) + 1 :]}"
    return gettext(lang, _WORDS_BY_VALUE.get(value, value))


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def _fill(lang: str, msgid: str, params: dict[str, str]) -> str:
    try:
        return gettext(lang, msgid).format_map(params)
    except (IndexError, ValueError, AttributeError):
        return gettext(lang, msgid)


def template_of(error: type[DomainError]) -> str:
    """The msgid of an error class, or of its nearest ancestor that has one."""
    for cls in error.__mro__:
        code = getattr(cls, "code", None)
        if code in MESSAGES:
            return MESSAGES[code]
    return MESSAGES["domain-error"]


def message(error: DomainError, lang: str) -> str:
    """The error's sentence in `lang` (`fr` or `en`)."""
    if error.legacy_message:
        return gettext(lang, error.legacy_message)
    rendered = _Params({key: param(value, lang) for key, value in error.params.items()})
    template = template_of(type(error))
    for key, value in error.params.items():
        if isinstance(value, Reason):  # `reason`, or a rule named otherwise (`rule` of an identifier)
            rendered[key] = _fill(lang, REASONS[value], rendered)
    if isinstance(error.params.get("reason"), Reason) and "{reason}" not in template:  # the reason says it all
        return rendered["reason"]
    return _fill(lang, template, rendered)
