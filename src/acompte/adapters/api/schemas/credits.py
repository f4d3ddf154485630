"""Credit notes and their use, write-offs, overpayments (« trop-perçus ») and refunds. A credit is named by
`{"payment_id": ...}` (a payment's unused part) or `{"credit_id": ...}` (a credit note)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    CURRENCY_PATTERN,
    METHOD,
    QUANTITY,
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
from acompte.adapters.api.schemas.documents import MAX_LINES, LineIn
from acompte.adapters.api.schemas.payments import AllocationOut
from acompte.domain.credits import CreditRef, CreditStatus, CreditUse, Excess, SourceKind
from acompte.domain.documents import Flow
from acompte.domain.money import MINOR_UNITS
from acompte.services.credit_views import CreditNoteView, OverpaymentView, RefundView, SettleResult, WriteOffView
from acompte.services.credits import InvoiceCredits

_EUR = {"amount": "20.00", "currency": "EUR"}


class CreditUseOut(Output):
    """How much of a credit went where: `remaining` = total − applied − refunded − written off."""

    total: Money
    applied: Money
    refunded: Money
    written_off: Money
    remaining: Money
    status: CreditStatus

    @classmethod
    def of(cls, use: CreditUse) -> CreditUseOut:
        return cls(
            total=Money.of(use.total),
            applied=Money.of(use.applied),
            refunded=Money.of(use.refunded),
            written_off=Money.of(use.written_off),
            remaining=Money.of(use.remaining),
            status=use.status,
        )


class CreditRefOut(Output):
    """A credit: a payment's unused part (`payment`) or a credit note (`credit_note`)."""

    kind: SourceKind
    id: str

    @classmethod
    def of(cls, ref: CreditRef) -> CreditRefOut:
        return cls(kind=ref.kind, id=str(ref.id))


class CreditOut(Output):
    """A validated credit note as a credit: what it is worth, where it went, what remains, its status."""

    id: str
    kind: str
    flow: Flow
    number: str | None
    party_id: str
    party_name: str
    issue_date: date
    origin_id: str | None
    origin_number: str | None
    gross: Money
    remaining: Money
    status: CreditStatus
    use: CreditUseOut
    notes: str

    @classmethod
    def of(cls, view: CreditNoteView) -> CreditOut:
        return cls(
            id=str(view.id),
            kind=view.kind,
            flow=Flow(view.flow),
            number=view.number,
            party_id=str(view.party_id),
            party_name=view.party_name,
            issue_date=view.issue_date,
            origin_id=opt_id(view.origin_id),
            origin_number=view.origin_number,
            gross=Money.of(view.gross),
            remaining=Money.of(view.remaining),
            status=view.status,
            use=CreditUseOut.of(view.use),
            notes=view.notes,
        )


class InvoiceCreditsOut(Output):
    """How much of an invoice its validated credit notes have corrected."""

    invoice_id: str
    gross: Money
    credited: Money
    remaining: Money
    fully_credited: bool
    credit_note_ids: list[str]

    @classmethod
    def of(cls, credits: InvoiceCredits) -> InvoiceCreditsOut:
        return cls(
            invoice_id=str(credits.invoice_id),
            gross=Money.of(credits.gross),
            credited=Money.of(credits.credited),
            remaining=Money.of(credits.remaining),
            fully_credited=credits.fully_credited,
            credit_note_ids=[str(i) for i in credits.credit_note_ids],
        )


class WriteOffOut(Output):
    """An amount written off: a credit note's rest (`credit_note`), an overpayment (`overpayment`), or a small
    shortfall of a document (`shortfall`, with `document_id`)."""

    id: str
    party_id: str
    kind: str
    source: CreditRefOut | None
    source_number: str | None
    amount: Money
    write_off_date: date
    reason: str
    document_id: str | None

    @classmethod
    def of(cls, view: WriteOffView) -> WriteOffOut:
        return cls(
            id=str(view.id),
            party_id=str(view.party_id),
            kind=view.kind,
            source=CreditRefOut.of(view.source) if view.source else None,
            source_number=view.source_number,
            amount=Money.of(view.amount),
            write_off_date=view.write_off_date,
            reason=view.reason,
            document_id=opt_id(view.document_id),
        )


class RefundOut(Output):
    """A credit given back: `payment_id` is the refund payment (the opposite direction), `source` the credit."""

    id: str
    party_id: str
    payment_id: str
    payment_number: str
    source: CreditRefOut
    source_number: str | None
    amount: Money
    created_at: datetime | None

    @classmethod
    def of(cls, view: RefundView) -> RefundOut:
        return cls(
            id=str(view.id),
            party_id=str(view.party_id),
            payment_id=str(view.payment_id),
            payment_number=view.payment_number,
            source=CreditRefOut.of(view.source),
            source_number=view.source_number,
            amount=Money.of(view.amount),
            created_at=utc(view.created_at),
        )


class OverpaymentOut(Output):
    """A payment with money left (« trop-perçu »); `is_overpayment` is false for a wholly unallocated payment."""

    payment_id: str
    number: str
    party_id: str
    party_name: str
    direction: str
    method: str
    payment_date: date
    amount: Money
    remaining: Money
    use: CreditUseOut
    origin_numbers: list[str]
    is_overpayment: bool

    @classmethod
    def of(cls, view: OverpaymentView) -> OverpaymentOut:
        return cls(
            payment_id=str(view.payment_id),
            number=view.number,
            party_id=str(view.party_id),
            party_name=view.party_name,
            direction=view.direction,
            method=view.method,
            payment_date=view.payment_date,
            amount=Money.of(view.amount),
            remaining=Money.of(view.remaining),
            use=CreditUseOut.of(view.use),
            origin_numbers=list(view.origin_numbers),
            is_overpayment=view.is_overpayment,
        )


class SettleResultOut(Output):
    """What a settlement (or an excess choice) did: the allocations made, the new payment's excess and what
    became of it (kept as credit, refunded, written off)."""

    payment_id: str | None
    allocations: list[AllocationOut]
    excess: Money
    refund: RefundOut | None
    write_off: WriteOffOut | None

    @classmethod
    def of(cls, result: SettleResult) -> SettleResultOut:
        return cls(
            payment_id=opt_id(result.payment_id),
            allocations=[AllocationOut.of(a) for a in result.allocations],
            excess=Money.of(result.excess),
            refund=RefundOut.of(result.refund) if result.refund else None,
            write_off=WriteOffOut.of(result.write_off) if result.write_off else None,
        )


class CreditedLineIn(Input):
    """A line of the invoice (by position) and the quantity to credit."""

    position: Annotated[StrictInt, Field(ge=1, le=MAX_LINES)]
    quantity: QUANTITY


class CreditInvoiceIn(Input):
    """Credit an issued invoice: all that is not yet credited (no `lines`), or some lines and quantities (a
    return). Issued at once by default; `apply_to_origin` first settles what the invoice still owes."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"lines": [{"position": 1, "quantity": "1"}], "comment": "Retour"}]},
    )

    lines: Annotated[list[CreditedLineIn], Field(min_length=1, max_length=MAX_LINES)] | None = None
    comment: Text(5000) = ""  # type: ignore[valid-type]
    issue: StrictBool = True
    apply_to_origin: StrictBool = True
    issue_date: IsoDate | None = None


class CreditNoteIn(Input):
    """A standalone credit note (a commercial gesture) with free lines. A sales credit note names the invoice(s)
    it corrects: `origin_id` (it then never exceeds what remains to credit on that invoice) and/or
    `corrected_invoice_ids`. `party_id` defaults to the corrected invoice's party."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "party_id": "42",
                    "origin_id": "9",
                    "lines": [
                        {"designation": "Geste commercial", "quantity": "1", "unit_price": "10", "vat_rate": "20"}
                    ],
                    "comment": "Retard de livraison",
                }
            ]
        },
    )

    party_id: Id | None = None
    flow: Flow | None = None  # defaults to the corrected invoices' flow
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]
    comment: Text(5000) = ""  # type: ignore[valid-type]
    origin_id: Id | None = None
    corrected_invoice_ids: Annotated[list[Id], Field(max_length=50, default_factory=list)]
    currency: Annotated[StrictStr, Field(pattern=CURRENCY_PATTERN)] | None = None
    issue: StrictBool = True
    apply_to_origin: StrictBool = False
    issue_date: IsoDate | None = None

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str | None) -> str | None:
        if value is not None and value not in MINOR_UNITS:
            raise PydanticCustomError("unknown_currency", "Devise inconnue : {currency}", {"currency": value})
        return value

    @model_validator(mode="after")
    def _party(self) -> CreditNoteIn:
        if self.party_id is None and self.origin_id is None and not self.corrected_invoice_ids:
            raise PydanticCustomError(
                "party_required", "Indiquez le tiers, ou la facture que l'avoir corrige (origin_id)", {}
            )
        return self


class CreditUseIn(Input):
    """Settle part of a document with the credit note; without an amount, as much as both sides allow."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"document_id": "7", "amount": _EUR}]})

    document_id: Id
    amount: MoneyIn | None = None


class ReasonIn(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "Client parti"}]})

    reason: Text(200) = ""  # type: ignore[valid-type]


class AmountWriteOffIn(Input):
    """A small difference written off within the company threshold; without an amount, all of it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"amount": {"amount": "0.02", "currency": "EUR"}, "reason": "Écart"}]},
    )

    amount: MoneyIn | None = None
    reason: Text(200) = ""  # type: ignore[valid-type]


class RefundIn(Input):
    """Give a credit back (all that remains by default) by a payment the other way."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"method": "transfer", "amount": _EUR, "reference": "VIR remboursement"}]},
    )

    method: METHOD
    amount: MoneyIn | None = None
    payment_date: IsoDate | None = None
    reference: Text(200) = ""  # type: ignore[valid-type]
    comment: Text(2000) = ""  # type: ignore[valid-type]
    account_id: Id | None = None


class ExcessIn(Input):
    """What becomes of a payment's unused part: kept as the party's credit, refunded, or written off (a small
    difference within the threshold: accountant role)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"choice": "keep"}]})

    choice: Excess = Excess.KEEP
    refund_method: METHOD | None = None
    refund_date: IsoDate | None = None
    reason: Text(200) = ""  # type: ignore[valid-type]
