"""Payments and their allocations to documents; what may change on a payment, its changes and cancellation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    AliasPath,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
)

from acompte.adapters.api.schemas.common import (
    EXCHANGE_RATE,
    METHOD,
    Bounded,
    CodeOut,
    DecimalOut,
    Id,
    Input,
    IsoDate,
    MoneyIn,
    MoneyOut,
    Output,
    UtcOut,
)
from acompte.domain.payments import Direction, PaymentState


class AllocationOut(Output):
    id: str
    document_id: str
    document_number: str | None
    payment_id: str | None
    payment_number: str | None
    credit_document_id: str | None
    amount: MoneyOut
    created_at: UtcOut | None


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
    reference: Annotated[StrictStr, Bounded(200)] = ""
    comment: Annotated[StrictStr, Bounded(2000)] = ""
    origin_document_id: Id | None = None
    allocations: Annotated[list[AllocationPart], Field(max_length=100)] = []  # noqa: RUF012 - a pydantic default, copied per instance
    write_off_shortfall: bool = Field(
        False,
        description="Write off, in the same operation, the small shortfall each allocated document is left owing "
        "(within the company's write_off_threshold; accountants): booked with the payment in one bank entry",
    )
    exchange_rate: EXCHANGE_RATE | None = None


class AllocateIn(Input):
    """Allocate part of the payment to a document; without an amount, as much as both sides allow."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"document_id": "7", "amount": {"amount": "100.00", "currency": "EUR"}}]},
    )

    document_id: Id
    amount: MoneyIn | None = None


def _payment(name: str) -> Any:
    return AliasPath("payment", name)


class PaymentSummaryOut(Output):
    # Read from a payment view: the payment's fields, its party's name and what is allocated of it.
    id: str
    number: str = Field(validation_alias=_payment("number"))
    party_id: str = Field(validation_alias=_payment("party_id"))
    party_name: str
    direction: Direction = Field(validation_alias=_payment("direction"))
    method: str = Field(validation_alias=_payment("method"))
    digital: bool = Field(validation_alias=_payment("digital"))
    account_id: str = Field(validation_alias=_payment("account_id"))
    payment_date: date = Field(validation_alias=_payment("payment_date"))
    amount: MoneyOut = Field(validation_alias=_payment("amount"))
    allocated: MoneyOut
    unallocated: MoneyOut
    state: PaymentState = Field(validation_alias=_payment("state"))
    reference: str = Field(validation_alias=_payment("reference"))
    comment: str = Field(validation_alias=_payment("comment"))
    exported: bool = Field(validation_alias=_payment("exported"))
    origin_document_id: str | None = Field(validation_alias=_payment("origin_document_id"))
    version: int = Field(validation_alias=_payment("version"))
    exchange_rate: DecimalOut | None = Field(default=None, validation_alias=_payment("exchange_rate"))


class PaymentOut(PaymentSummaryOut):
    allocations: list[AllocationOut]


class PaymentEditOut(Output):
    """What may change on a payment, and why the rest is locked (`lock`: digital, exported or cancelled)."""

    payment: PaymentOut
    editable: list[str]
    locked: list[str]
    lock: CodeOut | None
    can_cancel: bool
    is_refund: bool

    @field_validator("editable", mode="before")
    @classmethod
    def _in_order(cls, fields: Any) -> Any:
        return sorted(fields) if isinstance(fields, frozenset | set) else fields


class PaymentPatch(Input):
    """Change a payment: method, date, amount and reference when it is neither digital nor exported; only its
    comment otherwise. Only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reference": "CHQ 1234567", "comment": "Remis en banque"}]}
    )

    method: METHOD | None = None
    payment_date: IsoDate | None = None
    amount: MoneyIn | None = None
    reference: Annotated[StrictStr, Bounded(200)] | None = None
    comment: Annotated[StrictStr, Bounded(2000)] | None = None
    account_id: Id | None = None


class CancelPaymentIn(Input):
    """Cancel a payment (not digital, not exported): its allocations are removed. `document_id`: cancel it from
    the document it settles (refused if it does not settle it)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Chèque impayé", "document_id": "7"}]}
    )

    reason: Annotated[StrictStr, Bounded(200)] = ""
    document_id: Id | None = None
