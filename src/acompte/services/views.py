"""Plain read records the services return (to the CLI, the API and the web pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, PaymentStatus
from acompte.domain.money import Money
from acompte.domain.payments import Method, Payment


@dataclass(frozen=True, slots=True)
class PaymentMethodView:
    """A payment method the company has set up: offered (active) or turned off (kept, as past payments name it)."""

    method: Method
    active: bool

    @property
    def code(self) -> str:
        return self.method.code

    @property
    def label(self) -> str:
        return self.method.label

    @property
    def digital(self) -> bool:
        return self.method.digital


@dataclass(frozen=True, slots=True)
class AllocationView:
    id: int
    document_id: int
    document_number: str | None
    amount: Money
    payment_id: int | None = None
    payment_number: str | None = None
    credit_document_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentView:
    document: Document
    party_name: str
    settlement: Settlement
    allocations: tuple[AllocationView, ...] = ()

    @property
    def id(self) -> int:
        return self.document.id

    @property
    def status(self) -> PaymentStatus:
        return self.settlement.status

    @property
    def balance_due(self) -> Money:
        return self.settlement.balance_due


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of a document list or of a party's open documents."""

    id: int
    kind: str
    flow: str
    state: str
    number: str | None
    party_id: int
    party_name: str
    issue_date: date
    due_date: date | None
    settlement: Settlement
    #: For an order in a party account: what its invoices and deposit invoices already carry (issue 3). The
    #: order itself then owes only what is not invoiced yet. None where it was not computed (plain lists).
    invoiced: Money | None = None

    @property
    def status(self) -> PaymentStatus:
        return self.settlement.status

    @property
    def balance_due(self) -> Money:
        due = self.settlement.balance_due
        if self.invoiced is None:
            return due
        return (due - self.invoiced).max(Money.zero(due.currency))


@dataclass(frozen=True, slots=True)
class PaymentView:
    payment: Payment
    party_name: str
    allocated: Money
    allocations: tuple[AllocationView, ...] = ()

    @property
    def id(self) -> int:
        return self.payment.id

    @property
    def unallocated(self) -> Money:
        return self.payment.amount - self.allocated


@dataclass(frozen=True, slots=True)
class PartyBalance:
    """What a party owes on its open documents and what it holds in unallocated payments."""

    party_id: int
    currency: str
    open_documents: tuple[DocumentSummary, ...]
    owed: Money
    unallocated_payments: tuple[PaymentView, ...]
    held: Money

    @property
    def balance(self) -> Money:
        return self.owed - self.held


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    occurred_at: datetime
    actor: str
    kind: str
    document_id: int | None
    payment_id: int | None
    party_id: int | None
    data: dict[str, Any] = field(default_factory=dict)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_cursor: str | None = None
