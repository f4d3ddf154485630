"""What a user is offered on a document: the lifecycle table (`lifecycle.ALLOWED`, `lifecycle.CONVERSIONS`) read
together with the document's position and the user's rights, in the order and with the weight the pages show.

Every surface that lists what can be done with a document — its page, the ⋮ menu of a list row, the API's
`actions` — reads `offers()`; none restates a condition on kinds or states. The words and addresses of each offer
belong to the adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from acompte.domain.documents import Flow, Kind, State
from acompte.domain.lifecycle import CONVERSIONS, Action, is_allowed
from acompte.domain.money import Money
from acompte.domain.statuses import PositionStatus


class Offer(StrEnum):
    VALIDATE = "validate"
    SETTLE = "settle"  # a validated invoice still owing: « Régler »
    INVOICE = "invoice"  # the final invoice of a quote, an order, a delivery note: « Facturer »
    DEPOSIT = "deposit"  # a deposit received on an order, a delivery note or a draft invoice
    DEPOSIT_INVOICE = "deposit_invoice"
    CREDIT_NOTE = "credit_note"
    EDIT = "edit"
    ORDER = "order"  # a quote accepted: converted into an order
    DELIVERY = "delivery"  # converted into a delivery note
    PDF = "pdf"
    FACTURX = "facturx"
    CANCEL_DEPOSIT = "cancel_deposit"
    CANCEL = "cancel"


class Weight(StrEnum):
    """How a page shows an offer: the one thing to do next, a button beside it, or an entry of the ⋮ menu
    (where an irreversible one asks for confirmation and never sits beside « Retour »)."""

    PRIMARY = "primary"
    BUTTON = "button"
    MENU = "menu"


#: Kinds with an e-invoice (Factur-X) once issued, on the sales side.
EINVOICE_KINDS = frozenset({Kind.INVOICE, Kind.DEPOSIT_INVOICE, Kind.CREDIT_NOTE, Kind.DEPOSIT_CREDIT_NOTE})


@dataclass(frozen=True, slots=True)
class Situation:
    """The document as the offers need it: its kind, flow and state, what its position leaves to pay and holds
    in deposits, whether a credit note cancelled it or invoices cover it whole, and whether the user may write."""

    kind: Kind
    flow: Flow
    state: State
    owing: bool
    holds_deposits: bool
    cancelled_by_credit_note: bool
    may_write: bool
    wholly_invoiced: bool = False

    @classmethod
    def of(
        cls,
        kind: Kind,
        flow: Flow,
        state: State,
        *,
        status: PositionStatus | None,
        balance_due: Money,
        allocated: Money,
        may_write: bool,
    ) -> Situation:
        """From the document's position (its status and balance due) and the deposits it holds."""
        return cls(
            kind=kind,
            flow=flow,
            state=state,
            owing=balance_due.is_positive,
            holds_deposits=allocated.is_positive,
            cancelled_by_credit_note=status is PositionStatus.CANCELLED,
            may_write=may_write,
            wholly_invoiced=status is PositionStatus.INVOICED,
        )

    @property
    def live(self) -> bool:
        """Still takes money and follow-ups (neither cancelled nor cancelled by a credit note)."""
        return self.state is not State.CANCELLED and not self.cancelled_by_credit_note

    def allows(self, action: Action) -> bool:
        return is_allowed(self.kind, self.state, action)

    def converts_to(self, kind: Kind) -> bool:
        return self.live and self.allows(Action.CONVERT) and kind in CONVERSIONS.get(self.kind, frozenset())


@dataclass(frozen=True, slots=True)
class _Rule:
    offer: Offer
    weight: Weight
    writes: bool
    when: Callable[[Situation], bool]


_COMMERCIAL = frozenset({Kind.ORDER, Kind.DELIVERY})

# In the order the page shows them. The first offer that applies with PRIMARY weight is the one thing to do next.
_RULES: tuple[_Rule, ...] = (
    _Rule(Offer.VALIDATE, Weight.PRIMARY, True, lambda s: s.allows(Action.VALIDATE)),
    _Rule(
        Offer.SETTLE,
        Weight.PRIMARY,
        True,
        lambda s: s.kind is Kind.INVOICE and s.state is State.VALIDATED and s.live and s.owing,
    ),
    _Rule(Offer.INVOICE, Weight.PRIMARY, True, lambda s: s.converts_to(Kind.INVOICE) and not s.wholly_invoiced),
    _Rule(
        Offer.DEPOSIT,
        Weight.BUTTON,
        True,
        lambda s: (
            s.live
            and s.owing
            and (s.kind in _COMMERCIAL or (s.kind is Kind.INVOICE and s.state is not State.VALIDATED))
        ),
    ),
    _Rule(Offer.DEPOSIT_INVOICE, Weight.BUTTON, True, lambda s: s.live and s.kind in (Kind.QUOTE, Kind.ORDER)),
    _Rule(
        Offer.CREDIT_NOTE,
        Weight.BUTTON,
        True,
        lambda s: s.live and s.state is State.VALIDATED and s.kind in (Kind.INVOICE, Kind.DEPOSIT_INVOICE),
    ),
    _Rule(Offer.EDIT, Weight.BUTTON, True, lambda s: s.allows(Action.EDIT)),
    _Rule(Offer.ORDER, Weight.BUTTON, True, lambda s: s.converts_to(Kind.ORDER)),
    _Rule(Offer.PDF, Weight.BUTTON, False, lambda s: s.state is State.VALIDATED),
    _Rule(Offer.DELIVERY, Weight.MENU, True, lambda s: s.converts_to(Kind.DELIVERY)),
    _Rule(
        Offer.FACTURX,
        Weight.MENU,
        False,
        lambda s: s.state is State.VALIDATED and s.flow is Flow.SALE and s.kind in EINVOICE_KINDS,
    ),
    _Rule(
        Offer.CANCEL_DEPOSIT,
        Weight.MENU,
        True,
        lambda s: (
            s.live
            and s.holds_deposits
            and (s.kind in _COMMERCIAL or (s.kind is Kind.INVOICE and s.state is not State.VALIDATED))
        ),
    ),
    _Rule(Offer.CANCEL, Weight.MENU, True, lambda s: s.allows(Action.CANCEL)),
)


def offers(situation: Situation) -> list[tuple[Offer, Weight]]:
    """What this user may do with this document now, in the page's order; one PRIMARY offer at most (the
    others that would be primary become buttons)."""
    found: list[tuple[Offer, Weight]] = []
    primary_taken = False
    for rule in _RULES:
        if rule.writes and not situation.may_write:
            continue
        if not rule.when(situation):
            continue
        weight = rule.weight
        if weight is Weight.PRIMARY:
            weight = Weight.BUTTON if primary_taken else Weight.PRIMARY
            primary_taken = True
        found.append((rule.offer, weight))
    return found
