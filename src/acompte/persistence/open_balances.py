"""What each validated invoice, deposit invoice or credit note of a company still has to move: an invoice's balance
due, a credit note's credit left, nothing for a cancelled one — the figures of its position (domain/positions.py)
and of the document list (document_lists.py), read without the rest of the position.

Invoices and credit notes have linear figures: an invoice owes its total less what settled it (its deductions,
the payments and credits allocated to it, the shortfall written off on it), a credit note holds its total less
what used it (the allocations it made, its refunds, its write-off); only a cancellation (an invoice credited in
full, a deposit invoice its deposit credit notes reverse) closes one otherwise. None of them needs its family,
which is what makes the list's position costly. tests/services/test_bank_open_documents.py checks both reads
below against `services.positions` after random histories, on SQLite and PostgreSQL.

Two reads, one set of figures:
- every open document of the company (`narrowed` empty): each kind of fact summed once, grouped by document,
  over the company's rows, joined to its documents — linear in the company, a hash join in one pass;
- the few documents a bank line narrows to: the same sums correlated to each kept row, read through the
  indexes on document_id, so a line costs what it keeps, not what the company holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from acompte.domain.documents import CREDIT_KINDS, Kind, State
from acompte.domain.events import EventKind
from acompte.persistence.rows import AllocationRow, DeductionRow, DocumentRow, EventRow, RefundRow, WriteOffRow

VALIDATED = State.VALIDATED.value
CREDITS = tuple(sorted(k.value for k in CREDIT_KINDS))
#: What the matcher reads of a document: plain columns, not the mapped row (10 000 rows load in a tenth of the
#: time, and the row's data and totals are not needed).
COLUMNS = (
    DocumentRow.id,
    DocumentRow.number,
    DocumentRow.supplier_reference,
    DocumentRow.party_id,
    DocumentRow.flow,
    DocumentRow.kind,
    DocumentRow.due_date,
    DocumentRow.issue_date,
)


def _settling(company_id: int) -> list[tuple[Any, Any, bool, list[Any]]]:
    """(document column, amount, counts as used by a credit note, conditions) of every row that settles a debt
    or uses a credit of the company."""
    return [
        (AllocationRow.document_id, AllocationRow.amount_minor, False, [AllocationRow.company_id == company_id]),
        (WriteOffRow.document_id, WriteOffRow.amount_minor, False, [WriteOffRow.company_id == company_id]),
        (DeductionRow.invoice_id, DeductionRow.amount_minor, False, [DeductionRow.company_id == company_id]),
        (AllocationRow.credit_document_id, AllocationRow.amount_minor, True, [AllocationRow.company_id == company_id]),
        (RefundRow.source_credit_id, RefundRow.amount_minor, True, [RefundRow.company_id == company_id]),
        (WriteOffRow.credit_document_id, WriteOffRow.amount_minor, True, [WriteOffRow.company_id == company_id]),
    ]


def _credited_in_full(company_id: int) -> Any:
    """The invoices the history records as cancelled in full by credit notes (positions_repository reads the same)."""
    return select(EventRow.document_id).where(
        EventRow.company_id == company_id,
        EventRow.kind == EventKind.INVOICE_CREDITED_IN_FULL.value,
        EventRow.document_id.isnot(None),
    )


def open_balances(company_id: int, currency: str, kinds: Sequence[str], narrowed: Sequence[Any] = ()) -> Any:
    """SELECT of the matcher's columns of DocumentRow (`COLUMNS`) and `open`, for the validated documents of
    `kinds` in `currency` that are not cancelled and still have something to move (`open` > 0, in minor units), in
    id order. `narrowed`: conditions on DocumentRow that keep a few rows (the sums are then correlated to them)."""
    zero = literal(0, BigInteger)
    note = aliased(DocumentRow)
    reversing = [
        note.company_id == company_id,
        note.kind == Kind.DEPOSIT_CREDIT_NOTE.value,
        note.state == VALIDATED,
    ]
    where: list[Any] = [
        DocumentRow.company_id == company_id,
        DocumentRow.state == VALIDATED,
        DocumentRow.currency == currency,
        DocumentRow.kind.in_(list(kinds)),
        or_(DocumentRow.kind != Kind.INVOICE.value, DocumentRow.id.notin_(_credited_in_full(company_id))),
        *narrowed,
    ]
    if narrowed:

        def correlated(amount: Any, *conditions: Any) -> Any:
            summed = select(func.coalesce(func.sum(amount), 0)).where(*conditions)
            return summed.correlate(DocumentRow).scalar_subquery()

        settled: Any = zero
        used: Any = zero
        for column, amount, uses, conditions in _settling(company_id):
            part = correlated(amount, column == DocumentRow.id, *conditions)
            if uses:
                used = used + part
            else:
                settled = settled + part
        reversed_: Any = correlated(note.gross_minor, note.origin_id == DocumentRow.id, *reversing)
        stmt = select(*COLUMNS)
    else:
        parts = union_all(
            *(
                select(
                    column.label("document_id"),
                    (zero if uses else amount).label("settled"),
                    (amount if uses else zero).label("used"),
                ).where(column.isnot(None), *conditions)
                for column, amount, uses, conditions in _settling(company_id)
            )
        ).subquery("parts")
        totals = (func.sum(parts.c.settled).label("settled"), func.sum(parts.c.used).label("used"))
        sums = select(parts.c.document_id, *totals).group_by(parts.c.document_id).subquery("sums")
        reversals = (
            select(note.origin_id.label("document_id"), func.sum(note.gross_minor).label("reversed"))
            .where(note.origin_id.isnot(None), *reversing)
            .group_by(note.origin_id)
            .subquery("reversals")
        )
        settled = func.coalesce(sums.c.settled, 0)
        used = func.coalesce(sums.c.used, 0)
        reversed_ = func.coalesce(reversals.c.reversed, 0)
        stmt = (
            select(*COLUMNS)
            .outerjoin(sums, sums.c.document_id == DocumentRow.id)
            .outerjoin(reversals, reversals.c.document_id == DocumentRow.id)
        )
    gross = DocumentRow.gross_minor
    left = case((DocumentRow.kind.in_(CREDITS), gross - used), else_=gross - settled)
    reversed_in_full = and_(DocumentRow.kind == Kind.DEPOSIT_INVOICE.value, gross > 0, reversed_ >= gross)
    return stmt.add_columns(left.label("open")).where(*where, left > 0, ~reversed_in_full).order_by(DocumentRow.id)
