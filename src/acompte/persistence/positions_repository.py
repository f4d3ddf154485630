"""The facts of documents' positions, read in bulk: what settled each document, by source, and which credit
notes cancel it. `services/positions.py` turns them into `domain.positions.Position` values.

Every read takes a list of ids and answers in a few grouped queries, in chunks small enough for any driver's
parameter limit, so a whole company's aged balance costs the same number of statements as one party's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from acompte.domain.events import EventKind
from acompte.persistence.read_cache import cached
from acompte.persistence.rows import AllocationRow, DeductionRow, DocumentRow, EventRow, WriteOffRow
from acompte.services.ports.ledger import SettledParts

#: Ids per IN (…) list: far below PostgreSQL's 65 535 parameters and SQLite's 32 766.
CHUNK = 5_000


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def _summed(amount: Any, *where: Any) -> Any:
    return select(func.coalesce(func.sum(amount), 0)).where(*where).correlate(DocumentRow).scalar_subquery()


# Built once: composing these correlated sums costs more Python time than PostgreSQL takes to run them.
_SETTLED = select(
    DocumentRow.id,
    _summed(
        AllocationRow.amount_minor, AllocationRow.document_id == DocumentRow.id, AllocationRow.payment_id.isnot(None)
    ),
    _summed(
        AllocationRow.amount_minor, AllocationRow.document_id == DocumentRow.id, AllocationRow.payment_id.is_(None)
    ),
    _summed(WriteOffRow.amount_minor, WriteOffRow.document_id == DocumentRow.id),
    _summed(DeductionRow.amount_minor, DeductionRow.invoice_id == DocumentRow.id),
).where(DocumentRow.company_id == bindparam("company_id"), DocumentRow.id.in_(bindparam("ids", expanding=True)))


_EVENTS = frozenset({"events"})


class PositionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def settled_parts(self, company_id: int, document_ids: Sequence[int]) -> dict[int, SettledParts]:
        """For each document: payments, credits, write-offs and deductions that settled it, in one statement
        per chunk (sums correlated to each document: each reads only that document's rows, by index)."""
        if not document_ids:
            return {}
        result: dict[int, SettledParts] = {}
        for chunk in chunks(document_ids):
            rows = self.session.execute(_SETTLED, {"company_id": company_id, "ids": chunk})
            for row_id, paid, credited, written, deducted in rows:
                result[int(row_id)] = SettledParts(int(paid), int(credited), int(written), int(deducted))
        return {i: result.get(i, SettledParts()) for i in dict.fromkeys(document_ids)}

    def invoice_cancellations(self, company_id: int, invoice_ids: Sequence[int]) -> dict[int, tuple[int, str | None]]:
        """Invoices that credit notes cancel in full, with the credit note that completed it (id, number).

        Read from the history: the fact is recorded once, when that credit note is issued, and an issued
        credit note is never withdrawn, so it stays true for good."""
        key = ("invoice_cancellations", company_id, tuple(invoice_ids))
        return dict(cached(self.session, key, _EVENTS, lambda: self._cancellations(company_id, invoice_ids)))

    def _cancellations(self, company_id: int, invoice_ids: Sequence[int]) -> dict[int, tuple[int, str | None]]:
        result: dict[int, tuple[int, str | None]] = {}
        for chunk in chunks(invoice_ids):
            stmt = (
                select(EventRow.document_id, EventRow.data)
                .where(
                    EventRow.company_id == company_id,
                    EventRow.document_id.in_(chunk),
                    EventRow.kind == EventKind.INVOICE_CREDITED_IN_FULL.value,
                )
                .order_by(EventRow.id)
            )
            for document_id, data in self.session.execute(stmt):
                data = dict(data or {})
                result[int(document_id)] = (int(data.get("credit_document_id") or 0), data.get("credit_number"))
        return result
