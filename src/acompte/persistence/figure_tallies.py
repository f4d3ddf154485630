"""The dashboard's whole-company counts and sums, kept by the database (migration 0025_figure_tallies), and
the check that they equal the facts.

- `document_tallies`: the documents by company, flow, kind, state and currency (the drafts waiting are a count
  of these), with the deposits they hold before being invoiced (`HELD`: the payments allocated to a validated
  quote, order or delivery note, or to a draft invoice or deposit invoice). A trigger on `document_sums` (which
  copies the document's columns and sums its payments) keeps it.
- `payment_months`: the active payments summed by company, currency, direction and month (the cash chart); a
  trigger on `payments` keeps it.

Each key is spread over `SLOTS` rows, summed when read (a slot may hold negative figures: a document counted in
one slot leaves through another). On PostgreSQL each open transaction of a company writes a slot no other one
writes (the advisory-locked `acompte_shard`), so a tally never makes a company's writes wait for each other, and
never deadlocks them against the history head they all take last; SQLite, one writer at a time, uses the
document's or the payment's id modulo `SLOTS`. A write that changes nothing counted (a payment on an issued
invoice, any use of a payment) writes no tally at all. Never a truth: `facts` derives the same figures from the
documents, allocations and payments, and `acompte verify` and the property tests compare the two.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.positions import COMMERCIAL_KINDS
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.persistence.rows import AllocationRow, Base, DocumentRow, PaymentRow
from acompte.persistence.types import Id

#: Rows per key (the migration's SLOTS).
SLOTS = 16
COMMERCIAL = tuple(sorted(k.value for k in COMMERCIAL_KINDS))
#: Drafts that hold a deposit payment until they are issued.
RECEIVABLE = (Kind.DEPOSIT_INVOICE.value, Kind.INVOICE.value)
CREDITS = tuple(sorted(k.value for k in CREDIT_KINDS))
VALIDATED, DRAFT = State.VALIDATED.value, State.DRAFT.value


class DocumentTallyRow(Base):
    """One slot of the documents of a company, flow, kind, state and currency: how many, and the deposits they
    hold; written by triggers only."""

    __tablename__ = "document_tallies"
    company_id: Mapped[int] = mapped_column(Id, ForeignKey("companies.id"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger)
    held_n: Mapped[int] = mapped_column(BigInteger)
    held_minor: Mapped[int] = mapped_column(BigInteger)


class PaymentMonthRow(Base):
    """One slot of the active payments of a company, currency, direction and month, summed; written by triggers
    only."""

    __tablename__ = "payment_months"
    company_id: Mapped[int] = mapped_column(Id, ForeignKey("companies.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    minor: Mapped[int] = mapped_column(BigInteger)


#: Validated credit notes with credit left and nothing written off (the lists' « credit left »), as the partial
#: index ix_document_sums_credit_left holds them: the dashboard's credits read that range only.
CREDIT_LEFT = (
    "state = 'validated' AND kind IN ('credit_note', 'deposit_credit_note') AND cwo <= 0"
    " AND gross_minor - used - refunded - cwo > 0"
)
Index(
    "ix_document_sums_credit_left",
    DocumentSumsRow.company_id,
    DocumentSumsRow.flow,
    DocumentSumsRow.currency,
    sqlite_where=text(CREDIT_LEFT),
    postgresql_where=text(CREDIT_LEFT),
)


#: Issued deposit invoices that received payments: those the dashboard's « deposits not deducted » reads.
DEPOSITS_PAID = "kind = 'deposit_invoice' AND state = 'validated' AND pay > 0"
Index(
    "ix_document_sums_deposits_paid",
    DocumentSumsRow.company_id,
    DocumentSumsRow.flow,
    DocumentSumsRow.currency,
    sqlite_where=text(DEPOSITS_PAID),
    postgresql_where=text(DEPOSITS_PAID),
    postgresql_include=["gross_minor", "pay"],
)


def deposit_invoices_paid(s: Any) -> tuple[Any, ...]:
    """`DEPOSITS_PAID` over the summary rows `s`, its constants written in the SQL (see `credit_notes_with_credit`)."""
    return (
        s.kind == literal_column(f"'{Kind.DEPOSIT_INVOICE.value}'"),
        s.state == literal_column(f"'{VALIDATED}'"),
        s.pay > literal_column("0"),
    )


def credit_left(s: Any) -> Any:
    """A credit note's credit left, from its summary row `s` (document_lists' `credit_left`)."""
    return s.gross_minor - s.used - s.refunded - s.cwo


def credit_notes_with_credit(s: Any) -> tuple[Any, ...]:
    """`CREDIT_LEFT` over the summary rows `s`, its constants written in the SQL: PostgreSQL proves that a query
    matches a partial index from constants, never from bound parameters."""
    return (
        s.state == literal_column(f"'{VALIDATED}'"),
        s.kind.in_([literal_column(f"'{k}'") for k in CREDITS]),
        s.cwo <= literal_column("0"),
        credit_left(s) > literal_column("0"),
    )


def holds(kind: Any, state: Any) -> Any:
    """Whether a document of `kind` and `state` holds the deposit payments allocated to it (not invoiced yet)."""
    return or_(
        and_(state == VALIDATED, kind.in_(COMMERCIAL)),
        and_(state == DRAFT, kind.in_(RECEIVABLE)),
    )


def first_of_month(session: Session, day: Any) -> Any:
    """The first day of `day`'s month, in SQL, as the migration's trigger computes it."""
    if session.get_bind().dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month")


# -- the figures from the facts ------------------------------------------------------------------------------------


def document_facts(company_id: int) -> Any:
    """(flow, kind, state, currency, n, held_n, held_minor) from the documents and their payments' allocations."""
    paid = (
        select(AllocationRow.document_id, func.sum(AllocationRow.amount_minor).label("pay"))
        .where(AllocationRow.company_id == company_id, AllocationRow.payment_id.isnot(None))
        .group_by(AllocationRow.document_id)
        .subquery("paid")
    )
    d = DocumentRow
    pay = func.coalesce(paid.c.pay, 0)
    held = and_(pay > 0, holds(d.kind, d.state))
    return (
        select(
            d.flow,
            d.kind,
            d.state,
            d.currency,
            func.count().label("n"),
            func.sum(case((held, 1), else_=0)).label("held_n"),
            func.sum(case((held, pay), else_=0)).label("held_minor"),
        )
        .outerjoin(paid, paid.c.document_id == d.id)
        .where(d.company_id == company_id)
        .group_by(d.flow, d.kind, d.state, d.currency)
    )


def payment_facts(session: Session, company_id: int) -> Any:
    """(currency, direction, month, minor) from the active payments."""
    p = PaymentRow
    month = first_of_month(session, p.payment_date)
    return (
        select(p.currency, p.direction, month.label("month"), func.sum(p.amount_minor).label("minor"))
        .where(p.company_id == company_id, p.state == "active")
        .group_by(p.currency, p.direction, month)
    )


def _stored(company_id: int) -> tuple[Any, Any]:
    t, m = DocumentTallyRow, PaymentMonthRow
    documents = (
        select(t.flow, t.kind, t.state, t.currency, func.sum(t.n), func.sum(t.held_n), func.sum(t.held_minor))
        .where(t.company_id == company_id)
        .group_by(t.flow, t.kind, t.state, t.currency)
    )
    payments = (
        select(m.currency, m.direction, m.month, func.sum(m.minor))
        .where(m.company_id == company_id)
        .group_by(m.currency, m.direction, m.month)
    )
    return documents, payments


def _by_key(rows: Any, width: int) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Rows as {key: figures}, the groups whose figures are all zero left out (a tally row emptied stays)."""
    found = {}
    for r in rows:
        figures = tuple(int(v or 0) for v in r[width:])
        if any(figures):
            found[tuple(str(v) for v in r[:width])] = figures
    return found


def differences(session: Session, company_id: int) -> list[str]:
    """The keys whose stored tally differs from the facts ('documents …' / 'payments …'), sorted; empty when all
    agree."""
    documents, payments = _stored(company_id)
    found = []
    for name, stored, facts, width in (
        ("documents", documents, document_facts(company_id), 4),
        ("payments", payments, payment_facts(session, company_id), 3),
    ):
        kept, derived = _by_key(session.execute(stored), width), _by_key(session.execute(facts), width)
        found += [
            f"{name} {' '.join(k)}" for k in sorted(kept.keys() | derived.keys()) if kept.get(k) != derived.get(k)
        ]
    return found
