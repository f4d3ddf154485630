"""Deposit invoices (from an order or a quote, or standalone), their VAT breakdown, their deduction from final
invoices and its warnings, deposit credit notes, final invoices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AliasPath,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    METHOD,
    PERCENT,
    RATE,
    Bounded,
    CodeOut,
    DecimalOut,
    Id,
    Input,
    IsoDate,
    Joined,
    Money,
    MoneyIn,
    MoneyOut,
    Output,
)
from acompte.adapters.api.schemas.documents import MAX_LINES, DocumentOut, LineIn
from acompte.adapters.api.schemas.payments import PaymentOut
from acompte.domain.deposits import DeductionWarning
from acompte.domain.documents import Flow
from acompte.domain.money import Money as DomainMoney
from acompte.services.deposits import (
    DepositInvoiceView,
)
from acompte.services.views import DocumentView

_EUR: JsonDict = {"amount": "300.00", "currency": "EUR"}


def amount_or_percent(amount: Any, percent: Any) -> None:
    if amount is not None and percent is not None:
        raise PydanticCustomError("amount_or_percent", "Un montant ou un pourcentage, pas les deux", {})


class VatLineOut(Output):
    """One VAT rate of a document: base (net), VAT and gross."""

    rate: DecimalOut
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut


class DepositInvoiceSummaryOut(Output):
    """A deposit invoice as the deposit tab shows it; `available` = gross − reversed − deducted."""

    id: str
    number: str | None
    issue_date: date
    state: str
    party_id: str
    gross: MoneyOut
    reversed: MoneyOut
    deducted: MoneyOut
    paid: MoneyOut
    available: MoneyOut


class DeductionRowOut(Output):
    deposit: DepositInvoiceSummaryOut
    maximum: MoneyOut
    deducted: MoneyOut
    percent: DecimalOut
    proposed: MoneyOut
    automatic: bool


def _absent(value: object) -> bool:
    return value is None


class DeductionWarningParamsOut(Output):
    """What a deduction warning names: the deposit invoice left out and the invoice (number null for a draft)."""

    deposit_id: str
    deposit_number: str | None
    deposit_party: str
    invoice_id: str
    invoice_number: str | None
    invoice_party: str
    # The amounts are given for `deposit_not_deducted` only, and left out of the other codes' parameters.
    expected: MoneyOut | None = Field(
        default=None,
        exclude_if=_absent,
        description="deposit_not_deducted: the default deduction of the deposit invoice on this invoice.",
    )
    deducted: MoneyOut | None = Field(
        default=None, exclude_if=_absent, description="deposit_not_deducted: what the invoice deducts of it."
    )
    missing: MoneyOut | None = Field(
        default=None, exclude_if=_absent, description="deposit_not_deducted: expected − deducted."
    )
    available: MoneyOut | None = Field(
        default=None,
        exclude_if=_absent,
        description="deposit_not_deducted: what the deposit invoice still holds after this invoice.",
    )


def _messages(warnings: Any) -> Any:
    return [w.message if isinstance(w, DeductionWarning) else w for w in warnings]


#: The warnings as French sentences, read from the deduction warnings.
WarningMessages = Annotated[list[str], BeforeValidator(_messages)]


class DeductionWarningOut(Output):
    """A deposit invoice not deducted, and why: `code` (e.g. `deposit_of_another_party`) and `params` to word it in
    any language; `message` is the French sentence (the same text as in `warnings`)."""

    code: CodeOut
    message: str
    params: DeductionWarningParamsOut

    @model_validator(mode="before")
    @classmethod
    def _params(cls, data: Any) -> Any:
        # The parameters are the warning's own fields.
        return Joined(data, params=data) if isinstance(data, DeductionWarning) else data


class ValidatedDocumentOut(DocumentOut):
    """A validated document. For a final invoice, `warnings` / `warning_details` name the deposit invoices of its
    origin it leaves undeducted (code `deposit_not_deducted`): they are invoiced twice unless a later invoice or
    a deposit credit note takes them."""

    warnings: WarningMessages = Field(default_factory=list, description="The warnings as French sentences.")
    warning_details: list[DeductionWarningOut] = Field(
        default_factory=list,
        validation_alias="warnings",
        description="The same warnings, structured: code, French message and parameters.",
    )

    @classmethod
    def validated(cls, view: DocumentView, warnings: Sequence[DeductionWarning]) -> ValidatedDocumentOut:
        return cls.model_validate(Joined(view, warnings=list(warnings)))


def _invoice(name: str) -> Any:
    return AliasPath("invoice", name)


class DeductionViewOut(Output):
    """The deduction view of a final invoice: its total, the deposits it may deduct and deducts, net to pay.
    `vat_due` is the invoice's VAT breakdown minus the deducted deposits' (what the net to pay carries)."""

    invoice_id: str = Field(validation_alias=_invoice("id"))
    number: str | None = Field(validation_alias=_invoice("number"))
    state: CodeOut = Field(validation_alias=_invoice("state"))
    gross: MoneyOut
    available: MoneyOut
    deducted: MoneyOut
    net_to_pay: MoneyOut
    balance_due: MoneyOut
    rows: list[DeductionRowOut]
    breakdown: list[VatLineOut]
    deducted_breakdown: list[VatLineOut]
    vat_due: list[VatLineOut]
    automatic_mode: bool
    warnings: WarningMessages = Field(description="The warnings as French sentences (kept for existing clients).")
    warning_details: list[DeductionWarningOut] = Field(
        validation_alias="warnings", description="The same warnings, structured: code, French message and parameters."
    )


class DepositLineOut(Output):
    """The deposit taken on one line of the order (per-line deposit invoices and their credit notes)."""

    position: int
    designation: str
    item_id: str | None
    rate: str | None
    percent: str | None
    amount: MoneyOut

    @classmethod
    def of(cls, entry: dict[str, Any], currency: str) -> DepositLineOut:
        """A line as the deposit invoice stores it: a dict whose keys may be missing, its amount a string in the
        document's currency."""
        item = entry.get("item_id")
        return cls(
            position=int(entry.get("position", 0)),
            designation=str(entry.get("designation", "")),
            item_id=None if item is None else str(item),
            rate=None if entry.get("rate") is None else str(entry["rate"]),
            percent=None if entry.get("percent") is None else str(entry["percent"]),
            amount=Money.of(DomainMoney.of(str(entry.get("amount", "0")), currency)),
        )


class DepositInvoiceOut(Output):
    """A deposit invoice (or deposit credit note): the document, the order it is taken on and that order's
    total, the deposits before it and what remains after it, how it was computed (`basis`: percent, amount or
    lines), its exact VAT breakdown and where it stands (`summary`: reversed, deducted, paid, available)."""

    document: DocumentOut
    origin_number: str | None
    origin_gross: MoneyOut | None
    previous: MoneyOut
    remaining: MoneyOut
    basis: str
    percent: DecimalOut | None
    lines: list[DepositLineOut]
    breakdown: list[VatLineOut]
    summary: DepositInvoiceSummaryOut | None

    @model_validator(mode="before")
    @classmethod
    def _lines(cls, data: Any) -> Any:
        # The per-line deposits are stored as dicts, their amounts in the document's currency.
        if not isinstance(data, DepositInvoiceView):
            return data
        currency = data.document.document.currency
        return Joined(data, lines=[DepositLineOut.of(dict(entry), currency) for entry in data.lines])


class IssuedDepositOut(Output):
    """An issued deposit invoice and, when the company (or the request) generates it, its payment."""

    deposit_invoice: DocumentOut = Field(validation_alias="document")
    payment: PaymentOut | None


# -- requests ------------------------------------------------------------------------------------------------


class DepositLineIn(Input):
    """The deposit of one order line (by its position): a percentage of the line's gross, or an amount."""

    position: Annotated[StrictInt, Field(ge=1, le=MAX_LINES)]
    percent: PERCENT | None = None
    amount: MoneyIn | None = None

    @model_validator(mode="after")
    def _one(self) -> DepositLineIn:
        if (self.percent is None) == (self.amount is None):
            raise PydanticCustomError("amount_or_percent", "Un montant ou un pourcentage par ligne", {})
        return self


class _DepositAmount(Input):
    """An amount, a percentage of the order's gross, or per-line deposits (at most one of the three)."""

    amount: MoneyIn | None = None
    percent: PERCENT | None = None
    lines: Annotated[list[DepositLineIn], Field(max_length=MAX_LINES)] | None = None

    @model_validator(mode="after")
    def _one(self) -> _DepositAmount:
        given = [x for x in (self.amount, self.percent, self.lines) if x is not None]
        if len(given) > 1:
            raise PydanticCustomError("amount_or_percent", "Un montant, un pourcentage ou des lignes : un seul", {})
        return self

    def line_percents(self) -> dict[int, Decimal] | None:
        if not self.lines:
            return None
        found = {line.position: Decimal(line.percent) for line in self.lines if line.percent is not None}
        return found or None

    def line_amounts(self) -> dict[int, DomainMoney] | None:
        if not self.lines:
            return None
        found = {line.position: line.amount.to_domain() for line in self.lines if line.amount is not None}
        return found or None

    def common(self) -> dict[str, Any]:
        return {
            "amount": self.amount.to_domain() if self.amount else None,
            "percent": Decimal(self.percent) if self.percent is not None else None,
            "line_percents": self.line_percents(),
            "line_amounts": self.line_amounts(),
        }


class DepositInvoiceIn(_DepositAmount):
    """A draft deposit invoice on a quote or an order. Without amount, percentage or lines, the default
    percentages apply (item for this party > item > party > company)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"percent": "30"}]})

    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
    notes: Annotated[StrictStr, Bounded(5000)] = ""


class DepositInvoicePatch(_DepositAmount):
    """A new amount, percentage or per-line deposits for a draft deposit invoice."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": _EUR}]})


class StandaloneDepositInvoiceIn(Input):
    """A deposit invoice with no order: a party, an amount (gross) and one VAT rate."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"party_id": "42", "amount": _EUR, "vat_rate": "20"}]},
    )

    party_id: Id
    flow: Flow = Flow.SALE
    amount: MoneyIn
    vat_rate: RATE
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
    notes: Annotated[StrictStr, Bounded(5000)] = ""


class IssueDepositIn(Input):
    """Issue a deposit invoice. `generate_payment` overrides the company setting: true records its payment at
    once (method: given or the setting's), false gives it a due date (given, else by its payment terms — its
    own, the customer's, the company's default —, else its issue date)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"generate_payment": True, "method": "card"}]}
    )

    generate_payment: StrictBool | None = None
    method: METHOD | None = None
    payment_date: IsoDate | None = None
    reference: Annotated[StrictStr, Bounded(200)] = ""
    account_id: Id | None = None
    due_date: IsoDate | None = None
    issue_date: IsoDate | None = None


class AttachDepositInvoiceIn(Input):
    """Attach an issued deposit invoice to an order, a delivery note or a draft invoice of the same party."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"document_id": "7"}]})

    document_id: Id


class DeductIn(Input):
    """Deduct a deposit invoice on a draft final invoice: an amount, a percentage of the deposit invoice's
    gross, or (neither) all it may still give. Replaces an earlier deduction of the same deposit invoice."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"deposit_invoice_id": "8", "percent": "100"}]}
    )

    deposit_invoice_id: Id
    amount: MoneyIn | None = None
    percent: PERCENT | None = None

    @model_validator(mode="after")
    def _one(self) -> DeductIn:
        amount_or_percent(self.amount, self.percent)
        return self


class DepositCreditNoteIn(Input):
    """A deposit credit note reversing all (default) or part of an issued deposit invoice: an amount, a
    percentage of its gross, or the deposits of some order lines (positions). Issued at once by default."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": _EUR}]})

    amount: MoneyIn | None = None
    percent: PERCENT | None = None
    lines: Annotated[list[Annotated[StrictInt, Field(ge=1, le=MAX_LINES)]], Field(max_length=MAX_LINES)] | None = None
    issue_date: IsoDate | None = None
    notes: Annotated[StrictStr, Bounded(5000)] = ""
    issue: StrictBool = True

    @model_validator(mode="after")
    def _one(self) -> DepositCreditNoteIn:
        given = [x for x in (self.amount, self.percent, self.lines) if x is not None]
        if len(given) > 1:
            raise PydanticCustomError("amount_or_percent", "Un montant, un pourcentage ou des lignes : un seul", {})
        return self


class FinalInvoiceIn(Input):
    """Invoice an order, a delivery note or a quote: all its lines, or the given ones (a partial invoice).
    Without `due_date`, the invoice is due by its payment terms (the order's, the customer's, the company's
    default) counted from the day it is issued."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"issue_date": "2026-03-16"}]})

    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
