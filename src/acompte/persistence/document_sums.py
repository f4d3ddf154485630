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

What cancels a document is kept beside (migration 0024_lists_status): `credited_full`, how many
`InvoiceCreditedInFull` events name it (a trigger on the history), and `reversed`, the total of the issued deposit
credit notes made from it (a trigger on documents). `status`, a generated column, is then the position status of
every kind whose position is its own (NULL for a quote, order or delivery note): a list filtered on a status, and
its totals, read it and its index instead of the history and the deposit credit notes.
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
    Integer,
    SmallInteger,
    String,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from acompte.domain.documents import Kind, State
from acompte.domain.events import EventKind
from acompte.persistence.rows import (
    AllocationRow,
    Base,
    DeductionRow,
    DocumentRow,
    EventRow,
    RefundRow,
    WriteOffRow,
)
from acompte.persistence.types import Id
from acompte.services.payment_terms import PAYMENT_TERMS_KEY

#: What the migration's generated column computes (kept literally equal: the schema test compares them).
BALANCE = (
    "CASE WHEN kind IN ('delivery', 'order', 'quote') THEN NULL"
    " WHEN kind IN ('credit_note', 'deposit_credit_note') THEN 0"
    " ELSE gross_minor - ded - pay - cred - wo END"
)
SUMS = ("pay", "cred", "wo", "ded", "used", "refunded", "cwo")
#: What the migration's generated status column computes (domain.positions' status of a kind whose position is
#: its own; kept literally equal to 0024_lists_status's: the schema test compares them).
STATUS = (
    "CASE WHEN kind IN ('delivery', 'order', 'quote') THEN NULL"
    " WHEN state = 'draft' THEN 'draft'"
    " WHEN state = 'cancelled' THEN 'cancelled'"
    " WHEN state = 'validated' AND kind = 'invoice' AND credited_full > 0 THEN 'cancelled'"
    " WHEN state = 'validated' AND kind = 'deposit_invoice' AND gross_minor > 0 AND reversed >= gross_minor"
    " THEN 'cancelled'"
    " WHEN kind IN ('credit_note', 'deposit_credit_note') THEN CASE"
    " WHEN cwo > 0 AND gross_minor - used - refunded - cwo = 0 THEN 'written_off'"
    " WHEN used + refunded + cwo = 0 THEN 'unused'"
    " WHEN gross_minor - used - refunded - cwo > 0 THEN 'partially_used'"
    " WHEN used = 0 AND refunded > 0 THEN 'refunded'"
    " ELSE 'used' END"
    " WHEN ded + pay + cred + wo = 0 AND gross_minor > 0 THEN 'unpaid'"
    " WHEN ded + pay + cred + wo >= gross_minor THEN 'paid'"
    " ELSE 'partial' END"
)
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
        Index("ix_document_sums_status", "company_id", "kind", "flow", "status", "balance_minor", "document_id"),
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
    #: how many `InvoiceCreditedInFull` events name it (an invoice cancelled by credit notes: one at most)
    credited_full: Mapped[int] = mapped_column(Integer, server_default="0")
    #: the total of the issued deposit credit notes made from it (a deposit invoice reversed in full or in part)
    reversed: Mapped[int] = _sum_column()
    balance_minor: Mapped[int | None] = mapped_column(BigInteger, Computed(BALANCE, persisted=True), nullable=True)
    status: Mapped[str | None] = mapped_column(String(20), Computed(STATUS, persisted=True), nullable=True)


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


def _cancelling(company_id: int) -> tuple[Any, Any]:
    """By document: the `InvoiceCreditedInFull` events naming it, and the total of its issued deposit credit notes."""
    credited = (
        select(EventRow.document_id.label("document_id"), func.count().label("events"))
        .where(EventRow.company_id == company_id, EventRow.kind == EventKind.INVOICE_CREDITED_IN_FULL.value)
        .group_by(EventRow.document_id)
        .subquery("credited")
    )
    note = aliased(DocumentRow)
    reversal = (
        select(note.origin_id.label("document_id"), func.sum(note.gross_minor).label("reversed"))
        .where(
            note.company_id == company_id,
            note.kind == Kind.DEPOSIT_CREDIT_NOTE.value,
            note.state == State.VALIDATED.value,
            note.origin_id.isnot(None),
        )
        .group_by(note.origin_id)
        .subquery("reversal")
    )
    return credited, reversal


def mismatched(session: Session, company_id: int) -> list[int]:
    """The ids of the company's documents whose summary row is missing or differs from their facts (sums, copied
    columns, what cancels them), in id order; empty when every row is right."""
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
    credited, reversal = _cancelling(company_id)
    differs: list[Any] = [s.document_id.is_(None)]
    differs += [stored != fact for stored, fact in copied]
    differs += [getattr(s, name) != func.coalesce(facts.c[name], 0) for name in SUMS]
    differs += [
        s.credited_full != func.coalesce(credited.c.events, 0),
        s.reversed != func.coalesce(reversal.c.reversed, 0),
    ]
    stmt = (
        select(d.id)
        .outerjoin(s, s.document_id == d.id)
        .outerjoin(facts, facts.c.document_id == d.id)
        .outerjoin(credited, credited.c.document_id == d.id)
        .outerjoin(reversal, reversal.c.document_id == d.id)
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
