"""What `acompte verify` compares with the history: the live allocations, the money that bounds them, and every
number given by a series. Plain reads, in bulk, for one company."""

from __future__ import annotations

from sqlalchemy import func, select

from acompte.persistence import document_totals, figure_tallies, payment_sums
from acompte.persistence.base import Repo
from acompte.persistence.document_sums import mismatched
from acompte.persistence.rows import (
    AllocationRow,
    DeductionRow,
    DocumentRow,
    JournalEntryRow,
    NumberSeriesRow,
    PaymentRow,
)
from acompte.services.views import IntegrityFacts, LiveAllocation, Numbered


class IntegrityRepository(Repo):
    def sums_astray(self, company_id: int) -> list[int]:
        return mismatched(self.session, company_id)

    def totals_astray(self, company_id: int) -> list[tuple[str, ...]]:
        return document_totals.astray(self.session, company_id)

    def tallies_astray(self, company_id: int) -> list[str]:
        return figure_tallies.differences(self.session, company_id)

    def facts(self, company_id: int) -> IntegrityFacts:
        allocations = tuple(
            LiveAllocation(r.id, r.document_id, r.payment_id, r.credit_document_id, int(r.amount_minor))
            for r in self.session.execute(
                select(
                    AllocationRow.id,
                    AllocationRow.document_id,
                    AllocationRow.payment_id,
                    AllocationRow.credit_document_id,
                    AllocationRow.amount_minor,
                )
                .where(AllocationRow.company_id == company_id)
                .order_by(AllocationRow.id)
            )
        )
        documents = self.session.execute(
            select(
                DocumentRow.id,
                DocumentRow.kind,
                DocumentRow.flow,
                DocumentRow.number,
                DocumentRow.gross_minor,
                DocumentRow.currency,
            ).where(DocumentRow.company_id == company_id)
        ).all()
        payments = self.session.execute(
            select(PaymentRow.id, PaymentRow.direction, PaymentRow.number, PaymentRow.amount_minor).where(
                PaymentRow.company_id == company_id
            )
        ).all()
        deductions = self.session.execute(
            select(DeductionRow.invoice_id, func.sum(DeductionRow.amount_minor))
            .where(DeductionRow.company_id == company_id)
            .group_by(DeductionRow.invoice_id)
        ).all()
        entries = self.session.execute(
            select(
                JournalEntryRow.journal, JournalEntryRow.fiscal_year, JournalEntryRow.sequence, JournalEntryRow.number
            ).where(JournalEntryRow.company_id == company_id)
        ).all()
        series = self.session.execute(
            select(NumberSeriesRow.key, NumberSeriesRow.year, NumberSeriesRow.last_value).where(
                NumberSeriesRow.company_id == company_id
            )
        ).all()
        numbered = [Numbered(f"{d.kind}/{d.flow}", d.number, d.id) for d in documents if d.number]
        numbered += [Numbered(f"payment/{p.direction}", p.number, p.id) for p in payments if p.number]
        numbered += [Numbered(f"journal/{e.journal}", e.number, None, e.fiscal_year, int(e.sequence)) for e in entries]
        return IntegrityFacts(
            allocations=allocations,
            document_gross={d.id: int(d.gross_minor) for d in documents},
            document_number={d.id: d.number for d in documents},
            document_currency={d.id: d.currency for d in documents},
            payment_amount={p.id: int(p.amount_minor) for p in payments},
            deducted={int(invoice): int(total) for invoice, total in deductions},
            numbered=tuple(numbered),
            series={(s.key, int(s.year)): int(s.last_value) for s in series},
        )

    def payment_summary_difference(self, company_id: int) -> tuple[int, str] | None:
        return payment_sums.first_difference(self.session, company_id)
