"""What an export run reads and writes per batch: the documents, parties, allocations and postings of the items
it posts, read in chunks of a fixed size, and what it marks exported, written in batches.

A run posts a month of a company: thousands of documents and payments. Reading each one's data, allocations
and postings one by one costs a round trip per item, and an `IN (…)` list of all their ids would grow with the
data (and fail past the driver's limit). So every read by ids here sends chunks of exactly `CHUNK` ids — the last
chunk padded with its own last id — and a statement's parameter count never depends on the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from acompte.domain.accounting import Nature, VatPart
from acompte.domain.documents import Document
from acompte.domain.money import Money
from acompte.domain.parties import Party
from acompte.persistence import mapping
from acompte.persistence.rows import (
    AllocationPostingRow,
    AllocationRow,
    Base,
    DocumentLineRow,
    DocumentRow,
    ExportedSourceRow,
    ItemRow,
    PartyRow,
    PaymentRow,
    RefundRow,
    TreasuryAccountRow,
)
from acompte.services.ports.exports import NewPosting, PostingRecord, RefundSource


def parts_to_json(parts: Iterable[VatPart]) -> list[dict[str, Any]]:
    return [
        {"rate": str(p.rate), "nature": p.nature.value, "net": p.net.minor_units, "vat": p.vat.minor_units}
        for p in parts
    ]


def parts_from_json(data: Iterable[dict[str, Any]], currency: str) -> tuple[VatPart, ...]:
    return tuple(
        VatPart(
            Decimal(d["rate"]),
            Nature(d["nature"]),
            Money.from_minor(int(d["net"]), currency),
            Money.from_minor(int(d["vat"]), currency),
        )
        for d in data
    )


def posting_record(row: AllocationPostingRow) -> PostingRecord:
    return PostingRecord(
        id=row.id,
        run_id=row.run_id,
        payment_id=row.payment_id,
        allocation_id=row.allocation_id,
        document_id=row.document_id,
        payment_date=row.payment_date,
        treatment=row.treatment,
        amount=Money.from_minor(row.amount_minor, row.currency),
        parts=parts_from_json(row.parts or [], row.currency),
        imputed_run_id=row.imputed_run_id,
    )


def insert_rows(session: Session, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Rows inserted in bulk inside the session's transaction: on PostgreSQL one COPY (no statement parsed and
    bound per row: a month is tens of thousands of lines), elsewhere an executemany."""
    if not rows:
        return
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(Base.metadata.tables[table_name]), list(rows))
        return
    columns = list(rows[0])
    raw: Any = connection.connection.dbapi_connection  # psycopg's own connection (DB-API is untyped)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in row.values()])


#: Ids sent per statement by every chunked read (the last chunk padded to it): a fixed parameter count.
CHUNK = 250


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    """`ids` without duplicates, sorted, in lists of exactly `size` (the last one padded with its last id)."""
    unique = sorted(set(ids))
    for start in range(0, len(unique), size):
        chunk = unique[start : start + size]
        yield chunk + [chunk[-1]] * (size - len(chunk))


class ExportBatches:
    """Chunked reads and batched writes of an export run (mixed into the export repository)."""

    session: Session

    # -- reads ------------------------------------------------------------------------------------------------
    def documents_by_ids(self, company_id: int, ids: Iterable[int]) -> list[tuple[Document, dict[str, Any]]]:
        """Documents of the company among `ids`, with their lines and their data."""
        result: list[tuple[Document, dict[str, Any]]] = []
        for chunk in chunks(ids):
            rows = list(
                self.session.scalars(
                    select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id.in_(chunk))
                )
            )
            lines: dict[int, list[DocumentLineRow]] = {}
            for line in self.session.scalars(
                select(DocumentLineRow).where(
                    DocumentLineRow.company_id == company_id, DocumentLineRow.document_id.in_(chunk)
                )
            ):
                lines.setdefault(line.document_id, []).append(line)
            result.extend((mapping.document(r, lines.get(r.id, [])), dict(r.data or {})) for r in rows)
        return result

    def documents_data(self, company_id: int, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The data of each document of the company among `ids`."""
        result: dict[int, dict[str, Any]] = {}
        for chunk in chunks(ids):
            rows = self.session.execute(
                select(DocumentRow.id, DocumentRow.data).where(
                    DocumentRow.company_id == company_id, DocumentRow.id.in_(chunk)
                )
            )
            result.update((r.id, dict(r.data or {})) for r in rows)
        return result

    def item_kinds(self, company_id: int, item_ids: Iterable[int]) -> dict[int, str]:
        result: dict[int, str] = {}
        for chunk in chunks(i for i in item_ids if i is not None):
            rows = self.session.execute(
                select(ItemRow.id, ItemRow.kind).where(ItemRow.company_id == company_id, ItemRow.id.in_(chunk))
            )
            result.update((r.id, r.kind) for r in rows)
        return result

    def parties_by_ids(self, company_id: int, ids: Iterable[int]) -> dict[int, Party]:
        result: dict[int, Party] = {}
        for chunk in chunks(ids):
            rows = self.session.scalars(
                select(PartyRow).where(PartyRow.company_id == company_id, PartyRow.id.in_(chunk))
            )
            result.update((r.id, mapping.party(r)) for r in rows)
        return result

    def treasury_ledgers(self, company_id: int) -> dict[int, tuple[str, str]]:
        """Every treasury account's kind (bank or cash) and own ledger account (empty: the chart's)."""
        rows = self.session.execute(
            select(TreasuryAccountRow.id, TreasuryAccountRow.kind, TreasuryAccountRow.ledger_account).where(
                TreasuryAccountRow.company_id == company_id
            )
        )
        return {r.id: (str(r.kind), str(r.ledger_account or "")) for r in rows}

    def allocations_of_payments(
        self, company_id: int, payment_ids: Iterable[int]
    ) -> dict[int, list[tuple[int, int, Money]]]:
        """Per payment: (allocation id, document id, amount) of its allocations, oldest first."""
        result: dict[int, list[tuple[int, int, Money]]] = {}
        for chunk in chunks(payment_ids):
            rows = self.session.execute(
                select(
                    AllocationRow.id,
                    AllocationRow.payment_id,
                    AllocationRow.document_id,
                    AllocationRow.amount_minor,
                    AllocationRow.currency,
                )
                .where(AllocationRow.company_id == company_id, AllocationRow.payment_id.in_(chunk))
                .order_by(AllocationRow.id)
            )
            for r in rows:
                amount = Money.from_minor(r.amount_minor, r.currency)
                result.setdefault(r.payment_id, []).append((r.id, r.document_id, amount))
        return result

    def allocations_on_documents(self, company_id: int, document_ids: Iterable[int]) -> dict[int, list[int]]:
        """Per document: the ids of the allocations (payments and credits) that settle it."""
        result: dict[int, list[int]] = {}
        for chunk in chunks(document_ids):
            rows = self.session.execute(
                select(AllocationRow.id, AllocationRow.document_id)
                .where(AllocationRow.company_id == company_id, AllocationRow.document_id.in_(chunk))
                .order_by(AllocationRow.id)
            )
            for r in rows:
                result.setdefault(r.document_id, []).append(r.id)
        return result

    def allocation_documents(self, company_id: int, allocation_ids: Iterable[int]) -> dict[int, int]:
        """The document each allocation settles today."""
        result: dict[int, int] = {}
        for chunk in chunks(allocation_ids):
            rows = self.session.execute(
                select(AllocationRow.id, AllocationRow.document_id).where(
                    AllocationRow.company_id == company_id, AllocationRow.id.in_(chunk)
                )
            )
            result.update((r.id, r.document_id) for r in rows)
        return result

    def postings_on_documents(
        self, company_id: int, document_ids: Iterable[int]
    ) -> tuple[dict[int, list[PostingRecord]], dict[int, list[PostingRecord]]]:
        """The postings of `document_ids` (by the document they were booked on) and the postings of the
        allocations settling each of them today (by that document: a deposit allocation moved to its invoice)."""
        booked: dict[int, list[PostingRecord]] = {}
        settling: dict[int, list[PostingRecord]] = {}
        for chunk in chunks(document_ids):
            for row in self.session.scalars(
                select(AllocationPostingRow)
                .where(AllocationPostingRow.company_id == company_id, AllocationPostingRow.document_id.in_(chunk))
                .order_by(AllocationPostingRow.id)
            ):
                booked.setdefault(row.document_id, []).append(posting_record(row))
            for row, document_id in self.session.execute(
                select(AllocationPostingRow, AllocationRow.document_id)
                .join(
                    AllocationRow,
                    (AllocationRow.id == AllocationPostingRow.allocation_id)
                    & (AllocationRow.company_id == AllocationPostingRow.company_id),
                )
                .where(AllocationPostingRow.company_id == company_id, AllocationRow.document_id.in_(chunk))
                .order_by(AllocationPostingRow.id)
            ):
                settling.setdefault(document_id, []).append(posting_record(row))
        return booked, settling

    def refund_sources(self, company_id: int, payment_ids: Iterable[int]) -> dict[int, RefundSource]:
        """For each refund payment among `payment_ids`: the flow of the credit note it gives back, or the
        direction of the payment whose overpayment it gives back."""
        result: dict[int, RefundSource] = {}
        for chunk in chunks(payment_ids):
            rows = self.session.execute(
                select(RefundRow.payment_id, DocumentRow.flow, PaymentRow.direction)
                .outerjoin(DocumentRow, DocumentRow.id == RefundRow.source_credit_id)
                .outerjoin(PaymentRow, PaymentRow.id == RefundRow.source_payment_id)
                .where(RefundRow.company_id == company_id, RefundRow.payment_id.in_(chunk))
                .order_by(RefundRow.id)
            )
            for r in rows:
                result.setdefault(r.payment_id, RefundSource(credit_note_flow=r.flow, payment_direction=r.direction))
        return result

    def exported_documents(self, company_id: int, document_ids: Iterable[int]) -> set[int]:
        """Which of `document_ids` a run has posted."""
        result: set[int] = set()
        for chunk in chunks(document_ids):
            result.update(
                self.session.scalars(
                    select(ExportedSourceRow.document_id).where(
                        ExportedSourceRow.company_id == company_id, ExportedSourceRow.document_id.in_(chunk)
                    )
                )
            )
        return result

    # -- writes -----------------------------------------------------------------------------------------------
    def mark_many_exported(self, company_id: int, run_id: int, keys: Sequence[tuple[str, int | None]]) -> None:
        """Source keys (each with its document, if it is one) posted by the run, in batched inserts."""
        if keys:
            insert_rows(
                self.session,
                ExportedSourceRow.__tablename__,
                [
                    {"company_id": company_id, "source_key": key, "run_id": run_id, "document_id": document_id}
                    for key, document_id in keys
                ],
            )

    def mark_payments_exported(self, company_id: int, payment_ids: Iterable[int]) -> None:
        for chunk in chunks(payment_ids):
            self.session.execute(
                update(PaymentRow)
                .where(PaymentRow.company_id == company_id, PaymentRow.id.in_(chunk))
                .values(exported=True, version=PaymentRow.version + 1)
                .execution_options(synchronize_session="fetch")
            )

    def mark_many_imputed(self, company_id: int, posting_ids: Iterable[int], run_id: int) -> None:
        for chunk in chunks(posting_ids):
            self.session.execute(
                update(AllocationPostingRow)
                .where(AllocationPostingRow.company_id == company_id, AllocationPostingRow.id.in_(chunk))
                .values(imputed_run_id=run_id)
                .execution_options(synchronize_session="fetch")
            )

    def add_postings(self, company_id: int, run_id: int, postings: Sequence[NewPosting]) -> None:
        """Allocation postings of the run, in batched inserts."""
        if not postings:
            return
        insert_rows(
            self.session,
            AllocationPostingRow.__tablename__,
            [
                {
                    "company_id": company_id,
                    "run_id": run_id,
                    "payment_id": p.payment_id,
                    "allocation_id": p.allocation_id,
                    "document_id": p.document_id,
                    "payment_date": p.payment_date,
                    "treatment": p.treatment,
                    "amount_minor": p.amount.minor_units,
                    "currency": p.amount.currency,
                    "parts": parts_to_json(p.parts),
                    "imputed_run_id": None,
                }
                for p in postings
            ],
        )
