"""Deposit invoices (from an order or a quote, or standalone), their VAT breakdown, their deduction from final
invoices and its warnings, deposit credit notes, final invoices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas.common import (
    METHOD,
    PERCENT,
    RATE,
    Id,
    Input,
    IsoDate,
    Money,
    MoneyIn,
    Output,
    Text,
    decimal_text,
    opt_decimal,
    opt_money,
)
from acompte.adapters.api.schemas.documents import MAX_LINES, DocumentOut, LineIn
from acompte.adapters.api.schemas.payments import PaymentOut
from acompte.domain.deposits import DeductionWarning
from acompte.domain.documents import Flow
from acompte.domain.money import Money as DomainMoney
from acompte.domain.vat import VatLine
from acompte.services.deposits import (
    DeductionRow,
    DeductionView,
    DepositInvoiceSummary,
    DepositInvoiceView,
    IssuedDeposit,
)
from acompte.services.views import DocumentView

_EUR = {"amount": "300.00", "currency": "EUR"}


def amount_or_percent(amount: Any, percent: Any) -> None:
    if amount is not None and percent is not None:
        raise PydanticCustomError("amount_or_percent", "Un montant ou un pourcentage, pas les deux", {})


class VatLineOut(Output):
    """One VAT rate of a document: base (net), VAT and gross."""

    rate: str
    net: Money
    vat: Money
    gross: Money

    @classmethod
    def of(cls, line: VatLine) -> VatLineOut:
        return cls(
            rate=decimal_text(line.rate), net=Money.of(line.net), vat=Money.of(line.vat), gross=Money.of(line.gross)
        )

    @classmethod
    def many(cls, lines: tuple[VatLine, ...] | list[VatLine]) -> list[VatLineOut]:
        return [cls.of(line) for line in lines]


class DepositInvoiceSummaryOut(Output):
    """A deposit invoice as the deposit tab shows it; `available` = gross − reversed − deducted."""

    id: str
    number: str | None
    issue_date: date
    state: str
    party_id: str
    gross: Money
    reversed: Money
    deducted: Money
    paid: Money
    available: Money

    @classmethod
    def of(cls, summary: DepositInvoiceSummary) -> DepositInvoiceSummaryOut:
        return cls(
            id=str(summary.id),
            number=summary.number,
            issue_date=summary.issue_date,
            state=summary.state,
            party_id=str(summary.party_id),
            gross=Money.of(summary.gross),
            reversed=Money.of(summary.reversed),
            deducted=Money.of(summary.deducted),
            paid=Money.of(summary.paid),
            available=Money.of(summary.available),
        )


class DeductionRowOut(Output):
    deposit: DepositInvoiceSummaryOut
    maximum: Money
    deducted: Money
    percent: str
    proposed: Money
    automatic: bool

    @classmethod
    def of(cls, row: DeductionRow) -> DeductionRowOut:
        return cls(
            deposit=DepositInvoiceSummaryOut.of(row.deposit),
            maximum=Money.of(row.maximum),
            deducted=Money.of(row.deducted),
            percent=decimal_text(row.percent),
            proposed=Money.of(row.proposed),
            automatic=row.automatic,
        )


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
    expected: Money | None = Field(
        default=None,
        exclude_if=_absent,
        description="deposit_not_deducted: the default deduction of the deposit invoice on this invoice.",
    )
    deducted: Money | None = Field(
        default=None, exclude_if=_absent, description="deposit_not_deducted: what the invoice deducts of it."
    )
    missing: Money | None = Field(
        default=None, exclude_if=_absent, description="deposit_not_deducted: expected − deducted."
    )
    available: Money | None = Field(
        default=None,
        exclude_if=_absent,
        description="deposit_not_deducted: what the deposit invoice still holds after this invoice.",
    )


class DeductionWarningOut(Output):
    """A deposit invoice not deducted, and why: `code` (e.g. `deposit_of_another_party`) and `params` to word it in
    any language; `message` is the French sentence (the same text as in `warnings`)."""

    code: str
    message: str
    params: DeductionWarningParamsOut

    @classmethod
    def of(cls, warning: DeductionWarning) -> DeductionWarningOut:
        return cls(
            code=warning.code.value,
            message=warning.message,
            params=DeductionWarningParamsOut(
                deposit_id=str(warning.deposit_id),
                deposit_number=warning.deposit_number,
                deposit_party=warning.deposit_party,
                invoice_id=str(warning.invoice_id),
                invoice_number=warning.invoice_number,
                invoice_party=warning.invoice_party,
                expected=opt_money(warning.expected),
                deducted=opt_money(warning.deducted),
                missing=opt_money(warning.missing),
                available=opt_money(warning.available),
            ),
        )


class ValidatedDocumentOut(DocumentOut):
    """A validated document. For a final invoice, `warnings` / `warning_details` name the deposit invoices of its
    origin it leaves undeducted (code `deposit_not_deducted`): they are invoiced twice unless a later invoice or
    a deposit credit note takes them."""

    warnings: list[str] = Field(default_factory=list, description="The warnings as French sentences.")
    warning_details: list[DeductionWarningOut] = Field(
        default_factory=list, description="The same warnings, structured: code, French message and parameters."
    )

    @classmethod
    def validated(cls, view: DocumentView, warnings: Sequence[DeductionWarning]) -> ValidatedDocumentOut:
        return cls(
            **dict(DocumentOut.of(view)),
            warnings=[w.message for w in warnings],
            warning_details=[DeductionWarningOut.of(w) for w in warnings],
        )


class DeductionViewOut(Output):
    """The deduction view of a final invoice: its total, the deposits it may deduct and deducts, net to pay.
    `vat_due` is the invoice's VAT breakdown minus the deducted deposits' (what the net to pay carries)."""

    invoice_id: str
    number: str | None
    state: str
    gross: Money
    available: Money
    deducted: Money
    net_to_pay: Money
    balance_due: Money
    rows: list[DeductionRowOut]
    breakdown: list[VatLineOut]
    deducted_breakdown: list[VatLineOut]
    vat_due: list[VatLineOut]
    automatic_mode: bool
    warnings: list[str] = Field(description="The warnings as French sentences (kept for existing clients).")
    warning_details: list[DeductionWarningOut] = Field(
        description="The same warnings, structured: code, French message and parameters."
    )

    @classmethod
    def of(cls, view: DeductionView) -> DeductionViewOut:
        return cls(
            invoice_id=str(view.invoice.id),
            number=view.invoice.number,
            state=view.invoice.state.value,
            gross=Money.of(view.gross),
            available=Money.of(view.available),
            deducted=Money.of(view.deducted),
            net_to_pay=Money.of(view.net_to_pay),
            balance_due=Money.of(view.balance_due),
            rows=[DeductionRowOut.of(r) for r in view.rows],
            breakdown=VatLineOut.many(view.breakdown),
            deducted_breakdown=VatLineOut.many(view.deducted_breakdown),
            vat_due=VatLineOut.many(view.vat_due),
            automatic_mode=view.automatic_mode,
            warnings=[w.message for w in view.warnings],
            warning_details=[DeductionWarningOut.of(w) for w in view.warnings],
        )


class DepositLineOut(Output):
    """The deposit taken on one line of the order (per-line deposit invoices and their credit notes)."""

    position: int
    designation: str
    item_id: str | None
    rate: str | None
    percent: str | None
    amount: Money

    @classmethod
    def of(cls, entry: dict[str, Any], currency: str) -> DepositLineOut:
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
    origin_gross: Money | None
    previous: Money
    remaining: Money
    basis: str
    percent: str | None
    lines: list[DepositLineOut]
    breakdown: list[VatLineOut]
    summary: DepositInvoiceSummaryOut | None

    @classmethod
    def of(cls, view: DepositInvoiceView) -> DepositInvoiceOut:
        currency = view.document.document.currency
        return cls(
            document=DocumentOut.of(view.document),
            origin_number=view.origin_number,
            origin_gross=opt_money(view.origin_gross),
            previous=Money.of(view.previous),
            remaining=Money.of(view.remaining),
            basis=view.basis,
            percent=opt_decimal(view.percent),
            lines=[DepositLineOut.of(dict(e), currency) for e in view.lines],
            breakdown=VatLineOut.many(view.breakdown),
            summary=DepositInvoiceSummaryOut.of(view.summary) if view.summary else None,
        )


class IssuedDepositOut(Output):
    """An issued deposit invoice and, when the company (or the request) generates it, its payment."""

    deposit_invoice: DocumentOut
    payment: PaymentOut | None

    @classmethod
    def of(cls, issued: IssuedDeposit) -> IssuedDepositOut:
        return cls(
            deposit_invoice=DocumentOut.of(issued.document),
            payment=PaymentOut.of(issued.payment) if issued.payment else None,
        )


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
    notes: Text(5000) = ""  # type: ignore[valid-type]


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
    notes: Text(5000) = ""  # type: ignore[valid-type]


class IssueDepositIn(Input):
    """Issue a deposit invoice. `generate_payment` overrides the company setting: true records its payment at
    once (method: given or the setting's), false gives it a due date (given, or its issue date)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"generate_payment": True, "method": "card"}]}
    )

    generate_payment: StrictBool | None = None
    method: METHOD | None = None
    payment_date: IsoDate | None = None
    reference: Text(200) = ""  # type: ignore[valid-type]
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
    notes: Text(5000) = ""  # type: ignore[valid-type]
    issue: StrictBool = True

    @model_validator(mode="after")
    def _one(self) -> DepositCreditNoteIn:
        given = [x for x in (self.amount, self.percent, self.lines) if x is not None]
        if len(given) > 1:
            raise PydanticCustomError("amount_or_percent", "Un montant, un pourcentage ou des lignes : un seul", {})
        return self


class FinalInvoiceIn(Input):
    """Invoice an order, a delivery note or a quote: all its lines, or the given ones (a partial invoice)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"issue_date": "2026-03-16"}]})

    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None
    issue_date: IsoDate | None = None
