"""What the document pages share: URL kinds, labels, the actions a document allows.

The URL contract names a delivery note `delivery_note`; the domain calls it `delivery`.
"""

from __future__ import annotations

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
#: Kinds with an e-invoice (Factur-X) once issued, for sales.
FACTURX_KINDS = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE})
#: Kinds a user creates with the plain line form (deposit invoices and credit notes have their own forms).
FORM_KINDS = frozenset({Kind.QUOTE, Kind.ORDER, Kind.DELIVERY, Kind.INVOICE})


def can_write(request: Request) -> bool:
    return security.session_principal(request).may(Permission.WRITE)


def is_overdue(due_date: date | None, state: str, balance_due: Money, today: date) -> bool:
    return due_date is not None and state == State.VALIDATED.value and balance_due.is_positive and due_date < today


def row_actions(
    request: Request,
    *,
    doc_id: int,
    kind: Kind,
    flow: Flow,
    state: State,
    balance_due: Money,
    allocated: Money,
    with_open: bool = True,
    cancelled: bool = False,
) -> list[tuple[Any, ...]]:
    """The ⋮ menu of a document: only what its kind and state allow (and only reads for a read-only user)."""
    t = translate
    base = f"/documents/{doc_id}"
    items: list[tuple[Any, ...]] = []
    if with_open:
        items.append((t(request, "Ouvrir"), base))
    write = can_write(request)
    # a document cancelled by a credit note is validated but, like a cancelled one, takes no more money
    live = state is not State.CANCELLED and not cancelled
    if write and live:
        if kind in (Kind.ORDER, Kind.DELIVERY) and balance_due.is_positive:
            items.append((t(request, "Acompte"), f"{base}/deposit"))
        if kind is Kind.INVOICE and balance_due.is_positive:
            label = "Régler" if state is State.VALIDATED else "Acompte"
            items.append((t(request, label), f"{base}/deposit"))
        if kind in (Kind.QUOTE, Kind.ORDER):
            items.append((t(request, "Facture d'acompte"), f"{base}/deposit-invoice"))
        if state is State.VALIDATED and Kind.INVOICE in lifecycle.CONVERSIONS.get(kind, frozenset()):
            items.append((t(request, "Facturer"), f"{base}/convert?to=invoice", "post"))
        if (
            kind in (Kind.ORDER, Kind.DELIVERY, Kind.INVOICE)
            and allocated.is_positive
            and not (kind is Kind.INVOICE and state is State.VALIDATED)
        ):
            items.append(
                (
                    t(request, "Annuler l'acompte"),
                    f"{base}/cancel-deposit",
                    "post",
                    t(request, "Annuler l'acompte ? Le règlement reste au tiers comme trop-perçu."),
                )
            )
        if kind in (Kind.INVOICE, Kind.DEPOSIT_INVOICE) and state is State.VALIDATED:
            items.append((t(request, "Avoir"), f"{base}/credit-note"))
    if state is State.VALIDATED:
        items.append((t(request, "Télécharger PDF"), f"{base}/pdf"))
        if flow is Flow.SALE and kind in FACTURX_KINDS:
            items.append((t(request, "Factur-X"), f"{base}/facturx"))
    return items


def document_actions(
    request: Request, document: Document, allocated: Money, position: Position
) -> list[tuple[Any, ...]]:
    """The document page's ⋮ menu: what may still be paid is the position's balance due (zero on a credit note,
    on an invoice cancelled by a credit note and on an order wholly invoiced)."""
    return row_actions(
        request,
        doc_id=document.id,
        kind=document.kind,
        flow=document.flow,
        state=document.state,
        balance_due=position.balance_due,
        allocated=allocated,
        with_open=False,
        cancelled=position.status is PositionStatus.CANCELLED,
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
