"""What a document has been settled with and what a payment has used, as SQL: the one definition every
repository and list reads (allocations, refunds and write-offs), so that every "unallocated" or "left to pay"
figure nets them the same way.

The correlated scalars read only the enclosing row's allocations (indexes on document_id / payment_id): a list
costs what it shows, not what the database holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acompte.persistence.read_cache import cached
from acompte.persistence.rows import AllocationRow, DeductionRow, DocumentRow, PaymentRow, RefundRow, WriteOffRow


def correlated_sum(amount: Any, *where: Any, to: Any) -> Any:
    return select(func.coalesce(func.sum(amount), 0)).where(*where).correlate(to).scalar_subquery()


def document_settled_scalar() -> Any:
    """Correlated to DocumentRow: its allocations plus the shortfall written off on it. Reads only that
    document's rows (indexes on document_id), so a list costs what it shows, not what the database holds."""
    return correlated_sum(AllocationRow.amount_minor, AllocationRow.document_id == DocumentRow.id, to=DocumentRow) + (
        correlated_sum(WriteOffRow.amount_minor, WriteOffRow.document_id == DocumentRow.id, to=DocumentRow)
    )


def payment_used_parts() -> tuple[tuple[Any, Any], ...]:
    """(amount, the payment it uses) of every row that uses a payment: what it settles (allocations), the refund
    it is (a refund payment is used up by its own refund), what it gives back (refunds of its unused part), and
    what was written off on it. `payment_used_scalar` sums them for one payment; the lists that need every
    payment's figure group them by payment (persistence/payment_lists.py)."""
    return (
        (AllocationRow.amount_minor, AllocationRow.payment_id),
        (RefundRow.amount_minor, RefundRow.payment_id),
        (RefundRow.amount_minor, RefundRow.source_payment_id),
        (WriteOffRow.amount_minor, WriteOffRow.payment_id),
    )


def payment_used_scalar() -> Any:
    """Correlated to PaymentRow: what the payment settles, refunds or gives back, and wrote off."""
    first, *rest = (
        correlated_sum(amount, column == PaymentRow.id, to=PaymentRow) for amount, column in payment_used_parts()
    )
    for part in rest:
        first = first + part
    return first


def _sum_of(amount: Any, *where: Any) -> Any:
    return select(func.coalesce(func.sum(amount), 0)).where(*where).scalar_subquery()


#: what `document_sums_minor` reads: an answer kept for the transaction is dropped when one of them is written
_SETTLED_FROM = frozenset({"allocations", "write_offs", "deductions"})


def document_sums_minor(session: Session, company_id: int, document_id: int) -> tuple[int, int]:
    """(allocated + written off, deducted) on one document, in one round trip, once per transaction until one of
    the tables it sums is written (the deposit rules, the positions and the view of one use case all ask)."""
    key = ("document_sums", company_id, document_id)
    return cached(session, key, _SETTLED_FROM, lambda: _document_sums_minor(session, company_id, document_id))


def _document_sums_minor(session: Session, company_id: int, document_id: int) -> tuple[int, int]:
    allocated, written, deducted = session.execute(
        select(
            _sum_of(
                AllocationRow.amount_minor,
                AllocationRow.company_id == company_id,
                AllocationRow.document_id == document_id,
            ),
            _sum_of(
                WriteOffRow.amount_minor, WriteOffRow.company_id == company_id, WriteOffRow.document_id == document_id
            ),
            _sum_of(
                DeductionRow.amount_minor, DeductionRow.company_id == company_id, DeductionRow.invoice_id == document_id
            ),
        )
    ).one()
    return int(allocated or 0) + int(written or 0), int(deducted or 0)


def document_settled_minor(session: Session, company_id: int, document_id: int) -> int:
    return document_sums_minor(session, company_id, document_id)[0]


def payment_used_minor(session: Session, company_id: int, payment_id: int) -> int:
    used = select(payment_used_scalar()).where(PaymentRow.company_id == company_id, PaymentRow.id == payment_id)
    return int(session.scalar(used) or 0)
