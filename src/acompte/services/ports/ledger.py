"""The ledger's repositories: the company and its reference data, documents, payments, the allocations
between them, the history, and the facts positions are computed from."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload

from acompte.domain.addresses import PostalAddress
from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, Line
from acompte.domain.events import Event
from acompte.domain.history_chain import ChainedEvent, ChainHead
from acompte.domain.money import Money
from acompte.domain.parties import Company, Item, Party
from acompte.domain.payments import Method, Payment

if TYPE_CHECKING:
    from acompte.services.views import (
        AllocationView,
        DocumentFilter,
        DocumentListRow,
        DocumentListTotals,
        DocumentSummary,
        EventView,
        IntegrityFacts,
        PaymentFilter,
        PaymentListTotals,
        PaymentMethodView,
        PaymentView,
    )


@dataclass(frozen=True, slots=True)
class SettledParts:
    """What settled one document, in minor units of its currency."""

    paid: int = 0  # payments allocated to it
    credited: int = 0  # credit notes allocated to it
    written_off: int = 0  # a shortfall written off on it
    deducted: int = 0  # deposit invoices it deducts


class Companies(Protocol):
    """The company, its settings, VAT rates, payment methods and treasury accounts."""

    def add(
        self,
        *,
        name: str,
        currency: str,
        vat_rates: Iterable[Decimal],
        methods: Iterable[Method],
        siren: str | None = None,
        vat_number: str | None = None,
        address: PostalAddress | None = None,
        vat_rounding: str = "per_rate",
        settings: dict[str, Any] | None = None,
    ) -> int: ...

    def get(self, company_id: int, *, lock: bool = False) -> Company: ...

    def methods(self, company_id: int, *, include_inactive: bool = False) -> list[PaymentMethodView]:
        """The company's payment methods by code; the ones turned off too when asked."""

    def currency(self, company_id: int) -> str:
        """The company's currency alone: one short query, where `get` also reads its VAT rates and methods."""

    def list(self) -> list[Company]: ...

    def update(self, company_id: int, **fields: Any) -> None: ...

    def set_vat_rates(self, company_id: int, rates: Iterable[Decimal]) -> None: ...

    def set_method(self, company_id: int, method: Method, active: bool = True) -> None: ...

    def add_account(self, company_id: int, *, name: str, kind: str, iban: str = "") -> int: ...

    def accounts(self, company_id: int) -> builtins.list[tuple[int, str, str]]: ...


class NumberSeries(Protocol):
    """Gapless number series (document and payment numbers)."""

    def next_value(self, company_id: int, key: str, year: int) -> int:
        """Take the next value of a number series under a row lock; the caller's transaction makes it gapless."""

    def next_values(self, company_id: int, key: str, year: int, count: int) -> int:
        """Take the next `count` values at once (one round trip); answers the first of them."""


class Parties(Protocol):
    """Customers and suppliers."""

    def add(self, company_id: int, **fields: Any) -> int: ...

    def get(self, company_id: int, party_id: int) -> Party: ...

    def update(self, company_id: int, party_id: int, **fields: Any) -> None: ...

    def list(
        self, company_id: int, *, role: str | None = None, search: str | None = None, limit: int | None = None
    ) -> list[Party]:
        """The parties in name order (at most `limit` of them)."""
        ...


class Items(Protocol):
    """The items documents are made of."""

    def add(self, company_id: int, **fields: Any) -> int: ...

    def get(self, company_id: int, item_id: int) -> Item: ...

    def list(self, company_id: int) -> list[Item]: ...


class Documents(Protocol):
    """Documents with their lines, their settlement and the document lists."""

    def add(self, document: Document, *, notes: str = "", data: dict[str, Any] | None = None) -> int: ...

    def get(self, company_id: int, document_id: int, *, lock: bool = False, lines: bool = True) -> Document:
        """The document; `lines=False` skips reading its lines (totals are stored on the document itself)."""

    def headers(self, company_id: int, document_ids: Sequence[int], *, lock: bool = False) -> dict[int, Document]:
        """Several documents without their lines, in one query (ids of another company are simply absent);
        `lock`: their rows locked in id order."""

    def data(self, company_id: int, document_id: int) -> dict[str, Any]: ...

    def set_data(self, company_id: int, document_id: int, data: dict[str, Any]) -> None: ...

    def replace_lines(
        self, document: Document, lines: Sequence[Line], net: Money, vat: Money, gross: Money
    ) -> None: ...

    def update(self, company_id: int, document_id: int, **fields: Any) -> None: ...

    def delete(self, company_id: int, document_id: int) -> None: ...

    def children(self, company_id: int, document_id: int) -> list[Document]: ...

    def settlement(self, document: Document) -> Settlement: ...

    def list_totals(self, company_id: int, filters: DocumentFilter, currency: str) -> DocumentListTotals:
        """Count and totals of every document `filters` keeps, computed where the documents are stored."""

    def list_count(self, company_id: int, filters: DocumentFilter, cap: int | None = None) -> int:
        """How many documents `filters` keeps (the count `list_totals` gives, without the totals); with `cap`,
        at most `cap + 1` of them are counted."""

    def list_page(
        self,
        company_id: int,
        filters: DocumentFilter,
        *,
        sort: str,
        descending: bool,
        limit: int,
        offset: int = 0,
        after: tuple[Any, int] | None = None,
        before: tuple[Any, int] | None = None,
    ) -> list[tuple[DocumentListRow, tuple[Any, int]]]:
        """Up to `limit` rows in the list's order, each with its cursor (sort key, id): after `after`, the last ones
        before `before`, or after skipping `offset` rows. Reads the page's rows only."""

    def list_chunk(
        self,
        company_id: int,
        filters: DocumentFilter,
        *,
        sort: str,
        descending: bool,
        after: tuple[Any, int] | None,
        limit: int,
    ) -> tuple[list[DocumentListRow], tuple[Any, int] | None]: ...

    def summaries(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        kind: str | None = None,
        flow: str | None = None,
        state: str | None = None,
        states: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        search: str | None = None,
        open_only: bool = False,
        limit: int = 50,
        after_id: int | None = None,
        amounts: tuple[Decimal | None, Decimal | None, Decimal | None] = (None, None, None),
    ) -> list[DocumentSummary]: ...


class Payments(Protocol):
    """Payments and what each has used."""

    def add(self, payment: Payment) -> int: ...

    def get(self, company_id: int, payment_id: int, *, lock: bool = False) -> Payment: ...

    def update(self, company_id: int, payment_id: int, **fields: Any) -> None: ...

    def allocated(self, payment: Payment) -> Money:
        """What the payment has used: allocations, refunds and write-offs."""

    def views(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        method: str | None = None,
        state: str | None = None,
        direction: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        unallocated_only: bool = False,
        limit: int = 50,
        after_id: int | None = None,
    ) -> list[PaymentView]:
        """The filtered payments in id order, after `after_id` (the API's cursor)."""
        ...

    def list_totals(self, company_id: int, filters: PaymentFilter, currency: str) -> PaymentListTotals:
        """Count and totals of every payment `filters` keeps, computed where the payments are stored."""
        ...

    def list_page(
        self, company_id: int, filters: PaymentFilter, *, sort: str, descending: bool, offset: int, limit: int
    ) -> list[PaymentView]: ...

    def list_chunk(
        self,
        company_id: int,
        filters: PaymentFilter,
        *,
        sort: str,
        descending: bool,
        after: tuple[Any, int] | None,
        limit: int,
    ) -> tuple[list[PaymentView], tuple[Any, int] | None]: ...

    def monthly_totals(
        self, company_id: int, *, currency: str, date_from: date, date_to: date
    ) -> list[tuple[int, int, str, int]]:
        """The active payments in `currency` dated `date_from`..`date_to`, summed per month and direction:
        (year, month, direction, amount in minor units), in one aggregate."""
        ...


class Allocations(Protocol):
    """Allocations: a payment or a credit note settling part of a document."""

    @overload
    def add(
        self,
        company_id: int,
        *,
        document_id: int,
        amount: Money,
        payment_id: int | None = None,
        credit_document_id: int | None = None,
        with_time: Literal[False] = False,
    ) -> int:
        """The new allocation's id."""

    @overload
    def add(
        self,
        company_id: int,
        *,
        document_id: int,
        amount: Money,
        payment_id: int | None = None,
        credit_document_id: int | None = None,
        with_time: Literal[True],
    ) -> tuple[int, datetime]:
        """The new allocation's id and the time it was made."""

    def get(self, company_id: int, allocation_id: int) -> AllocationView: ...

    def delete(self, company_id: int, allocation_id: int) -> None: ...

    def move(self, company_id: int, allocation_id: int, *, document_id: int, amount: Money | None = None) -> None: ...

    def for_document(self, company_id: int, document_id: int) -> list[AllocationView]: ...

    def for_payment(self, company_id: int, payment_id: int) -> list[AllocationView]: ...

    def for_credit(self, company_id: int, credit_document_id: int) -> list[AllocationView]: ...


class History(Protocol):
    """The history: events appended as they happen."""

    def add(self, event: Event, actor: str) -> None: ...

    def query(
        self,
        company_id: int,
        *,
        document_id: int | None = None,
        payment_id: int | None = None,
        party_id: int | None = None,
        kinds: Sequence[str] = (),
    ) -> list[EventView]: ...

    def chain(self, company_id: int) -> Iterator[ChainedEvent]:
        """The company's events in chain order with their links, then those without a link (`seq` 0)."""
        ...

    def head(self, company_id: int) -> ChainHead | None: ...


class Integrity(Protocol):
    """What `acompte verify` checks the history against."""

    def facts(self, company_id: int) -> IntegrityFacts: ...

    def payment_summary_difference(self, company_id: int) -> tuple[int, str] | None:
        """The first payment whose stored summary (what it used and has left, kept by the database) differs from
        what its facts give, and the first column that differs; None when every one agrees."""

    def sums_astray(self, company_id: int) -> list[int]:
        """The documents whose stored sums (kept by the database with the facts) differ from their facts."""
        ...

    def totals_astray(self, company_id: int) -> list[tuple[str, ...]]:
        """The groups (kind, flow, state, currency, status) whose kept list totals differ from their documents'."""
        ...

    def tallies_astray(self, company_id: int) -> list[str]:
        """The dashboard's tallies (kept by the database with the facts) that differ from the facts, by key."""
        ...


class Positions(Protocol):
    """The facts a document's position is computed from, read in bulk."""

    def settled_parts(self, company_id: int, document_ids: Sequence[int]) -> dict[int, SettledParts]:
        """For each document: payments, credits, write-offs and deductions that settled it, in one statement
        per chunk (sums correlated to each document: each reads only that document's rows, by index)."""

    def invoice_cancellations(self, company_id: int, invoice_ids: Sequence[int]) -> dict[int, tuple[int, str | None]]:
        """Invoices that credit notes cancel in full, with the credit note that completed it (id, number)."""
