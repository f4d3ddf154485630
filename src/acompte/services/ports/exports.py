"""The exports' repository: accounting export runs, posted entries and postings, e-invoicing statuses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from acompte.domain.accounting import JournalEntry, PostedEntry, VatPart
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.domain.parties import Party
from acompte.domain.payments import Payment

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    date_from: date
    date_to: date
    fiscal_year_end: date
    valid_date: date
    entry_count: int
    debit: Money
    actor: str


@dataclass(frozen=True, slots=True)
class PostingRecord:
    id: int
    run_id: int
    payment_id: int
    allocation_id: int | None
    document_id: int
    payment_date: date
    treatment: str
    amount: Money
    parts: tuple[VatPart, ...]
    imputed_run_id: int | None


@dataclass(frozen=True, slots=True)
class NewPosting:
    """An allocation posting an export run writes (its id comes from the batch that inserts it)."""

    payment_id: int
    allocation_id: int | None
    document_id: int
    payment_date: date
    treatment: str
    amount: Money
    parts: tuple[VatPart, ...]


@dataclass(frozen=True, slots=True)
class RefundSource:
    """What a refund payment gives back: a credit note (its flow) or a payment's overpayment (its direction)."""

    credit_note_flow: str | None
    payment_direction: str | None


@dataclass(frozen=True, slots=True)
class StatusRecord:
    document_id: int
    status: str
    status_date: date
    amount: Money
    actor: str


class Exports(Protocol):
    """Export runs, the entries and postings they made, what was exported, e-invoicing statuses."""

    def lock_company(self, company_id: int) -> None:
        """Serialise the export runs of one company until the transaction ends."""

    def runs(self, company_id: int) -> list[RunRecord]: ...

    def run(self, company_id: int, run_id: int) -> RunRecord | None: ...

    def overlapping(self, company_id: int, date_from: date, date_to: date) -> RunRecord | None: ...

    def add_run(
        self,
        company_id: int,
        *,
        date_from: date,
        date_to: date,
        fiscal_year_end: date,
        valid_date: date,
        currency: str,
        actor: str,
    ) -> int: ...

    def close_run(self, company_id: int, run_id: int, *, entry_count: int, debit: Money) -> None: ...

    def covered(self, company_id: int, day: date) -> bool:
        """Whether `day` lies in a period already exported."""

    def add_entry(
        self, company_id: int, run_id: int, posted: PostedEntry, *, fiscal_year: int, sequence: int
    ) -> int: ...

    def add_entries(
        self, company_id: int, run_id: int, posted: Sequence[tuple[PostedEntry, int]], *, fiscal_year: int
    ) -> list[int]:
        """Entries (each with its sequence) and their lines, in a few batched statements."""

    def entries(
        self,
        company_id: int,
        *,
        run_id: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[PostedEntry]:
        """Posted entries in validation order (the order the runs posted them)."""

    def mark_exported(self, company_id: int, run_id: int, key: str, document_id: int | None = None) -> None: ...

    def exported_keys(self, company_id: int, keys: Iterable[str]) -> set[str]: ...

    def exported_like(self, company_id: int, prefix: str) -> set[str]:
        """The exported source keys that start with `prefix` ("ded:", "wo:" ...)."""

    def entry_by_source(self, company_id: int, source: str) -> JournalEntry | None:
        """The posted entry made from one source key (the first, if a source made several)."""

    def is_document_exported(self, company_id: int, document_id: int) -> bool: ...

    def documents_to_export(self, company_id: int, kinds: Iterable[str], date_to: date) -> list[Document]:
        """Validated documents of `kinds` dated up to `date_to` that no run has posted, oldest first."""

    def payments_to_export(self, company_id: int, date_to: date) -> list[Payment]: ...

    def mark_payment_exported(self, company_id: int, payment_id: int) -> None: ...

    def document(self, company_id: int, document_id: int) -> Document: ...

    def document_data(self, company_id: int, document_id: int) -> dict[str, Any]: ...

    def item_kinds(self, company_id: int, item_ids: Iterable[int]) -> dict[int, str]: ...

    # -- per batch: every read by ids sends chunks of a fixed size, whatever the number of ids ------------------
    def documents_by_ids(self, company_id: int, ids: Iterable[int]) -> list[tuple[Document, dict[str, Any]]]:
        """Documents of the company among `ids`, with their lines and their data."""

    def documents_data(self, company_id: int, ids: Iterable[int]) -> dict[int, dict[str, Any]]: ...

    def parties_by_ids(self, company_id: int, ids: Iterable[int]) -> dict[int, Party]: ...

    def treasury_ledgers(self, company_id: int) -> dict[int, tuple[str, str]]:
        """Every treasury account's kind (bank or cash) and own ledger account (empty: the chart's)."""

    def allocations_of_payments(
        self, company_id: int, payment_ids: Iterable[int]
    ) -> dict[int, list[tuple[int, int, Money]]]:
        """Per payment: (allocation id, document id, amount) of its allocations, oldest first."""

    def allocations_on_documents(self, company_id: int, document_ids: Iterable[int]) -> dict[int, list[int]]:
        """Per document: the ids of the allocations (payments and credits) that settle it."""

    def allocation_documents(self, company_id: int, allocation_ids: Iterable[int]) -> dict[int, int]: ...

    def postings_on_documents(
        self, company_id: int, document_ids: Iterable[int]
    ) -> tuple[dict[int, list[PostingRecord]], dict[int, list[PostingRecord]]]:
        """The postings booked on each document, and those of the allocations settling each one today."""

    def refund_sources(self, company_id: int, payment_ids: Iterable[int]) -> dict[int, RefundSource]: ...

    def exported_documents(self, company_id: int, document_ids: Iterable[int]) -> set[int]: ...

    def mark_many_exported(self, company_id: int, run_id: int, keys: Sequence[tuple[str, int | None]]) -> None: ...

    def mark_payments_exported(self, company_id: int, payment_ids: Iterable[int]) -> None: ...

    def mark_many_imputed(self, company_id: int, posting_ids: Iterable[int], run_id: int) -> None: ...

    def add_postings(self, company_id: int, run_id: int, postings: Sequence[NewPosting]) -> None:
        """Allocation postings, in batched inserts."""

    def treasury_kind(self, company_id: int, account_id: int) -> str: ...

    def allocations_of_payment(self, company_id: int, payment_id: int) -> list[tuple[int, int, Money]]:
        """(allocation id, document id, amount) of a payment, oldest first."""

    def allocation_document(self, company_id: int, allocation_id: int) -> int | None: ...

    def links(self, company_id: int, keys: Iterable[str]) -> list[tuple[str, str]]:
        """Every allocation (payment or credit note, document it settles) and every refund (refund payment, the
        credit it gives back) of each linked group holding one of `keys`, as pairs of matching keys: enough to
        group those keys exactly as all the company's links would."""

    def add_posting(
        self,
        company_id: int,
        run_id: int,
        *,
        payment_id: int,
        allocation_id: int | None,
        document_id: int,
        payment_date: date,
        treatment: str,
        amount: Money,
        parts: Iterable[VatPart],
    ) -> int: ...

    def postings(
        self, company_id: int, *, document_id: int | None = None, open_deposits: bool = False
    ) -> list[PostingRecord]: ...

    def postings_for_allocations(self, company_id: int, allocation_ids: Iterable[int]) -> list[PostingRecord]: ...

    def mark_imputed(self, company_id: int, posting_id: int, run_id: int) -> None: ...

    def add_status(
        self, company_id: int, document_id: int, *, status: str, status_date: date, amount: Money, actor: str
    ) -> None: ...

    def statuses(self, company_id: int, document_id: int) -> list[StatusRecord]: ...

    def treasury_ledger(self, company_id: int, account_id: int) -> tuple[str, str]:
        """The treasury account's kind (bank or cash) and its own ledger account (empty: the chart's)."""
        ...
