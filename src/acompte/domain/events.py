"""Past-tense facts recorded in the append-only history, and the notices a use case sends before a change.

A fact is a typed, frozen record (`DomainEvent` subclasses, one class per fact). Its stored form is an `Event`
(kind + JSON data, amounts as decimal strings) so that the history reads the same whoever wrote it. A notice
(`Notice` subclasses) is never stored: it tells the capabilities built on a use case that a change is about to
happen, so that they refuse it or prepare it inside the same transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, ClassVar

from acompte.domain.documents import Document, Flow, Kind, Line
from acompte.domain.money import Money


class EventKind(StrEnum):
    COMPANY_CREATED = "CompanyCreated"
    ACCOUNT_ADDED = "AccountAdded"
    VAT_RATES_CHANGED = "VatRatesChanged"
    PAYMENT_METHOD_CHANGED = "PaymentMethodChanged"
    COMPANY_IDENTITY_CHANGED = "CompanyIdentityChanged"
    SETTINGS_CHANGED = "SettingsChanged"
    PARTY_CREATED = "PartyCreated"
    PARTY_UPDATED = "PartyUpdated"
    ITEM_CREATED = "ItemCreated"
    ITEM_UPDATED = "ItemUpdated"
    DOCUMENT_CREATED = "DocumentCreated"
    DOCUMENT_UPDATED = "DocumentUpdated"
    DOCUMENT_VALIDATED = "DocumentValidated"
    DOCUMENT_CANCELLED = "DocumentCancelled"
    DOCUMENT_DELETED = "DocumentDeleted"
    DOCUMENT_CONVERTED = "DocumentConverted"
    PAYMENT_RECORDED = "PaymentRecorded"
    PAYMENT_ALLOCATED = "PaymentAllocated"
    ALLOCATION_REMOVED = "AllocationRemoved"
    # credits
    CREDIT_ALLOCATED = "CreditAllocated"  # on the settled document
    CREDIT_USED = "CreditUsed"  # on the credit note
    CREDIT_USE_CANCELLED = "CreditUseCancelled"  # on the credit note; the document gets AllocationRemoved
    CREDIT_WRITTEN_OFF = "CreditWrittenOff"
    INVOICE_CREDITED_IN_FULL = "InvoiceCreditedInFull"
    OVERPAYMENT_KEPT = "OverpaymentKept"
    OVERPAYMENT_WRITTEN_OFF = "OverpaymentWrittenOff"
    WRITE_OFF_REMOVED = "WriteOffRemoved"
    REFUND_RECORDED = "RefundRecorded"
    REFUND_UNWOUND = "RefundUnwound"
    PAYMENT_CHANGED = "PaymentChanged"
    PAYMENT_CANCELLED = "PaymentCancelled"
    PAYMENT_TERMS_SET = "PaymentTermsSet"
    ACCOUNT_SETTLED = "AccountSettled"
    SHORTFALL_WRITTEN_OFF = "ShortfallWrittenOff"
    # exports
    ACCOUNTING_EXPORTED = "AccountingExported"
    EINVOICE_STATUS_SET = "EInvoiceStatusSet"
    DOCUMENT_FILE_ISSUED = "DocumentFileIssued"  # an issued document's file, stored once with its SHA-256
    # deposits
    DEPOSIT_REQUESTED = "DepositRequested"
    DEPOSIT_INVOICE_PREPARED = "DepositInvoicePrepared"
    DEPOSIT_ATTACHED = "DepositAttached"
    DEPOSIT_DEDUCTED = "DepositDeducted"
    DEDUCTION_REMOVED = "DeductionRemoved"
    DEPOSIT_NOT_DEDUCTED = "DepositNotDeducted"
    DEPOSIT_CARRIED = "DepositCarried"
    DEPOSIT_RETURNED = "DepositReturned"
    DEPOSIT_REVERSED = "DepositReversed"
    EXCHANGE_RATE_SET = "ExchangeRateSet"
    # users and security
    MEMBERSHIP_GRANTED = "MembershipGranted"
    TOKEN_CREATED = "TokenCreated"
    TOKEN_REVOKED = "TokenRevoked"
    # bank reconciliation
    BANK_LINE_RECONCILED = "BankLineReconciled"
    BANK_MATCH_UNDONE = "BankMatchUndone"
    BANK_LINE_IGNORED = "BankLineIgnored"
    BANK_LINE_REOPENED = "BankLineReopened"
    # bank accounts: the company's, and those its parties hold
    BANK_ACCOUNT_CHANGED = "BankAccountChanged"
    PARTY_BANK_ACCOUNT_ADDED = "PartyBankAccountAdded"
    PARTY_BANK_ACCOUNT_REMOVED = "PartyBankAccountRemoved"


@dataclass(frozen=True, slots=True)
class Event:
    """One change: what happened, to which document and/or payment, with amounts before and after."""

    kind: EventKind | str
    company_id: int
    document_id: int | None = None
    payment_id: int | None = None
    party_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """The JSON form of a fact's figure: money and decimals as decimal strings, dates in ISO, enums by value."""
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


_SUBJECT_FIELDS = frozenset({"company_id", "document_id", "payment_id", "party_id"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    """A fact: what happened, to which document and/or payment. Subclasses add the figures of the fact as
    typed fields; `payload` is their stored JSON, field by field unless a subclass says otherwise."""

    kind: ClassVar[EventKind]
    company_id: int
    document_id: int | None = None
    payment_id: int | None = None
    party_id: int | None = None

    def payload(self) -> dict[str, Any]:
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name not in _SUBJECT_FIELDS}

    def record(self) -> Event:
        return Event(
            self.kind,
            self.company_id,
            document_id=self.document_id,
            payment_id=self.payment_id,
            party_id=self.party_id,
            data=self.payload(),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """A change about to happen, sent before it inside the same transaction: a handler refuses it by raising a
    domain error (nothing is written) or prepares what must exist before it. Never stored."""

    company_id: int


# -- the ledger's documents -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentCreated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.DOCUMENT_CREATED
    document_kind: Kind
    flow: Flow
    gross: Money
    extra: Mapping[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {"kind": self.document_kind.value, "flow": self.flow.value, "gross": plain(self.gross), **self.extra}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentUpdated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.DOCUMENT_UPDATED
    changes: Mapping[str, Any]

    def payload(self) -> dict[str, Any]:
        return dict(plain(self.changes))


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentValidated(DomainEvent):
    """A document took its number. `on` is the day of validation (an invoice's issue date)."""

    kind: ClassVar[EventKind] = EventKind.DOCUMENT_VALIDATED
    number: str
    gross: Money
    on: date

    def payload(self) -> dict[str, Any]:
        return {"number": self.number, "gross": plain(self.gross), "state": {"before": "draft", "after": "validated"}}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentCancelled(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.DOCUMENT_CANCELLED
    state_before: str
    released: tuple[Mapping[str, Any], ...]

    def payload(self) -> dict[str, Any]:
        return {"state": {"before": self.state_before, "after": "cancelled"}, "released": plain(self.released)}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDeleted(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.DOCUMENT_DELETED
    document_kind: Kind
    gross: Money
    released: tuple[Mapping[str, Any], ...]

    def payload(self) -> dict[str, Any]:
        return {"kind": self.document_kind.value, "gross": plain(self.gross), "released": plain(self.released)}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentConverted(DomainEvent):
    """`document_id` is the source; `target_id` the document made from it (a draft, created just before)."""

    kind: ClassVar[EventKind] = EventKind.DOCUMENT_CONVERTED
    target_id: int
    target_kind: Kind


@dataclass(frozen=True, slots=True, kw_only=True)
class AllocationRemoved(DomainEvent):
    """Money (a payment's, or a credit note's when `credit_document_id` is set) no longer settles the document.
    `balance_before` is the document's balance due before, when the removal was asked for on its own."""

    kind: ClassVar[EventKind] = EventKind.ALLOCATION_REMOVED
    allocation_id: int
    amount: Money
    reason: str
    document_number: str | None
    payment_number: str | None = None
    credit_document_id: int | None = None
    credit_number: str | None = None
    balance_before: Money | None = None

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "payment_number": self.payment_number,
            "document_number": self.document_number,
            "reason": self.reason,
        }
        if self.credit_document_id is not None:
            data["credit_document_id"] = self.credit_document_id
            data["credit_number"] = self.credit_number
        if self.balance_before is not None:
            data["document_balance"] = {
                "before": plain(self.balance_before),
                "after": plain(self.balance_before + self.amount),
            }
        return data


# -- the ledger's payments --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentRecorded(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PAYMENT_RECORDED
    number: str
    amount: Money
    method: str
    direction: str
    on: date
    reference: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "amount": plain(self.amount),
            "currency": self.amount.currency,
            "method": self.method,
            "direction": self.direction,
            "date": self.on.isoformat(),
            "reference": self.reference,
            **plain(self.extra),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentAllocated(DomainEvent):
    kind: ClassVar[EventKind] = EventKind.PAYMENT_ALLOCATED
    allocation_id: int
    amount: Money
    payment_number: str
    document_number: str | None
    method: str
    payment_date: date
    balance_before: Money
    unallocated_before: Money

    def payload(self) -> dict[str, Any]:
        return {
            "allocation_id": self.allocation_id,
            "amount": plain(self.amount),
            "payment_number": self.payment_number,
            "document_number": self.document_number,
            "method": self.method,
            "payment_date": self.payment_date.isoformat(),
            "document_balance": {
                "before": plain(self.balance_before),
                "after": plain(self.balance_before - self.amount),
            },
            "payment_unallocated": {
                "before": plain(self.unallocated_before),
                "after": plain(self.unallocated_before - self.amount),
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentChanged(DomainEvent):
    """`changes` maps each changed field to its (before, after) values."""

    kind: ClassVar[EventKind] = EventKind.PAYMENT_CHANGED
    number: str
    changes: Mapping[str, tuple[Any, Any]]

    def payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            **{name: {"before": plain(b), "after": plain(a)} for name, (b, a) in self.changes.items()},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentCancelled(DomainEvent):
    """What the cancellation undid travels with it: allocations released, write-offs removed, refunds unwound."""

    kind: ClassVar[EventKind] = EventKind.PAYMENT_CANCELLED
    number: str
    amount: Money
    method: str
    reason: str
    state_before: str
    released: tuple[Mapping[str, Any], ...]
    write_offs_removed: tuple[Mapping[str, Any], ...]
    refunds_unwound: tuple[Mapping[str, Any], ...]

    def payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "amount": plain(self.amount),
            "method": self.method,
            "reason": self.reason,
            "state": {"before": self.state_before, "after": "cancelled"},
            "released": plain(self.released),
            "write_offs_removed": plain(self.write_offs_removed),
            "refunds_unwound": plain(self.refunds_unwound),
        }


# -- notices: a change about to happen ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentIssuing(Notice):
    """A draft has its number and is about to be validated: refusals that need the number come now."""

    document: Document
    number: str
    on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class LinesChanging(Notice):
    """A document's lines are about to be replaced by `lines` (priced), whose gross is `gross`."""

    document: Document
    lines: tuple[Line, ...]
    gross: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class RecallLinesTyped(Notice):
    """A draft final invoice was given lines with a negative quantity: deposit recall lines (« Acompte déjà
    facturé FA-… », −1 × its net). They are not kept as lines: the capability that knows deposits turns them into
    the deductions they stand for, so they count exactly as an automatic deduction everywhere."""

    document: Document
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditUseUndoing(Notice):
    """A user undoes an allocation whose money came from a credit note: the capability that knows credit notes'
    rules (a written-off credit note keeps what it settled) undoes it on both sides."""

    allocation_id: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftDeleting(Notice):
    """A draft is about to be deleted: what hangs on it must let go first."""

    document: Document
