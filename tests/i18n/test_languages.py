"""An English reader never meets a French word of the catalogue, and a French reader no English one.

Over every error code of the API table (with every reason code for the errors that take one), with sample
params of each placeholder's type, then over real requests: the API's problem+json with Accept-Language, and
a web page in English. A word belongs to one language when the catalogue uses it on that side only."""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po

from acompte.adapters.api import errors as api_errors
from acompte.adapters.i18n import catalogue, message, render
from acompte.adapters.i18n.words import REASONS
from acompte.domain.documents import Kind, State
from acompte.domain.errors import DocumentRef, DomainError, Field, Reason
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money
from acompte.domain.payments import Direction
from acompte.domain.users import Permission, Role

WORD = re.compile(r"[^\W\d_]{4,}")
PLACEHOLDER = re.compile(r"\{[^}]*\}|`[^`]*`")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", text))}


@cache
def language_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words only the French side of the catalogue uses, words only the English side uses)."""
    french: set[str] = set()
    english: set[str] = set()
    with catalogue.po_path("en").open("rb") as handle:
        for entry in read_po(handle, locale="en"):
            if not entry.id:
                continue
            for text in entry.id if isinstance(entry.id, tuple) else (entry.id,):
                french |= words(text)
            for text in entry.string if isinstance(entry.string, tuple) else (entry.string,):
                english |= words(text or "")
    return frozenset(french - english), frozenset(english - french)


def leaks(text: str, lang: str) -> set[str]:
    """The words of `text` that belong to the other language."""
    french_only, english_only = language_words()
    return words(text) & (english_only if lang == "fr" else french_only)


EUR = "EUR"
#: A sample of each placeholder's type, by name.
SAMPLES: dict[str, Any] = {
    **dict.fromkeys(
        [
            *("requested", "available", "amount", "threshold", "gross", "settled", "deposits", "required"),
            *("paid", "balance", "allocated", "refunds", "debit"),
        ],
        Money.of("3000", EUR),
    ),
    "document": DocumentRef(Kind.ORDER, "CO-2026-00001"),
    "invoice": DocumentRef(Kind.INVOICE, "FA-2026-00001"),
    "deposit": DocumentRef(Kind.DEPOSIT_INVOICE, "FA-2026-00002"),
    "credit": DocumentRef(Kind.CREDIT_NOTE, "AV-2026-00001"),
    "source": "RC-2026-00001",
    "number": "FA-2026-00001",
    "piece": "FA-2026-00001",
    "kind": Kind.ORDER,
    "target": Kind.INVOICE,
    "state": State.DRAFT,
    "action": Action.VALIDATE,
    "direction": Direction.IN,
    "flow": Kind.INVOICE,
    "credit_flow": Kind.CREDIT_NOTE,
    "role": Role.CLERK,
    "granted": Role.READ_ONLY,
    "permission": Permission.ADMIN,
    "field": Field.QUANTITY,
    "rate": Decimal("5.5"),
    "value": "12x",
    "position": 2,
    "places": 2,
    "length": 40,
    "maximum": 100,
    "minimum": 10,
    "date_from": date(2026, 1, 1),
    "date_to": date(2026, 3, 31),
    "exported_from": date(2026, 1, 1),
    "exported_to": date(2026, 1, 31),
}


def sample(name: str) -> Any:
    return SAMPLES.get(name, "Dupont SARL" if name in {"party", "deposit_party", "invoice_party", "whose"} else "X1")


def params_of(error: type[DomainError], reason: Reason | None) -> dict[str, Any]:
    texts = [render.template_of(error)] + ([REASONS[reason]] if reason else [])
    names = {name.split("!")[0] for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
    params = {name: sample(name) for name in names if name != "reason"}
    if reason is not None:
        params["reason"] = reason
    return params


def cases() -> list[tuple[type[DomainError], Reason | None]]:
    found: list[tuple[type[DomainError], Reason | None]] = []
    for problem in api_errors.PROBLEMS:
        if problem.error is None:
            continue
        if "{reason}" in render.template_of(problem.error):
            found.extend((problem.error, reason) for reason in Reason)
        else:
            found.append((problem.error, None))
    return found


@pytest.mark.parametrize(
    ("error", "reason"), cases(), ids=lambda c: c.code if isinstance(c, type) else (c.value if c else "-")
)
def test_every_error_reads_in_one_language(error: type[DomainError], reason: Reason | None) -> None:
    instance = error(**params_of(error, reason))
    for lang in ("fr", "en"):
        text = message(instance, lang)
        expected_ellipses = catalogue.gettext(lang, render.template_of(error)).count("…")
        assert text.count("…") <= expected_ellipses, f"a placeholder has no sample: {text}"
        assert not leaks(text, lang), f"{lang}: {text!r} carries {sorted(leaks(text, lang))}"
        problem = api_errors.problem_type_for(instance)
        for title in (problem.title(lang), problem.about(lang)):
            assert not leaks(title, lang), f"{lang}: {title!r} carries {sorted(leaks(title, lang))}"


def test_money_and_documents_read_the_language_s_way() -> None:
    error = api_errors.e.DepositExceedsOrder(
        requested=Money.of("3000", EUR), available=Money.of("1000", EUR), document=SAMPLES["document"]
    )
    french, english = message(error, "fr"), message(error, "en")
    assert "3\u202f000,00\u00a0€" in french or "3\u00a0000,00\u00a0€" in french
    assert "€3,000.00" in english
    assert "la commande CO-2026-00001" in french and "the order CO-2026-00001" in english
    assert "3000.00 EUR" not in french + english


def test_the_leak_check_sees_a_french_word_in_english() -> None:
    assert leaks("Invalid setting: mode de règlement inconnu ou inactif : bitcoin.", "en")
    assert leaks("Paramètre invalide : unknown or inactive payment method.", "fr")
    assert not leaks("Invalid setting: unknown or inactive payment method: bitcoin.", "en")
