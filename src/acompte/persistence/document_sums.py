"""Each document's own facts summed in one row (`document_sums`, migration 0022_document_sums), and the check that
the rows equal the facts.

The row is never written by the application: database triggers on the facts' tables (allocations, write-offs,
deductions, refunds) add what a row brings and take it back when it goes, in the transaction that writes it, and
a trigger on documents creates the row and keeps its copied columns. No write path can forget them, and none
re-sums a document (a summary refreshed from the facts at each commit halved the payment write rate).

The sums are those the lists read (document_lists.py): `pay` payments and `cred` credits allocated to the
document, `wo` shortfall written off on it, `ded` deposit invoices it deducts; as a credit note, `used` what it
was allocated to, `refunded` what was paid back from it, `cwo` its write-off. `balance_minor` is the balance due
of a document whose balance needs nothing but these (invoices and deposit invoices; 0 for a credit note; NULL for
a quote, order or delivery note, whose figures depend on their family).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Computed,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from acompte.persistence.rows import AllocationRow, Base, DeductionRow, DocumentRow, RefundRow, WriteOffRow
from acompte.persistence.types import Id
from acompte.services.payment_terms import PAYMENT_TERMS_KEY

#: What the migration's generated column computes (kept literally equal: the schema test compares them).
BALANCE = (
    "CASE WHEN kind IN ('delivery', 'order', 'quote') THEN NULL"
    " WHEN kind IN ('credit_note', 'deposit_credit_note') THEN 0"
    " ELSE gross_minor - ded - pay - cred - wo END"
)
SUMS = ("pay", "cred", "wo", "ded", "used", "refunded", "cwo")
_OPEN = "state = 'validated' AND kind IN ('deposit_invoice', 'invoice') AND balance_minor > 0"


def _sum_column() -> Mapped[int]:
    return mapped_column(BigInteger, server_default="0")


class DocumentSumsRow(Base):
    """One document's sums and the copies of its columns its indexes need; written by triggers only."""

    __tablename__ = "document_sums"
    __table_args__ = (
        Index("ix_document_sums_balance", "company_id", "kind", "flow", "balance_minor", "document_id"),
        Index(
            "ix_document_sums_open",
            "company_id",
            "flow",
            "currency",
            "terms",
            "party_id",
            "due_on",
            "balance_minor",
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )
    document_id: Mapped[int] = mapped_column(
        Id, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kind: Mapped[str] = mapped_column(String(30))
    flow: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(12))
    party_id: Mapped[int] = mapped_column(Id)
    currency: Mapped[str] = mapped_column(String(3))
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    #: the due date, or the issue date when it has none (what the aged balance ages it by)
    due_on: Mapped[date] = mapped_column(Date)
    #: 1 when its data carries payment terms (several instalments: the aged balance reads those apart)
    terms: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    pay: Mapped[int] = _sum_column()
    cred: Mapped[int] = _sum_column()
    wo: Mapped[int] = _sum_column()
    ded: Mapped[int] = _sum_column()
    used: Mapped[int] = _sum_column()
    refunded: Mapped[int] = _sum_column()
    cwo: Mapped[int] = _sum_column()
    balance_minor: Mapped[int | None] = mapped_column(BigInteger, Computed(BALANCE, persisted=True), nullable=True)


def _facts(company_id: int) -> Any:
    """Every fact row of the company as (document, its part of each sum): summed by document, the summary."""

    def part(document_id: Any, amount: Any, name: str, *where: Any) -> Any:
        columns = [(amount if s == name else literal(0, BigInteger)).label(s) for s in SUMS]
        return select(document_id.label("document_id"), *columns).where(document_id.isnot(None), *where)

    allocation = AllocationRow.company_id == company_id
    write_off = WriteOffRow.company_id == company_id
    return union_all(
        part(
            AllocationRow.document_id,
            AllocationRow.amount_minor,
            "pay",
            allocation,
            AllocationRow.payment_id.isnot(None),
        ),
        part(
            AllocationRow.document_id,
            AllocationRow.amount_minor,
            "cred",
            allocation,
            AllocationRow.payment_id.is_(None),
        ),
        part(AllocationRow.credit_document_id, AllocationRow.amount_minor, "used", allocation),
        part(WriteOffRow.document_id, WriteOffRow.amount_minor, "wo", write_off),
        part(WriteOffRow.credit_document_id, WriteOffRow.amount_minor, "cwo", write_off),
        part(DeductionRow.invoice_id, DeductionRow.amount_minor, "ded", DeductionRow.company_id == company_id),
        part(RefundRow.source_credit_id, RefundRow.amount_minor, "refunded", RefundRow.company_id == company_id),
    )


def mismatched(session: Session, company_id: int) -> list[int]:
    """The ids of the company's documents whose summary row is missing or differs from their facts (sums and
    copied columns), in id order; empty when every row is right."""
    grouped_parts = _facts(company_id).subquery("parts")
    facts = (
        select(grouped_parts.c.document_id, *(func.sum(grouped_parts.c[s]).label(s) for s in SUMS))
        .group_by(grouped_parts.c.document_id)
        .subquery("facts")
    )
    s, d = DocumentSumsRow, DocumentRow
    copied = [
        (s.company_id, d.company_id),
        (s.kind, d.kind),
        (s.flow, d.flow),
        (s.state, d.state),
        (s.party_id, d.party_id),
        (s.currency, d.currency),
        (s.gross_minor, d.gross_minor),
        (s.due_on, func.coalesce(d.due_date, d.issue_date)),
        (s.terms, case((d.data[PAYMENT_TERMS_KEY].as_string().isnot(None), 1), else_=0)),
    ]
    differs: list[Any] = [s.document_id.is_(None)]
    differs += [stored != fact for stored, fact in copied]
    differs += [getattr(s, name) != func.coalesce(facts.c[name], 0) for name in SUMS]
    stmt = (
        select(d.id)
        .outerjoin(s, s.document_id == d.id)
        .outerjoin(facts, facts.c.document_id == d.id)
        .where(d.company_id == company_id, or_(*differs))
        .order_by(d.id)
    )
    found = [int(i) for i in session.scalars(stmt)]
    # A row left behind by a document of another company, or whose company differs, shows here too.
    strays = (
        select(s.document_id)
        .outerjoin(d, d.id == s.document_id)
        .where(s.company_id == company_id, or_(d.id.is_(None), d.company_id != company_id))
    )
    return sorted({*found, *(int(i) for i in session.scalars(strays))})
