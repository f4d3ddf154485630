"""Payments and their allocations to documents; what may change on a payment, its changes and cancellation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
)

from acompte.adapters.api.schemas.common import (
    METHOD,
    Id,
    Input,
    IsoDate,
    Money,
    MoneyIn,
    Output,
    Text,
    opt_id,
    utc,
)
from acompte.domain.payments import Direction, PaymentState
from acompte.services.payment_changes import PaymentForm
from acompte.services.views import AllocationView, PaymentView


class AllocationOut(Output):
    id: str
    document_id: str
    document_number: str | None
    payment_id: str | None
    payment_number: str | None
    credit_document_id: str | None
    amount: Money
    created_at: datetime | None

    @classmethod
    def of(cls, allocation: AllocationView) -> AllocationOut:
        return cls(
            id=str(allocation.id),
            document_id=str(allocation.document_id),
            document_number=allocation.document_number,
            payment_id=opt_id(allocation.payment_id),
            payment_number=allocation.payment_number,
            credit_document_id=opt_id(allocation.credit_document_id),
            amount=Money.of(allocation.amount),
            created_at=utc(allocation.created_at),
        )


class AllocationPart(Input):
    document_id: Id
    amount: MoneyIn


class PaymentIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "party_id": "42",
                    "amount": {"amount": "360.00", "currency": "EUR"},
                    "method": "transfer",
                    "reference": "VIR 2026-0042",
                    "allocations": [{"document_id": "7", "amount": {"amount": "360.00", "currency": "EUR"}}],
                }
            ]
        },
    )

    party_id: Id
    amount: MoneyIn
    method: METHOD
    direction: Direction = Direction.IN
    payment_date: IsoDate | None = None
    account_id: Id | None = None
    reference: Text(200) = ""  # type: ignore[valid-type]
    comment: Text(2000) = ""  # type: ignore[valid-type]
    origin_document_id: Id | None = None
    allocations: Annotated[list[AllocationPart], Field(max_length=100)] = []  # noqa: RUF012 - a pydantic default, copied per instance


class AllocateIn(Input):
    """Allocate part of the payment to a document; without an amount, as much as both sides allow."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"document_id": "7", "amount": {"amount": "100.00", "currency": "EUR"}}]},
    )

    document_id: Id
    amount: MoneyIn | None = None


class PaymentSummaryOut(Output):
    id: str
    number: str
    party_id: str
    party_name: str
    direction: Direction
    method: str
    digital: bool
    account_id: str
    payment_date: date
    amount: Money
    allocated: Money
    unallocated: Money
    state: PaymentState
    reference: str
    comment: str
    exported: bool
    origin_document_id: str | None
    version: int

    @classmethod
    def fields_of(cls, view: PaymentView) -> dict[str, Any]:
        p = view.payment
        return {
            "id": str(p.id),
            "number": p.number,
            "party_id": str(p.party_id),
            "party_name": view.party_name,
            "direction": p.direction,
            "method": p.method,
            "digital": p.digital,
            "account_id": str(p.account_id),
            "payment_date": p.payment_date,
            "amount": Money.of(p.amount),
            "allocated": Money.of(view.allocated),
            "unallocated": Money.of(view.unallocated),
            "state": p.state,
            "reference": p.reference,
            "comment": p.comment,
            "exported": p.exported,
            "origin_document_id": opt_id(p.origin_document_id),
            "version": p.version,
        }

    @classmethod
    def of(cls, view: PaymentView) -> PaymentSummaryOut:
        return cls(**cls.fields_of(view))


class PaymentOut(PaymentSummaryOut):
    allocations: list[AllocationOut]

    @classmethod
    def of(cls, view: PaymentView) -> PaymentOut:
        return cls(**cls.fields_of(view), allocations=[AllocationOut.of(a) for a in view.allocations])


class PaymentEditOut(Output):
    """What may change on a payment, and why the rest is locked (`lock`: digital, exported or cancelled)."""

    payment: PaymentOut
    editable: list[str]
    locked: list[str]
    lock: str | None
    can_cancel: bool
    is_refund: bool

    @classmethod
    def of(cls, form: PaymentForm) -> PaymentEditOut:
        return cls(
            payment=PaymentOut.of(form.payment),
            editable=sorted(form.editable),
            locked=list(form.locked),
            lock=form.lock.value if form.lock else None,
            can_cancel=form.can_cancel,
            is_refund=form.is_refund,
        )


class PaymentPatch(Input):
    """Change a payment: method, date, amount and reference when it is neither digital nor exported; only its
    comment otherwise. Only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reference": "CHQ 1234567", "comment": "Remis en banque"}]}
    )

    method: METHOD | None = None
    payment_date: IsoDate | None = None
    amount: MoneyIn | None = None
    reference: Text(200) | None = None  # type: ignore[valid-type]
    comment: Text(2000) | None = None  # type: ignore[valid-type]
    account_id: Id | None = None


class CancelPaymentIn(Input):
    """Cancel a payment (not digital, not exported): its allocations are removed. `document_id`: cancel it from
    the document it settles (refused if it does not settle it)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Chèque impayé", "document_id": "7"}]}
    )

    reason: Text(200) = ""  # type: ignore[valid-type]
    document_id: Id | None = None
