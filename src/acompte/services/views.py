"""Plain read records the services return (to the CLI, the API and the web pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, PaymentStatus
from acompte.domain.money import Money
from acompte.domain.payments import Method, Payment
from acompte.domain.positions import Position
from acompte.domain.statuses import PositionStatus


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
    """A document with its position (the figures every surface shows) and its allocations. `settlement` is
    what the allocation rules check (gross − allocations − deductions)."""

    document: Document
    party_name: str
    settlement: Settlement
    position: Position
    allocations: tuple[AllocationView, ...] = ()

    @property
    def id(self) -> int:
        return self.document.id

    @property
    def status(self) -> PositionStatus:
        return self.position.status

    @property
    def balance_due(self) -> Money:
        return self.position.balance_due


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
    #: The document's position where it was computed (the party account, its statement, the aged balance);
    #: None in plain lists, which then show the settlement alone.
    position: Position | None = None
    #: The supplier's own number of a purchase document.
    supplier_reference: str = ""

    @property
    def status(self) -> PaymentStatus | PositionStatus:
        return self.position.status if self.position is not None else self.settlement.status

    @property
    def balance_due(self) -> Money:
        return self.position.balance_due if self.position is not None else self.settlement.balance_due


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


# -- document lists (one page in SQL, totals of every filtered row) -----------------------------------------------

#: The sorts of a document list; every one ends with the document id (a stable order across pages).
LIST_SORTS = ("date", "number", "party", "gross", "balance", "due")


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which documents a list shows. `status` keeps the documents whose position has that status (any
    PositionStatus word); `search` is part of the number or of the supplier's own number; amounts bound the total
    incl. VAT (`amount`: equal to it)."""

    flow: str | None = None
    kind: str | None = None
    party_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    state: str | None = None
    search: str | None = None
    amount_min: Any = None  # Decimal
    amount_max: Any = None  # Decimal
    amount: Any = None  # Decimal: the total incl. VAT exactly
    #: Only the documents with something still to settle (Position.to_settle).
    open: bool = False


@dataclass(frozen=True, slots=True)
class DocumentListRow:
    """One row of a document list: the document with its position's figures, computed in SQL
    (persistence/document_lists.py) and tested equal to `services.positions` (domain.positions words).

    `deposits` and `settled` are what the web list shows beside the total: on a quote, order or delivery note
    the payments received as deposits and the rest; on an invoice the deposit invoices it deducts and what
    else settled it (payments, credits, shortfalls written off). `allocated` is what is allocated to the
    document itself (payments and credits) plus a shortfall written off on it: what "annuler l'acompte" acts on."""

    id: int
    kind: str
    flow: str
    state: str
    number: str | None
    party_id: int
    party_name: str
    issue_date: date
    due_date: date | None
    gross: Money
    status: PositionStatus
    deducted: Money
    paid: Money
    credited: Money
    written_off: Money
    net_to_pay: Money
    balance_due: Money
    allocated: Money
    deposits: Money
    settled: Money
    invoiced: Money | None = None  # quotes, orders, delivery notes
    left_to_invoice: Money | None = None
    used: Money | None = None  # credit notes
    refunded: Money | None = None
    credit_left: Money | None = None
    supplier_reference: str = ""

    @property
    def total(self) -> Money:
        return self.gross


@dataclass(frozen=True, slots=True)
class DocumentListTotals:
    """Count of every filtered row; sums of their positions' figures over those in the company currency
    (`other_currency` rows are left out)."""

    count: int
    gross: Money
    deducted: Money
    paid: Money
    credited: Money
    written_off: Money
    net_to_pay: Money
    balance_due: Money
    deposits: Money
    settled: Money
    other_currency: int = 0


@dataclass(frozen=True, slots=True)
class DocumentListPage:
    """One page of a document list and nothing about the other rows (their count and totals are asked apart):
    `page` is its number, `previous_cursor` / `next_cursor` the cursors of the pages before and after it (None
    when there is none)."""

    rows: tuple[DocumentListRow, ...]
    page: int
    per_page: int
    previous_cursor: str | None = None
    next_cursor: str | None = None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


# -- the payment list (one page in SQL, totals of every filtered payment) ----------------------------------------

#: The sorts of the payment list; every one ends with the payment id (a stable order across pages). "id" alone is
#: the API's order (its cursor is the last id seen).
PAYMENT_SORTS = ("date", "number", "party", "amount", "unallocated", "id")


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    """Which payments a list shows. `search` is part of the payment's number or of its party's name (any case);
    `unallocated_only` keeps the active payments with money left to allocate."""

    party_id: int | None = None
    method: str | None = None
    state: str | None = None
    direction: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str | None = None
    unallocated_only: bool = False


@dataclass(frozen=True, slots=True)
class PaymentListTotals:
    """`count`: every filtered payment (cancelled ones too: the list shows them). The sums are over the filtered
    ACTIVE payments in the company currency (`active` of them); `other_currency` active payments are left out.
    `allocated` is what they have used (settled_sums.payment_used_scalar: allocations, refunds, write-offs)."""

    count: int
    active: int
    amount: Money
    allocated: Money
    unallocated: Money
    other_currency: int = 0


@dataclass(frozen=True, slots=True)
class PaymentListPage:
    rows: tuple[PaymentView, ...]
    totals: PaymentListTotals
    page: int
    pages: int
    per_page: int


# -- what `acompte verify` reads ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiveAllocation:
    id: int
    document_id: int
    payment_id: int | None
    credit_document_id: int | None
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Numbered:
    """A number given by the series `key` (`invoice/sale`, `payment/in`, `journal/VE` …). Documents and payments
    write the year and the counter in their number; journal entries keep them apart (`year`, `value`)."""

    key: str
    number: str
    row_id: int | None
    year: int | None = None
    value: int | None = None


@dataclass(frozen=True, slots=True)
class IntegrityFacts:
    allocations: tuple[LiveAllocation, ...]
    document_gross: dict[int, int]
    document_number: dict[int, str | None]
    document_currency: dict[int, str]
    payment_amount: dict[int, int]
    deducted: dict[int, int]
    numbered: tuple[Numbered, ...]
    series: dict[tuple[str, int], int]
