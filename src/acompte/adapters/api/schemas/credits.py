"""Credit notes and their use, write-offs, overpayments (« trop-perçus ») and refunds. A credit is named by
`{"payment_id": ...}` (a payment's unused part) or `{"credit_id": ...}` (a credit note)."""

from __future__ import annotations

from datetime import date
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
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    CURRENCY_PATTERN,
    METHOD,
    QUANTITY,
    Bounded,
    Id,
    Input,
    IsoDate,
    MoneyIn,
    MoneyOut,
    Output,
    UtcOut,
)
from acompte.adapters.api.schemas.documents import MAX_LINES, LineIn
from acompte.adapters.api.schemas.payments import AllocationOut
from acompte.domain.credits import CreditStatus, Excess, SourceKind
from acompte.domain.documents import Flow
from acompte.domain.money import MINOR_UNITS

_EUR: JsonDict = {"amount": "20.00", "currency": "EUR"}


class CreditUseOut(Output):
    """How much of a credit went where: `remaining` = total − applied − refunded − written off."""

    total: MoneyOut
    applied: MoneyOut
    refunded: MoneyOut
    written_off: MoneyOut
    remaining: MoneyOut
    status: CreditStatus


class CreditRefOut(Output):
    """A credit: a payment's unused part (`payment`) or a credit note (`credit_note`)."""

    kind: SourceKind
    id: str


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
    gross: MoneyOut
    remaining: MoneyOut
    status: CreditStatus
    use: CreditUseOut
    notes: str


class InvoiceCreditsOut(Output):
    """How much of an invoice its validated credit notes have corrected."""

    invoice_id: str
    gross: MoneyOut
    credited: MoneyOut
    remaining: MoneyOut
    fully_credited: bool
    credit_note_ids: list[str]


class WriteOffOut(Output):
    """An amount written off: a credit note's rest (`credit_note`), an overpayment (`overpayment`), or a small
    shortfall of a document (`shortfall`, with `document_id`)."""

    id: str
    party_id: str
    kind: str
    source: CreditRefOut | None
    source_number: str | None
    amount: MoneyOut
    write_off_date: date
    reason: str
    document_id: str | None


class RefundOut(Output):
    """A credit given back: `payment_id` is the refund payment (the opposite direction), `source` the credit."""

    id: str
    party_id: str
    payment_id: str
    payment_number: str
    source: CreditRefOut
    source_number: str | None
    amount: MoneyOut
    created_at: UtcOut | None


class OverpaymentOut(Output):
    """A payment with money left (« trop-perçu »); `is_overpayment` is false for a wholly unallocated payment."""

    payment_id: str
    number: str
    party_id: str
    party_name: str
    direction: str
    method: str
    payment_date: date
    amount: MoneyOut
    remaining: MoneyOut
    use: CreditUseOut
    origin_numbers: list[str]
    is_overpayment: bool


class SettleResultOut(Output):
    """What a settlement (or an excess choice) did: the allocations made, the new payment's excess and what
    became of it (kept as credit, refunded, written off)."""

    payment_id: str | None
    allocations: list[AllocationOut]
    excess: MoneyOut
    refund: RefundOut | None
    write_off: WriteOffOut | None


# -- requests -------------------------------------------------------------------------------------------------------


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
    comment: Annotated[StrictStr, Bounded(5000)] = ""
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
    comment: Annotated[StrictStr, Bounded(5000)] = ""
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

    reason: Annotated[StrictStr, Bounded(200)] = ""


class AmountWriteOffIn(Input):
    """A small difference written off within the company threshold; without an amount, all of it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"amount": {"amount": "0.02", "currency": "EUR"}, "reason": "Écart"}]},
    )

    amount: MoneyIn | None = None
    reason: Annotated[StrictStr, Bounded(200)] = ""


class RefundIn(Input):
    """Give a credit back (all that remains by default) by a payment the other way."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"method": "transfer", "amount": _EUR, "reference": "VIR remboursement"}]},
    )

    method: METHOD
    amount: MoneyIn | None = None
    payment_date: IsoDate | None = None
    reference: Annotated[StrictStr, Bounded(200)] = ""
    comment: Annotated[StrictStr, Bounded(2000)] = ""
    account_id: Id | None = None


class ExcessIn(Input):
    """What becomes of a payment's unused part: kept as the party's credit, refunded, or written off (a small
    difference within the threshold: accountant role)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"choice": "keep"}]})

    choice: Excess = Excess.KEEP
    refund_method: METHOD | None = None
    refund_date: IsoDate | None = None
    reason: Annotated[StrictStr, Bounded(200)] = ""
