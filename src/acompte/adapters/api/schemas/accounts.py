"""The party account (« Gestion commerciale »): what a party owes and holds, settling in one action, payment
terms and instalments, the statement of account and the aged balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AliasPath,
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
    Bounded,
    CodeOut,
    Id,
    Input,
    IsoDate,
    Joined,
    MoneyIn,
    MoneyOut,
    Output,
)
from acompte.adapters.api.schemas.credits import CreditRefOut
from acompte.adapters.api.schemas.documents import DocumentSummaryOut
from acompte.adapters.api.schemas.payments import PaymentSummaryOut
from acompte.domain.accounts import MAX_TERM_DAYS, AgeBucket, Aged, Instalment, PaymentTerms, TermBasis, TermPart
from acompte.domain.credits import CreditRef, CreditStatus, Excess
from acompte.domain.documents import Flow
from acompte.domain.errors import InvalidPaymentTerms, Reason
from acompte.services.accounts import NewPayment
from acompte.services.accounts.views import AccountView
from acompte.services.views import PartyBalance

_EUR: JsonDict = {"amount": "20.00", "currency": "EUR"}


class PartyAccountOut(Output):
    """What a party owes on its open documents and what it holds in unallocated payments."""

    party_id: str
    currency: str
    owed: MoneyOut
    held: MoneyOut
    balance: MoneyOut
    open_documents: list[DocumentSummaryOut]
    unallocated_payments: list[PaymentSummaryOut]


class InstalmentOut(Output):
    number: int
    due_date: date
    amount: MoneyOut
    settled: MoneyOut
    remaining: MoneyOut


class InstalmentsOut(Output):
    """A document's instalments (échéances), each with what it has received (oldest due date paid first)."""

    document_id: str
    instalments: list[InstalmentOut]

    @classmethod
    def of(cls, document_id: int, instalments: list[Instalment]) -> InstalmentsOut:
        return cls.model_validate({"document_id": document_id, "instalments": instalments})


class DueItemOut(Output):
    """A document with a balance due, its instalments and what of it is overdue on the account's date."""

    document_id: str
    kind: str
    number: str | None
    issue_date: date
    gross: MoneyOut = Field(validation_alias=AliasPath("position", "total"))
    balance_due: MoneyOut
    payment_status: CodeOut = Field(validation_alias="status")
    next_due_date: date | None
    overdue: MoneyOut
    instalments: list[InstalmentOut]


class CreditItemOut(Output):
    """Something the party has in hand: an unallocated payment, an overpayment or a credit note."""

    source: CreditRefOut = Field(validation_alias="ref")
    category: str
    number: str | None
    day: date
    total: MoneyOut
    remaining: MoneyOut
    status: CreditStatus


class AccountDetailOut(Output):
    """The « Gestion commerciale » view: what is due (oldest due first), what is in hand, the overdue part."""

    flow: Flow
    as_of: date
    due: list[DueItemOut]
    credits: list[CreditItemOut]
    due_total: MoneyOut
    credit_total: MoneyOut
    overdue_total: MoneyOut

    @model_validator(mode="before")
    @classmethod
    def _overdue_on_its_day(cls, data: Any) -> Any:
        # What of each document is overdue depends on the account's date, which the document does not know.
        if isinstance(data, AccountView):
            return Joined(data, due=[Joined(item, overdue=item.overdue(data.as_of)) for item in data.due])
        return data


class PartyAccountDetailOut(PartyAccountOut):
    """What a party owes (open documents) and holds (unallocated payments, unused credit notes), with the
    « Gestion commerciale » detail: each document due with its instalments and overdue part, each credit in hand."""

    flow: Flow
    as_of: date
    due: list[DueItemOut]
    credits: list[CreditItemOut]
    due_total: MoneyOut
    credit_total: MoneyOut
    overdue_total: MoneyOut

    @classmethod
    def of_both(cls, balance: PartyBalance, account: AccountView) -> PartyAccountDetailOut:
        return cls.model_validate(Joined(balance, **dict(AccountDetailOut.model_validate(account))))


class SuggestedDocumentOut(Output):
    document_id: str
    amount: MoneyOut

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, data: Any) -> Any:
        # The proposal gives (document id, amount) pairs.
        return {"document_id": data[0], "amount": data[1]} if isinstance(data, tuple) else data


class SuggestedCreditOut(Output):
    source: CreditRefOut
    amount: MoneyOut

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, data: Any) -> Any:
        # The proposal gives (credit, amount) pairs.
        return {"source": data[0], "amount": data[1]} if isinstance(data, tuple) else data


class SettlementProposalOut(Output):
    """The settle screen's pre-selection: the oldest debts with the oldest credits, as far as credits go."""

    documents: list[SuggestedDocumentOut]
    credits: list[SuggestedCreditOut]
    difference: MoneyOut


def _movement(name: str) -> Any:
    return AliasPath("movement", name)


class StatementLineOut(Output):
    day: date = Field(validation_alias=_movement("day"))
    kind: CodeOut = Field(validation_alias=_movement("kind"))
    reference: str = Field(validation_alias=_movement("reference"))
    label: str = Field(validation_alias=_movement("label"))
    debit: MoneyOut = Field(validation_alias=_movement("debit"))
    credit: MoneyOut = Field(validation_alias=_movement("credit"))
    balance: MoneyOut
    document_id: str | None = Field(validation_alias=_movement("document_id"))
    payment_id: str | None = Field(validation_alias=_movement("payment_id"))
    due_date: date | None = Field(validation_alias=_movement("due_date"), description="An invoice's due date")


def _statement(name: str) -> Any:
    return AliasPath("statement", name)


class StatementOut(Output):
    """The statement of account of a period: opening balance, movements with a running balance, closing."""

    party_id: str
    party_name: str
    flow: Flow
    currency: str = Field(validation_alias=_statement("currency"))
    date_from: date = Field(validation_alias=_statement("date_from"))
    date_to: date = Field(validation_alias=_statement("date_to"))
    opening: MoneyOut = Field(validation_alias=_statement("opening"))
    total_debit: MoneyOut = Field(validation_alias=_statement("total_debit"))
    total_credit: MoneyOut = Field(validation_alias=_statement("total_credit"))
    closing: MoneyOut = Field(validation_alias=_statement("closing"))
    lines: list[StatementLineOut] = Field(validation_alias=_statement("lines"))


_BUCKETS = {
    "not_due": AgeBucket.NOT_DUE,
    "days_1_30": AgeBucket.DAYS_1_30,
    "days_31_60": AgeBucket.DAYS_31_60,
    "days_61_90": AgeBucket.DAYS_61_90,
    "over_90": AgeBucket.OVER_90,
}


class AgedOut(Output):
    """Amounts due by age of each instalment: not yet due, 1–30, 31–60, 61–90 and over 90 days past due."""

    not_due: MoneyOut
    days_1_30: MoneyOut
    days_31_60: MoneyOut
    days_61_90: MoneyOut
    over_90: MoneyOut
    overdue: MoneyOut
    total: MoneyOut

    @model_validator(mode="before")
    @classmethod
    def _buckets(cls, data: Any) -> Any:
        # The aged amounts are looked up by bucket, not read as attributes.
        if isinstance(data, Aged):
            return Joined(data, **{name: data[bucket] for name, bucket in _BUCKETS.items()})
        return data


class AgedRowOut(Output):
    party_id: str
    party_name: str
    aged: AgedOut
    unapplied_credits: MoneyOut
    net: MoneyOut


class AgedBalanceOut(Output):
    """What is due on invoices, per party and in total, by age; beside it the credits in hand not yet used."""

    flow: Flow
    currency: str
    as_of: date
    rows: list[AgedRowOut]
    totals: AgedOut
    unapplied_credits: MoneyOut


# -- requests -------------------------------------------------------------------------------------------------------


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
        assert self.credit_id is not None  # the validator above lets exactly one of the two through
        return CreditRef.credit_note(int(self.credit_id))


class NewPaymentIn(Input):
    amount: MoneyIn
    method: METHOD
    payment_date: IsoDate | None = None
    reference: Annotated[StrictStr, Bounded(200)] = ""
    comment: Annotated[StrictStr, Bounded(2000)] = ""
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
            raise InvalidPaymentTerms(reason=Reason.NO_INSTALMENT)
        return terms
