"""Past-tense facts recorded in the append-only history. Amounts travel as decimal strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    COMPANY_CREATED = "CompanyCreated"
    PARTY_CREATED = "PartyCreated"
    PARTY_UPDATED = "PartyUpdated"
    ITEM_CREATED = "ItemCreated"
    DOCUMENT_CREATED = "DocumentCreated"
    DOCUMENT_UPDATED = "DocumentUpdated"
    DOCUMENT_VALIDATED = "DocumentValidated"
    DOCUMENT_CANCELLED = "DocumentCancelled"
    DOCUMENT_DELETED = "DocumentDeleted"
    DOCUMENT_CONVERTED = "DocumentConverted"
    PAYMENT_RECORDED = "PaymentRecorded"
    PAYMENT_ALLOCATED = "PaymentAllocated"
    ALLOCATION_REMOVED = "AllocationRemoved"
    # credits (issue 4)
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
    # exports (issue 6)
    ACCOUNTING_EXPORTED = "AccountingExported"
    EINVOICE_STATUS_SET = "EInvoiceStatusSet"
    DOCUMENT_FILE_ISSUED = "DocumentFileIssued"  # an issued document's file, stored once with its SHA-256
    # deposits (issue 3)
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
    # users and security (issue 5)
    MEMBERSHIP_GRANTED = "MembershipGranted"
    TOKEN_CREATED = "TokenCreated"
    TOKEN_REVOKED = "TokenRevoked"


@dataclass(frozen=True, slots=True)
class Event:
    """One change: what happened, to which document and/or payment, with amounts before and after."""

    kind: EventKind | str
    company_id: int
    document_id: int | None = None
    payment_id: int | None = None
    party_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
