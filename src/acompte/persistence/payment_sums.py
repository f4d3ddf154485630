"""Each payment's summary row: what it has used (`settled_sums.payment_used_parts`: what it settles, the refund it
is, what it gives back, what was written off on it) and what it has left, beside copies of the payment's columns
the lists and the dashboard filter on — so that « payments with money left » is an index range, not a sum over
every allocation of the company.

The database keeps each row by deltas, in the transaction of the write: triggers on payments, allocations,
refunds and write_offs (migration 0020_payment_sums, on PostgreSQL and SQLite) add or take off the amount of each
row inserted, updated or deleted. Nothing re-derives it at commit. A payment's row can be created by its first
use rather than by the payment itself (PostgreSQL runs the CTEs of one statement, hence their triggers, in no
set order: persistence/payment_recorder.py inserts a payment and its allocations in one), so the copied columns
are nullable until the payment's own trigger fills them.

`facts_statement` derives the same figures from the facts: `acompte verify` and the property tests compare the
two (the summary is never the truth of a balance, only a faster way to read it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, func, literal_column, select, text, union_all
from sqlalchemy.orm import Mapped, Session, mapped_column

from acompte.persistence.rows import Base, PaymentRow
from acompte.persistence.settled_sums import payment_used_parts
from acompte.persistence.types import Id

#: The payments with money left to use, by the columns the overpayments and the dashboard read.
HELD = "state = 'active' AND left_minor > 0"


class PaymentSumRow(Base):
    __tablename__ = "payment_sums"
    __table_args__ = (
        Index(
            "ix_payment_sums_held",
            "company_id",
            "direction",
            "currency",
            "payment_date",
            "payment_id",
            sqlite_where=text(HELD),
            postgresql_where=text(HELD),
            # PostgreSQL: the figures and totals of these payments read from the index alone
            postgresql_include=["party_id", "amount_minor", "used_minor", "left_minor"],
        ),
        # the list's « unallocated » order, in both directions, for a page of any filter
        Index("ix_payment_sums_left", "company_id", "left_minor", "payment_id"),
    )
    payment_id: Mapped[int] = mapped_column(Id, ForeignKey("payments.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(Id, ForeignKey("companies.id"))
    # copies of the payment's columns (null only between a payment's first use and its own row, in one statement)
    party_id: Mapped[int | None] = mapped_column(Id)
    direction: Mapped[str | None] = mapped_column(String(3))
    currency: Mapped[str | None] = mapped_column(String(3))
    state: Mapped[str | None] = mapped_column(String(10))
    payment_date: Mapped[date | None] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    used_minor: Mapped[int] = mapped_column(BigInteger)
    #: amount − used (negative only while a payment's first use is counted before the payment itself)
    left_minor: Mapped[int] = mapped_column(BigInteger)


def held(s: Any) -> tuple[Any, ...]:
    """The predicate of ix_payment_sums_held on `s` (PaymentSumRow or an alias), with its constants written in
    the SQL: PostgreSQL uses a partial index only for a condition it can prove implies the index's, which a bound
    parameter never does."""
    return (s.state == literal_column("'active'"), s.left_minor > literal_column("0"))


#: The columns of `payment_sums` copied from `payments`.
COPIED = ("company_id", "party_id", "direction", "currency", "state", "payment_date", "amount_minor")


def used_by_payment(company_id: int) -> Any:
    """(payment_id, used) of every payment of the company that has used something, from the facts."""
    parts = union_all(
        *(
            select(column.label("payment_id"), amount.label("amount")).where(
                column.class_.company_id == company_id, column.isnot(None)
            )
            for amount, column in payment_used_parts()
        )
    ).subquery("uses")
    return select(parts.c.payment_id, func.sum(parts.c.amount).label("used")).group_by(parts.c.payment_id).subquery()


def facts_statement(company_id: int) -> Any:
    """Every payment of the company with the summary its facts give: the payment's columns and its used sum."""
    used = used_by_payment(company_id)
    used_minor = func.coalesce(used.c.used, 0)
    return (
        select(
            PaymentRow.id.label("payment_id"),
            *(getattr(PaymentRow, c).label(c) for c in COPIED),
            used_minor.label("used_minor"),
            (PaymentRow.amount_minor - used_minor).label("left_minor"),
        )
        .outerjoin(used, used.c.payment_id == PaymentRow.id)
        .where(PaymentRow.company_id == company_id)
    )


_COLUMNS = ("payment_id", *COPIED, "used_minor", "left_minor")


def stored_and_derived(
    session: Session, company_id: int
) -> tuple[dict[int, tuple[Any, ...]], dict[int, tuple[Any, ...]]]:
    """(the summary rows stored, the rows the facts give), each by payment id, as tuples of `_COLUMNS`."""
    t = PaymentSumRow.__table__
    stored = select(*(t.c[c] for c in _COLUMNS)).where(t.c.company_id == company_id)
    return (
        {r[0]: _plain(r) for r in session.execute(stored)},
        {r[0]: _plain(r) for r in session.execute(facts_statement(company_id))},
    )


def _plain(row: Any) -> tuple[Any, ...]:
    return tuple(int(v) if isinstance(v, int) else v for v in row)


def first_difference(session: Session, company_id: int) -> tuple[int, str] | None:
    """The first payment (by id) whose stored summary differs from its facts, and the first column that does
    (`row` for a payment without a summary row, or a summary row without its payment); None when all agree."""
    stored, derived = stored_and_derived(session, company_id)
    for payment_id in sorted(stored.keys() | derived.keys()):
        s, d = stored.get(payment_id), derived.get(payment_id)
        if s is None or d is None:
            return payment_id, "row"
        for name, a, b in zip(_COLUMNS, s, d, strict=True):
            if a != b:
                return payment_id, name
    return None
