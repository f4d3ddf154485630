"""Document lists in SQL: one page, the count and totals of every filtered row, and the export in chunks.

Every figure comes from the same correlated scalar sums as the party account (credits_repository
`document_settled_scalar`: allocations + shortfalls written off; deductions of deposit invoices), never from a
stored balance: the payment status filter is a predicate on them. A page sorted by a column costs the rows it
reads through the index; the totals read every filtered row once (one aggregate, nothing loaded in Python).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from acompte.domain.money import MINOR_UNITS, Money
from acompte.persistence.credits_repository import document_settled_scalar
from acompte.persistence.rows import DeductionRow, DocumentRow, PartyRow
from acompte.services.views import (
    COMMERCIAL_KINDS,
    DocumentFilter,
    DocumentListRow,
    DocumentListTotals,
)

#: The end of a "due" sort: documents without a due date come after every dated one (ascending).
NO_DUE_DATE = date(9999, 12, 31)


def _deducted_scalar() -> Any:
    return (
        select(func.coalesce(func.sum(DeductionRow.amount_minor), 0))
        .where(DeductionRow.invoice_id == DocumentRow.id)
        .correlate(DocumentRow)
        .scalar_subquery()
    )


def _minor_bound(amount: Decimal, currency_col: Any, rounding: str) -> Any:
    """`amount` in minor units of each row's currency (gross_minor is in the document's own currency)."""
    by_exponent: dict[int, list[str]] = {}
    for code, exponent in MINOR_UNITS.items():
        by_exponent.setdefault(exponent, []).append(code)
    default = 2
    whens = [
        (currency_col.in_(codes), int(amount.scaleb(exponent).to_integral_value(rounding)))
        for exponent, codes in sorted(by_exponent.items())
        if exponent != default
    ]
    fallback = int(amount.scaleb(default).to_integral_value(rounding))
    return case(*whens, else_=fallback) if whens else fallback


def _filtered(company_id: int, f: DocumentFilter) -> Any:
    """The filtered documents with their sums, as a subquery (each correlated sum appears once in it)."""
    stmt = (
        select(
            DocumentRow.id.label("id"),
            DocumentRow.kind.label("kind"),
            DocumentRow.flow.label("flow"),
            DocumentRow.state.label("state"),
            DocumentRow.number.label("number"),
            DocumentRow.party_id.label("party_id"),
            PartyRow.name.label("party_name"),
            DocumentRow.issue_date.label("issue_date"),
            DocumentRow.due_date.label("due_date"),
            DocumentRow.currency.label("currency"),
            DocumentRow.gross_minor.label("gross"),
            document_settled_scalar().label("allocated"),
            _deducted_scalar().label("deducted"),
        )
        .join(PartyRow, PartyRow.id == DocumentRow.party_id)
        .where(DocumentRow.company_id == company_id)
    )
    if f.kind:
        stmt = stmt.where(DocumentRow.kind == f.kind)
    if f.flow:
        stmt = stmt.where(DocumentRow.flow == f.flow)
    if f.party_id is not None:
        stmt = stmt.where(DocumentRow.party_id == f.party_id)
    if f.state:
        stmt = stmt.where(DocumentRow.state == f.state)
    if f.status:
        stmt = stmt.where(DocumentRow.state == "validated")
    if f.date_from:
        stmt = stmt.where(DocumentRow.issue_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(DocumentRow.issue_date <= f.date_to)
    if f.search:
        stmt = stmt.where(func.lower(func.coalesce(DocumentRow.number, "")).contains(f.search.lower(), autoescape=True))
    if f.amount_min is not None:
        stmt = stmt.where(DocumentRow.gross_minor >= _minor_bound(f.amount_min, DocumentRow.currency, ROUND_CEILING))
    if f.amount_max is not None:
        stmt = stmt.where(DocumentRow.gross_minor <= _minor_bound(f.amount_max, DocumentRow.currency, ROUND_FLOOR))
    return stmt.subquery("docs")


def _status_predicate(docs: Any, status: str | None) -> Any:
    """The derived payment status (domain.documents.payment_status) as SQL: unpaid when nothing is settled on a
    positive total, paid when settled ≥ total, partial otherwise."""
    settled = docs.c.allocated + docs.c.deducted
    if status == "unpaid":
        return and_(settled == 0, docs.c.gross > 0)
    if status == "paid":
        return settled >= docs.c.gross
    if status == "partial":
        return and_(settled < docs.c.gross, settled != 0)
    return false() if status else None


def sort_key(docs: Any, sort: str) -> Any:
    """One never-null expression per sort; the id breaks ties (page order and export chunks)."""
    return {
        "date": docs.c.issue_date,
        "number": func.coalesce(docs.c.number, ""),
        "party": func.lower(docs.c.party_name),
        "gross": docs.c.gross,
        "balance": docs.c.gross - docs.c.allocated - docs.c.deducted,
        "due": func.coalesce(docs.c.due_date, NO_DUE_DATE),
    }[sort]


def _where(company_id: int, f: DocumentFilter) -> tuple[Any, list[Any]]:
    docs = _filtered(company_id, f)
    status = _status_predicate(docs, f.status)
    return docs, [] if status is None else [status]


def totals(session: Session, company_id: int, f: DocumentFilter, currency: str) -> DocumentListTotals:
    """Count of every filtered row and, over those in `currency`, gross, deposits, paid and balance due."""
    docs, where = _where(company_id, f)
    commercial = docs.c.kind.in_(COMMERCIAL_KINDS)
    same = docs.c.currency == currency
    stmt = (
        select(
            commercial.label("commercial"),
            same.label("same"),
            func.count().label("n"),
            func.coalesce(func.sum(docs.c.gross), 0),
            func.coalesce(func.sum(docs.c.allocated), 0),
            func.coalesce(func.sum(docs.c.deducted), 0),
        )
        .where(*where)
        .group_by(commercial, same)
    )
    count = other = 0
    gross = allocated_c = deducted_c = allocated_i = deducted_i = 0
    for is_commercial, is_same, n, g, a, d in session.execute(stmt):
        count += int(n)
        if not is_same:
            other += int(n)
            continue
        gross += int(g)
        if is_commercial:
            allocated_c, deducted_c = allocated_c + int(a), deducted_c + int(d)
        else:
            allocated_i, deducted_i = allocated_i + int(a), deducted_i + int(d)
    money = Money.from_minor
    return DocumentListTotals(
        count=count,
        gross=money(gross, currency),
        deposits=money(allocated_c + deducted_i, currency),
        paid=money(deducted_c + allocated_i, currency),
        balance_due=money(gross - allocated_c - deducted_c - allocated_i - deducted_i, currency),
        other_currency=other,
    )


def _ordered(company_id: int, f: DocumentFilter, sort: str, descending: bool) -> tuple[Any, Any, Any]:
    docs, where = _where(company_id, f)
    key = sort_key(docs, sort).label("sort_key")
    stmt = select(docs, key).where(*where)
    order = (key.desc(), docs.c.id.desc()) if descending else (key.asc(), docs.c.id.asc())
    return docs, key, stmt.order_by(*order)


def page(
    session: Session, company_id: int, f: DocumentFilter, *, sort: str, descending: bool, offset: int, limit: int
) -> list[DocumentListRow]:
    _docs, _key, stmt = _ordered(company_id, f, sort, descending)
    return [_row(r) for r in session.execute(stmt.offset(offset).limit(limit))]


def chunk(
    session: Session,
    company_id: int,
    f: DocumentFilter,
    *,
    sort: str,
    descending: bool,
    after: tuple[Any, int] | None,
    limit: int,
) -> tuple[list[DocumentListRow], tuple[Any, int] | None]:
    """The next `limit` rows after the (sort key, id) `after` (keyset: no offset to skip), and the new cursor."""
    docs, _key, stmt = _ordered(company_id, f, sort, descending)
    if after is not None:
        expr, (last_key, last_id) = sort_key(docs, sort), after
        if descending:
            stmt = stmt.where(or_(expr < last_key, and_(expr == last_key, docs.c.id < last_id)))
        else:
            stmt = stmt.where(or_(expr > last_key, and_(expr == last_key, docs.c.id > last_id)))
    found = list(session.execute(stmt.limit(limit)))
    cursor = (found[-1].sort_key, found[-1].id) if found else None
    return [_row(r) for r in found], cursor


def _row(r: Any) -> DocumentListRow:
    money = Money.from_minor
    return DocumentListRow(
        id=r.id,
        kind=r.kind,
        flow=r.flow,
        state=r.state,
        number=r.number,
        party_id=r.party_id,
        party_name=r.party_name,
        issue_date=r.issue_date,
        due_date=r.due_date,
        gross=money(int(r.gross), r.currency),
        allocated=money(int(r.allocated), r.currency),
        deducted=money(int(r.deducted), r.currency),
    )
