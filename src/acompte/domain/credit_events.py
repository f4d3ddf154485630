"""The facts of the credits capability: credit notes used and given back, credits written off, refunds,
overpayments, a party account settled.

Each fact is a typed, frozen record; its `payload` is the JSON the history stores for it, key for key, so that
the history reads the same as before the facts were typed. A fact that moves an amount keeps the figure
before the move and derives the one after from the amount, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from acompte.domain.credits import CreditRef, CreditStatus, Excess
from acompte.domain.documents import Flow
from acompte.domain.events import DomainEvent, EventKind, plain
from acompte.domain.money import Money


def _change(before: Money, after: Money) -> dict[str, str]:
    return {"before": plain(before), "after": plain(after)}


def _source(source: CreditRef, number: str | None) -> dict[str, Any]:
    return {"kind": source.kind.value, "id": source.id, "number": number}


# -- a credit note used on a document, and given back -----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditUsed(DomainEvent):
    """On the credit note (`document_id`): part of it now settles the target document."""

    kind: ClassVar[EventKind] = EventKind.CREDIT_USED
    allocation_id: int
    amount: Money
    target_document_id: int
    target_number: str | None
    remaining_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "target_document_id": self.target_document_id,
            "target_number": self.target_number,
            "credit_remaining": _change(self.remaining_before, self.remaining_before - self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditAllocated(DomainEvent):
    """On the settled document (`document_id`): a credit note pays part of what it owes."""

    kind: ClassVar[EventKind] = EventKind.CREDIT_ALLOCATED
    allocation_id: int
    amount: Money
    credit_document_id: int
    credit_number: str | None
    balance_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "credit_document_id": self.credit_document_id,
            "credit_number": self.credit_number,
            "document_balance": _change(self.balance_before, self.balance_before - self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditUseRemoved(DomainEvent):
    """On the settled document (`document_id`): a clerk undid a credit note's use, the document owes it again.

    Stored as an `AllocationRemoved` like a payment's, but a fact of its own: it is the credits capability
    that removes it, so nothing reacts to it as to an allocation the ledger released."""

    kind: ClassVar[EventKind] = EventKind.ALLOCATION_REMOVED
    allocation_id: int
    amount: Money
    reason: str
    credit_document_id: int
    credit_number: str | None
    document_number: str | None
    balance_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "reason": self.reason,
            "credit_document_id": self.credit_document_id,
            "credit_number": self.credit_number,
            "document_number": self.document_number,
            "document_balance": _change(self.balance_before, self.balance_before + self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditUseCancelled(DomainEvent):
    """On the credit note (`document_id`): a use of it is undone. `remaining_before` is known when a clerk
    undoes the use; it is None when the use is released by its document being cancelled or deleted."""

    kind: ClassVar[EventKind] = EventKind.CREDIT_USE_CANCELLED
    allocation_id: int
    amount: Money
    reason: str
    target_document_id: int
    target_number: str | None
    remaining_before: Money | None = None

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "reason": self.reason,
            "target_document_id": self.target_document_id,
            "target_number": self.target_number,
        }
        if self.remaining_before is not None:
            data["credit_remaining"] = _change(self.remaining_before, self.remaining_before + self.amount)
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceCreditedInFull(DomainEvent):
    """On the invoice (`document_id`): its credit notes now equal it, the credit note `credit_document_id`
    completing them. The invoice is cancelled by credit notes (it stays numbered, never deleted)."""

    kind: ClassVar[EventKind] = EventKind.INVOICE_CREDITED_IN_FULL
    credit_document_id: int
    credit_number: str | None
    gross: Money


# -- write-offs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditWrittenOff(DomainEvent):
    """On the credit note (`document_id`): what remained of it is written off for good."""

    kind: ClassVar[EventKind] = EventKind.CREDIT_WRITTEN_OFF
    write_off_id: int
    number: str | None
    amount: Money
    reason: str
    status_before: CreditStatus
    remaining_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "write_off_id": self.write_off_id,
            "number": self.number,
            "amount": plain(self.amount),
            "reason": self.reason,
            "status": {"before": self.status_before.value, "after": CreditStatus.WRITTEN_OFF.value},
            "credit_remaining": {"before": plain(self.remaining_before), "after": "0"},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleasedUseWrittenOff(DomainEvent):
    """On a written-off credit note (`document_id`): a use released after its write-off comes back to it and
    is written off too (stored as a `CreditWrittenOff`: the write-off grows by `amount`)."""

    kind: ClassVar[EventKind] = EventKind.CREDIT_WRITTEN_OFF
    write_off_id: int
    number: str | None
    amount: Money
    reason: str
    written_off_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "write_off_id": self.write_off_id,
            "number": self.number,
            "amount": plain(self.amount),
            "reason": self.reason,
            "written_off": _change(self.written_off_before, self.written_off_before + self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class OverpaymentWrittenOff(DomainEvent):
    """On the payment (`payment_id`): a small overpayment written off within the company threshold."""

    kind: ClassVar[EventKind] = EventKind.OVERPAYMENT_WRITTEN_OFF
    write_off_id: int
    number: str
    amount: Money
    threshold: Money
    reason: str
    unallocated_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "write_off_id": self.write_off_id,
            "number": self.number,
            "amount": plain(self.amount),
            "threshold": plain(self.threshold),
            "reason": self.reason,
            "payment_unallocated": _change(self.unallocated_before, self.unallocated_before - self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortfallWrittenOff(DomainEvent):
    """On the document (`document_id`): a small amount it still owed written off within the threshold."""

    kind: ClassVar[EventKind] = EventKind.SHORTFALL_WRITTEN_OFF
    write_off_id: int
    number: str | None
    amount: Money
    threshold: Money
    reason: str
    balance_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "write_off_id": self.write_off_id,
            "number": self.number,
            "amount": plain(self.amount),
            "threshold": plain(self.threshold),
            "reason": self.reason,
            "document_balance": _change(self.balance_before, self.balance_before - self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteOffRemoved(DomainEvent):
    """On the payment (`payment_id`): its overpayment's write-off is gone with the payment."""

    kind: ClassVar[EventKind] = EventKind.WRITE_OFF_REMOVED
    write_off_id: int
    amount: Money
    reason: str


# -- refunds and overpayments -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundRecorded(DomainEvent):
    """A credit given back by the refund payment `refund_payment_id`. Recorded on the refund payment (with the
    credit note as `document_id` when the credit is one) and, for an overpayment, on the refunded payment too."""

    kind: ClassVar[EventKind] = EventKind.REFUND_RECORDED
    refund_id: int
    amount: Money
    refund_payment_id: int
    refund_number: str
    source: CreditRef
    source_number: str | None
    remaining_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "refund_id": self.refund_id,
            "amount": plain(self.amount),
            "refund_payment_id": self.refund_payment_id,
            "refund_number": self.refund_number,
            "source": _source(self.source, self.source_number),
            "credit_remaining": _change(self.remaining_before, self.remaining_before - self.amount),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundUnwound(DomainEvent):
    """A refund undone: its payment cancelled, the credit gets the amount back (recorded where the refund was)."""

    kind: ClassVar[EventKind] = EventKind.REFUND_UNWOUND
    refund_id: int
    amount: Money
    refund_payment_id: int
    refund_number: str
    source: CreditRef
    source_number: str | None
    reason: str

    def payload(self) -> dict[str, Any]:
        return {
            "refund_id": self.refund_id,
            "amount": plain(self.amount),
            "refund_payment_id": self.refund_payment_id,
            "refund_number": self.refund_number,
            "source": _source(self.source, self.source_number),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class OverpaymentKept(DomainEvent):
    """On the payment (`payment_id`): what it does not settle stays the party's credit, by the clerk's choice."""

    kind: ClassVar[EventKind] = EventKind.OVERPAYMENT_KEPT
    number: str
    amount: Money


# -- the party account ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettledAllocation:
    """One allocation an account settlement made: `amount` of a credit on the document `document_id`."""

    allocation_id: int
    document_id: int
    amount: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSettled(DomainEvent):
    """On the party (and the new payment, `payment_id`, when one was recorded in the same action): documents
    settled with credits in one action, and what became of the new payment's excess."""

    kind: ClassVar[EventKind] = EventKind.ACCOUNT_SETTLED
    flow: Flow
    allocations: tuple[SettledAllocation, ...]
    credits: tuple[CreditRef, ...]
    excess: Money
    choice: Excess

    def payload(self) -> dict[str, Any]:
        return {
            "flow": self.flow.value,
            "allocations": [
                {"allocation_id": a.allocation_id, "document_id": a.document_id, "amount": plain(a.amount)}
                for a in self.allocations
            ],
            "credits": [{"kind": r.kind.value, "id": r.id} for r in self.credits],
            "excess": {"amount": plain(self.excess), "choice": self.choice.value},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentTermsSet(DomainEvent):
    """A document's payment terms (their parts), as stored before and after (None: none were set)."""

    kind: ClassVar[EventKind] = EventKind.PAYMENT_TERMS_SET
    before: Sequence[Mapping[str, Any]] | None
    after: Sequence[Mapping[str, Any]]
