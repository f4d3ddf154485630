"""Documents in the database: headers and lines, their settlement, and the document lists (whose SQL lives in
document_lists.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from acompte.domain.allocations import Settlement
from acompte.domain.documents import Document, Line
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.persistence import document_lists, document_pages, mapping
from acompte.persistence.base import Repo
from acompte.persistence.document_filters import minor_bound
from acompte.persistence.read_cache import locked_documents
from acompte.persistence.rows import DeductionRow, DocumentLineRow, DocumentRow, PartyRow
from acompte.persistence.settled_sums import document_settled_scalar, document_sums_minor
from acompte.services.ports.clock import Clock
from acompte.services.views import DocumentFilter, DocumentListRow, DocumentListTotals, DocumentSummary


def _allocated_to_document() -> Any:
    """What the enclosing query's document has received: allocations and small shortfalls written off
    (settled_sums.py), correlated so that it reads only that document's rows. A GROUP BY over every
    allocation joined afterwards would make any list cost grow with the whole database (bench/run.py: about
    1 s per party read at 1 000 000 documents)."""
    return document_settled_scalar()


def _deducted_from_document() -> Any:
    """Deposits deducted on the enclosing query's final invoice (deductions), correlated likewise."""
    return (
        select(func.coalesce(func.sum(DeductionRow.amount_minor), 0))
        .where(DeductionRow.invoice_id == DocumentRow.id)
        .correlate(DocumentRow)
        .scalar_subquery()
    )


class DocumentRepository(Repo):
    """Documents and their lines. Within a unit of work a document already read is not read again: its row is the
    session's (every change to a document goes through that row object, so it is current; it is held here, the
    session's identity map holding rows only weakly), and its lines are kept until this repository replaces or
    deletes them, or the transaction is rolled back (`forget`). A locked read always asks the database
    (SELECT … FOR UPDATE)."""

    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        super().__init__(session, clock)
        self._rows: dict[int, DocumentRow] = {}
        self._lines: dict[int, list[DocumentLineRow]] = {}
        self._added: set[int] = set()  # documents this transaction inserted: no other one can have lines for them
        self._fresh: set[int] = set()  # documents whose rows were read here under their lock

    def forget(self) -> None:
        self._rows.clear()
        self._lines.clear()
        self._added.clear()
        self._fresh.clear()

    def _row(self, company_id: int, document_id: int, lock: bool = False) -> DocumentRow:
        locked = locked_documents(self.session) if lock else None
        if locked is not None and document_id in locked and document_id in self._fresh and document_id in self._rows:
            # read here under its lock earlier in this transaction: no other can have changed it since, and every
            # change of this one went through the row held here (a lock taken elsewhere refreshed no row: not it)
            row = self._rows[document_id]
            if row.company_id != company_id:
                raise NotFound(entity="Document", id=document_id)
        elif locked is not None:
            stmt = select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id == document_id)
            # the row as committed now, not as this session first read it (another transaction may have changed
            # it since: the lock is what makes the checks that follow safe)
            row = self._one(stmt.execution_options(populate_existing=True), "Document", document_id, lock)
            self._lines.pop(document_id, None)
            locked.add(document_id)
            self._fresh.add(document_id)
        else:
            found = self._rows.get(document_id) or self.session.get(DocumentRow, (company_id, document_id))
            if found is None or found.company_id != company_id:
                raise NotFound(entity="Document", id=document_id)
            row = found
        self._rows[document_id] = row
        return row

    def add(self, document: Document, *, notes: str = "", data: dict[str, Any] | None = None) -> int:
        row = DocumentRow(
            company_id=document.company_id,
            kind=document.kind.value,
            flow=document.flow.value,
            state=document.state.value,
            number=document.number,
            party_id=document.party_id,
            currency=document.currency,
            issue_date=document.issue_date,
            due_date=document.due_date,
            origin_id=document.origin_id,
            net_minor=document.net.minor_units,
            vat_minor=0,
            gross_minor=document.gross.minor_units,
            notes=notes,
            data=data or {},
            version=1,
            created_at=self.now(),
            exchange_rate=document.exchange_rate,
            supplier_reference=document.supplier_reference,
        )
        self.session.add(row)
        self.session.flush()
        # held, and known to have no lines yet: reading it back in this transaction costs no round trip
        self._rows[row.id], self._lines[row.id] = row, []
        self._added.add(row.id)
        return row.id

    def get(self, company_id: int, document_id: int, *, lock: bool = False, lines: bool = True) -> Document:
        """The document; `lines=False` skips reading its lines (totals are stored on the document itself)."""
        row = self._row(company_id, document_id, lock)
        if not lines:
            return mapping.document(row)
        found = self._lines.get(row.id)
        if found is None:
            query = select(DocumentLineRow).where(
                DocumentLineRow.company_id == company_id, DocumentLineRow.document_id == row.id
            )
            found = self._lines[row.id] = list(self.session.scalars(query))
        return mapping.document(row, found)

    def headers(self, company_id: int, document_ids: Sequence[int], *, lock: bool = False) -> dict[int, Document]:
        """Several documents without their lines, in one query (ids of another company are simply absent);
        `lock`: their rows locked in id order."""
        if not document_ids:
            return {}
        stmt = select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id.in_(list(document_ids)))
        if lock:
            stmt = stmt.order_by(DocumentRow.id).with_for_update()
        return {row.id: mapping.document(row) for row in self.session.scalars(stmt)}

    def data(self, company_id: int, document_id: int) -> dict[str, Any]:
        return dict(self._row(company_id, document_id).data or {})

    def set_data(self, company_id: int, document_id: int, data: dict[str, Any]) -> None:
        self._row(company_id, document_id).data = data
        self.session.flush()

    def replace_lines(self, document: Document, lines: Sequence[Line], net: Money, vat: Money, gross: Money) -> None:
        row = self._row(document.company_id, document.id)
        before = self._lines.pop(row.id, None)
        if not (before == [] and row.id in self._added):  # a document inserted here and given no line has none
            self.session.execute(
                delete(DocumentLineRow).where(
                    DocumentLineRow.company_id == row.company_id, DocumentLineRow.document_id == row.id
                )
            )
        written = [
            DocumentLineRow(
                company_id=row.company_id,
                document_id=row.id,
                position=line.position,
                item_id=line.item_id,
                designation=line.designation,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                vat_rate=line.vat_rate,
                net_minor=line.net.minor_units,
            )
            for line in lines
        ]
        self.session.add_all(written)
        row.net_minor, row.vat_minor, row.gross_minor = net.minor_units, vat.minor_units, gross.minor_units
        row.version += 1
        self.session.flush()
        self._lines[row.id] = written  # what the document now has: read back without a round trip

    def update(self, company_id: int, document_id: int, **fields: Any) -> None:
        row = self._row(company_id, document_id)
        for key, value in fields.items():
            setattr(row, key, value.value if hasattr(value, "value") else value)
        if "state" in fields and fields["state"] == "validated":
            row.validated_at = self.now()
        row.version += 1
        self.session.flush()

    def delete(self, company_id: int, document_id: int) -> None:
        row = self._row(company_id, document_id)
        self._lines.pop(row.id, None)
        self._rows.pop(row.id, None)
        self.session.execute(
            delete(DocumentLineRow).where(
                DocumentLineRow.company_id == row.company_id, DocumentLineRow.document_id == row.id
            )
        )
        self.session.delete(row)
        self.session.flush()

    def children(self, company_id: int, document_id: int) -> list[Document]:
        rows = self.session.scalars(
            select(DocumentRow)
            .where(DocumentRow.company_id == company_id, DocumentRow.origin_id == document_id)
            .order_by(DocumentRow.id)
        )
        return [mapping.document(r) for r in rows]

    def settlement(self, document: Document) -> Settlement:
        allocated, deducted = document_sums_minor(self.session, document.company_id, document.id)
        return Settlement(
            gross=document.gross,
            allocated=Money.from_minor(allocated, document.currency),
            deducted=Money.from_minor(deducted, document.currency),
        )

    def list_totals(self, company_id: int, filters: DocumentFilter, currency: str) -> DocumentListTotals:
        """Count and totals of every document `filters` keeps, in SQL (persistence/document_lists.py)."""
        return document_lists.totals(self.session, company_id, filters, currency)

    def list_count(self, company_id: int, filters: DocumentFilter, cap: int | None = None) -> int:
        return document_pages.count(self.session, company_id, filters, cap)

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
        return document_pages.page(
            self.session,
            company_id,
            filters,
            sort=sort,
            descending=descending,
            limit=limit,
            offset=offset,
            after=after,
            before=before,
        )

    def list_chunk(
        self,
        company_id: int,
        filters: DocumentFilter,
        *,
        sort: str,
        descending: bool,
        after: tuple[Any, int] | None,
        limit: int,
    ) -> tuple[list[DocumentListRow], tuple[Any, int] | None]:
        return document_pages.chunk(
            self.session, company_id, filters, sort=sort, descending=descending, after=after, limit=limit
        )

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
    ) -> list[DocumentSummary]:
        allocated = _allocated_to_document()
        deducted = _deducted_from_document()
        stmt = (
            select(DocumentRow, PartyRow.name, allocated.label("allocated"), deducted.label("deducted"))
            .join(PartyRow, PartyRow.id == DocumentRow.party_id)
            .where(DocumentRow.company_id == company_id)
        )
        if party_id is not None:
            stmt = stmt.where(DocumentRow.party_id == party_id)
        if kind:
            stmt = stmt.where(DocumentRow.kind == kind)
        if kinds:
            stmt = stmt.where(DocumentRow.kind.in_(list(kinds)))
        if flow:
            stmt = stmt.where(DocumentRow.flow == flow)
        if state:
            stmt = stmt.where(DocumentRow.state == state)
        if states:
            stmt = stmt.where(DocumentRow.state.in_(list(states)))
        if date_from:
            stmt = stmt.where(DocumentRow.issue_date >= date_from)
        if date_to:
            stmt = stmt.where(DocumentRow.issue_date <= date_to)
        if search:
            number, theirs = (
                func.lower(func.coalesce(DocumentRow.number, "")),
                func.lower(DocumentRow.supplier_reference),
            )
            stmt = stmt.where(or_(number.contains(search.lower()), theirs.contains(search.lower())))
        exact, least, most = amounts
        bounds = [(exact, ROUND_CEILING, ROUND_FLOOR), (least, ROUND_CEILING, None), (most, None, ROUND_FLOOR)]
        for amount, up, down in bounds:
            if amount is not None and up:
                stmt = stmt.where(DocumentRow.gross_minor >= minor_bound(amount, DocumentRow.currency, up))
            if amount is not None and down:
                stmt = stmt.where(DocumentRow.gross_minor <= minor_bound(amount, DocumentRow.currency, down))
        if open_only:
            stmt = stmt.where(DocumentRow.gross_minor > allocated + deducted)
        if after_id is not None:
            stmt = stmt.where(DocumentRow.id > after_id)
        stmt = stmt.order_by(DocumentRow.id).limit(limit)
        result = []
        for row, party_name, allocated_minor, deducted_minor in self.session.execute(stmt):
            currency = row.currency
            result.append(
                DocumentSummary(
                    id=row.id,
                    kind=row.kind,
                    flow=row.flow,
                    state=row.state,
                    number=row.number,
                    party_id=row.party_id,
                    party_name=party_name,
                    issue_date=row.issue_date,
                    due_date=row.due_date,
                    supplier_reference=row.supplier_reference or "",
                    settlement=Settlement(
                        gross=Money.from_minor(row.gross_minor, currency),
                        allocated=Money.from_minor(int(allocated_minor), currency),
                        deducted=Money.from_minor(int(deducted_minor), currency),
                    ),
                )
            )
        return result
