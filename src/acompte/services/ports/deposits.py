"""The deposits' repository: VAT breakdowns, deductions, carried allocations, families of documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from acompte.domain.deposits import Breakdown, Deduction
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.domain.vat import VatLine

if TYPE_CHECKING:
    pass


class Deposits(Protocol):
    """Deposit breakdowns and deductions, allocations carried from an order to its invoices, and the
    documents made from a document."""

    def set_breakdown(self, company_id: int, document_id: int, breakdown: Sequence[VatLine]) -> None: ...

    def breakdowns(self, company_id: int, documents: Sequence[Document]) -> dict[int, Breakdown]:
        """The stored breakdown of each document that has one (deposit documents)."""

    def delete_breakdown(self, company_id: int, document_id: int) -> None: ...

    def attached(self, company_id: int, document_ids: Sequence[int], kinds: Sequence[str]) -> list[Document]:
        """Documents of the given kinds whose origin is one of `document_ids` (oldest first), any state."""

    def descendants(self, company_id: int, document_id: int, depth: int = 5) -> list[Document]:
        """Every document made from `document_id`, directly or through others (delivery notes, invoices...)."""

    def descendants_of_many(
        self, company_id: int, document_ids: Sequence[int], depth: int = 5
    ) -> dict[int, list[Document]]:
        """`descendants` of several documents at once: one query per generation, whatever their number."""

    def lock_documents(self, company_id: int, document_ids: Iterable[int]) -> None:
        """Lock the documents in id order until the transaction ends (so that concurrent use cases wait in turn)."""

    def add_deduction(
        self,
        company_id: int,
        *,
        invoice_id: int,
        deposit_invoice_id: int,
        amount: Money,
        breakdown: Sequence[VatLine],
        automatic: bool,
    ) -> int: ...

    def delete_deduction(self, company_id: int, deduction_id: int) -> None: ...

    def deductions(
        self,
        company_id: int,
        *,
        invoice_id: int | None = None,
        deposit_invoice_ids: Sequence[int] | None = None,
        breakdowns: bool = True,
    ) -> list[Deduction]:
        """Deductions with their VAT split (`breakdowns=False`: amounts only, one statement less)."""

    def add_carried(
        self, company_id: int, *, allocation_id: int, from_document_id: int, to_document_id: int
    ) -> None: ...

    def carried_to(self, company_id: int, document_id: int) -> dict[int, int]:
        """{allocation id: the document it came from} for the allocations carried to `document_id`."""

    def forget_carried(self, company_id: int, allocation_id: int) -> None: ...

    def set_item_settings(self, company_id: int, item_id: int, settings: dict[str, Any]) -> None: ...

    def set_exchange_rate(self, company_id: int, document_id: int, rate: Decimal | None) -> None: ...
