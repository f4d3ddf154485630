"""The credits' repository: what credit notes and payments have used, refunds and write-offs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from acompte.domain.credits import CreditRef, CreditUse
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.domain.payments import Payment

if TYPE_CHECKING:
    from acompte.services.credits.views import CreditNoteView, RefundView, WriteOffView


class Credits(Protocol):
    """Credit notes, refunds and write-offs, and what each credit has used."""

    def credit_uses(self, company_id: int, credits: Sequence[tuple[int, Money]]) -> dict[int, CreditUse]:
        """CreditUse of each credit note given as (id, gross)."""

    def credit_use(self, credit: Document) -> CreditUse: ...

    def payment_uses(self, company_id: int, payments: Sequence[Payment]) -> dict[int, CreditUse]:
        """CreditUse of each payment. A refund payment is "applied" to the credit it gives back."""

    def payment_use(self, payment: Payment) -> CreditUse: ...

    def credit_notes(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        flow: str | None = None,
        currency: str | None = None,
        credit_id: int | None = None,
        date_to: date | None = None,
    ) -> list[CreditNoteView]:
        """Validated credit notes (and deposit credit notes) with what each has used."""

    def credit_notes_on(self, company_id: int, invoice_id: int) -> list[tuple[Document, dict[str, Any]]]:
        """The credit notes (any state) that correct an invoice — as their origin or in their `corrected_ids`
        (only the invoice's party's credit notes can) — with their lines and data."""

    def document_context(self, company_id: int, ids: Sequence[int]) -> dict[int, tuple[dict[str, Any], date | None]]:
        """For each document: its data (payment terms live there) and the date of the order it comes from."""

    def add_refund(
        self, company_id: int, *, party_id: int, payment_id: int, source: CreditRef, amount: Money
    ) -> int: ...

    def get_refund(self, company_id: int, refund_id: int) -> RefundView: ...

    def refunds(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        payment_id: int | None = None,
        source: CreditRef | None = None,
    ) -> list[RefundView]: ...

    def delete_refund(self, company_id: int, refund_id: int) -> None: ...

    def add_write_off(
        self,
        company_id: int,
        *,
        party_id: int,
        source: CreditRef | None,
        amount: Money,
        write_off_date: date,
        reason: str = "",
        document_id: int | None = None,
        received_payment_id: int | None = None,
    ) -> int:
        """Write off part of a credit (`source`) or, with `document_id`, a small shortfall on a document
        (`received_payment_id`: at the receipt of that payment, in the same operation)."""

    def write_offs(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        source: CreditRef | None = None,
        write_off_id: int | None = None,
        document_id: int | None = None,
    ) -> list[WriteOffView]: ...

    def add_to_write_off(self, company_id: int, write_off_id: int, amount: Money) -> None: ...

    def delete_write_off(self, company_id: int, write_off_id: int) -> None: ...

    def allocated_documents(self, company_id: int, payment_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The numbers of the documents each payment settles (the "origin" of an overpayment)."""
