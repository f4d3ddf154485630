"""Deposit persistence: exact VAT breakdowns of deposit documents, deductions on final invoices, allocations
carried from an order to its invoice, and the few settings writes deposits need. Company-scoped throughout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from acompte.domain.deposits import Breakdown, Deduction
from acompte.domain.documents import Document, State
from acompte.domain.errors import NotFound
from acompte.domain.money import Money
from acompte.domain.vat import VatLine
from acompte.persistence import mapping
from acompte.persistence.base import Repo, rowcount
from acompte.persistence.rows import (
    CarriedAllocationRow,
    DeductionRow,
    DeductionVatRow,
    DocumentRow,
    DocumentVatRow,
    ItemRow,
)


def _breakdown(rows: Iterable[Any], currency: str) -> Breakdown:
    lines = [
        VatLine(rate=r.rate, net=Money.from_minor(r.net_minor, currency), vat=Money.from_minor(r.vat_minor, currency))
        for r in rows
    ]
    return tuple(sorted(lines, key=lambda line: line.rate, reverse=True))


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
        found: list[Document] = []
        frontier = [document_id]
        seen = {document_id}
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
            frontier = [r.id for r in rows if r.id not in seen]
            seen.update(frontier)
            found.extend(mapping.document(r) for r in rows)
        return found

    def descendants_of_many(
        self, company_id: int, document_ids: Sequence[int], depth: int = 5
    ) -> dict[int, list[Document]]:
        """`descendants` of several documents at once: one query per generation, whatever their number."""
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
        ids = sorted(set(document_ids))
        if ids:
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
        rows = list(self.session.execute(stmt.order_by(DeductionRow.id)))
        vat: dict[int, list[DeductionVatRow]] = {}
        if rows and breakdowns:
            # chosen by the same conditions, never by a list of ids (a company's deductions grow with its history)
            chosen = stmt.with_only_columns(DeductionRow.id).scalar_subquery()
            for v in self.session.scalars(
                select(DeductionVatRow).where(
                    DeductionVatRow.company_id == company_id, DeductionVatRow.deduction_id.in_(chosen)
                )
            ):
                vat.setdefault(v.deduction_id, []).append(v)
        return [
            Deduction(
                id=row.id,
                invoice_id=row.invoice_id,
                deposit_invoice_id=row.deposit_invoice_id,
                amount=Money.from_minor(row.amount_minor, row.currency),
                breakdown=_breakdown(vat.get(row.id, []), row.currency),
                automatic=row.automatic,
                invoice_state=State(state),
                invoice_number=number,
            )
            for row, state, number in rows
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
