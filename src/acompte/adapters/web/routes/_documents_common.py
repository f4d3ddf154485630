"""What the document pages share: URL kinds, labels, the actions a document allows.

The URL contract names a delivery note `delivery_note`; the domain calls it `delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request

from acompte.adapters.web import security
from acompte.adapters.web.templating import translate
from acompte.domain import lifecycle
from acompte.domain.accounts import PaymentTerms
from acompte.domain.documents import Document, Flow, Kind, State
from acompte.domain.lifecycle import Action
from acompte.domain.money import Money
from acompte.domain.offers import Offer, Situation, Weight, offers
from acompte.domain.positions import Position
from acompte.domain.statuses import PositionStatus
from acompte.domain.users import Permission

URL_KINDS: dict[str, Kind] = {
    "quote": Kind.QUOTE,
    "order": Kind.ORDER,
    "delivery_note": Kind.DELIVERY,
    "delivery": Kind.DELIVERY,
    "invoice": Kind.INVOICE,
    "deposit_invoice": Kind.DEPOSIT_INVOICE,
    "credit_note": Kind.CREDIT_NOTE,
    "deposit_credit_note": Kind.DEPOSIT_CREDIT_NOTE,
}


def url_kind(kind: Kind) -> str:
    return "delivery_note" if kind is Kind.DELIVERY else kind.value


def parse_kind(text: str | None, default: Kind | None = Kind.INVOICE) -> Kind | None:
    return URL_KINDS.get(text or "", default)


def parse_flow(text: str | None) -> Flow:
    return Flow.PURCHASE if text == "purchase" else Flow.SALE


#: Kinds whose payments are deposits (règlements d'acompte) rather than settlements of an invoice.
COMMERCIAL_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY})
#: Kinds a user creates with the plain line form (deposit invoices and credit notes have their own forms).
FORM_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY, Kind.INVOICE})


def can_write(request: Request) -> bool:
    return security.session_principal(request).may(Permission.WRITE)


def is_overdue(due_date: date | None, state: str, balance_due: Money, today: date) -> bool:
    return due_date is not None and state == State.VALIDATED.value and balance_due.is_positive and due_date < today


@dataclass(frozen=True, slots=True)
class OfferLink:
    """An offer as a page shows it: its words, its address, whether it posts (a one-click form with CSRF) and
    the question it asks first; `weight` says where it goes (domain.offers.Weight)."""

    offer: Offer
    weight: Weight
    label: str
    href: str
    post: bool = False
    confirm: str = ""

    def menu_item(self) -> tuple[Any, ...]:
        """The ⋮ menu's shape: (label, href) or (label, href, "post"[, question])."""
        if not self.post:
            return (self.label, self.href)
        return (self.label, self.href, "post", self.confirm) if self.confirm else (self.label, self.href, "post")


def _link(request: Request, doc_id: int, settle_url: str, offer: Offer, weight: Weight) -> OfferLink:
    t = translate
    base = f"/documents/{doc_id}"
    words: dict[Offer, tuple[str, str, bool, str]] = {
        Offer.VALIDATE: (
            "Valider",
            f"{base}/validate",
            True,
            "Valider ce document ? Il prendra le numéro suivant de sa série.",
        ),
        Offer.SETTLE: ("Régler", settle_url, False, ""),
        Offer.INVOICE: ("Facturer", f"{base}/convert?to=invoice", True, ""),
        Offer.DEPOSIT: ("Acompte", f"{base}/deposit", False, ""),
        Offer.DEPOSIT_INVOICE: ("Facture d'acompte", f"{base}/deposit-invoice", False, ""),
        Offer.CREDIT_NOTE: ("Avoir", f"{base}/credit-note", False, ""),
        Offer.EDIT: ("Modifier", f"{base}/edit", False, ""),
        Offer.ORDER: ("Convertir en commande", f"{base}/convert?to=order", True, ""),
        Offer.DELIVERY: ("Convertir en bon de livraison", f"{base}/convert?to=delivery_note", True, ""),
        Offer.PDF: ("Télécharger PDF", f"{base}/pdf", False, ""),
        Offer.FACTURX: ("Factur-X", f"{base}/facturx", False, ""),
        Offer.CANCEL_DEPOSIT: (
            "Annuler l'acompte",
            f"{base}/cancel-deposit",
            True,
            "Annuler l'acompte ? Le règlement reste au tiers comme trop-perçu.",
        ),
        Offer.CANCEL: (
            "Annuler le document",
            f"{base}/cancel",
            True,
            "Annuler ce document ? Les règlements reçus resteront au tiers comme trop-perçu.",
        ),
    }
    label, href, post, confirm = words[offer]
    return OfferLink(offer, weight, t(request, label), href, post, t(request, confirm) if confirm else "")


def offer_links(
    request: Request,
    *,
    doc_id: int,
    party_id: int,
    kind: Kind,
    flow: Flow,
    state: State,
    balance_due: Money,
    allocated: Money,
    status: PositionStatus | None = None,
) -> list[OfferLink]:
    """What this user may do with the document, from the lifecycle table (domain.offers), as links."""
    situation = Situation.of(
        kind, flow, state, status=status, balance_due=balance_due, allocated=allocated, may_write=can_write(request)
    )
    # « Régler » opens the settle form on this document: an overpayment is then kept as credit or refunded
    settle_url = f"/settle?party_id={party_id}&flow={flow.value}&document={doc_id}"
    return [_link(request, doc_id, settle_url, offer, weight) for offer, weight in offers(situation)]


def row_actions(
    request: Request,
    *,
    doc_id: int,
    party_id: int,
    kind: Kind,
    flow: Flow,
    state: State,
    balance_due: Money,
    allocated: Money,
    status: PositionStatus | None = None,
) -> list[tuple[Any, ...]]:
    """A list row's ⋮ menu: « Ouvrir », then every offer of the document."""
    links = offer_links(
        request,
        doc_id=doc_id,
        party_id=party_id,
        kind=kind,
        flow=flow,
        state=state,
        balance_due=balance_due,
        allocated=allocated,
        status=status,
    )
    return [(translate(request, "Ouvrir"), f"/documents/{doc_id}"), *(link.menu_item() for link in links)]


def document_offers(request: Request, document: Document, allocated: Money, position: Position) -> list[OfferLink]:
    """The document page's offers: what may still be paid is the position's balance due (zero on a credit note,
    on an invoice cancelled by a credit note and on an order wholly invoiced)."""
    return offer_links(
        request,
        doc_id=document.id,
        party_id=document.party_id,
        kind=document.kind,
        flow=document.flow,
        state=document.state,
        balance_due=position.balance_due,
        allocated=allocated,
        status=position.status,
    )


def may(document: Document, action: Action) -> bool:
    return lifecycle.is_allowed(document.kind, document.state, action)


def conversions(document: Document) -> list[Kind]:
    if not may(document, Action.CONVERT):
        return []
    order = [Kind.ORDER, Kind.DELIVERY, Kind.INVOICE]
    allowed = lifecycle.CONVERSIONS.get(document.kind, frozenset())
    return [k for k in order if k in allowed]


def list_url(flow: Flow | str, kind: Kind) -> str:
    return f"/documents?flow={Flow(flow).value}&kind={url_kind(kind)}"


def terms_words(request: Request, terms: PaymentTerms | None) -> str:
    """Payment terms as the page shows them, in the reader's language: « 100 % — 30 jours fin de mois »."""
    if terms is None:
        return ""
    parts = []
    for part in terms.parts:
        text = "{percent} % — {days} jours fin de mois" if part.end_of_month else "{percent} % — {days} jours"
        parts.append(translate(request, text, percent=f"{part.percent.normalize():f}", days=part.days))
    return " ; ".join(parts)
