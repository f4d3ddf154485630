"""How amounts, dates and statuses read for a French user: `1 234,56 €`, `23/11/2026`, « Réglé »."""

from __future__ import annotations

from datetime import date

from acompte.adapters.position_words import STATUS_WORDS
from acompte.domain.money import Money

NARROW_NBSP = "\u202f"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}

#: The words of a document's position status (docs/design.md « Position words »), as the web pages say them.
POSITION_STATUS_LABELS = {status.value: word for status, word in STATUS_WORDS.items()}
STATE_LABELS = {"draft": "Brouillon", "validated": "Validé", "cancelled": "Annulé", "active": "Actif"}
KIND_LABELS = {
    "quote": "Devis",
    "order": "Commande",
    "delivery": "Bon de livraison",
    "invoice": "Facture",
    "deposit_invoice": "Facture d'acompte",
    "credit_note": "Avoir",
    "deposit_credit_note": "Avoir d'acompte",
}


def money_fr(value: Money) -> str:
    sign = "\u2212" if value.amount < 0 else ""  # the minus sign, not a hyphen
    whole, _, fraction = f"{abs(value.amount):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NARROW_NBSP.join(groups) or "0"
    if fraction:
        text += "," + fraction
    return f"{sign}{text}\u00a0{SYMBOLS.get(value.currency, value.currency)}"


def date_fr(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
