"""Allocating a payment (or a credit) to a document, and what remains on each side.

Pure rules over values: the service layer reads the figures under a lock, asks `check_allocation`, then
writes. Nothing here knows about storage.
"""

from __future__ import annotations

from dataclasses import dataclass

from acompte.domain.documents import PAYABLE_KINDS, Document, PaymentStatus, State, payment_status
from acompte.domain.errors import (
    CurrencyMismatch,
    DocumentCancelled,
    FlowMismatch,
    InvalidTransition,
    NonPositiveAmount,
    OverAllocation,
    OverSettlement,
    PartyMismatch,
    PaymentCancelled,
)
from acompte.domain.lifecycle import Action, check
from acompte.domain.money import Money
from acompte.domain.payments import Payment, PaymentState


@dataclass(frozen=True, slots=True)
class Settlement:
    """What a document has received: allocations (payments and credits) and deducted deposits."""

    gross: Money
    allocated: Money
    deducted: Money

    @property
    def settled(self) -> Money:
        return self.allocated + self.deducted

    @property
    def balance_due(self) -> Money:
        return self.gross - self.settled

    @property
    def status(self) -> PaymentStatus:
        return payment_status(self.gross, self.settled)


@dataclass(frozen=True, slots=True)
class PaymentUse:
    amount: Money
    allocated: Money

    @property
    def unallocated(self) -> Money:
        return self.amount - self.allocated


def check_allocation(
    payment: Payment,
    payment_allocated: Money,
    document: Document,
    balance_due: Money,
    amount: Money,
) -> None:
    """Raise the specific error that forbids allocating `amount` of `payment` to `document`, if any.
    `balance_due` is the document's position's: on an order, what the order itself still carries."""
    if not amount.is_positive:
        raise NonPositiveAmount(amount=str(amount))
    if payment.state is PaymentState.CANCELLED:
        raise PaymentCancelled(number=payment.number)
    if document.state is State.CANCELLED:
        raise DocumentCancelled(number=document.label)
    if document.kind not in PAYABLE_KINDS:
        raise InvalidTransition(action="régler", kind=document.kind.value, state=document.state.value)
    check(document.kind, document.state, Action.ALLOCATE)
    if document.party_id != payment.party_id:
        raise PartyMismatch(document=document.label, source=payment.number)
    if document.flow is not payment.direction.flow:
        raise FlowMismatch(direction=payment.direction.label, document=document.label, flow=document.flow.value)
    if document.currency != payment.currency:
        raise CurrencyMismatch(left=payment.currency, right=document.currency)
    available = payment.amount - payment_allocated
    if amount > available:
        raise OverAllocation(requested=str(amount), available=str(available), source=payment.number)
    if amount > balance_due:
        raise OverSettlement(requested=str(amount), available=str(balance_due), document=document.label)
