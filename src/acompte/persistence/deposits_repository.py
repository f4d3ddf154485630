"""Deposit persistence: exact VAT breakdowns of deposit documents, deductions on final invoices, allocations
carried from an order to its invoice, and the few settings writes deposits need. Company-scoped throughout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, literal, select
from sqlalchemy.orm import aliased

from acompte.domain.deposits import Breakdown, Deduction
from acompte.domain.documents import Document, State
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.domain.vat import VatLine
from acompte.persistence import mapping
from acompte.persistence.base import Repo, rowcount
from acompte.persistence.read_cache import cached, locked_documents
from acompte.persistence.rows import (
    CarriedAllocationRow,
    DeductionRow,
    DeductionVatRow,
    DocumentRow,
    DocumentVatRow,
    ItemRow,
)

_DOCUMENTS = frozenset({"documents"})
_BREAKDOWNS = frozenset({"document_vat"})
# a deduction's answer carries its invoice's state and number (joined)
_DEDUCTIONS = frozenset({"deductions", "deduction_vat", "documents"})


def _breakdown(rows: Iterable[Any], currency: str) -> Breakdown:
    lines = [
        VatLine(rate=r.rate, net=Money.from_minor(r.net_minor, currency), vat=Money.from_minor(r.vat_minor, currency))
        for r in rows
    ]
    return tuple(sorted(lines, key=lambda line: line.rate, reverse=True))


def _deduction(row: DeductionRow, state: str, number: str | None, breakdown: Breakdown) -> Deduction:
    return Deduction(
        id=row.id,
        invoice_id=row.invoice_id,
        deposit_invoice_id=row.deposit_invoice_id,
        amount=Money.from_minor(row.amount_minor, row.currency),
        breakdown=breakdown,
        automatic=row.automatic,
        invoice_state=State(state),
        invoice_number=number,
    )


class DepositRepository(Repo):
    # -- exact VAT breakdowns of deposit invoices and deposit credit notes ---------------------------------
    def set_breakdown(self, company_id: int, document_id: int, breakdown: Sequence[VatLine]) -> None:
        self.session.execute(
            delete(DocumentVatRow).where(
                DocumentVatRow.company_id == company_id, DocumentVatRow.document_id == document_id
            )
        )
        for line in breakdown:
            self.session.add(
                DocumentVatRow(
                    company_id=company_id,
                    document_id=document_id,
                    rate=line.rate,
                    net_minor=line.net.minor_units,
                    vat_minor=line.vat.minor_units,
                )
            )
        self.session.flush()

    def breakdowns(self, company_id: int, documents: Sequence[Document]) -> dict[int, Breakdown]:
        """The stored breakdown of each document that has one (deposit documents)."""
        if not documents:
            return {}
        currency = {d.id: d.currency for d in documents}
        key = ("breakdowns", company_id, tuple(currency.items()))
        return dict(cached(self.session, key, _BREAKDOWNS, lambda: self._breakdowns(company_id, currency)))

    def _breakdowns(self, company_id: int, currency: dict[int, str]) -> dict[int, Breakdown]:
        rows = self.session.scalars(
            select(DocumentVatRow).where(
                DocumentVatRow.company_id == company_id, DocumentVatRow.document_id.in_(list(currency))
            )
        )
        grouped: dict[int, list[DocumentVatRow]] = {}
        for row in rows:
            grouped.setdefault(row.document_id, []).append(row)
        return {doc_id: _breakdown(rs, currency[doc_id]) for doc_id, rs in grouped.items()}

    def delete_breakdown(self, company_id: int, document_id: int) -> None:
        self.session.execute(
            delete(DocumentVatRow).where(
                DocumentVatRow.company_id == company_id, DocumentVatRow.document_id == document_id
            )
        )
        self.session.flush()

    # -- documents around a deposit ---------------------------------------------------------------------------
    def attached(self, company_id: int, document_ids: Sequence[int], kinds: Sequence[str]) -> list[Document]:
        """Documents of the given kinds whose origin is one of `document_ids` (oldest first), any state."""
        if not document_ids:
            return []
        key = ("attached", company_id, tuple(document_ids), tuple(kinds))
        return list(cached(self.session, key, _DOCUMENTS, lambda: self._attached(company_id, document_ids, kinds)))

    def _attached(self, company_id: int, document_ids: Sequence[int], kinds: Sequence[str]) -> list[Document]:
        rows = self.session.scalars(
            select(DocumentRow)
            .where(
                DocumentRow.company_id == company_id,
                DocumentRow.origin_id.in_(list(document_ids)),
                DocumentRow.kind.in_(list(kinds)),
            )
            .order_by(DocumentRow.id)
        )
        return [mapping.document(r) for r in rows]

    def descendants(self, company_id: int, document_id: int, depth: int = 5) -> list[Document]:
        """Every document made from `document_id`, directly or through others (delivery notes, invoices...)."""
        key = ("descendants", company_id, document_id, depth)
        return list(cached(self.session, key, _DOCUMENTS, lambda: self._descendants(company_id, document_id, depth)))

    def _descendants(self, company_id: int, document_id: int, depth: int) -> list[Document]:
        # one recursive statement, generation by generation (each in id order), instead of one per generation
        tree = (
            select(DocumentRow.id, literal(1).label("generation"))
            .where(DocumentRow.company_id == company_id, DocumentRow.origin_id == document_id)
            .cte("tree", recursive=True)
        )
        child = aliased(DocumentRow)
        tree = tree.union_all(
            select(child.id, tree.c.generation + 1).where(
                child.company_id == company_id, child.origin_id == tree.c.id, tree.c.generation < depth
            )
        )
        rows = self.session.scalars(
            select(DocumentRow).join(tree, tree.c.id == DocumentRow.id).order_by(tree.c.generation, DocumentRow.id)
        )
        return [mapping.document(r) for r in rows]

    def descendants_of_many(
        self, company_id: int, document_ids: Sequence[int], depth: int = 5
    ) -> dict[int, list[Document]]:
        """`descendants` of several documents at once: one query per generation, whatever their number."""
        key = ("descendants_of_many", company_id, tuple(document_ids), depth)
        read = lambda: self._descendants_of_many(company_id, document_ids, depth)  # noqa: E731
        answer = cached(self.session, key, _DOCUMENTS, read)
        return {root: list(found) for root, found in answer.items()}

    def _descendants_of_many(
        self, company_id: int, document_ids: Sequence[int], depth: int
    ) -> dict[int, list[Document]]:
        found: dict[int, list[Document]] = {root: [] for root in document_ids}
        root_of = {root: root for root in document_ids}
        frontier = list(document_ids)
        for _ in range(depth):
            if not frontier:
                break
            rows = list(
                self.session.scalars(
                    select(DocumentRow)
                    .where(DocumentRow.company_id == company_id, DocumentRow.origin_id.in_(frontier))
                    .order_by(DocumentRow.id)
                )
            )
            frontier = []
            for row in rows:
                if row.id in root_of or row.origin_id not in root_of:
                    continue
                root_of[row.id] = root_of[row.origin_id]
                found[root_of[row.id]].append(mapping.document(row))
                frontier.append(row.id)
        return found

    def lock_documents(self, company_id: int, document_ids: Iterable[int]) -> None:
        """Lock document rows in id order (SELECT … FOR UPDATE; SQLite already holds the write lock)."""
        locked = locked_documents(self.session)
        ids = sorted(set(document_ids) - locked)
        if ids:
            locked.update(ids)  # those already locked by this transaction stay locked: no need to ask again
            self.session.scalars(
                select(DocumentRow.id)
                .where(DocumentRow.company_id == company_id, DocumentRow.id.in_(ids))
                .order_by(DocumentRow.id)
                .with_for_update()
            ).all()

    # -- deductions -------------------------------------------------------------------------------------------
    def add_deduction(
        self,
        company_id: int,
        *,
        invoice_id: int,
        deposit_invoice_id: int,
        amount: Money,
        breakdown: Sequence[VatLine],
        automatic: bool,
    ) -> int:
        row = DeductionRow(
            company_id=company_id,
            invoice_id=invoice_id,
            deposit_invoice_id=deposit_invoice_id,
            amount_minor=amount.minor_units,
            currency=amount.currency,
            automatic=automatic,
            created_at=self.now(),
        )
        self.session.add(row)
        self.session.flush()
        for line in breakdown:
            self.session.add(
                DeductionVatRow(
                    company_id=company_id,
                    deduction_id=row.id,
                    rate=line.rate,
                    net_minor=line.net.minor_units,
                    vat_minor=line.vat.minor_units,
                )
            )
        self.session.flush()
        return row.id

    def delete_deduction(self, company_id: int, deduction_id: int) -> None:
        """NotFound when no row went (another transaction removed it first): never recorded as removed twice."""
        self.session.execute(
            delete(DeductionVatRow).where(
                DeductionVatRow.company_id == company_id, DeductionVatRow.deduction_id == deduction_id
            )
        )
        done = self.session.execute(
            delete(DeductionRow).where(DeductionRow.company_id == company_id, DeductionRow.id == deduction_id)
        )
        if rowcount(done) != 1:
            raise NotFound(entity="Déduction", id=deduction_id)
        self.session.flush()

    def deductions(
        self,
        company_id: int,
        *,
        invoice_id: int | None = None,
        deposit_invoice_ids: Sequence[int] | None = None,
        breakdowns: bool = True,
    ) -> list[Deduction]:
        """Deductions with their VAT split (`breakdowns=False`: amounts only, one statement less)."""
        if deposit_invoice_ids is not None and not deposit_invoice_ids:
            return []
        deposits = None if deposit_invoice_ids is None else tuple(deposit_invoice_ids)
        key = ("deductions", company_id, invoice_id, deposits, breakdowns)
        read = lambda: self._deductions(company_id, invoice_id, deposits, breakdowns)  # noqa: E731
        return list(cached(self.session, key, _DEDUCTIONS, read))

    def _deductions(
        self, company_id: int, invoice_id: int | None, deposit_invoice_ids: Sequence[int] | None, breakdowns: bool
    ) -> list[Deduction]:
        stmt = (
            select(DeductionRow, DocumentRow.state, DocumentRow.number)
            .join(DocumentRow, DocumentRow.id == DeductionRow.invoice_id)
            .where(DeductionRow.company_id == company_id)
        )
        if invoice_id is not None:
            stmt = stmt.where(DeductionRow.invoice_id == invoice_id)
        if deposit_invoice_ids is not None:
            if not deposit_invoice_ids:
                return []
            stmt = stmt.where(DeductionRow.deposit_invoice_id.in_(list(deposit_invoice_ids)))
        if not breakdowns:
            rows = list(self.session.execute(stmt.order_by(DeductionRow.id)))
            return [_deduction(row, state, number, ()) for row, state, number in rows]
        # the VAT split joined: one statement (a deduction has a line per rate, a few at most)
        joined = stmt.add_columns(DeductionVatRow.rate, DeductionVatRow.net_minor, DeductionVatRow.vat_minor).outerjoin(
            DeductionVatRow,
            and_(
                DeductionVatRow.company_id == DeductionRow.company_id, DeductionVatRow.deduction_id == DeductionRow.id
            ),
        )
        found: dict[int, tuple[DeductionRow, str, str | None, list[VatLine]]] = {}
        for row, state, number, rate, net, vat in self.session.execute(joined.order_by(DeductionRow.id)):
            lines = found.setdefault(row.id, (row, state, number, []))[3]
            if rate is not None:
                lines.append(
                    VatLine(rate=rate, net=Money.from_minor(net, row.currency), vat=Money.from_minor(vat, row.currency))
                )
        return [
            _deduction(row, state, number, tuple(sorted(lines, key=lambda line: line.rate, reverse=True)))
            for row, state, number, lines in found.values()
        ]

    def deducted(self, company_id: int, invoice_id: int, currency: str) -> Money:
        value = self.session.scalar(
            select(func.coalesce(func.sum(DeductionRow.amount_minor), 0)).where(
                DeductionRow.company_id == company_id, DeductionRow.invoice_id == invoice_id
            )
        )
        return Money.from_minor(int(value or 0), currency)

    # -- allocations carried from an order to its invoice -------------------------------------------------------
    def add_carried(self, company_id: int, *, allocation_id: int, from_document_id: int, to_document_id: int) -> None:
        self.session.add(
            CarriedAllocationRow(
                company_id=company_id,
                allocation_id=allocation_id,
                from_document_id=from_document_id,
                to_document_id=to_document_id,
                moved_at=self.now(),
            )
        )
        self.session.flush()

    def carried_to(self, company_id: int, document_id: int) -> dict[int, int]:
        """{allocation id: the document it came from} for the allocations carried to `document_id`."""
        rows = self.session.execute(
            select(CarriedAllocationRow.allocation_id, CarriedAllocationRow.from_document_id).where(
                CarriedAllocationRow.company_id == company_id, CarriedAllocationRow.to_document_id == document_id
            )
        )
        return {a: f for a, f in rows}

    def carried_from(self, company_id: int, document_id: int) -> dict[int, int]:
        """{allocation id: the document it went to} for the allocations carried away from `document_id`."""
        rows = self.session.execute(
            select(CarriedAllocationRow.allocation_id, CarriedAllocationRow.to_document_id).where(
                CarriedAllocationRow.company_id == company_id, CarriedAllocationRow.from_document_id == document_id
            )
        )
        return {a: t for a, t in rows}

    def forget_carried(self, company_id: int, allocation_id: int) -> None:
        self.session.execute(
            delete(CarriedAllocationRow).where(
                CarriedAllocationRow.company_id == company_id, CarriedAllocationRow.allocation_id == allocation_id
            )
        )
        self.session.flush()

    # -- settings ---------------------------------------------------------------------------------------------
    def set_item_settings(self, company_id: int, item_id: int, settings: dict[str, Any]) -> None:
        row = self.session.scalars(
            select(ItemRow).where(ItemRow.company_id == company_id, ItemRow.id == item_id)
        ).first()
        if row is None:
            raise NotFound(entity="Article", id=item_id)
        row.settings = settings
        self.session.flush()

    def set_exchange_rate(self, company_id: int, document_id: int, rate: Decimal | None) -> None:
        row = self.session.scalars(
            select(DocumentRow).where(DocumentRow.company_id == company_id, DocumentRow.id == document_id)
        ).first()
        if row is None:
            raise NotFound(entity="Document", id=document_id)
        row.exchange_rate = rate
        self.session.flush()
