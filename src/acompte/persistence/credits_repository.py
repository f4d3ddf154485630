"""Credits in the database: what each credit note and payment has used (allocations, refunds, write-offs),
refund and write-off rows, and the bulk reads the party account needs.

What a payment or a document has used is defined once, in settled_sums.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from acompte.domain.credits import CreditRef, CreditUse, SourceKind, corrected_ids
from acompte.domain.documents import CREDIT_KINDS, Document, Kind, State
from acompte.domain.errors import NotFound, RefundNotFound
from acompte.domain.money import Money
from acompte.domain.payments import Payment
from acompte.persistence import mapping
from acompte.persistence.base import rowcount
from acompte.persistence.rows import (
    AllocationRow,
    DocumentLineRow,
    DocumentRow,
    PartyRow,
    PaymentRow,
    RefundRow,
    WriteOffRow,
)
from acompte.persistence.settled_sums import correlated_sum
from acompte.services.credits.views import CreditNoteView, RefundView, WriteOffView
from acompte.services.ports.clock import Clock, SystemClock


def _sums(session: Session, column: Any, amount: Any, where: Iterable[Any], ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    stmt = select(column, func.sum(amount)).where(column.in_(list(ids)), *where).group_by(column)
    return {int(k): int(v) for k, v in session.execute(stmt)}


class CreditRepository:
    def __init__(self, session: Session, clock: Clock | None = None) -> None:
        self.session = session
        self.clock: Clock = clock or SystemClock()

    # -- what a credit has used --------------------------------------------------------------------------------
    def credit_uses(self, company_id: int, credits: Sequence[tuple[int, Money]]) -> dict[int, CreditUse]:
        """CreditUse of each credit note given as (id, gross)."""
        ids = [i for i, _ in credits]
        applied = _sums(
            self.session,
            AllocationRow.credit_document_id,
            AllocationRow.amount_minor,
            [AllocationRow.company_id == company_id],
            ids,
        )
        refunded = _sums(
            self.session, RefundRow.source_credit_id, RefundRow.amount_minor, [RefundRow.company_id == company_id], ids
        )
        written = _sums(
            self.session,
            WriteOffRow.credit_document_id,
            WriteOffRow.amount_minor,
            [WriteOffRow.company_id == company_id],
            ids,
        )
        result = {}
        for credit_id, gross in credits:
            c = gross.currency
            result[credit_id] = CreditUse(
                total=gross,
                applied=Money.from_minor(applied.get(credit_id, 0), c),
                refunded=Money.from_minor(refunded.get(credit_id, 0), c),
                written_off=Money.from_minor(written.get(credit_id, 0), c),
            )
        return result

    def credit_use(self, credit: Document) -> CreditUse:
        return self.credit_uses(credit.company_id, [(credit.id, credit.gross)])[credit.id]

    def payment_uses(self, company_id: int, payments: Sequence[Payment]) -> dict[int, CreditUse]:
        """CreditUse of each payment. A refund payment is "applied" to the credit it gives back."""
        ids = [p.id for p in payments]
        allocated: dict[int, int] = {}
        refunding: dict[int, int] = {}
        refunded: dict[int, int] = {}
        written: dict[int, int] = {}
        if ids:  # one round trip: each payment with its four sums (correlated, read through their indexes)
            rows = self.session.execute(
                select(
                    PaymentRow.id,
                    correlated_sum(
                        AllocationRow.amount_minor, AllocationRow.payment_id == PaymentRow.id, to=PaymentRow
                    ),
                    correlated_sum(RefundRow.amount_minor, RefundRow.payment_id == PaymentRow.id, to=PaymentRow),
                    correlated_sum(RefundRow.amount_minor, RefundRow.source_payment_id == PaymentRow.id, to=PaymentRow),
                    correlated_sum(WriteOffRow.amount_minor, WriteOffRow.payment_id == PaymentRow.id, to=PaymentRow),
                ).where(PaymentRow.company_id == company_id, PaymentRow.id.in_(ids))
            )
            for payment_id, a, r1, r2, w in rows:
                allocated[payment_id], refunding[payment_id] = int(a or 0), int(r1 or 0)
                refunded[payment_id], written[payment_id] = int(r2 or 0), int(w or 0)
        result = {}
        for p in payments:
            c = p.currency
            result[p.id] = CreditUse(
                total=p.amount,
                applied=Money.from_minor(allocated.get(p.id, 0) + refunding.get(p.id, 0), c),
                refunded=Money.from_minor(refunded.get(p.id, 0), c),
                written_off=Money.from_minor(written.get(p.id, 0), c),
            )
        return result

    def payment_use(self, payment: Payment) -> CreditUse:
        return self.payment_uses(payment.company_id, [payment])[payment.id]

    # -- credit notes ------------------------------------------------------------------------------------------
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
        origin = aliased(DocumentRow)
        stmt = (
            select(DocumentRow, PartyRow.name, origin.number)
            .join(PartyRow, PartyRow.id == DocumentRow.party_id)
            .outerjoin(origin, origin.id == DocumentRow.origin_id)
            .where(
                DocumentRow.company_id == company_id,
                DocumentRow.kind.in_([k.value for k in CREDIT_KINDS]),
                DocumentRow.state == State.VALIDATED.value,
            )
        )
        if party_id is not None:
            stmt = stmt.where(DocumentRow.party_id == party_id)
        if flow:
            stmt = stmt.where(DocumentRow.flow == flow)
        if currency:
            stmt = stmt.where(DocumentRow.currency == currency)
        if credit_id is not None:
            stmt = stmt.where(DocumentRow.id == credit_id)
        if date_to is not None:
            stmt = stmt.where(DocumentRow.issue_date <= date_to)
        rows = list(self.session.execute(stmt.order_by(DocumentRow.issue_date, DocumentRow.id)))
        uses = self.credit_uses(company_id, [(r.id, Money.from_minor(r.gross_minor, r.currency)) for r, _, _ in rows])
        return [
            CreditNoteView(
                id=r.id,
                kind=r.kind,
                flow=r.flow,
                number=r.number,
                party_id=r.party_id,
                party_name=name,
                currency=r.currency,
                issue_date=r.issue_date,
                origin_id=r.origin_id,
                origin_number=origin_number,
                use=uses[r.id],
                notes=r.notes,
            )
            for r, name, origin_number in rows
        ]

    def credit_notes_on(self, company_id: int, invoice_id: int) -> list[tuple[Document, dict[str, Any]]]:
        """The credit notes (any state) that correct an invoice — as their origin or in their `corrected_ids`
        (only the invoice's party's credit notes can) — with their lines and data."""
        party_id = (
            select(DocumentRow.party_id)
            .where(DocumentRow.company_id == company_id, DocumentRow.id == invoice_id)
            .scalar_subquery()
        )
        candidates = self.session.scalars(
            select(DocumentRow)
            .where(
                DocumentRow.company_id == company_id,
                DocumentRow.kind == Kind.CREDIT_NOTE.value,
                or_(DocumentRow.origin_id == invoice_id, DocumentRow.party_id == party_id),
            )
            .order_by(DocumentRow.id)
        )
        rows = [r for r in candidates if invoice_id in corrected_ids(r.origin_id, dict(r.data or {}))]
        if not rows:
            return []
        lines: dict[int, list[DocumentLineRow]] = {}
        for line in self.session.scalars(
            select(DocumentLineRow).where(
                DocumentLineRow.company_id == company_id, DocumentLineRow.document_id.in_([r.id for r in rows])
            )
        ):
            lines.setdefault(line.document_id, []).append(line)
        return [(mapping.document(r, lines.get(r.id, [])), dict(r.data or {})) for r in rows]

    def document_context(self, company_id: int, ids: Sequence[int]) -> dict[int, tuple[dict[str, Any], date | None]]:
        """For each document: its data (payment terms live there) and the date of the order it comes from."""
        if not ids:
            return {}
        rows = self.session.execute(
            select(DocumentRow.id, DocumentRow.data, DocumentRow.origin_id).where(
                DocumentRow.company_id == company_id, DocumentRow.id.in_(list(ids))
            )
        ).all()
        data = {r.id: dict(r.data or {}) for r in rows}
        cursor = {r.id: r.origin_id for r in rows if r.origin_id is not None}
        order_dates: dict[int, date | None] = {}
        for _hop in range(4):  # quote -> order -> delivery -> invoice: a short chain
            if not cursor:
                break
            origins = {
                r.id: r
                for r in self.session.execute(
                    select(DocumentRow.id, DocumentRow.kind, DocumentRow.issue_date, DocumentRow.origin_id).where(
                        DocumentRow.company_id == company_id, DocumentRow.id.in_(set(cursor.values()))
                    )
                )
            }
            following = {}
            for doc_id, origin_id in cursor.items():
                origin = origins.get(origin_id)
                if origin is None:
                    continue
                if origin.kind == Kind.ORDER.value:
                    order_dates[doc_id] = origin.issue_date
                elif origin.origin_id is not None:
                    following[doc_id] = origin.origin_id
            cursor = following
        return {i: (data.get(i, {}), order_dates.get(i)) for i in ids}

    # -- refunds -----------------------------------------------------------------------------------------------
    def add_refund(self, company_id: int, *, party_id: int, payment_id: int, source: CreditRef, amount: Money) -> int:
        row = RefundRow(
            company_id=company_id,
            party_id=party_id,
            payment_id=payment_id,
            source_payment_id=source.id if source.kind is SourceKind.PAYMENT else None,
            source_credit_id=source.id if source.kind is SourceKind.CREDIT_NOTE else None,
            amount_minor=amount.minor_units,
            currency=amount.currency,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def _refund_views(self, rows: list[RefundRow]) -> list[RefundView]:
        if not rows:
            return []
        pay_ids = {r.payment_id for r in rows} | {r.source_payment_id for r in rows if r.source_payment_id}
        doc_ids = {r.source_credit_id for r in rows if r.source_credit_id}
        pay_numbers = dict(
            self.session.execute(
                select(PaymentRow.id, PaymentRow.number).where(
                    PaymentRow.company_id == rows[0].company_id, PaymentRow.id.in_(pay_ids)
                )
            ).all()
        )
        doc_numbers = (
            dict(
                self.session.execute(
                    select(DocumentRow.id, DocumentRow.number).where(
                        DocumentRow.company_id == rows[0].company_id, DocumentRow.id.in_(doc_ids)
                    )
                ).all()
            )
            if doc_ids
            else {}
        )
        result = []
        for r in rows:
            if r.source_payment_id is not None:
                source = CreditRef.payment(r.source_payment_id)
            else:
                # the refunds table's one_source CHECK: no payment source means a credit note source
                assert r.source_credit_id is not None
                source = CreditRef.credit_note(r.source_credit_id)
            number = pay_numbers.get(source.id) if source.kind is SourceKind.PAYMENT else doc_numbers.get(source.id)
            result.append(
                RefundView(
                    id=r.id,
                    party_id=r.party_id,
                    payment_id=r.payment_id,
                    payment_number=pay_numbers[r.payment_id],
                    source=source,
                    source_number=number,
                    amount=Money.from_minor(r.amount_minor, r.currency),
                    created_at=r.created_at,
                )
            )
        return result

    def get_refund(self, company_id: int, refund_id: int) -> RefundView:
        row = self.session.scalars(
            select(RefundRow).where(RefundRow.company_id == company_id, RefundRow.id == refund_id)
        ).first()
        if row is None:
            raise RefundNotFound(id=refund_id)
        return self._refund_views([row])[0]

    def refunds(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        payment_id: int | None = None,
        source: CreditRef | None = None,
    ) -> list[RefundView]:
        stmt = select(RefundRow).where(RefundRow.company_id == company_id)
        if party_id is not None:
            stmt = stmt.where(RefundRow.party_id == party_id)
        if payment_id is not None:
            stmt = stmt.where(RefundRow.payment_id == payment_id)
        if source is not None:
            column = RefundRow.source_payment_id if source.kind is SourceKind.PAYMENT else RefundRow.source_credit_id
            stmt = stmt.where(column == source.id)
        return self._refund_views(list(self.session.scalars(stmt.order_by(RefundRow.id))))

    def delete_refund(self, company_id: int, refund_id: int) -> None:
        """RefundNotFound when no row went (another transaction removed it first)."""
        done = self.session.execute(
            delete(RefundRow).where(RefundRow.company_id == company_id, RefundRow.id == refund_id)
        )
        if rowcount(done) != 1:
            raise RefundNotFound(id=refund_id)
        self.session.flush()

    # -- write-offs --------------------------------------------------------------------------------------------
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
        if (source is None) == (document_id is None):
            raise ValueError("a write-off has exactly one source")
        kind = "shortfall" if source is None else source.kind.value.replace("payment", "overpayment")
        row = WriteOffRow(
            company_id=company_id,
            party_id=party_id,
            payment_id=source.id if source is not None and source.kind is SourceKind.PAYMENT else None,
            credit_document_id=source.id if source is not None and source.kind is SourceKind.CREDIT_NOTE else None,
            document_id=document_id,
            kind=kind,
            amount_minor=amount.minor_units,
            currency=amount.currency,
            write_off_date=write_off_date,
            reason=reason,
            received_payment_id=received_payment_id,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def write_offs(
        self,
        company_id: int,
        *,
        party_id: int | None = None,
        source: CreditRef | None = None,
        write_off_id: int | None = None,
        document_id: int | None = None,
    ) -> list[WriteOffView]:
        stmt = select(WriteOffRow).where(WriteOffRow.company_id == company_id)
        if document_id is not None:
            stmt = stmt.where(WriteOffRow.document_id == document_id)
        if party_id is not None:
            stmt = stmt.where(WriteOffRow.party_id == party_id)
        if write_off_id is not None:
            stmt = stmt.where(WriteOffRow.id == write_off_id)
        if source is not None:
            column = WriteOffRow.payment_id if source.kind is SourceKind.PAYMENT else WriteOffRow.credit_document_id
            stmt = stmt.where(column == source.id)
        rows = list(self.session.scalars(stmt.order_by(WriteOffRow.id)))
        if not rows:
            return []
        pay_ids = {r.payment_id for r in rows if r.payment_id}
        doc_ids = {r.credit_document_id or r.document_id for r in rows if r.credit_document_id or r.document_id}
        numbers: dict[tuple[str, int], str | None] = {}
        if pay_ids:
            for i, n in self.session.execute(
                select(PaymentRow.id, PaymentRow.number).where(
                    PaymentRow.company_id == rows[0].company_id, PaymentRow.id.in_(pay_ids)
                )
            ):
                numbers[("p", i)] = n
        if doc_ids:
            for i, document_number in self.session.execute(
                select(DocumentRow.id, DocumentRow.number).where(
                    DocumentRow.company_id == rows[0].company_id, DocumentRow.id.in_(doc_ids)
                )
            ):
                numbers[("d", i)] = document_number
        result = []
        for r in rows:
            ref: CreditRef | None
            if r.payment_id is not None:
                ref, key = CreditRef.payment(r.payment_id), ("p", r.payment_id)
            elif r.credit_document_id is not None:
                ref, key = CreditRef.credit_note(r.credit_document_id), ("d", r.credit_document_id)
            else:
                # the write_offs table's one_source CHECK: neither a payment nor a credit note means a document
                assert r.document_id is not None
                ref, key = None, ("d", r.document_id)
            result.append(
                WriteOffView(
                    id=r.id,
                    party_id=r.party_id,
                    kind=r.kind,
                    source=ref,
                    document_id=r.document_id,
                    source_number=numbers.get(key),
                    amount=Money.from_minor(r.amount_minor, r.currency),
                    write_off_date=r.write_off_date,
                    reason=r.reason,
                    received_payment_id=r.received_payment_id,
                )
            )
        return result

    def add_to_write_off(self, company_id: int, write_off_id: int, amount: Money) -> None:
        row = self.session.scalars(
            select(WriteOffRow).where(WriteOffRow.company_id == company_id, WriteOffRow.id == write_off_id)
        ).one()
        row.amount_minor += amount.minor_units
        self.session.flush()

    def delete_write_off(self, company_id: int, write_off_id: int) -> None:
        """NotFound when no row went (another transaction removed it first)."""
        done = self.session.execute(
            delete(WriteOffRow).where(WriteOffRow.company_id == company_id, WriteOffRow.id == write_off_id)
        )
        if rowcount(done) != 1:
            raise NotFound(entity="Écart de règlement", id=write_off_id)
        self.session.flush()

    # -- bulk reads for the account ----------------------------------------------------------------------------
    def allocated_documents(self, company_id: int, payment_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The numbers of the documents each payment settles (the "origin" of an overpayment)."""
        if not payment_ids:
            return {}
        rows = self.session.execute(
            select(AllocationRow.payment_id, func.coalesce(DocumentRow.number, literal("")))
            .join(DocumentRow, DocumentRow.id == AllocationRow.document_id)
            .where(AllocationRow.company_id == company_id, AllocationRow.payment_id.in_(list(payment_ids)))
            .order_by(AllocationRow.id)
        )
        result: dict[int, list[str]] = {}
        for payment_id, number in rows:
            if payment_id is not None:  # always, by the filter on payment ids
                result.setdefault(payment_id, []).append(number or "(brouillon)")
        return {k: tuple(v) for k, v in result.items()}

    def refund_payment_ids(self, company_id: int, party_id: int | None = None) -> set[int]:
        stmt = select(RefundRow.payment_id).where(RefundRow.company_id == company_id)
        if party_id is not None:
            stmt = stmt.where(RefundRow.party_id == party_id)
        return set(self.session.scalars(stmt))
