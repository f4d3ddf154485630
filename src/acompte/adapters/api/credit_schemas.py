"""Schemas of the credits and party-account operations (routes/credits.py, routes/accounts.py): credit notes and
their use, write-offs, overpayments, refunds, payment changes and cancellations, settling a party's account,
payment terms and instalments, the statement of account and the aged balance.

Same conventions as schemas.py: money as `{"amount", "currency"}` with a decimal string, ids as opaque strings,
unknown fields refused. A credit is named by `{"payment_id": ...}` (a payment's unused part) or
`{"credit_id": ...}` (a credit note).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from acompte.adapters.api.schemas import (
    CURRENCY_PATTERN,
    MAX_LINES,
    METHOD,
    QUANTITY,
    AllocationOut,
    Id,
    Input,
    IsoDate,
    LineIn,
    Money,
    MoneyIn,
    Output,
    PartyAccountOut,
    PaymentOut,
    Text,
    utc,
)
from acompte.domain.accounts import MAX_TERM_DAYS, AgeBucket, Aged, Instalment, PaymentTerms, TermBasis, TermPart
from acompte.domain.credits import CreditRef, CreditStatus, CreditUse, Excess, SourceKind
from acompte.domain.documents import Flow
from acompte.domain.errors import InvalidPaymentTerms
from acompte.domain.money import MINOR_UNITS
from acompte.services.accounts import NewPayment
from acompte.services.credit_views import (
    AccountView,
    AgedBalanceView,
    AgedRow,
    CreditItem,
    CreditNoteView,
    DueItem,
    OverpaymentView,
    RefundView,
    SettlementProposal,
    SettleResult,
    StatementView,
    WriteOffView,
)
from acompte.services.credits import InvoiceCredits
from acompte.services.payment_changes import PaymentForm
from acompte.services.views import PartyBalance

_EUR = {"amount": "20.00", "currency": "EUR"}


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


# -- credits --------------------------------------------------------------------------------------------------------


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
            origin_id=_opt(view.origin_id),
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
            document_id=_opt(view.document_id),
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
            payment_id=_opt(result.payment_id),
            allocations=[AllocationOut.of(a) for a in result.allocations],
            excess=Money.of(result.excess),
            refund=RefundOut.of(result.refund) if result.refund else None,
            write_off=WriteOffOut.of(result.write_off) if result.write_off else None,
        )


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


# -- the party account ----------------------------------------------------------------------------------------------


class InstalmentOut(Output):
    number: int
    due_date: date
    amount: Money
    settled: Money
    remaining: Money

    @classmethod
    def of(cls, instalment: Instalment) -> InstalmentOut:
        return cls(
            number=instalment.number,
            due_date=instalment.due_date,
            amount=Money.of(instalment.amount),
            settled=Money.of(instalment.settled),
            remaining=Money.of(instalment.remaining),
        )


class InstalmentsOut(Output):
    """A document's instalments (échéances), each with what it has received (oldest due date paid first)."""

    document_id: str
    instalments: list[InstalmentOut]

    @classmethod
    def of(cls, document_id: int, instalments: list[Instalment]) -> InstalmentsOut:
        return cls(document_id=str(document_id), instalments=[InstalmentOut.of(i) for i in instalments])


class DueItemOut(Output):
    """A document with a balance due, its instalments and what of it is overdue on the account's date."""

    document_id: str
    kind: str
    number: str | None
    issue_date: date
    gross: Money
    balance_due: Money
    payment_status: str
    next_due_date: date | None
    overdue: Money
    instalments: list[InstalmentOut]

    @classmethod
    def of(cls, item: DueItem, as_of: date) -> DueItemOut:
        return cls(
            document_id=str(item.document_id),
            kind=item.kind,
            number=item.number,
            issue_date=item.issue_date,
            gross=Money.of(item.position.total),
            balance_due=Money.of(item.balance_due),
            payment_status=item.status.value,
            next_due_date=item.next_due_date,
            overdue=Money.of(item.overdue(as_of)),
            instalments=[InstalmentOut.of(i) for i in item.instalments],
        )


class CreditItemOut(Output):
    """Something the party has in hand: an unallocated payment, an overpayment or a credit note."""

    source: CreditRefOut
    category: str
    number: str | None
    day: date
    total: Money
    remaining: Money
    status: CreditStatus

    @classmethod
    def of(cls, item: CreditItem) -> CreditItemOut:
        return cls(
            source=CreditRefOut.of(item.ref),
            category=item.category,
            number=item.number,
            day=item.day,
            total=Money.of(item.total),
            remaining=Money.of(item.remaining),
            status=item.status,
        )


class AccountDetailOut(Output):
    """The « Gestion commerciale » view: what is due (oldest due first), what is in hand, the overdue part."""

    flow: Flow
    as_of: date
    due: list[DueItemOut]
    credits: list[CreditItemOut]
    due_total: Money
    credit_total: Money
    overdue_total: Money

    @classmethod
    def of(cls, account: AccountView) -> AccountDetailOut:
        return cls(
            flow=Flow(account.flow),
            as_of=account.as_of,
            due=[DueItemOut.of(d, account.as_of) for d in account.due],
            credits=[CreditItemOut.of(c) for c in account.credits],
            due_total=Money.of(account.due_total),
            credit_total=Money.of(account.credit_total),
            overdue_total=Money.of(account.overdue_total),
        )


class PartyAccountDetailOut(PartyAccountOut):
    """What a party owes (open documents) and holds (unallocated payments, unused credit notes), with the
    « Gestion commerciale » detail: each document due with its instalments and overdue part, each credit in hand."""

    flow: Flow
    as_of: date
    due: list[DueItemOut]
    credits: list[CreditItemOut]
    due_total: Money
    credit_total: Money
    overdue_total: Money

    @classmethod
    def of_both(cls, balance: PartyBalance, account: AccountView) -> PartyAccountDetailOut:
        detail = AccountDetailOut.of(account)
        return cls(**PartyAccountOut.of(balance).model_dump(), **detail.model_dump())


class SuggestedDocumentOut(Output):
    document_id: str
    amount: Money


class SuggestedCreditOut(Output):
    source: CreditRefOut
    amount: Money


class SettlementProposalOut(Output):
    """The settle screen's pre-selection: the oldest debts with the oldest credits, as far as credits go."""

    documents: list[SuggestedDocumentOut]
    credits: list[SuggestedCreditOut]
    difference: Money

    @classmethod
    def of(cls, proposal: SettlementProposal) -> SettlementProposalOut:
        return cls(
            documents=[SuggestedDocumentOut(document_id=str(d), amount=Money.of(a)) for d, a in proposal.documents],
            credits=[SuggestedCreditOut(source=CreditRefOut.of(r), amount=Money.of(a)) for r, a in proposal.credits],
            difference=Money.of(proposal.difference),
        )


class StatementLineOut(Output):
    day: date
    kind: str
    reference: str
    label: str
    debit: Money
    credit: Money
    balance: Money
    document_id: str | None
    payment_id: str | None


class StatementOut(Output):
    """The statement of account of a period: opening balance, movements with a running balance, closing."""

    party_id: str
    party_name: str
    flow: Flow
    currency: str
    date_from: date
    date_to: date
    opening: Money
    total_debit: Money
    total_credit: Money
    closing: Money
    lines: list[StatementLineOut]

    @classmethod
    def of(cls, view: StatementView) -> StatementOut:
        statement = view.statement
        return cls(
            party_id=str(view.party_id),
            party_name=view.party_name,
            flow=Flow(view.flow),
            currency=statement.currency,
            date_from=statement.date_from,
            date_to=statement.date_to,
            opening=Money.of(statement.opening),
            total_debit=Money.of(statement.total_debit),
            total_credit=Money.of(statement.total_credit),
            closing=Money.of(statement.closing),
            lines=[
                StatementLineOut(
                    day=line.movement.day,
                    kind=line.movement.kind.value,
                    reference=line.movement.reference,
                    label=line.movement.label,
                    debit=Money.of(line.movement.debit),
                    credit=Money.of(line.movement.credit),
                    balance=Money.of(line.balance),
                    document_id=_opt(line.movement.document_id),
                    payment_id=_opt(line.movement.payment_id),
                )
                for line in statement.lines
            ],
        )


class AgedOut(Output):
    """Amounts due by age of each instalment: not yet due, 1–30, 31–60, 61–90 and over 90 days past due."""

    not_due: Money
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money
    overdue: Money
    total: Money

    @classmethod
    def of(cls, aged: Aged) -> AgedOut:
        return cls(
            not_due=Money.of(aged[AgeBucket.NOT_DUE]),
            days_1_30=Money.of(aged[AgeBucket.DAYS_1_30]),
            days_31_60=Money.of(aged[AgeBucket.DAYS_31_60]),
            days_61_90=Money.of(aged[AgeBucket.DAYS_61_90]),
            over_90=Money.of(aged[AgeBucket.OVER_90]),
            overdue=Money.of(aged.overdue),
            total=Money.of(aged.total),
        )


class AgedRowOut(Output):
    party_id: str
    party_name: str
    aged: AgedOut
    unapplied_credits: Money
    net: Money

    @classmethod
    def of(cls, row: AgedRow) -> AgedRowOut:
        return cls(
            party_id=str(row.party_id),
            party_name=row.party_name,
            aged=AgedOut.of(row.aged),
            unapplied_credits=Money.of(row.unapplied_credits),
            net=Money.of(row.net),
        )


class AgedBalanceOut(Output):
    """What is due on invoices, per party and in total, by age; beside it the credits in hand not yet used."""

    flow: Flow
    currency: str
    as_of: date
    rows: list[AgedRowOut]
    totals: AgedOut
    unapplied_credits: Money

    @classmethod
    def of(cls, view: AgedBalanceView) -> AgedBalanceOut:
        return cls(
            flow=Flow(view.flow),
            currency=view.currency,
            as_of=view.as_of,
            rows=[AgedRowOut.of(r) for r in view.rows],
            totals=AgedOut.of(view.totals),
            unapplied_credits=Money.of(view.unapplied_credits),
        )


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


class SettleDocumentIn(Input):
    document_id: Id
    amount: MoneyIn | None = None


class CreditRefIn(Input):
    """A credit to use: a payment's unused part (`payment_id`) or a credit note (`credit_id`)."""

    payment_id: Id | None = None
    credit_id: Id | None = None

    @model_validator(mode="after")
    def _one(self) -> CreditRefIn:
        if (self.payment_id is None) == (self.credit_id is None):
            raise PydanticCustomError("one_credit", "payment_id ou credit_id, un seul", {})
        return self

    def to_domain(self) -> CreditRef:
        if self.payment_id is not None:
            return CreditRef.payment(int(self.payment_id))
        return CreditRef.credit_note(int(self.credit_id))  # type: ignore[arg-type]


class NewPaymentIn(Input):
    amount: MoneyIn
    method: METHOD
    payment_date: IsoDate | None = None
    reference: Text(200) = ""  # type: ignore[valid-type]
    comment: Text(2000) = ""  # type: ignore[valid-type]
    account_id: Id | None = None

    def to_domain(self) -> NewPayment:
        return NewPayment(
            amount=self.amount.to_domain(),
            method=self.method,
            payment_date=self.payment_date,
            reference=self.reference,
            comment=self.comment,
            account_id=int(self.account_id) if self.account_id is not None else None,
        )


class SettleIn(Input):
    """Settle the selected documents, in order, with the selected credits and optionally a new payment (used
    last), in one action. A document with an amount takes exactly that; without, its balance due as far as the
    credits go. What the new payment does not settle follows `excess` (kept as credit by default)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "documents": [{"document_id": "7"}],
                    "credits": [{"payment_id": "12"}, {"credit_id": "9"}],
                    "new_payment": {"amount": _EUR, "method": "transfer", "account_id": "1"},
                }
            ]
        },
    )

    documents: Annotated[list[SettleDocumentIn], Field(max_length=200)]
    credits: Annotated[list[CreditRefIn], Field(max_length=200, default_factory=list)]
    new_payment: NewPaymentIn | None = None
    excess: Excess = Excess.KEEP
    refund_method: METHOD | None = None
    flow: Flow | None = None


class TermPartIn(Input):
    """One instalment: `percent` of the gross, due `days` after the invoice (or order) date, optionally at the
    end of that month."""

    percent: Annotated[StrictStr, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$", examples=["30"])]
    days: Annotated[StrictInt, Field(ge=0, le=MAX_TERM_DAYS)] = 0
    end_of_month: StrictBool = False
    basis: TermBasis = TermBasis.INVOICE

    def to_domain(self) -> TermPart:
        return TermPart(Decimal(self.percent), self.days, self.end_of_month, self.basis)


class PaymentTermsIn(Input):
    """Payment terms: instalments whose percentages sum to 100. On a document, `terms: null` copies the party's
    default terms."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"terms": [{"percent": "30"}, {"percent": "70", "days": 30, "end_of_month": True}]},
            ]
        },
    )

    terms: Annotated[list[TermPartIn], Field(min_length=1, max_length=12)] | None

    def to_domain(self) -> PaymentTerms | None:
        return None if self.terms is None else PaymentTerms(tuple(part.to_domain() for part in self.terms))


class PartyTermsIn(PaymentTermsIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"terms": [{"percent": "100", "days": 30, "end_of_month": True}]}]},
    )

    terms: Annotated[list[TermPartIn], Field(min_length=1, max_length=12)]

    def required(self) -> PaymentTerms:
        terms = self.to_domain()
        if terms is None:  # pragma: no cover - the schema requires terms
            raise InvalidPaymentTerms(reason="au moins une échéance")
        return terms
