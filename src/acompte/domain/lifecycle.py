"""Document lifecycles declared as data: which action is allowed from which state, per kind.

`check` is the one place that compares states; everything else asks it.
"""

from __future__ import annotations

from enum import StrEnum

from acompte.domain.documents import INVOICE_KINDS, Kind, State
from acompte.domain.errors import InvalidConversion, InvalidTransition


class Action(StrEnum):
    EDIT = "edit"
    VALIDATE = "validate"
    CANCEL = "cancel"
    DELETE = "delete"
    CONVERT = "convert"
    ALLOCATE = "allocate"


_COMMON: dict[Action, frozenset[State]] = {
    Action.EDIT: frozenset({State.DRAFT}),
    Action.VALIDATE: frozenset({State.DRAFT}),
    Action.DELETE: frozenset({State.DRAFT}),
    Action.ALLOCATE: frozenset({State.DRAFT, State.VALIDATED}),
}

# Quotes, orders and delivery notes are not invoices: they stay editable after validation (an order that
# changes), can be cancelled, and are converted into the next document.
_COMMERCIAL: dict[Action, frozenset[State]] = {
    **_COMMON,
    Action.EDIT: frozenset({State.DRAFT, State.VALIDATED}),
    Action.CANCEL: frozenset({State.DRAFT, State.VALIDATED}),
    Action.CONVERT: frozenset({State.VALIDATED}),
}

# Invoices are frozen once validated; they are corrected by a credit note, never cancelled or edited.
_INVOICE: dict[Action, frozenset[State]] = dict(_COMMON)

ALLOWED: dict[Kind, dict[Action, frozenset[State]]] = {
    kind: (_INVOICE if kind in INVOICE_KINDS else _COMMERCIAL) for kind in Kind
}

CONVERSIONS: dict[Kind, frozenset[Kind]] = {
    Kind.QUOTE: frozenset({Kind.ORDER, Kind.INVOICE}),
    Kind.ORDER: frozenset({Kind.DELIVERY, Kind.INVOICE}),
    Kind.DELIVERY: frozenset({Kind.INVOICE}),
}

AFTER: dict[Action, State] = {
    Action.VALIDATE: State.VALIDATED,
    Action.CANCEL: State.CANCELLED,
}

KIND_LABELS = {
    Kind.QUOTE: "le devis",
    Kind.ORDER: "la commande",
    Kind.DELIVERY: "le bon de livraison",
    Kind.INVOICE: "la facture",
    Kind.DEPOSIT_INVOICE: "la facture d'acompte",
    Kind.CREDIT_NOTE: "l'avoir",
    Kind.DEPOSIT_CREDIT_NOTE: "l'avoir d'acompte",
}

STATE_LABELS = {State.DRAFT: "brouillon", State.VALIDATED: "validé", State.CANCELLED: "annulé"}


def is_allowed(kind: Kind, state: State, action: Action) -> bool:
    return state in ALLOWED[kind].get(action, frozenset())


def check(kind: Kind, state: State, action: Action) -> State:
    """Raise InvalidTransition unless `action` is allowed; return the state after it."""
    if not is_allowed(kind, state, action):
        raise InvalidTransition(action=action.value, kind=KIND_LABELS[kind], state=STATE_LABELS[state])
    return AFTER.get(action, state)


def check_conversion(source: Kind, state: State, target: Kind) -> None:
    check(source, state, Action.CONVERT)
    if target not in CONVERSIONS.get(source, frozenset()):
        raise InvalidConversion(kind=KIND_LABELS[source], target=KIND_LABELS[target])
