"""The facts the deposits capability records: requests, deposit invoices and their credit notes, attachments,
deductions on final invoices, and the money that follows an order to its invoice and back.

Each class is one fact with typed figures; `payload()` gives the JSON the history holds (amounts as decimal
strings, VAT rates written out in full), unchanged from what the pages and the exports already read. A fact
about two documents (a deduction, a carried payment) is published once for each, with the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from acompte.domain.deposits import Breakdown, DeductionWarning
from acompte.domain.documents import Kind
from acompte.domain.events import DomainEvent, EventKind, plain
from acompte.domain.money import Money


def rate_text(rate: Decimal) -> str:
    """A VAT rate as the history writes it: in full, never in exponent form (20, 5.5, 0)."""
    return f"{rate:f}"


def breakdown_payload(breakdown: Breakdown) -> list[dict[str, str]]:
    return [{"rate": rate_text(b.rate), "net": plain(b.net), "vat": plain(b.vat)} for b in breakdown]


def _before_after(before: Any, after: Any) -> dict[str, Any]:
    return {"before": plain(before), "after": plain(after)}


# -- settings ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDepositPercentSet(DomainEvent):
    """An item's default deposit percentage changed (None: no default). Stored as an `ItemUpdated` fact."""

    kind: ClassVar[EventKind] = EventKind.ITEM_UPDATED
    item_id: int
    percent_before: str | None
    percent_after: str | None

    def payload(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "deposit_percent": _before_after(self.percent_before, self.percent_after)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeRateSet(DomainEvent):
    """A document in a foreign currency got its exchange rate (company-currency units for one unit of its own)."""

    kind: ClassVar[EventKind] = EventKind.EXCHANGE_RATE_SET
    rate_before: Decimal | None
    rate_after: Decimal
    currency: str

    def payload(self) -> dict[str, Any]:
        return {"rate": _before_after(self.rate_before, self.rate_after), "currency": self.currency}


# -- a deposit noted on a quote or an order ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositRequested(DomainEvent):
    """A deposit noted on a quote or an order (`amount` None: the request was cleared). `before` is the request
    as it was stored."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_REQUESTED
    before: Mapping[str, Any] | None
    amount: Money | None = None
    percent: Decimal | None = None
    gross: Money | None = None

    def payload(self) -> dict[str, Any]:
        if self.amount is None or self.gross is None:
            return {"before": plain(self.before), "after": None}
        return {
            "before": plain(self.before),
            "after": {"amount": plain(self.amount), "percent": plain(self.percent)},
            "gross": plain(self.gross),
            "net_to_pay": plain(self.gross - self.amount),
        }


# -- deposit payments and deposit invoices ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositPaymentAttached(DomainEvent):
    """A recorded payment (`payment_id`) was attached to an order, delivery note or invoice as a deposit."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_ATTACHED
    payment_number: str | None
    amount: Money
    document_number: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositInvoiceMoved(DomainEvent):
    """On the deposit invoice: it now hangs on another document (`origin_after`), whose number is given."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_ATTACHED
    origin_before: int | None
    origin_after: int
    document_number: str | None
    deposit_number: str | None

    def payload(self) -> dict[str, Any]:
        return {
            "origin": _before_after(self.origin_before, self.origin_after),
            "document_number": self.document_number,
            "deposit_number": self.deposit_number,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositAttached(DomainEvent):
    """On the document a deposit invoice was attached to: which one, and what it carries."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_ATTACHED
    deposit_invoice_id: int
    deposit_number: str | None
    amount: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositInvoicePrepared(DomainEvent):
    """A draft deposit invoice: its gross, how it was computed (`basis`: percent, amount or lines) and its VAT."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_INVOICE_PREPARED
    gross: Money
    basis: str
    percent: Decimal | None
    origin_number: str | None
    breakdown: Breakdown

    def payload(self) -> dict[str, Any]:
        return {
            "gross": plain(self.gross),
            "basis": self.basis,
            "percent": plain(self.percent),
            "origin_number": self.origin_number,
            "breakdown": breakdown_payload(self.breakdown),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositCreditNotePrepared(DomainEvent):
    """A draft deposit credit note reversing `gross` of a deposit invoice, with the VAT it reverses."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_INVOICE_PREPARED
    gross: Money
    deposit_number: str | None
    breakdown: Breakdown

    def payload(self) -> dict[str, Any]:
        return {
            "gross": plain(self.gross),
            "deposit_number": self.deposit_number,
            "breakdown": breakdown_payload(self.breakdown),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositReversed(DomainEvent):
    """An issued deposit credit note settled `amount` of what was unpaid on its deposit invoice (through the
    allocation `allocation_id`); the rest (`credit_left`) is a credit in the party's favour. Without an
    allocation the deposit invoice was paid and the whole credit note is left as a credit."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_REVERSED
    allocation_id: int | None
    amount: Money
    credit_number: str | None
    deposit_number: str | None
    deposit_balance_before: Money
    credit_left: Money

    def payload(self) -> dict[str, Any]:
        if self.allocation_id is None:
            return {
                "amount": "0.00",
                "credit_number": self.credit_number,
                "deposit_number": self.deposit_number,
                "credit_left": plain(self.credit_left),
            }
        return {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "credit_number": self.credit_number,
            "deposit_number": self.deposit_number,
            "deposit_balance": _before_after(self.deposit_balance_before, self.deposit_balance_before - self.amount),
            "credit_left": plain(self.credit_left),
        }


# -- deductions on final invoices -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositDeducted(DomainEvent):
    """A final invoice deducts `amount` of a deposit invoice, with the VAT it takes back; its net to pay falls
    from `net_to_pay_before` by that amount."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_DEDUCTED
    deposit_invoice_id: int
    deposit_number: str | None
    amount: Money
    automatic: bool
    breakdown: Breakdown
    net_to_pay_before: Money
    invoice_number: str | None

    def payload(self) -> dict[str, Any]:
        return {
            "deposit_invoice_id": self.deposit_invoice_id,
            "deposit_number": self.deposit_number,
            "amount": plain(self.amount),
            "automatic": self.automatic,
            "breakdown": breakdown_payload(self.breakdown),
            "net_to_pay": _before_after(self.net_to_pay_before, self.net_to_pay_before - self.amount),
            "invoice_number": self.invoice_number,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DeductionRemoved(DomainEvent):
    """A final invoice no longer deducts a deposit invoice; `reason` says why (in English, for the history)."""

    kind: ClassVar[EventKind] = EventKind.DEDUCTION_REMOVED
    deposit_invoice_id: int
    deposit_number: str | None
    amount: Money
    invoice_number: str | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositNotDeducted(DomainEvent):
    """An issued final invoice leaves a deposit invoice undeducted, in whole or in part (see DeductionWarning)."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_NOT_DEDUCTED
    warning: DeductionWarning

    def payload(self) -> dict[str, Any]:
        return {"warning": self.warning.message, "code": self.warning.code.value, "params": self.warning.params}


# -- money that follows the order -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositCarried(DomainEvent):
    """Money allocated to a document (a payment's, `payment_id`, or a credit note's) moved onto the document made
    from it, through the allocation `allocation_id`."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_CARRIED
    amount: Money
    payment_number: str | None
    credit_document_id: int | None
    allocation_id: int
    from_document_id: int
    from_number: str | None
    to_document_id: int
    to_kind: Kind
    to_number: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositReturned(DomainEvent):
    """Carried money went back from an invoice to the document it came from (`amount`); what that document could
    not take back (`released`) is unallocated money of its payment again."""

    kind: ClassVar[EventKind] = EventKind.DEPOSIT_RETURNED
    amount: Money
    released: Money
    payment_number: str | None
    credit_document_id: int | None
    from_document_id: int
    from_number: str | None
    to_document_id: int
    to_number: str | None
