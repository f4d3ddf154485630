"""The party account (« Gestion commerciale »): what a party owes and holds, settling in one action, payment
terms and instalments, the statement of account and the aged balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

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
)
from acompte.adapters.api.schemas.credits import CreditRefOut
from acompte.adapters.api.schemas.documents import DocumentSummaryOut
from acompte.adapters.api.schemas.payments import PaymentSummaryOut
from acompte.domain.accounts import MAX_TERM_DAYS, AgeBucket, Aged, Instalment, PaymentTerms, TermBasis, TermPart
from acompte.domain.credits import CreditRef, CreditStatus, Excess
from acompte.domain.documents import Flow
from acompte.domain.errors import InvalidPaymentTerms
from acompte.services.accounts import NewPayment
from acompte.services.credit_views import (
    AccountView,
    AgedBalanceView,
    AgedRow,
    CreditItem,
    DueItem,
    SettlementProposal,
    StatementView,
)
from acompte.services.views import PartyBalance

_EUR = {"amount": "20.00", "currency": "EUR"}


class PartyAccountOut(Output):
    """What a party owes on its open documents and what it holds in unallocated payments."""

    party_id: str
    currency: str
    owed: Money
    held: Money
    balance: Money
    open_documents: list[DocumentSummaryOut]
    unallocated_payments: list[PaymentSummaryOut]

    @classmethod
    def of(cls, balance: PartyBalance) -> PartyAccountOut:
        return cls(
            party_id=str(balance.party_id),
            currency=balance.currency,
            owed=Money.of(balance.owed),
            held=Money.of(balance.held),
            balance=Money.of(balance.balance),
            open_documents=[DocumentSummaryOut.from_summary(d) for d in balance.open_documents],
            unallocated_payments=[PaymentSummaryOut.of(p) for p in balance.unallocated_payments],
        )


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
                    document_id=opt_id(line.movement.document_id),
                    payment_id=opt_id(line.movement.payment_id),
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
