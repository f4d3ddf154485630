"""The dashboard (home page figures): what is owed by age, deposits not yet taken by a final invoice, credits
waiting for a decision, cash per month and the documents that need an action today."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from acompte.adapters.api.schemas.accounts import AgedOut
from acompte.adapters.api.schemas.common import CodeOut, MoneyOut, Output


class TallyOut(Output):
    """How many, and how much in all."""

    count: int
    total: MoneyOut


class MonthCashOut(Output):
    """One month: payments received (`cash_in`) and paid out, refunds included (`cash_out`); active payments."""

    month: date = Field(description="The first day of the month")
    cash_in: MoneyOut
    cash_out: MoneyOut
    net: MoneyOut


class DueDocumentOut(Output):
    """An invoice with instalments due: `amount_due` is what is due by `as_of`, since `oldest_due_date`."""

    document_id: str
    kind: CodeOut
    flow: CodeOut
    number: str | None
    party_id: str
    party_name: str
    oldest_due_date: date
    days_late: int
    amount_due: MoneyOut
    balance_due: MoneyOut


class DueDocumentsOut(Output):
    """Every invoice with something due, counted and summed (`tally`); the oldest ten listed."""

    tally: TallyOut
    oldest: list[DueDocumentOut]


class OverpaymentToDecideOut(Output):
    payment_id: str
    number: str
    party_id: str
    party_name: str
    payment_date: date
    remaining: MoneyOut


class DepositAwaitedOut(Output):
    """A quote or order with a deposit requested (`requested`) and not all received (`received`)."""

    document_id: str
    kind: CodeOut
    number: str | None
    party_id: str
    party_name: str
    issue_date: date
    requested: MoneyOut
    received: MoneyOut
    missing: MoneyOut


class DepositsAwaitedOut(Output):
    """Every deposit requested and not received: count and what is still expected; the oldest ten listed."""

    tally: TallyOut
    oldest: list[DepositAwaitedOut]


class DraftsOut(Output):
    kind: CodeOut
    flow: CodeOut
    count: int


class DashboardOut(Output):
    """Every figure in the company currency, each the one the list behind it shows: `receivable` and `payable`
    are the totals of GET /aged-balance (flow sale / purchase); `unallocated_payments` and `overpayments` split
    GET /overpayments?flow=sale; `unused_credit_notes` is GET /credits?flow=sale with status unused or
    partially_used (what remains); `deposits_not_invoiced` are the payments allocated to quotes, orders,
    delivery notes and draft invoices, `deposits_not_deducted` what issued deposit invoices received and still
    carry outside any issued final invoice (GET /documents/{id}/deposits tells both per order)."""

    currency: str
    as_of: date
    receivable: AgedOut
    payable: AgedOut
    customer_credits: MoneyOut = Field(description="Customers' payments left and unused credit notes (in hand)")
    deposits: MoneyOut = Field(description="deposits_not_invoiced + deposits_not_deducted")
    deposits_not_invoiced: TallyOut
    deposits_not_deducted: TallyOut
    unallocated_payments: TallyOut
    overpayments: TallyOut
    unused_credit_notes: TallyOut
    credit_notes_unused: TallyOut
    credit_notes_partially_used: TallyOut
    cash_in: MoneyOut = Field(description="Received over the months of `cash`")
    cash_out: MoneyOut = Field(description="Paid out over the months of `cash`")
    cash: list[MonthCashOut] = Field(description="The last twelve months, oldest first, the current one last")
    overdue_invoices: DueDocumentsOut = Field(description="Customers' invoices past their due date")
    invoices_to_pay: DueDocumentsOut = Field(description="Suppliers' invoices due today or before")
    overpayments_to_decide: list[OverpaymentToDecideOut]
    drafts: list[DraftsOut] = Field(description="Sales drafts waiting to be issued, per kind")
    deposits_awaited: DepositsAwaitedOut = Field(
        description="Deposits requested on quotes and orders and not received (GET /documents/{id}/deposits)"
    )
