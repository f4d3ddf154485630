"""Document lists in SQL: one page, the count and totals of every filtered row, and the export in chunks.

Every figure is derived from the rows that settle a document (allocations + shortfalls written off, as in
credits_repository `document_settled_scalar`; deductions of deposit invoices), never from a stored balance: the
payment status filter is a predicate on those sums. A page in a column's order reads its rows through the
index and sums only for them (correlated scalars); the totals, a status filter and the balance order read
every filtered row once, with sums grouped by document and joined (nothing is loaded in Python but the page).
bench/lists.py times it.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import BigInteger, and_, case, false, func, literal, select, text, tuple_, union_all
from sqlalchemy.orm import Session

from acompte.domain.money import MINOR_UNITS, Money
from acompte.persistence.credits_repository import document_settled_scalar
from acompte.persistence.rows import AllocationRow, DeductionRow, DocumentRow, PartyRow, WriteOffRow
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


def _conditions(company_id: int, f: DocumentFilter) -> list[Any]:
    """The filters on the document's own columns (everything but the payment status)."""
    where = [DocumentRow.company_id == company_id]
    if f.kind:
        where.append(DocumentRow.kind == f.kind)
    if f.flow:
        where.append(DocumentRow.flow == f.flow)
    if f.party_id is not None:
        where.append(DocumentRow.party_id == f.party_id)
    if f.state:
        where.append(DocumentRow.state == f.state)
    if f.status:
        where.append(DocumentRow.state == "validated")
    if f.date_from:
        where.append(DocumentRow.issue_date >= f.date_from)
    if f.date_to:
        where.append(DocumentRow.issue_date <= f.date_to)
    if f.search:
        number = func.lower(func.coalesce(DocumentRow.number, ""))
        where.append(number.contains(f.search.lower(), autoescape=True))
    if f.amount_min is not None:
        where.append(DocumentRow.gross_minor >= _minor_bound(f.amount_min, DocumentRow.currency, ROUND_CEILING))
    if f.amount_max is not None:
        where.append(DocumentRow.gross_minor <= _minor_bound(f.amount_max, DocumentRow.currency, ROUND_FLOOR))
    return where


def _filtered(company_id: int, f: DocumentFilter, *, every_row: bool) -> Any:
    """The filtered documents with their sums (allocated: allocations + write-offs; deducted: deductions).

    For a page in a column's order (`every_row` False) the sums are correlated scalars: the database reads the
    page's rows through an index and sums only for them. Where every filtered row's sums are needed anyway (a
    status filter, the balance order, the totals of such a list), they come from sums grouped by document over
    the filtered documents, joined once: the database then picks a hash join or index lookups by the size of
    the selection, and each sum is computed once per document (a merged correlated scalar is re-run for every
    expression that uses it)."""
    where = _conditions(company_id, f)
    if every_row:
        allocations = _by_document(AllocationRow.amount_minor, AllocationRow.document_id, where)
        write_offs = _by_document(WriteOffRow.amount_minor, WriteOffRow.document_id, where)
        deductions = _by_document(DeductionRow.amount_minor, DeductionRow.invoice_id, where)
        allocated = func.coalesce(allocations.c.total, 0) + func.coalesce(write_offs.c.total, 0)
        deducted = func.coalesce(deductions.c.total, 0)
    else:
        allocated, deducted = document_settled_scalar(), _deducted_scalar()
    stmt = select(
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
        allocated.label("allocated"),
        deducted.label("deducted"),
    ).join(PartyRow, PartyRow.id == DocumentRow.party_id)
    if every_row:
        for sums in (allocations, write_offs, deductions):
            stmt = stmt.outerjoin(sums, sums.c.document_id == DocumentRow.id)
    return stmt.where(*where).subquery("docs")


def _by_document(amount: Any, document_id: Any, where: list[Any]) -> Any:
    """Sum of `amount` per filtered document (its rows joined to the documents the filters keep)."""
    return (
        select(document_id.label("document_id"), func.sum(amount).label("total"))
        .join(DocumentRow, DocumentRow.id == document_id)
        .where(*where)
        .group_by(document_id)
        .subquery()
    )


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


def _where(company_id: int, f: DocumentFilter, *, every_row: bool) -> tuple[Any, list[Any]]:
    docs = _filtered(company_id, f, every_row=every_row)
    status = _status_predicate(docs, f.status)
    return docs, [] if status is None else [status]


def totals(session: Session, company_id: int, f: DocumentFilter, currency: str) -> DocumentListTotals:
    """Count of every filtered row and, over those in `currency`, gross, deposits, paid and balance due.

    Without a status filter the sums need no per-document figure: they are the allocations, write-offs and
    deductions whose document passes the filters, each summed by a join on the filtered documents (the same
    rows the correlated sums read, without one sub-query per document). With a status filter each document's
    settled amount decides whether it counts: sums grouped by document, joined once (`_filtered`)."""
    _planner(session)
    parts = _status_totals(company_id, f, currency) if f.status else _joined_totals(company_id, f, currency)
    count = other = 0
    sums = {"gross": 0, "allocated_c": 0, "deducted_c": 0, "allocated_i": 0, "deducted_i": 0}
    for is_commercial, is_same, n, gross, allocated, deducted in session.execute(parts):
        count += int(n)
        if not is_same:
            other += int(n)
            continue
        suffix = "c" if is_commercial else "i"
        sums["gross"] += int(gross)
        sums[f"allocated_{suffix}"] += int(allocated)
        sums[f"deducted_{suffix}"] += int(deducted)
    money = Money.from_minor
    settled = sums["allocated_c"] + sums["deducted_c"] + sums["allocated_i"] + sums["deducted_i"]
    return DocumentListTotals(
        count=count,
        gross=money(sums["gross"], currency),
        deposits=money(sums["allocated_c"] + sums["deducted_i"], currency),
        paid=money(sums["deducted_c"] + sums["allocated_i"], currency),
        balance_due=money(sums["gross"] - settled, currency),
        other_currency=other,
    )


def _status_totals(company_id: int, f: DocumentFilter, currency: str) -> Any:
    docs, where = _where(company_id, f, every_row=True)
    commercial = docs.c.kind.in_(COMMERCIAL_KINDS)
    same = docs.c.currency == currency
    return (
        select(
            commercial,
            same,
            func.count(),
            func.coalesce(func.sum(docs.c.gross), 0),
            func.coalesce(func.sum(docs.c.allocated), 0),
            func.coalesce(func.sum(docs.c.deducted), 0),
        )
        .where(*where)
        .group_by(commercial, same)
    )


def _joined_totals(company_id: int, f: DocumentFilter, currency: str) -> Any:
    """(commercial, same currency, count, gross, allocated, deducted) rows, one per source and group."""
    where = _conditions(company_id, f)
    commercial = DocumentRow.kind.in_(COMMERCIAL_KINDS)
    same = DocumentRow.currency == currency
    zero = literal(0, BigInteger)

    def grouped(*columns: Any, join: tuple[Any, Any] | None = None) -> Any:
        stmt = select(commercial.label("c"), same.label("s"), *columns)
        stmt = stmt.select_from(join[0]).join(DocumentRow, join[1]) if join else stmt.select_from(DocumentRow)
        return stmt.where(*where).group_by(commercial, same)

    def total_of(amount: Any) -> Any:
        return func.coalesce(func.sum(amount), 0)

    return union_all(
        grouped(func.count(), total_of(DocumentRow.gross_minor), zero, zero),
        grouped(
            zero,
            zero,
            total_of(AllocationRow.amount_minor),
            zero,
            join=(AllocationRow, AllocationRow.document_id == DocumentRow.id),
        ),
        grouped(
            zero,
            zero,
            total_of(WriteOffRow.amount_minor),
            zero,
            join=(WriteOffRow, WriteOffRow.document_id == DocumentRow.id),
        ),
        grouped(
            zero,
            zero,
            zero,
            total_of(DeductionRow.amount_minor),
            join=(DeductionRow, DeductionRow.invoice_id == DocumentRow.id),
        ),
    )


def _planner(session: Session) -> None:
    """PostgreSQL: no JIT compilation for these reads. The planner prices each correlated sum as a separate scan,
    so a list of some thousand rows crosses the JIT thresholds and compiles for longer (up to a second) than the
    query runs (bench/lists.py). SET LOCAL ends with the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _ordered(company_id: int, f: DocumentFilter, sort: str, descending: bool) -> tuple[Any, Any, Any]:
    docs, where = _where(company_id, f, every_row=bool(f.status) or sort == "balance")
    key = sort_key(docs, sort).label("sort_key")
    stmt = select(docs, key).where(*where)
    order = (key.desc(), docs.c.id.desc()) if descending else (key.asc(), docs.c.id.asc())
    return docs, key, stmt.order_by(*order)


def page(
    session: Session, company_id: int, f: DocumentFilter, *, sort: str, descending: bool, offset: int, limit: int
) -> list[DocumentListRow]:
    _planner(session)
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
    _planner(session)
    docs, _key, stmt = _ordered(company_id, f, sort, descending)
    if after is not None:
        position, last = tuple_(sort_key(docs, sort), docs.c.id), tuple_(*after)
        stmt = stmt.where(position < last if descending else position > last)
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
