"""The lists' totals kept by the database (`document_totals`, migration 0024_lists_status): for each company, kind,
flow, state, currency and status of the documents whose position is their own (invoices, deposit invoices,
credit notes), how many there are and the sums of their summary rows (persistence/document_sums.py).

Never written by the application: a trigger on `document_sums` moves a row's figures from its old group to its
new one whenever the row changes (a payment, a cancellation, a new document), in the same transaction. A list's
totals filtered on these columns only (all the sale invoices, those unpaid) then read a few rows instead of
summing every document.

Not one row per group but one per group and `shard`: on PostgreSQL the trigger adds to the shard of its
transaction (`acompte_shard`, migration 0024: one no other open transaction of the company holds, by an
advisory lock), so that two transactions recording payments of one company update two different rows and
never wait for each other's commit — a wait there could deadlock against the history head, which the payment
writer holds while its inserts fire the trigger; a group's figures are the sum of its shards (a shard
may hold negative figures: a document counted in one shard leaves through another). SQLite writes one
transaction at a time: shard 0.

`astray` compares the kept totals with the summary rows summed (which `document_sums.mismatched` compares with
the facts): `acompte verify` reports a group that differs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, SmallInteger, String, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from acompte.domain.documents import CREDIT_KINDS
from acompte.persistence.document_sums import DocumentSumsRow
from acompte.persistence.rows import Base

CREDITS = tuple(sorted(k.value for k in CREDIT_KINDS))

#: The columns a group is keyed by (after the company), and the summary row's figures summed.
GROUP = ("kind", "flow", "state", "currency", "status")
FIGURES = ("gross_minor", "pay", "cred", "wo", "ded", "cwo")
#: Rows per group on PostgreSQL (the trigger picks one by its transaction's id).
SHARDS = 16


def _figure() -> Mapped[int]:
    return mapped_column(BigInteger, server_default="0")


class DocumentTotalsRow(Base):
    """The count and the summed figures of one group of summary rows, in one shard; written by a trigger only."""

    __tablename__ = "document_totals"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    flow: Mapped[str] = mapped_column(String(10), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    n: Mapped[int] = _figure()
    gross_minor: Mapped[int] = _figure()
    pay: Mapped[int] = _figure()
    cred: Mapped[int] = _figure()
    wo: Mapped[int] = _figure()
    ded: Mapped[int] = _figure()
    cwo: Mapped[int] = _figure()


def astray(session: Session, company_id: int) -> list[tuple[str, ...]]:
    """The company's groups (kind, flow, state, currency, status) whose kept totals differ from their summary rows
    summed, sorted; empty when every group is right. A group whose shards add up to nothing counts as absent."""
    t, s = DocumentTotalsRow, DocumentSumsRow
    kept = (
        select(*(getattr(t, c) for c in GROUP), func.sum(t.n), *(func.sum(getattr(t, f)) for f in FIGURES))
        .where(t.company_id == company_id)
        .group_by(*(getattr(t, c) for c in GROUP))
        .having(or_(func.sum(t.n) != 0, *(func.sum(getattr(t, f)) != 0 for f in FIGURES)))
    )
    summed = (
        select(
            *(getattr(s, c) for c in GROUP),
            func.count().cast(BigInteger),
            *(func.sum(getattr(s, f)) for f in FIGURES),
        )
        .where(s.company_id == company_id, s.status.isnot(None))
        .group_by(*(getattr(s, c) for c in GROUP))
    )
    differing: set[tuple[str, ...]] = set()
    for one, other in ((kept, summed), (summed, kept)):
        rows = session.execute(one.except_(other)).all()
        differing |= {tuple(str(v) for v in r[: len(GROUP)]) for r in rows}
    return sorted(differing)


def kept_parts(company_id: int, currency: str, **equal: str | None) -> Any:
    """(credit kind, same currency, count, *FIGURES) over the kept groups whose columns equal `equal`'s values
    (kind, flow, state, status; None: any), as `document_lists` sums the summary rows themselves."""
    t = DocumentTotalsRow
    credit = t.kind.in_(CREDITS)
    same = t.currency == currency
    where = [getattr(t, name) == value for name, value in equal.items() if value]
    return (
        select(credit, same, func.sum(t.n), *(func.sum(getattr(t, f)) for f in FIGURES))
        .where(t.company_id == company_id, *where)
        .group_by(credit, same)
    )
