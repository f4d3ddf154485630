"""The words of a document's position on every page: one French word per status, one label per figure.

Defined once here (French, the source language; English in `web/locales/en/common.po`) and read by the web's
badge macro (`ui.status_badge`), the document page, the settle component, the credit pages, the CSV exports and
the CLI, so a status or a figure is never called two names. The figures themselves come from
`domain.positions.Position`; nothing here computes money.
"""

from __future__ import annotations

from acompte.domain.documents import CREDIT_KINDS, Kind
from acompte.domain.positions import COMMERCIAL_KINDS, Position
from acompte.domain.statuses import PositionStatus

#: One word per status, whatever the kind. `cancelled` with a credit note that cancels the document reads
#: CANCELLED_BY instead (it names the credit note).
STATUS_WORDS: dict[PositionStatus, str] = {
    PositionStatus.DRAFT: "Brouillon",
    PositionStatus.UNPAID: "Non réglé",
    PositionStatus.PARTIAL: "Partiellement réglé",
    PositionStatus.PAID: "Réglé",
    PositionStatus.CANCELLED: "Annulé",
    PositionStatus.PARTIALLY_INVOICED: "Partiellement facturée",
    PositionStatus.INVOICED: "Facturée",
    PositionStatus.UNUSED: "Non utilisé",
    PositionStatus.PARTIALLY_USED: "Partiellement utilisé",
    PositionStatus.USED: "Utilisé",
    PositionStatus.REFUNDED: "Remboursé",
    PositionStatus.WRITTEN_OFF: "Comptabilisé",
}

#: The status of a document cancelled by a credit note (the number is a link on the pages).
CANCELLED_BY = "Annulée par l'avoir {number}"

#: The label of each figure of a position (the attribute of `Position` it shows).
LABELS: dict[str, str] = {
    "total": "Total TTC",
    "deducted": "Acomptes déduits",
    "net_to_pay": "Net à payer",
    "paid": "Déjà réglé",
    "credited": "Avoirs imputés",
    "written_off": "Écart passé en perte",
    "balance_due": "Reste dû",
    # commercial documents (quotes, orders, delivery notes): what was paid on them is a deposit received
    "deposits_received": "Acomptes reçus",
    "invoiced": "Facturé",
    "left_to_invoice": "Reste à facturer",
    # credit notes
    "used": "Utilisé",
    "refunded": "Remboursé",
    "credit_written_off": "Comptabilisé",
    "credit_left": "Reste disponible",
}

#: The figures a page shows, per family of kinds: (label key, Position attribute). Payable documents read
#: Total − deducted = Net à payer, then what settled it, then Reste dû.
PAYABLE_FIGURES: tuple[tuple[str, str], ...] = (
    ("total", "total"),
    ("deducted", "deducted"),
    ("net_to_pay", "net_to_pay"),
    ("paid", "paid"),
    ("credited", "credited"),
    ("written_off", "written_off"),
    ("balance_due", "balance_due"),
)
COMMERCIAL_FIGURES: tuple[tuple[str, str], ...] = (
    ("total", "total"),
    ("deposits_received", "paid"),
    ("invoiced", "invoiced"),
    ("left_to_invoice", "left_to_invoice"),
    ("balance_due", "balance_due"),
)
CREDIT_FIGURES: tuple[tuple[str, str], ...] = (
    ("total", "total"),
    ("used", "used"),
    ("refunded", "refunded"),
    ("credit_written_off", "written_off"),
    ("credit_left", "credit_left"),
)
#: The figures shown as cards at the top of a page (the rest are in the totals table).
CARD_KEYS = frozenset({"total", "deducted", "net_to_pay", "balance_due", "invoiced", "credit_left"})

#: The statuses a document list filters on (the list's SQL derives them): payment statuses today.
LIST_FILTER_STATUSES = (PositionStatus.UNPAID, PositionStatus.PARTIAL, PositionStatus.PAID)


def status_word(status: PositionStatus | str) -> str:
    """The French word of a status (an unknown value is shown as it is)."""
    try:
        return STATUS_WORDS[PositionStatus(status)]
    except ValueError:
        return str(status)


def figures(kind: Kind | str, position: Position) -> list[tuple[str, str, object]]:
    """(label key, French label, amount) of each figure a page shows for a document of `kind`."""
    kind = Kind(kind)
    if kind in CREDIT_KINDS:
        chosen = CREDIT_FIGURES
    elif kind in COMMERCIAL_KINDS:
        chosen = COMMERCIAL_FIGURES
    else:
        chosen = PAYABLE_FIGURES
    return [(key, LABELS[key], getattr(position, attribute)) for key, attribute in chosen]


def all_words() -> list[str]:
    """Every French text defined here (the translation test checks each has its English)."""
    return [*STATUS_WORDS.values(), CANCELLED_BY, *LABELS.values()]
